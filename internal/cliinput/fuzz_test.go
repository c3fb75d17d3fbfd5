package cliinput

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse checks Parse's invariants on any input: no panic, one of the
// sentinel errors on failure, and on success a non-empty value that was
// taken from the input (or joined from chunks that were).
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		flaskCookie,
		"session=" + flaskCookie,
		"Cookie: a=1; session=" + flaskCookie,
		"Set-Cookie: session=" + flaskCookie + "; HttpOnly; Path=/",
		"Cookie: session=~2~abc; session.2=def",
		"Cookie: session=~3~abc; session.2=def",
		"a=1; session=abc",
		"> Cookie: x=1\r\n< Set-Cookie: session=abc; Path=/",
		"* x\n> GET / HTTP/1.1\n> Cookie: session=a\n< HTTP/1.1 302 Found\n< Set-Cookie: session=; Max-Age=0\n\nbody",
		"HTTP/1.1 200 OK\nSet-Cookie: session=~2~a\nSet-Cookie: session.2=b\n",
		`"'abc'"`,
		"MTcwMDAwMDAwMHxhYg==",
		"", ";", "=", "Cookie:", "\xff=\xfe",
		"\ufeff" + flaskCookie, "\u200b" + flaskCookie,
		"#HttpOnly_h\tFALSE\t/\tTRUE\t0\tsession\tabc\n# c\nh\tFALSE\t/\tFALSE\t0\tx\ty",
		"session\tabc\th\t/\tSession\t9",
		`[{"name":"session","value":"a\u0062c"}]`,
		`{"cookies":[{"name":"session","value":"abc"}]}`,
		`{"log":{"entries":[{"request":{"headers":[{"name":"cookie","value":"session=a"}]},"response":{"status":302,"headers":[{"name":"Set-Cookie","value":"session=b; Max-Age=0"}],"cookies":[{"name":"session","value":"c","expires":"2020-01-01T00:00:00Z"}]}}]}}`,
		"curl 'https://h/' -b 'session=abc' -H $'cookie: x=\\'1' --cookie=\"session=d\" -Hcookie:\\ a=1",
		":authority: h\n:method: GET\ncookie: session=abc\naccept: */*",
		"content-type: text/html\nset-cookie: session=abc; Max-Age=600\nset-cookie: session=; Max-Age=0",
		"Set-Cookie: session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/",
		"Set-Cookie: session=abc; Path=/\nSet-Cookie: session=; Max-Age=0; Domain=.h; Path=/admin",
		"GET /a/b HTTP/1.1\nHost: h\n\nHTTP/1.1 200 OK\nSet-Cookie: session=abc\n\nGET /c HTTP/1.1\nHost: h\n\nHTTP/1.1 302 Found\nSet-Cookie: session=; Max-Age=0; Path=/",
		"curl ^\"https://h/^\" ^\r\n  -b ^\"session=abc^^x^\" ^\n  --compressed",
		"$session.Cookies.Add((New-Object System.Net.Cookie(\"session\", \"abc\", \"/\", \"h\")))\n-Headers @{\"cookie\"=\"a=1; session=d\"}",
		"2026-12-07T20:00:00Z set-cookie: session=abc\n2026-12-07T20:00:01Z x: y",
		"\n {\"log\": {\"entries\": []}}",
	} {
		f.Add(s, "session", false)
	}
	f.Fuzz(func(t *testing.T, text, name string, nameSet bool) {
		in, err := Parse(text, Options{Name: name, NameSet: nameSet})
		if err != nil {
			for _, sentinel := range []error{ErrEmpty, ErrTooLarge, ErrNotFound, ErrSyntax, ErrChunks, ErrDeleted} {
				if errors.Is(err, sentinel) {
					return
				}
			}
			t.Fatalf("error %v wraps no sentinel", err)
		}
		if in.Value == "" {
			t.Fatal("success with an empty value")
		}
		// JSON and a curl command line unescape what they quote.
		unescaped := in.Form == FormHAR || in.Form == FormJSONExport || in.Form == FormCurlCommand
		if !in.Chunked && !unescaped && !strings.Contains(text, in.Value) {
			t.Fatalf("value %q is not part of the input", in.Value)
		}
		if err := CheckValue(in.Value); err != nil {
			t.Fatalf("value %q: %v", in.Value, err)
		}
		if in.Name == "" {
			t.Fatal("empty name")
		}
	})
}
