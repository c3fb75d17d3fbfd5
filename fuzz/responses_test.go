package fuzz

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/internal/cliinput"
)

var responseSentinels = []error{cliinput.ErrNotFound, cliinput.ErrDeleted, cliinput.ErrEmpty, cliinput.ErrChunks}

// splitResponses turns fuzz text into responses: blank lines separate
// responses, lines are Set-Cookie header values.
func splitResponses(text string) []cliinput.Response {
	var rs []cliinput.Response
	for _, block := range strings.Split(text, "\n\n") {
		rs = append(rs, cliinput.Response{Method: "GET", URL: "http://127.0.0.1/", Status: "200 OK", SetCookie: strings.Split(block, "\n")})
	}
	return rs
}

// lastHeaderNamed returns the last Set-Cookie value of r whose pair is
// named name, as SetCookiePair reads it one header at a time.
func lastHeaderNamed(r cliinput.Response, name string) (header string, ck cliinput.Cookie, ok bool) {
	for _, h := range r.SetCookie {
		if c, err := cliinput.SetCookiePair(h); err == nil && c.Name == name {
			header, ck, ok = h, c, true
		}
	}
	return header, ck, ok
}

// deletes reports, by net/http's reading of the attributes, whether the
// Set-Cookie value h deletes its cookie at now; known is false when
// net/http cannot read h.
func deletes(h string, now time.Time) (del, known bool) {
	c, err := http.ParseSetCookie(h)
	if err != nil {
		return false, false
	}
	return c.MaxAge < 0 || (c.MaxAge == 0 && !c.Expires.IsZero() && !c.Expires.After(now)), true
}

// FuzzFetchResponses feeds the Set-Cookie headers of a hostile server's
// responses (the CLI's --url) to cliinput.FromResponses. It asserts that
// it never panics; that errors wrap exactly one sentinel; that the cookie
// comes from the last response that set the name (checked header by header
// with SetCookiePair), with the value of that response's last such header
// unless it was joined from chunks; that a header net/http reads as a
// deletion is reported as ErrDeleted and never decoded; and that a result
// has the asked-for name and a non-empty value.
func FuzzFetchResponses(f *testing.F) {
	for _, s := range testStrings(f, "../cmd/cookiecodec", "../internal/cliinput") {
		f.Add(s, "session", int64(1700000000))
	}
	for _, v := range flaskVectors(f) {
		if len(v.SetCookieHeaders) > 0 {
			f.Add(strings.Join(v.SetCookieHeaders, "\n")+"\n\ntheme=dark", "session", int64(1700000000))
		}
	}
	f.Add("session=a.b.c; Path=/\n\nsession=; Max-Age=0\n\nother=1", "session", int64(0))
	f.Add("session=~2~ab; Path=/\nsession.2=cd\nsession.3=; Max-Age=0", "session", int64(0))
	f.Add("session=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT\n\n", "session", int64(1))
	f.Add("sid=\"q\"; Max-Age=5; Expires=Thu, 01 Jan 1970 00:00:00 GMT", "sid", int64(1))
	f.Fuzz(func(t *testing.T, text, name string, nowUnix int64) {
		rs := splitResponses(text)
		now := time.Unix(nowUnix%(1<<40), 0)
		in, at, err := cliinput.FromResponses(rs, name, now)
		if name == "" {
			name = "session"
		}
		if err != nil && !wrapsExactlyOne(err, responseSentinels...) {
			t.Fatalf("error %v wraps not exactly one sentinel", err)
		}
		if (at < 0) != errors.Is(err, cliinput.ErrNotFound) || at >= len(rs) {
			t.Fatalf("response index %d of %d with error %v", at, len(rs), err)
		}
		if at < 0 {
			for i, r := range rs {
				if _, _, ok := lastHeaderNamed(r, name); ok {
					t.Fatalf("ErrNotFound, but response %d sets %q", i, name)
				}
			}
			return
		}
		header, ck, ok := lastHeaderNamed(rs[at], name)
		if !ok {
			t.Fatalf("response %d chosen, but it does not set %q", at, name)
		}
		for i := at + 1; i < len(rs); i++ {
			if _, _, later := lastHeaderNamed(rs[i], name); later {
				t.Fatalf("response %d chosen, but the later response %d sets %q too", at, i, name)
			}
		}
		del, known := deletes(header, now)
		switch {
		case known && del && !errors.Is(err, cliinput.ErrDeleted):
			t.Fatalf("header %q deletes the cookie at %v, got %v", header, now, err)
		case known && !del && errors.Is(err, cliinput.ErrDeleted):
			t.Fatalf("header %q does not delete the cookie at %v, got %v", header, now, err)
		}
		if err != nil {
			return
		}
		if in.Name != name || in.Value == "" {
			t.Fatalf("result name %q value %q, want name %q and a value", in.Name, in.Value, name)
		}
		if !in.Chunked && in.Value != ck.Value {
			t.Fatalf("value %q, but the header that counts, %q, sets %q", in.Value, header, ck.Value)
		}
	})
}
