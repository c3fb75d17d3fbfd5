package fuzz

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/internal/cliinput"
)

var cliSentinels = []error{cliinput.ErrEmpty, cliinput.ErrTooLarge, cliinput.ErrNotFound, cliinput.ErrSyntax, cliinput.ErrChunks, cliinput.ErrDeleted}

// FuzzCLIInput parses arbitrary pasted text as the CLI does (a raw value,
// name=value, Cookie: and Set-Cookie: lines, curl -v markers, several
// lines, chunked sessions, whole curl -v and curl -i transcripts). It asserts that Parse never panics; that errors
// wrap exactly one sentinel; that a result has a non-empty value that
// occurs in the input (or is joined from chunks), the wanted name when the
// user set one, and a duplicate count that matches its cookie list; and,
// against net/http's own parsers, that a single well-formed Cookie: or
// Set-Cookie: line gives the value net/http reads for that name.
func FuzzCLIInput(f *testing.F) {
	for _, s := range testStrings(f, "../internal/cliinput") {
		f.Add(s, "", false)
		f.Add(s, "session", true)
	}
	for _, v := range flaskVectors(f) {
		for _, h := range v.SetCookieHeaders {
			f.Add("Set-Cookie: "+h, "", false)
		}
		f.Add("Cookie: other=1; session="+v.Cookie+"; session=2", "session", true)
	}
	f.Add("> Cookie: a=1; session=~2~ab; session.2=cd", "", false)
	f.Add("< Set-Cookie: session=\"abc\"; Path=/; HttpOnly\n< Set-Cookie: x=y", "x", true)
	f.Add("* Connected\n> GET /login HTTP/1.1\n> Cookie: session=old\n>\n< HTTP/1.1 302 FOUND\n< Set-Cookie: session=new; Path=/\n<\n* Issue another request\n> GET / HTTP/1.1\n< HTTP/1.1 200 OK\n", "", false)
	f.Add("HTTP/1.1 200 OK\r\nSet-Cookie: session=~2~ab; Path=/\r\nSet-Cookie: session.2=cd\r\n\r\n<html>", "", false)
	f.Add("HTTP/2 200\nset-cookie: session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0\n", "", false)
	f.Add("Set-Cookie: session=0;EXpires=Thu, 01 JAn 0000 0:00:00 AAA", "", false)
	f.Add("Set-Cookie: session=deleted; Max-Age=0", "", false)
	f.Fuzz(func(t *testing.T, text, name string, nameSet bool) {
		in, err := cliinput.Parse(text, cliinput.Options{Name: name, NameSet: nameSet})
		want := name
		if want == "" {
			want = "session"
		}
		if err != nil {
			if !wrapsExactlyOne(err, cliSentinels...) {
				t.Fatalf("error %v wraps not exactly one sentinel", err)
			}
			checkAgainstNetHTTP(t, text, want, nil, err)
			return
		}
		if limit := cliinput.MaxInput; len(text) > limit && !(cliinput.LooksHAR(text) && len(text) <= cliinput.MaxHAR) {
			t.Fatalf("accepted %d bytes, limit %d (a HAR: %d)", len(text), limit, cliinput.MaxHAR)
		}
		if in.Value == "" {
			t.Fatal("empty value without an error")
		}
		// JSON (a HAR, a cookie export) and a curl command line unescape
		// what they quote: their values need not occur as they are.
		unescaped := in.Form == cliinput.FormHAR || in.Form == cliinput.FormJSONExport || in.Form == cliinput.FormCurlCommand
		if !in.Chunked && !unescaped && !strings.Contains(text, in.Value) {
			t.Fatalf("value %q does not occur in the input %q", in.Value, text)
		}
		if in.Value != strings.TrimSpace(in.Value) && !in.Chunked {
			t.Fatalf("value %q keeps surrounding space", in.Value)
		}
		if nameSet && in.Name != want {
			t.Fatalf("name %q, but the user asked for %q", in.Name, want)
		}
		if in.NameFromInput && !unescaped && !strings.Contains(text, in.Name) {
			t.Fatalf("name %q does not occur in the input", in.Name)
		}
		if in.Form == cliinput.FormValue {
			if in.Cookies != nil || in.Name != want || in.NameFromInput {
				t.Fatalf("raw value with cookies %q, name %q (from input %v)", in.Cookies, in.Name, in.NameFromInput)
			}
		} else if len(in.Cookies) > cliinput.MaxCookies {
			t.Fatalf("%d cookies, limit %d", len(in.Cookies), cliinput.MaxCookies)
		}
		if in.Form == cliinput.FormCookieHeader || in.Form == cliinput.FormSetCookieHeader {
			n := 0
			for _, c := range in.Cookies {
				if c.Name == want {
					n++
				}
			}
			if in.Duplicates != max(0, n-1) {
				t.Fatalf("%d duplicates of %q reported, the cookie list has %d cookies of that name", in.Duplicates, want, n)
			}
		}
		checkAgainstNetHTTP(t, text, want, &in, nil)
	})
}

// checkAgainstNetHTTP compares one well-formed header line with net/http:
// when http.ParseCookie (or ParseSetCookie) reads the line, holds a cookie
// called want whose value is not a chunk header and carries no quotes of
// its own (Parse strips quotes repeatedly, by design), Parse must succeed
// with that first value.
func checkAgainstNetHTTP(t *testing.T, text, want string, in *cliinput.Input, err error) {
	t.Helper()
	line := strings.TrimSpace(text)
	if strings.ContainsAny(line, "\r\n") || len(line) > cliinput.MaxInput {
		return
	}
	var cookies []*http.Cookie
	if rest, ok := strings.CutPrefix(line, "Cookie: "); ok {
		cs, perr := http.ParseCookie(rest)
		if perr != nil || len(cs) > cliinput.MaxCookies {
			return
		}
		cookies = cs
	} else if rest, ok := strings.CutPrefix(line, "Set-Cookie: "); ok {
		c, perr := http.ParseSetCookie(rest)
		if perr != nil {
			return
		}
		cookies = []*http.Cookie{c}
	} else {
		return
	}
	var first *http.Cookie
	for _, c := range cookies {
		if c.Name == want {
			first = c
			break
		}
	}
	// A value with a character outside RFC 6265's cookie-octet (net/http
	// also takes ' ' and ','), Parse refuses by design.
	if first == nil || first.Value == "" || strings.ContainsAny(first.Value, "\"'~ \t,") || strings.Contains(first.Raw, "\"") {
		return
	}
	if strings.Contains(line, want+".") {
		return // possible chunk cookies: their rules are FuzzChunks'
	}
	// A Set-Cookie that deletes its cookie (net/http: MaxAge < 0, or an
	// Expires in the past) is reported as a deletion, as a browser drops
	// the cookie, whatever its value.
	if errors.Is(err, cliinput.ErrDeleted) && (first.MaxAge < 0 || !first.Expires.IsZero() && first.Expires.Before(time.Now())) {
		return
	}
	if err != nil {
		t.Fatalf("%q: net/http reads %s=%q, Parse fails: %v", text, want, first.Value, err)
	}
	if in.Value != first.Value || in.Name != want {
		t.Fatalf("%q: net/http reads %s=%q, Parse gives %s=%q", text, want, first.Value, in.Name, in.Value)
	}
}
