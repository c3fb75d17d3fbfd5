package pyliteral

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/cookiecodec/cookiecodec/serializer"
)

// ErrNoLiteral is returned by [Format] for a value that no Python literal
// spells: NaN, and Flask's Markup, UUID and datetime tags (Python writes
// them as calls, which ast.literal_eval does not read). Its message has
// no package prefix: the cookiecodec command shows it to users.
var ErrNoLiteral = errors.New("no Python literal spells this value")

// Format writes v, a value of package serializer's model, as a Python
// literal that [Value] and ast.literal_eval read back as the same session:
// a dict one key per line in the order Flask writes keys (by code point),
// and everything inside it as repr() would write it (True, None, (1,),
// b'\x00', 1.0, 'it\'s' as "it's"), except that infinity is 1e999,
// since repr's inf is not a literal. Strings keep printable characters as
// they are and escape the rest as repr does (\n, \x7f, \u2028).
// NaN, Markup, UUID and time.Time give an error wrapping [ErrNoLiteral].
func Format(v any) (string, error) {
	var b strings.Builder
	m, isMap := v.(map[string]any)
	if !isMap || len(m) == 0 {
		if err := writeLiteral(&b, v, "$"); err != nil {
			return "", err
		}
		return b.String(), nil
	}
	b.WriteString("{\n")
	for _, k := range sortedKeys(m) {
		b.WriteString("    ")
		writeStr(&b, k)
		b.WriteString(": ")
		if err := writeLiteral(&b, m[k], "$."+k); err != nil {
			return "", err
		}
		b.WriteString(",\n")
	}
	b.WriteString("}")
	return b.String(), nil
}

// sortedKeys returns m's keys by code point, the order Flask writes.
// (Go compares strings byte by byte, which for UTF-8 is code point order.)
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// writeLiteral writes v on one line; path names it in errors.
func writeLiteral(b *strings.Builder, v any, path string) error {
	switch v := v.(type) {
	case nil:
		b.WriteString("None")
	case bool:
		if v {
			b.WriteString("True")
		} else {
			b.WriteString("False")
		}
	case int64:
		b.WriteString(strconv.FormatInt(v, 10))
	case *big.Int:
		b.WriteString(v.String())
	case float64:
		switch {
		case math.IsNaN(v):
			return fmt.Errorf("%w: NaN at %s", ErrNoLiteral, path)
		case math.IsInf(v, 1):
			b.WriteString("1e999")
		case math.IsInf(v, -1):
			b.WriteString("-1e999")
		default:
			// The serializer writes floats as Python's repr does.
			text, err := serializer.Marshal(v)
			if err != nil {
				return err
			}
			b.Write(text)
		}
	case string:
		writeStr(b, v)
	case []byte:
		writeBytes(b, v)
	case serializer.Tuple:
		close := ")"
		if len(v) == 1 {
			close = ",)" // (x) would be x itself
		}
		return writeItems(b, "(", close, v, path)
	case []any:
		return writeItems(b, "[", "]", v, path)
	case map[string]any:
		b.WriteByte('{')
		for i, k := range sortedKeys(v) {
			if i > 0 {
				b.WriteString(", ")
			}
			writeStr(b, k)
			b.WriteString(": ")
			if err := writeLiteral(b, v[k], path+"."+k); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	default:
		return fmt.Errorf("%w: a %T at %s", ErrNoLiteral, v, path)
	}
	return nil
}

// writeItems writes the items of a tuple or list between open and close.
func writeItems(b *strings.Builder, open, close string, items []any, path string) error {
	b.WriteString(open)
	for i, x := range items {
		if i > 0 {
			b.WriteString(", ")
		}
		if err := writeLiteral(b, x, fmt.Sprintf("%s[%d]", path, i)); err != nil {
			return err
		}
	}
	b.WriteString(close)
	return nil
}

// writeStr writes s as repr() writes a str.
func writeStr(b *strings.Builder, s string) {
	writeQuoted(b, []rune(s), false)
}

// writeQuoted writes the characters of a str, or the bytes of a bytes
// value (each as a rune below 256), as repr() writes them: in single
// quotes unless they hold a single quote and no double quote; with \n,
// \r, \t, the quote and the backslash escaped; other control characters
// as \xNN; in bytes everything from 0x7f as \xNN; in a str printable
// characters kept and the rest as \xNN, \uNNNN or \UNNNNNNNN.
func writeQuoted(b *strings.Builder, chars []rune, isBytes bool) {
	q := '\''
	if slices.Contains(chars, '\'') && !slices.Contains(chars, '"') {
		q = '"'
	}
	if isBytes {
		b.WriteByte('b')
	}
	b.WriteRune(q)
	for _, r := range chars {
		switch {
		case r == q || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(b, `\x%02x`, r)
		case r < 0x80 || (!isBytes && isPrintable(r)):
			b.WriteRune(r)
		case r <= 0xff:
			fmt.Fprintf(b, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(b, `\u%04x`, r)
		default:
			fmt.Fprintf(b, `\U%08x`, r)
		}
	}
	b.WriteRune(q)
}

// isPrintable approximates Python's str.isprintable for one character
// outside ASCII: a graphic character that is not a space separator.
// Where the two differ, the output is still a literal of the same string,
// only spelled otherwise than repr() would.
func isPrintable(r rune) bool {
	return unicode.IsGraphic(r) && !unicode.Is(unicode.Zs, r)
}

// BytesLiteral returns p written as repr() writes bytes: b'...', or
// b"..." when p holds a single quote and no double quote, with \xNN for
// bytes outside printable ASCII.
func BytesLiteral(p []byte) string {
	var b strings.Builder
	writeBytes(&b, p)
	return b.String()
}

// writeBytes writes p as repr() writes bytes.
func writeBytes(b *strings.Builder, p []byte) {
	chars := make([]rune, len(p))
	for i, c := range p {
		chars[i] = rune(c)
	}
	writeQuoted(b, chars, true)
}
