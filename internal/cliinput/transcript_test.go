package cliinput

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestTranscript checks the reading of a pasted HTTP exchange: the last
// Set-Cookie of the name across the responses, else the Cookie header of
// the last request that sends one; other lines are ignored.
func TestTranscript(t *testing.T) {
	now := time.Unix(1700000000, 0)
	tests := []struct {
		name, text, value string
		err               error
	}{
		{"curl -i, redirect then page", "HTTP/1.1 302 FOUND\nLocation: /\nSet-Cookie: session=a; Path=/\n\nHTTP/1.1 200 OK\nContent-Length: 2\n\nok", "a", nil},
		{"later response wins", "< HTTP/2 302\n< set-cookie: session=a\n< HTTP/2 200\n< set-cookie: session=b; Path=/\n", "b", nil},
		{"request then response", "> GET / HTTP/1.1\n> Cookie: session=old\n< HTTP/1.1 200 OK\n< Set-Cookie: session=new\n", "new", nil},
		{"requests only: the last", "> GET / HTTP/1.1\n> Cookie: session=one\n* note\n> GET /b HTTP/1.1\n> Cookie: a=1; session=two\n", "two", nil},
		{"raw request, as Burp copies it", "GET / HTTP/1.1\r\nHost: x\r\nCookie: a=1; session=raw\r\nUser-Agent: y\r\n\r\n", "raw", nil},
		{"raw POST with a body", "POST /login HTTP/1.1\nHost: x\nCookie: session=p\nContent-Type: application/x-www-form-urlencoded\n\nuser=alice&pw=x", "p", nil},
		{"raw request without the cookie", "GET / HTTP/1.1\nHost: x\nCookie: other=1\n", "", ErrNotFound},
		{"set-cookie before any status", "* Connected\n< Set-Cookie: session=x\n< Location: /\n", "x", nil},
		{"deleted", "HTTP/1.1 302 FOUND\nSet-Cookie: session=; Max-Age=0\n", "", ErrDeleted},
		{"expired", "HTTP/1.1 200 OK\nSet-Cookie: session=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT\n", "", ErrDeleted},
		{"other cookie", "HTTP/1.1 200 OK\nSet-Cookie: other=x\n", "", ErrNotFound},
		{"none", "HTTP/1.1 200 OK\nServer: x\n", "", ErrNotFound},
		{"too many", "HTTP/1.1 200 OK\n" + strings.Repeat("Set-Cookie: a=1\n", MaxCookies+1), "", ErrTooLarge},
	}
	for _, tc := range tests {
		in, err := Parse(tc.text, Options{Now: now})
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("%s: error %v, want %v", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil || in.Value != tc.value {
			t.Errorf("%s: %q, %v; want %q", tc.name, in.Value, err, tc.value)
		}
	}
	// Header lines without a status line follow the transcript's rule
	// too: a Set-Cookie line counts before a Cookie line.
	in, err := Parse("> Cookie: session=a\n< Set-Cookie: session=b", Options{})
	if err != nil || in.Value != "b" || in.Duplicates != 0 {
		t.Errorf("header lines: %+v, %v", in, err)
	}
	// Cookie lines alone keep the Cookie header's reading (the first
	// cookie of the name, with the others counted).
	in, err = Parse("Cookie: session=a\nCookie: session=b", Options{})
	if err != nil || in.Value != "a" || in.Duplicates != 1 {
		t.Errorf("Cookie lines: %+v, %v", in, err)
	}
	if _, err := Parse("Cookie: a=1\nhello", Options{}); !errors.Is(err, ErrSyntax) {
		t.Errorf("junk line: %v", err)
	}
}
