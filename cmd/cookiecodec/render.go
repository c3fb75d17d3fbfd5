package main

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"

	"github.com/cookiecodec/cookiecodec/internal/pyliteral"
)

// painter adds ANSI colours when enabled.
type painter struct{ on bool }

func (p painter) paint(code, s string) string {
	if !p.on {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (p painter) key(s string) string  { return p.paint("36", s) }   // cyan
func (p painter) str(s string) string  { return p.paint("32", s) }   // green
func (p painter) num(s string) string  { return p.paint("33", s) }   // yellow
func (p painter) tag(s string) string  { return p.paint("35", s) }   // magenta
func (p painter) dim(s string) string  { return p.paint("2", s) }    // faint
func (p painter) good(s string) string { return p.paint("1;32", s) } // bold green
func (p painter) bad(s string) string  { return p.paint("1;31", s) } // bold red

// displayString quotes s for the human view: as a JSON string, and then
// with every character that is not printable (unicode.IsPrint: controls
// such as DEL and the C1 range, bidi and other format characters, line
// and paragraph separators, spaces other than U+0020, unassigned code
// points) written as \uXXXX, or \UXXXXXXXX beyond U+FFFF, by printable,
// as Python's repr would escape it. A cookie is untrusted: its text must
// not move the cursor, recolour the terminal, or reorder what the reader
// sees. --json keeps the exact text.
func displayString(s string) string {
	return printable(string(appendJSONString(nil, s)))
}

// renderPayload writes n for people: JSON-like, indented, with Flask's
// tags shown as what they stand for (tuple, bytes, UUID, datetime,
// Markup) and " di" escapes undone. With redact, values become their type
// names and keys stay.
func renderPayload(b *strings.Builder, n *jnode, indent int, redact bool, pt painter) {
	if tag, inner := tagOf(n); tag != "" {
		renderTag(b, tag, inner, indent, redact, pt)
		return
	}
	switch n.kind {
	case 'o':
		renderObject(b, n, indent, redact, pt)
	case 'a':
		renderSeq(b, "[", "]", n.vals, indent, redact, pt)
	case 's':
		if redact {
			b.WriteString(pt.dim("<str>"))
			return
		}
		b.WriteString(pt.str(displayString(n.text)))
	case 'n':
		if redact {
			if isFloatText(n.text) {
				b.WriteString(pt.dim("<float>"))
			} else {
				b.WriteString(pt.dim("<int>"))
			}
			return
		}
		b.WriteString(pt.num(n.text))
	case 'b':
		if redact {
			b.WriteString(pt.dim("<bool>"))
			return
		}
		b.WriteString(pt.num(n.text))
	default:
		b.WriteString(pt.num("null"))
	}
}

// renderObject writes an object's members; its own one-key shape is not
// read as a tag (the caller decided that).
func renderObject(b *strings.Builder, n *jnode, indent int, redact bool, pt painter) {
	if len(n.keys) == 0 {
		b.WriteString("{}")
		return
	}
	pad := strings.Repeat("  ", indent)
	b.WriteString("{\n")
	for i, k := range n.keys {
		b.WriteString(pad + "  " + pt.key(displayString(k)) + ": ")
		renderPayload(b, n.vals[i], indent+1, redact, pt)
		if i < len(n.keys)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString(pad + "}")
}

// renderSeq writes a list or tuple: on one line when every item is a
// scalar, else one item per line.
func renderSeq(b *strings.Builder, open, close string, items []*jnode, indent int, redact bool, pt painter) {
	simple := true
	for _, v := range items {
		if tag, _ := tagOf(v); (v.kind == 'o' || v.kind == 'a') && (tag == "" || tag == " t" || tag == " di") {
			simple = false
		}
	}
	if simple {
		b.WriteString(open)
		for i, v := range items {
			if i > 0 {
				b.WriteString(", ")
			}
			renderPayload(b, v, indent, redact, pt)
		}
		if open == "(" && len(items) == 1 {
			b.WriteByte(',') // Python's one-tuple
		}
		b.WriteString(close)
		return
	}
	pad := strings.Repeat("  ", indent)
	b.WriteString(open + "\n")
	for i, v := range items {
		b.WriteString(pad + "  ")
		renderPayload(b, v, indent+1, redact, pt)
		if i < len(items)-1 || (open == "(" && len(items) == 1) {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString(pad + close)
}

// renderTag writes a tagged value naturally.
func renderTag(b *strings.Builder, tag string, inner *jnode, indent int, redact bool, pt painter) {
	if tag == " t" {
		if inner.kind == 'a' {
			renderSeq(b, "(", ")", inner.vals, indent, redact, pt)
			return
		}
	}
	if tag == " di" && inner.kind == 'o' && len(inner.keys) > 0 {
		// Flask's escape of a one-key dict whose key is a tag: the key
		// loses its last two characters ("__").
		k := inner.keys[0]
		if len(k) >= 2 {
			k = k[:len(k)-2]
		}
		renderObject(b, &jnode{kind: 'o', keys: []string{k}, vals: inner.vals[:1]}, indent, redact, pt)
		return
	}
	if redact {
		b.WriteString(pt.dim("<" + tagTypeName(tag) + ">"))
		return
	}
	if inner.kind != 's' {
		// A tag whose content has the wrong type: show it as written.
		b.WriteString(pt.tag(tagTypeName(tag)+"?") + " ")
		renderPayload(b, inner, indent, redact, pt)
		return
	}
	switch tag {
	case " b":
		raw, err := base64.StdEncoding.DecodeString(inner.text)
		if err != nil {
			b.WriteString(pt.tag("bytes?") + " " + pt.str(displayString(inner.text)))
			return
		}
		b.WriteString(pt.str(pyliteral.BytesLiteral(raw)))
	case " u":
		h := strings.ToLower(strings.NewReplacer("-", "", "{", "", "}", "", "urn:uuid:", "").Replace(inner.text))
		if _, err := hex.DecodeString(h); err != nil || len(h) != 32 {
			b.WriteString(pt.tag("UUID?") + " " + pt.str(displayString(inner.text)))
			return
		}
		b.WriteString(pt.tag("UUID") + "(" + pt.str("'"+h[:8]+"-"+h[8:12]+"-"+h[12:16]+"-"+h[16:20]+"-"+h[20:]+"'") + ")")
	case " d":
		t, err := time.Parse(time.RFC1123, inner.text)
		if err != nil {
			t, err = time.Parse(time.RFC1123Z, inner.text)
		}
		if err != nil {
			b.WriteString(pt.tag("datetime?") + " " + pt.str(displayString(inner.text)))
			return
		}
		b.WriteString(pt.tag("datetime") + " " + pt.num(t.UTC().Format("2006-01-02 15:04:05 UTC")))
	case " dn":
		t, err := time.Parse(time.RFC3339Nano, inner.text)
		if err != nil {
			b.WriteString(pt.tag("time?") + " " + pt.str(displayString(inner.text)))
			return
		}
		b.WriteString(pt.tag("time") + " " + pt.num(t.Format(time.RFC3339Nano)))
	case " m":
		b.WriteString(pt.tag("Markup") + "(" + pt.str(displayString(inner.text)) + ")")
	default:
		b.WriteString(pt.tag(tagTypeName(tag)+"?") + " " + pt.str(displayString(inner.text)))
	}
}
