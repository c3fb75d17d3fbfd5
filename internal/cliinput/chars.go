package cliinput

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// byteOrderMark is U+FEFF, which Windows editors (Notepad, PowerShell's
// Out-File) write at the start of a UTF-8 file. Parse drops it there.
const byteOrderMark = "\uFEFF"

// IsCookieOctet reports whether b may appear in a cookie value: RFC 6265's
// cookie-octet, the printable ASCII characters but space, '"', ',', ';'
// and '\'. Every session format the CLI reads (Flask, native, gorilla, a
// chunk header "~n~", a URL-encoded value) uses these only.
func IsCookieOctet(b byte) bool {
	return b == 0x21 || b >= 0x23 && b <= 0x2b || b >= 0x2d && b <= 0x3a ||
		b >= 0x3c && b <= 0x5b || b >= 0x5d && b <= 0x7e
}

// CheckValue returns nil when every byte of v is a cookie-octet
// ([IsCookieOctet]), else an error wrapping [ErrSyntax] that names the
// first other character, as a code point (or a byte that is not UTF-8),
// and its byte offset in v. It never quotes v: the value may be a secret.
// A character that no cookie value can hold means the text around the
// cookie came with it (a zero-width space from a chat tool, a no-break
// space from a ticket, the tab of a cookie table): verifying the rest
// would blame the key for it.
func CheckValue(v string) error {
	for i := 0; i < len(v); i++ {
		if IsCookieOctet(v[i]) {
			continue
		}
		r, size := utf8.DecodeRuneInString(v[i:])
		what := ""
		switch {
		case r == utf8.RuneError && size <= 1:
			what = fmt.Sprintf("the byte 0x%02X (not UTF-8 text)", v[i])
		default:
			what = describeRune(r)
		}
		return charError(fmt.Sprintf("the cookie value holds %s at byte %d (of %d bytes), which no cookie value can hold: cookie values are printable ASCII without space, '\"', ',', ';' and '\\' (RFC 6265); remove it (invisible characters come with text copied from chat tools, tickets and editors)", what, i, len(v)))
	}
	return nil
}

// charError is CheckValue's error: its message alone, matching ErrSyntax.
type charError string

func (e charError) Error() string { return string(e) }
func (e charError) Unwrap() error { return ErrSyntax }

// runeNames names the characters users most often paste by mistake.
var runeNames = map[rune]string{
	'\t':   "tab",
	' ':    "space",
	'"':    "double quote",
	',':    "comma",
	';':    "semicolon",
	'\\':   "backslash",
	0x7f:   "DEL",
	0xa0:   "no-break space, invisible",
	0xad:   "soft hyphen, invisible",
	0x200b: "zero width space, invisible",
	0x200c: "zero width non-joiner, invisible",
	0x200d: "zero width joiner, invisible",
	0x200e: "left-to-right mark, invisible",
	0x200f: "right-to-left mark, invisible",
	0x2028: "line separator",
	0x2029: "paragraph separator",
	0x202f: "narrow no-break space, invisible",
	0x2060: "word joiner, invisible",
	0xfeff: "zero width no-break space (byte order mark), invisible",
	0xfffd: "replacement character (text that was not valid in its encoding)",
}

// describeRune names r for a message: "U+200B (zero width space,
// invisible)", "U+0009 (tab)", or "U+00E9 'é'".
func describeRune(r rune) string {
	if n, ok := runeNames[r]; ok {
		return fmt.Sprintf("the character U+%04X (%s)", r, n)
	}
	if r < 0x20 || r >= 0x7f && r < 0xa0 {
		return fmt.Sprintf("the control character U+%04X", r)
	}
	if r < 0x7f {
		return fmt.Sprintf("the character %q (U+%04X)", r, r)
	}
	return fmt.Sprintf("the character U+%04X", r)
}

// LooksUTF16 reports whether text, or the start of a file, is UTF-16
// text, which Parse refuses; callers that read a file line by line check
// its start with it, to refuse the file once.
func LooksUTF16(text string) bool { return utf16Text(text) }

// ErrUTF16 is Parse's message for UTF-16 text; it wraps [ErrSyntax].
var ErrUTF16 = fmt.Errorf("%w: the input is UTF-16 text (as PowerShell's > and Out-File write it), not UTF-8: convert it with iconv -f UTF-16 -t UTF-8, or write it with Out-File -Encoding ascii", ErrSyntax)

// utf16Text reports whether text looks like UTF-16 (PowerShell's ">" and
// Out-File write it): a UTF-16 byte order mark, or a NUL byte among the
// first characters, which ASCII text in UTF-16 has in every other byte
// (a byte order mark alone, without them, is not enough).
func utf16Text(text string) bool {
	head := text[:min(len(text), 8)]
	if strings.HasPrefix(head, "\xff\xfe") || strings.HasPrefix(head, "\xfe\xff") {
		head = head[2:]
	}
	return len(head) >= 4 && strings.Count(head, "\x00") >= len(head)/2-1
}
