package main

import (
	"strings"
	"testing"
)

// TestRenderTags: Flask's tags are shown as what they stand for, the " di"
// escape is undone, and --redact keeps keys and types only.
func TestRenderTags(t *testing.T) {
	payload := `{"b":{" b":"AAH/Jw=="},"d":{" d":"Thu, 29 Feb 2024 23:59:58 GMT"},"e":{" di":{" t__":[1]}},"m":{" m":"<b>hi</b>"},"n":null,"one":{" t":["x"]},"t":{" t":[1,"a",[2,3]]},"u":{" u":"0123456789abcdef0123456789abcdef"},"x":1.5e+300}`
	n, err := parseJSON([]byte(payload))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	renderPayload(&b, n, 0, false, painter{})
	want := `{
  "b": b"\x00\x01\xff'",
  "d": datetime 2024-02-29 23:59:58 UTC,
  "e": {
    " t": [1]
  },
  "m": Markup("<b>hi</b>"),
  "n": null,
  "one": ("x",),
  "t": (
    1,
    "a",
    [2, 3]
  ),
  "u": UUID('01234567-89ab-cdef-0123-456789abcdef'),
  "x": 1.5e+300
}`
	if b.String() != want {
		t.Errorf("render =\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	renderPayload(&b, n, 0, true, painter{})
	for _, s := range []string{`"b": <bytes>`, `"d": <datetime>`, `"e": {`, `" t": [<int>]`, `"m": <markup>`, `"one": (<str>,)`, `"u": <uuid>`, `"x": <float>`} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("redacted render lacks %q:\n%s", s, b.String())
		}
	}
	for _, s := range []string{"hi", "0123", "2024", "1.5"} {
		if strings.Contains(b.String(), s) {
			t.Errorf("redacted render shows %q:\n%s", s, b.String())
		}
	}
	lossy := false
	got := string(appendJSON(nil, n, true, &lossy))
	if want := `{"b":{" b":"<bytes>"},"d":{" d":"<datetime>"},"e":{" di":{" t__":["<int>"]}},"m":{" m":"<markup>"},"n":null,"one":{" t":["<str>"]},"t":{" t":["<int>","<str>",["<int>","<int>"]]},"u":{" u":"<uuid>"},"x":"<float>"}`; got != want {
		t.Errorf("redacted JSON =\n%s\nwant\n%s", got, want)
	}
}

func TestParseJSONLimits(t *testing.T) {
	for _, bad := range []string{"", "{", `{"a":}`, "[1,]", `"\x01"`, "01x", strings.Repeat("[", 300) + strings.Repeat("]", 300), `{"a":1}x`, "\"\xff\""} {
		if _, err := parseJSON([]byte(bad)); err == nil {
			t.Errorf("parseJSON(%q) accepted", bad)
		}
	}
	for _, good := range []string{"NaN", "-Infinity", `[1.0,-0,1e400,"\ud83d\ude00"]`, " {\"a\" : [ ] } "} {
		if _, err := parseJSON([]byte(good)); err != nil {
			t.Errorf("parseJSON(%q): %v", good, err)
		}
	}
}

func TestDurations(t *testing.T) {
	for in, want := range map[string]string{"31d": "31d", "3d4h": "3d4h", "90m": "1h30m", "3600": "1h", "0": "0s", "1.5h": "1h30m", "2678400": "31d", "61s": "1m1s"} {
		d, err := parseDuration(in)
		if err != nil || formatDuration(d) != want {
			t.Errorf("parseDuration(%q) = %v %v, formatted %q, want %q", in, d, err, formatDuration(d), want)
		}
	}
	for _, bad := range []string{"", "-1", "d", "1x", "-3d", "99999999d", "3d-1h"} {
		if _, err := parseDuration(bad); err == nil {
			t.Errorf("parseDuration(%q) accepted", bad)
		}
	}
}

// TestDisplayStringEscapesWhatIsNotPrintable: the human view escapes
// controls, C1 controls, bidi and other format characters, separators and
// odd spaces, so that a cookie cannot drive or mislead the terminal, and
// keeps every printable character, emoji and accents included.
func TestDisplayStringEscapesWhatIsNotPrintable(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"café ✓ 😀 Ж 文", `"café ✓ 😀 Ж 文"`},
		{"\x1b[31mred\x07", `"\u001b[31mred\u0007"`},
		{"del\x7f", `"del\u007f"`},
		{"csi\u009b2J", `"csi\u009b2J"`},
		{"abc\u202edcba\u2066", `"abc\u202edcba\u2066"`},
		{"zero\u200bwidth\ufeff", `"zero\u200bwidth\ufeff"`},
		{"nbsp\u00a0ideographic\u3000", `"nbsp\u00a0ideographic\u3000"`},
		{"line\u2028para\u2029", `"line\u2028para\u2029"`},
		{"tag\U000e0041", `"tag\U000e0041"`},
		{"quote\" backslash\\ <b>&", `"quote\" backslash\\ <b>&"`},
		{"bad \xff utf8", `"bad \ufffd utf8"`},
	} {
		if got := displayString(tc.in); got != tc.want {
			t.Errorf("displayString(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
