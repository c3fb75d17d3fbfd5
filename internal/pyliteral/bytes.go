package pyliteral

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bytes reads a wordlist line the way flask-unsign does by
// default: its wordlists (flask-unsign-wordlist's all.txt and the lists
// made for it) hold one Python string or bytes literal per line, as
// repr() writes them ('secret', "it's", b'\xd2U\x8d'), because many real
// secrets are binary. It returns the secret the line stands for and true
// when the line, stripped of surrounding whitespace, is one such literal
// (or several, which Python joins), optionally followed by a # comment.
// A str is returned as UTF-8, which is how itsdangerous turns a str key
// into bytes.
//
// Everything Python's literal_eval reads that way is read the same, with
// three exceptions that return false: \N{NAME} escapes (Go has no Unicode
// name table), parentheses around the literal, and a literal that comes
// after a comment or a line-joining backslash (a CR inside the line is a
// line break to Python). A str that UTF-8 cannot encode (a lone surrogate
// such as '\ud800') returns false too: no Flask app can sign with it.
// Numbers and other values return false, and so does any line that is not
// valid Python.
func Bytes(line []byte) ([]byte, bool) {
	if !utf8.Valid(line) || bytes.IndexByte(line, 0) >= 0 {
		return nil, false // Python cannot read it as source
	}
	// Python reads a lone CR in source as a line break.
	s := strings.ReplaceAll(strings.TrimFunc(string(line), IsSpace), "\r", "\n")
	var out []byte
	wasBytes := false
	for i := 0; ; i++ {
		v, isBytes, n, ok := oneLiteral(s)
		if !ok || (i > 0 && isBytes != wasBytes) {
			return nil, false // not a literal, or str and bytes mixed
		}
		wasBytes = isBytes
		out = append(out, v...)
		rest, ended := skipBetween(s[n:])
		if ended {
			if !onlyComments(rest) {
				return nil, false
			}
			return out, true
		}
		s = rest // another literal, joined to this one
	}
}

// skipBetween skips what may follow a literal on its logical line:
// spaces, tabs, form feeds, a comment, and a backslash that joins the
// next line. It returns the rest and whether the expression has ended
// there (at a line break or the end of the text).
func skipBetween(s string) (rest string, ended bool) {
	for {
		s = strings.TrimLeft(s, " \t\f")
		switch {
		case s == "":
			return s, true
		case s[0] == '#':
			i := strings.IndexByte(s, '\n')
			if i < 0 {
				return "", true
			}
			s = s[i:]
		case s[0] == '\n':
			return s, true
		case strings.HasPrefix(s, "\\\n"):
			s = s[2:]
		default:
			return s, false
		}
	}
}

// onlyComments reports whether the lines of s are blank or comments.
func onlyComments(s string) bool {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimLeft(l, " \t\f"); l != "" && l[0] != '#' {
			return false
		}
	}
	return true
}

// IsSpace is Python's str.isspace for one character: Unicode white
// space and the separators U+001C to U+001F.
func IsSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// oneLiteral reads the string or bytes literal at the start of s: an
// optional prefix (r, u, b, br, rb, in either case), then a body in
// single, double or tripled quotes. It returns the value
// and the number of bytes of s the literal takes.
func oneLiteral(s string) (value []byte, isBytes bool, n int, ok bool) {
	p := 0
	for p < len(s) && p < 3 && s[p] != '\'' && s[p] != '"' {
		p++
	}
	raw := false
	switch strings.ToLower(s[:p]) {
	case "", "u":
	case "r":
		raw = true
	case "b":
		isBytes = true
	case "br", "rb":
		raw, isBytes = true, true
	default:
		return nil, false, 0, false
	}
	if p == len(s) {
		return nil, false, 0, false
	}
	quote := s[p : p+1]
	if strings.HasPrefix(s[p:], strings.Repeat(quote, 3)) {
		quote = s[p : p+3]
	}
	start := p + len(quote)
	end := -1
	for k := start; k < len(s); {
		switch c := s[k]; {
		case c == '\\':
			k += 2 // an escaped character never ends the literal, even in a raw one
		case c == '\n' && len(quote) == 1:
			return nil, false, 0, false // only tripled quotes span lines
		case strings.HasPrefix(s[k:], quote):
			end = k
			k = len(s)
		default:
			k++
		}
	}
	if end < 0 {
		return nil, false, 0, false // unterminated, or ends in a backslash
	}
	body := s[start:end]
	if isBytes {
		for i := 0; i < len(body); i++ {
			if body[i] >= 0x80 {
				return nil, false, 0, false // bytes literals are ASCII
			}
		}
	}
	if raw {
		value = []byte(body)
	} else if value, ok = unescapePython(body, isBytes); !ok {
		return nil, false, 0, false
	}
	return value, isBytes, end + len(quote), true
}

// unescapePython applies Python's backslash escapes to the body of a
// string (as UTF-8) or bytes literal. An unknown escape keeps its
// backslash, as Python does.
func unescapePython(body string, isBytes bool) ([]byte, bool) {
	out := make([]byte, 0, len(body))
	// char appends the character of code point v: as UTF-8 in a str, as
	// one byte (modulo 256, as Python does for octal) in bytes.
	char := func(v uint32) bool {
		if isBytes {
			out = append(out, byte(v))
			return true
		}
		if v > unicode.MaxRune || (v >= 0xd800 && v <= 0xdfff) {
			return false // not a character UTF-8 can encode
		}
		out = utf8.AppendRune(out, rune(v))
		return true
	}
	for i := 0; i < len(body); {
		if body[i] != '\\' {
			out = append(out, body[i])
			i++
			continue
		}
		e := body[i+1] // the literal's scan guarantees it
		i += 2
		if c := pythonEscapes[e]; c != 0 {
			out = append(out, c)
			continue
		}
		switch e {
		case '\n':
			// A backslash at the end of a line joins the next one.
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := uint32(e - '0')
			for j := 0; j < 2 && i < len(body) && body[i] >= '0' && body[i] <= '7'; j++ {
				v = v*8 + uint32(body[i]-'0')
				i++
			}
			char(v) // at most 0o777: always a character
		case 'x', 'u', 'U', 'N':
			if isBytes && e != 'x' {
				out = append(out, '\\', e) // not escapes in bytes
				continue
			}
			digits := 2
			switch e {
			case 'u':
				digits = 4
			case 'U':
				digits = 8
			case 'N':
				return nil, false // \N{NAME}: no Unicode name table here
			}
			if i+digits > len(body) {
				return nil, false // too few digits: a syntax error
			}
			var v uint32 // 8 hex digits fill it; a rune would overflow
			for ; digits > 0; digits-- {
				d := hexDigit(body[i])
				if d < 0 {
					return nil, false
				}
				v = v*16 + uint32(d)
				i++
			}
			if !char(v) {
				return nil, false
			}
		default:
			out = append(out, '\\') // the character itself follows
			i--
		}
	}
	return out, true
}

// pythonEscapes holds, for each escape that stands for one character,
// that character.
var pythonEscapes = [256]byte{'\\': '\\', '\'': '\'', '"': '"', 'a': '\a', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v'}

// hexDigit returns the value of the hex digit c, or -1.
func hexDigit(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
