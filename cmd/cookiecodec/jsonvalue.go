package main

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// jnode is a parsed tagged-JSON value, kept in source order with numbers
// as their literal text, for display. It is only used to show a payload the
// codec has already accepted (verify) or one that anyone could forge
// (decode); the codecs' own parsers decide validity.
type jnode struct {
	kind byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' bool, 'z' null
	text string
	keys []string
	vals []*jnode
}

// maxDisplayDepth bounds the nesting parseJSON accepts, as the serializer
// does (256 levels).
const maxDisplayDepth = 256

var errJSON = errors.New("payload is not JSON")

// parseJSON parses data as Python's json module reads it: standard JSON
// plus the NaN, Infinity and -Infinity tokens Flask writes.
func parseJSON(data []byte) (*jnode, error) {
	return parseJSONDepth(data, maxDisplayDepth)
}

// parseJSONDepth is parseJSON with another nesting limit.
func parseJSONDepth(data []byte, maxDepth int) (*jnode, error) {
	p := &jparser{s: string(data), maxDepth: maxDepth}
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(p.s) {
		return nil, errJSON
	}
	return n, nil
}

type jparser struct {
	s        string
	i        int
	maxDepth int
}

func (p *jparser) space() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *jparser) value(depth int) (*jnode, error) {
	if depth > p.maxDepth {
		return nil, errJSON
	}
	p.space()
	if p.i >= len(p.s) {
		return nil, errJSON
	}
	switch c := p.s[p.i]; {
	case c == '{':
		p.i++
		n := &jnode{kind: 'o'}
		p.space()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return n, nil
		}
		for {
			p.space()
			k, err := p.str()
			if err != nil {
				return nil, err
			}
			p.space()
			if p.i >= len(p.s) || p.s[p.i] != ':' {
				return nil, errJSON
			}
			p.i++
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			n.keys, n.vals = append(n.keys, k), append(n.vals, v)
			p.space()
			if p.i < len(p.s) && p.s[p.i] == ',' {
				p.i++
				continue
			}
			if p.i < len(p.s) && p.s[p.i] == '}' {
				p.i++
				return n, nil
			}
			return nil, errJSON
		}
	case c == '[':
		p.i++
		n := &jnode{kind: 'a'}
		p.space()
		if p.i < len(p.s) && p.s[p.i] == ']' {
			p.i++
			return n, nil
		}
		for {
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			n.vals = append(n.vals, v)
			p.space()
			if p.i < len(p.s) && p.s[p.i] == ',' {
				p.i++
				continue
			}
			if p.i < len(p.s) && p.s[p.i] == ']' {
				p.i++
				return n, nil
			}
			return nil, errJSON
		}
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return &jnode{kind: 's', text: s}, nil
	case strings.HasPrefix(p.s[p.i:], "true"):
		p.i += 4
		return &jnode{kind: 'b', text: "true"}, nil
	case strings.HasPrefix(p.s[p.i:], "false"):
		p.i += 5
		return &jnode{kind: 'b', text: "false"}, nil
	case strings.HasPrefix(p.s[p.i:], "null"):
		p.i += 4
		return &jnode{kind: 'z', text: "null"}, nil
	case strings.HasPrefix(p.s[p.i:], "NaN"):
		p.i += 3
		return &jnode{kind: 'n', text: "NaN"}, nil
	case strings.HasPrefix(p.s[p.i:], "Infinity"):
		p.i += 8
		return &jnode{kind: 'n', text: "Infinity"}, nil
	case strings.HasPrefix(p.s[p.i:], "-Infinity"):
		p.i += 9
		return &jnode{kind: 'n', text: "-Infinity"}, nil
	case c == '-' || (c >= '0' && c <= '9'):
		start := p.i
		if c == '-' {
			p.i++
		}
		for p.i < len(p.s) && strings.IndexByte("0123456789.eE+-", p.s[p.i]) >= 0 {
			p.i++
		}
		lit := p.s[start:p.i]
		if !json.Valid([]byte(lit)) {
			return nil, errJSON
		}
		if isFloatText(lit) {
			// Python reads a float beyond float64's range (1e999) as an
			// infinity; Flask itself writes Infinity. Only a hand-made
			// payload spells it so, and it is shown as what it means.
			if f, _ := strconv.ParseFloat(lit, 64); math.IsInf(f, 1) {
				lit = "Infinity"
			} else if math.IsInf(f, -1) {
				lit = "-Infinity"
			}
		}
		return &jnode{kind: 'n', text: lit}, nil
	}
	return nil, errJSON
}

// str reads a JSON string at p.i with encoding/json, which validates the
// escapes. Lone surrogates become U+FFFD, as far as display goes.
func (p *jparser) str() (string, error) {
	if p.i >= len(p.s) || p.s[p.i] != '"' {
		return "", errJSON
	}
	j := p.i + 1
	for j < len(p.s) {
		switch p.s[j] {
		case '\\':
			j += 2
			continue
		case '"':
			var out string
			if err := json.Unmarshal([]byte(p.s[p.i:j+1]), &out); err != nil {
				return "", errJSON
			}
			if !utf8.ValidString(p.s[p.i : j+1]) {
				return "", errJSON
			}
			p.i = j + 1
			return out, nil
		}
		j++
	}
	return "", errJSON
}

// isFloatText reports whether a number literal is a float for Python.
func isFloatText(s string) bool { return strings.ContainsAny(s, ".eEIN") }

// tagOf returns the tag key and content of a one-key object whose key is
// one of Flask's tags (or the native time tag), else "".
func tagOf(n *jnode) (string, *jnode) {
	if n.kind != 'o' || len(n.keys) != 1 {
		return "", nil
	}
	switch k := n.keys[0]; k {
	case " t", " b", " m", " u", " d", " di", " dn":
		return k, n.vals[0]
	}
	return "", nil
}

// appendJSON appends n as standard JSON. JSON has no NaN or infinities:
// they are written as the strings "NaN", "Infinity" and "-Infinity" and
// *lossy is set. With redact, every scalar value (not object keys, not tag
// keys) is replaced by a string naming its type, such as "<str>".
func appendJSON(b []byte, n *jnode, redact bool, lossy *bool) []byte {
	switch n.kind {
	case 'o':
		if tag, _ := tagOf(n); redact && tag != "" && tag != " t" && tag != " di" {
			b = append(b, '{')
			b = strconv.AppendQuote(b, tag)
			b = append(b, ':')
			return append(appendJSONString(b, "<"+tagTypeName(tag)+">"), '}')
		}
		b = append(b, '{')
		for i, k := range n.keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, k)
			b = append(b, ':')
			b = appendJSON(b, n.vals[i], redact, lossy)
		}
		return append(b, '}')
	case 'a':
		b = append(b, '[')
		for i, v := range n.vals {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, v, redact, lossy)
		}
		return append(b, ']')
	case 's':
		if redact {
			return appendJSONString(b, "<str>")
		}
		return appendJSONString(b, n.text)
	case 'n':
		if redact {
			if isFloatText(n.text) {
				return appendJSONString(b, "<float>")
			}
			return appendJSONString(b, "<int>")
		}
		switch n.text {
		case "NaN", "Infinity", "-Infinity":
			*lossy = true
			return appendJSONString(b, n.text)
		}
		return append(b, n.text...)
	case 'b':
		if redact {
			return appendJSONString(b, "<bool>")
		}
		return append(b, n.text...)
	}
	return append(b, "null"...)
}

// appendJSONString appends s as a JSON string without HTML escaping.
func appendJSONString(b []byte, s string) []byte {
	var sb strings.Builder
	enc := json.NewEncoder(&sb)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a Go string always encodes
	return append(b, strings.TrimRight(sb.String(), "\n")...)
}

// tagTypeName names a tag's type for redaction and display.
func tagTypeName(tag string) string {
	switch tag {
	case " t":
		return "tuple"
	case " b":
		return "bytes"
	case " m":
		return "markup"
	case " u":
		return "uuid"
	case " d", " dn":
		return "datetime"
	}
	return "dict"
}

// loneSurrogate finds the first \uXXXX escape in a JSON text that is a
// UTF-16 surrogate without its partner (a high one not followed by a low
// one, or a low one alone). Python keeps such a character in its str; a
// Go string cannot hold it, so package serializer reads it as U+FFFD. It
// returns the escape as written and its byte offset. Escaped backslashes
// are skipped, so "\\ud800" (a backslash, then text) is no escape; the
// scan is linear and reads any bytes.
func loneSurrogate(text []byte) (escape string, at int, found bool) {
	for i := 0; i+1 < len(text); i++ {
		if text[i] != '\\' {
			continue
		}
		if text[i+1] != 'u' {
			i++ // an escaped character, perhaps a backslash
			continue
		}
		r, ok := hex4(text, i+2)
		switch {
		case !ok || !utf16.IsSurrogate(r):
		case r < 0xdc00 && i+11 < len(text) && text[i+6] == '\\' && text[i+7] == 'u':
			if lo, ok := hex4(text, i+8); ok && lo >= 0xdc00 && lo <= 0xdfff {
				i += 11 // a valid pair
				continue
			}
			return string(text[i : i+6]), i, true
		default:
			return string(text[i : i+6]), i, true
		}
		i++
	}
	return "", 0, false
}

// hex4 reads the four hex digits at text[i:i+4] as a UTF-16 code unit.
func hex4(text []byte, i int) (rune, bool) {
	if i+4 > len(text) {
		return 0, false
	}
	var r rune
	for _, c := range text[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
