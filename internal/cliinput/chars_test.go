package cliinput

import (
	"errors"
	"strings"
	"testing"
)

// TestInputCharacters: a byte order mark at the start is dropped, other
// characters outside RFC 6265's cookie-octet are refused (ErrSyntax),
// naming the code point and the offset, and UTF-16 text is named.
func TestInputCharacters(t *testing.T) {
	in, err := Parse("\ufeffabc.def.ghi\r\n", Options{})
	if err != nil || in.Value != "abc.def.ghi" {
		t.Errorf("BOM: %q, %v", in.Value, err)
	}
	for _, tc := range []struct{ text, want string }{
		{"\u200babc.def", "U+200B (zero width space, invisible) at byte 0"},
		{"abc.def\u2060", "U+2060 (word joiner, invisible) at byte 7"},
		{"Cookie: a=1; session=ab\u00adc", "U+00AD (soft hyphen, invisible) at byte 2"},
		{"abc\\def", "U+005C (backslash) at byte 3"},
		{"ab\xffc", "the byte 0xFF (not UTF-8 text) at byte 2"},
	} {
		_, err := Parse(tc.text, Options{})
		if !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v; want %q", tc.text, err, tc.want)
		}
	}
	// A tab in a header line is no cookie table (found by FuzzCLIInput).
	if in, err := Parse("Set-Cookie: session=0;\t0", Options{}); err != nil || in.Value != "0" {
		t.Errorf("tab in a Set-Cookie line: %q, %v", in.Value, err)
	}
	if in, err := Parse("HTTP/1.1 200 OK\nSet-Cookie: session=abc\n\n<td>\tx\t/\ty</td>", Options{}); err != nil || in.Value != "abc" {
		t.Errorf("tab in a transcript's body: %q, %v", in.Value, err)
	}
	utf16 := "\xff\xfea\x00b\x00c\x00.\x00d\x00"
	if _, err := Parse(utf16, Options{}); !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), "UTF-16") {
		t.Errorf("UTF-16: %v", err)
	}
}
