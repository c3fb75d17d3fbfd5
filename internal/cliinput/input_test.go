package cliinput

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

const flaskCookie = "eyJfZnJlc2giOnRydWUsInVzZXIiOiJhbGljZSJ9.ZVPxAA.QehH-05txOR6UWU1Sr2AbjfnV0w"

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		opts    Options
		form    Form
		cname   string
		value   string
		dups    int
		fromIn  bool
		wantErr error
	}{
		{name: "raw", text: flaskCookie, form: FormValue, cname: "session", value: flaskCookie},
		{name: "raw newline", text: flaskCookie + "\n", form: FormValue, cname: "session", value: flaskCookie},
		{name: "raw crlf spaces", text: "  \t" + flaskCookie + " \r\n", form: FormValue, cname: "session", value: flaskCookie},
		{name: "double quoted", text: `"` + flaskCookie + `"`, form: FormValue, cname: "session", value: flaskCookie},
		{name: "single quoted", text: `'` + flaskCookie + `'`, form: FormValue, cname: "session", value: flaskCookie},
		{name: "nested quotes", text: ` '"` + flaskCookie + `"' `, form: FormValue, cname: "session", value: flaskCookie},
		{name: "compressed raw", text: ".eJyrVkpOLCpRsopWKs4u1TVQ0g.ZVPxAA.sig", form: FormValue, cname: "session", value: ".eJyrVkpOLCpRsopWKs4u1TVQ0g.ZVPxAA.sig"},
		{name: "padded base64 is raw", text: "MTcwMDAwMDAwMHxhYmM=", form: FormValue, cname: "session", value: "MTcwMDAwMDAwMHxhYmM="},
		{name: "double padded base64 is raw", text: "MTcwMDAwMDAwMHxhYg==", form: FormValue, cname: "session", value: "MTcwMDAwMDAwMHxhYg=="},
		{name: "custom name", text: "sess", opts: Options{Name: "sid", NameSet: true}, form: FormValue, cname: "sid", value: "sess"},
		{name: "pair", text: "session=" + flaskCookie, form: FormPair, cname: "session", value: flaskCookie, fromIn: true},
		{name: "pair other name default", text: "app=" + flaskCookie, form: FormPair, cname: "app", value: flaskCookie, fromIn: true},
		{name: "pair quoted value", text: `session="` + flaskCookie + `"`, form: FormPair, cname: "session", value: flaskCookie, fromIn: true},
		{name: "pair padded value", text: "gs=MTcwMDAwMDAwMHxhYg==", form: FormPair, cname: "gs", value: "MTcwMDAwMDAwMHxhYg==", fromIn: true},
		{name: "pair wrong explicit name", text: "app=" + flaskCookie, opts: Options{Name: "session", NameSet: true}, wantErr: ErrNotFound},
		{name: "cookie header", text: "Cookie: a=1; session=" + flaskCookie + "; b=2", form: FormCookieHeader, cname: "session", value: flaskCookie, fromIn: true},
		{name: "cookie header lower case", text: "cookie:session=" + flaskCookie, form: FormCookieHeader, cname: "session", value: flaskCookie, fromIn: true},
		{name: "cookie header curl", text: "> Cookie: session=" + flaskCookie, form: FormCookieHeader, cname: "session", value: flaskCookie, fromIn: true},
		{name: "cookie header pick name", text: "Cookie: a=1; sid=xyz; session=abc", opts: Options{Name: "sid", NameSet: true}, form: FormCookieHeader, cname: "sid", value: "xyz", fromIn: true},
		{name: "cookie header duplicates first wins", text: "Cookie: session=first; session=second; session=third", form: FormCookieHeader, cname: "session", value: "first", dups: 2, fromIn: true},
		{name: "cookie header single other name", text: "Cookie: app=abc", wantErr: ErrNotFound},
		{name: "cookie header single other name picked", text: "Cookie: app=abc", opts: Options{Name: "app", NameSet: true}, form: FormCookieHeader, cname: "app", value: "abc", fromIn: true},
		{name: "cookie header single default name", text: "Cookie: session=abc", form: FormCookieHeader, cname: "session", value: "abc", fromIn: true},
		{name: "set-cookie other name", text: "Set-Cookie: other=abc; Path=/", wantErr: ErrNotFound},
		{name: "multi line single other name", text: "Cookie: app=abc\n", wantErr: ErrNotFound},
		{name: "cookie header missing", text: "Cookie: a=1; b=2", wantErr: ErrNotFound},
		{name: "cookie header missing explicit", text: "Cookie: app=abc", opts: Options{Name: "session", NameSet: true}, wantErr: ErrNotFound},
		{name: "cookie header empty elements", text: "Cookie: ;; session=abc ;", form: FormCookieHeader, cname: "session", value: "abc", fromIn: true},
		{name: "cookie header no prefix", text: "a=1; session=abc", form: FormCookieHeader, cname: "session", value: "abc", fromIn: true},
		{name: "cookie header bad element", text: "Cookie: a=1; garbage", wantErr: ErrSyntax},
		{name: "cookie header only prefix", text: "Cookie:", wantErr: ErrEmpty},
		{name: "cookie header empty value", text: "Cookie: session=", wantErr: ErrEmpty},
		{name: "set-cookie", text: "Set-Cookie: session=" + flaskCookie + "; HttpOnly; Path=/", form: FormSetCookieHeader, cname: "session", value: flaskCookie, fromIn: true},
		{name: "set-cookie curl", text: "< set-cookie: session=" + flaskCookie + "; Expires=Fri, 15 Dec 2023 22:13:23 GMT; HttpOnly; Path=/", form: FormSetCookieHeader, cname: "session", value: flaskCookie, fromIn: true},
		{name: "set-cookie no prefix", text: "session=" + flaskCookie + "; Path=/; HttpOnly", form: FormSetCookieHeader, cname: "session", value: flaskCookie, fromIn: true},
		{name: "set-cookie other explicit name", text: "Set-Cookie: other=abc; Path=/", opts: Options{Name: "session", NameSet: true}, wantErr: ErrNotFound},
		{name: "set-cookie deletion", text: "Set-Cookie: session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Path=/", wantErr: ErrDeleted},
		{name: "set-cookie empty", text: "Set-Cookie: session=; HttpOnly; Path=/", wantErr: ErrEmpty},
		{name: "set-cookie no pair", text: "Set-Cookie: ; Path=/", wantErr: ErrSyntax},
		{name: "multi line headers", text: "Cookie: a=1\r\nCookie: session=abc\r\n", form: FormCookieHeader, cname: "session", value: "abc", fromIn: true},
		{name: "multi line set-cookie", text: "Set-Cookie: a=1; Path=/\nSet-Cookie: session=abc; Path=/\n", form: FormSetCookieHeader, cname: "session", value: "abc", fromIn: true},
		{name: "multi line junk", text: "Cookie: a=1\nhello", wantErr: ErrSyntax},
		{name: "empty", text: "", wantErr: ErrEmpty},
		{name: "only space and quotes", text: " \"\" \n", wantErr: ErrEmpty},
		{name: "non utf8 raw", text: "\xff\xfe.abc", wantErr: ErrSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := Parse(tt.text, tt.opts)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Parse error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if in.Form != tt.form || in.Name != tt.cname || in.Value != tt.value || in.Duplicates != tt.dups || in.NameFromInput != tt.fromIn {
				t.Errorf("Parse = form %v name %q value %q dups %d fromInput %v; want %v %q %q %d %v",
					in.Form, in.Name, in.Value, in.Duplicates, in.NameFromInput, tt.form, tt.cname, tt.value, tt.dups, tt.fromIn)
			}
		})
	}
}

func TestParseReassemble(t *testing.T) {
	join := func(cs []Cookie, name string) (string, bool, error) {
		var parts []string
		for _, c := range cs {
			if strings.HasPrefix(c.Name, name+".") {
				parts = append(parts, c.Value)
			}
		}
		if len(parts) == 0 {
			return "", false, nil
		}
		if len(parts) == 1 {
			return "", false, errors.New("one chunk only")
		}
		return strings.Join(parts, ""), true, nil
	}
	in, err := Parse("Cookie: x=1; session.0=abc; session.1=def", Options{Reassemble: join})
	if err != nil || !in.Chunked || in.Value != "abcdef" || in.Name != "session" {
		t.Fatalf("Parse chunked = %+v, %v", in, err)
	}
	if _, err := Parse("Cookie: x=1; session.0=abc", Options{Reassemble: join}); err == nil || err.Error() != "one chunk only" {
		t.Fatalf("Parse with a bad chunk set: err = %v", err)
	}
	if _, err := Parse("Cookie: x=1; y=2", Options{Reassemble: join}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Parse without chunks: err = %v", err)
	}
}

func TestParseLimits(t *testing.T) {
	if _, err := Parse(strings.Repeat("a", MaxInput+1), Options{}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized input: err = %v", err)
	}
	var b strings.Builder
	b.WriteString("Cookie: ")
	for range MaxCookies + 1 {
		b.WriteString("a=1; ")
	}
	if _, err := Parse(b.String(), Options{}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("too many cookies: err = %v", err)
	}
	if _, err := Read(strings.NewReader(strings.Repeat("a", MaxInput+1))); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Read oversized: err = %v", err)
	}
	s, err := Read(strings.NewReader("abc\n"))
	if err != nil || s != "abc\n" {
		t.Errorf("Read = %q, %v", s, err)
	}
}

func TestErrorsDoNotEchoValues(t *testing.T) {
	secretish := "eyJzZWNyZXQiOiJodW50ZXIyIn0.ZVPxAA.sig"
	_, err := Parse("Cookie: a="+secretish+"; b="+secretish, Options{})
	if err == nil || strings.Contains(err.Error(), secretish) {
		t.Fatalf("error %v must not quote cookie values", err)
	}
	_, err = Parse("Cookie: \x01bad=1", Options{})
	if err == nil || strings.Contains(err.Error(), "\x01") {
		t.Fatalf("error %q must not quote invalid names", err)
	}
}

func TestFormString(t *testing.T) {
	for f, want := range map[Form]string{FormValue: "raw value", FormPair: "name=value", FormCookieHeader: "Cookie header", FormSetCookieHeader: "Set-Cookie header"} {
		if f.String() != want {
			t.Errorf("%d.String() = %q, want %q", f, f.String(), want)
		}
	}
}

func TestReassembleChunks(t *testing.T) {
	tests := []struct {
		name    string
		header  string
		value   string
		chunked bool
		dups    int
		wantErr error
	}{
		{name: "two chunks", header: "Cookie: session=~2~abc; session.2=def", value: "abcdef", chunked: true},
		{name: "three chunks any order", header: "Cookie: session.3=ghi; other=1; session=~3~abc; session.2=def", value: "abcdefghi", chunked: true},
		{name: "not chunked", header: "Cookie: session=abc; session.2=def", value: "abc"},
		{name: "missing chunk", header: "Cookie: session=~3~abc; session.2=def", wantErr: ErrChunks},
		{name: "leftover chunk above the count ignored", header: "Cookie: session=~2~abc; session.2=def; session.3=ghi", value: "abcdef", chunked: true},
		{name: "duplicate chunk first copy", header: "Cookie: session=~2~abc; session.2=def; session.2=xyz", value: "abcdef", chunked: true, dups: 1},
		{name: "duplicate chunks before the first", header: "Cookie: session.3=g; session.2=d; session.3=h; session=~3~a; session.2=e; session.2=f", value: "adg", chunked: true, dups: 3},
		{name: "duplicate chunk and a missing one", header: "Cookie: session=~3~abc; session.2=def; session.2=xyz", wantErr: ErrChunks},
		{name: "duplicate leftover not counted", header: "Cookie: session=~2~abc; session.2=def; session.3=x; session.3=y", value: "abcdef", chunked: true},
		{name: "count one", header: "Cookie: session=~1~abc", wantErr: ErrChunks},
		{name: "count zero padded", header: "Cookie: session=~02~abc; session.2=def", wantErr: ErrChunks},
		{name: "count absurd", header: "Cookie: session=~999~abc", wantErr: ErrChunks},
		{name: "no header end", header: "Cookie: session=~abc", wantErr: ErrChunks},
		{name: "count with a sign", header: "Cookie: session=~+2~abc; session.2=def", wantErr: ErrChunks},
		{name: "signed chunk name ignored", header: "Cookie: session=~2~abc; session.+2=x; session.2=def", value: "abcdef", chunked: true},
		{name: "only a signed chunk name", header: "Cookie: session=~2~abc; session.+2=def", wantErr: ErrChunks},
		{name: "leading zero chunk name ignored", header: "Cookie: session=~2~abc; session.02=x; session.2=def", value: "abcdef", chunked: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := Parse(tt.header, Options{})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil || in.Value != tt.value || in.Chunked != tt.chunked || in.Name != "session" || in.DuplicateChunks != tt.dups {
				t.Fatalf("Parse = %+v, %v; want value %q chunked %v, %d duplicate chunks", in, err, tt.value, tt.chunked, tt.dups)
			}
		})
	}
}

// TestChunkCombinations checks the order of the combinations of
// duplicated chunks (first copies first, the highest chunk fastest, as the
// cookiesession middleware tries them), their descriptions and the limit.
func TestChunkCombinations(t *testing.T) {
	cs := cookiesOf(t, "session.2=b1; session=~3~a; session.3=c1; session.2=b2; session.3=c2; session.3=c3")
	got, err := ChunkCombinations(cs, "session")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"ab1c1", "ab1c2", "ab1c3", "ab2c1", "ab2c2", "ab2c3"}
	if len(got) != len(want) {
		t.Fatalf("%d combinations, want %d", len(got), len(want))
	}
	for i, c := range got {
		if c.Value != want[i] {
			t.Errorf("combination %d = %q, want %q", i, c.Value, want[i])
		}
	}
	if s := got[4].String(); s != "chunk 2: copy 2 of 2, chunk 3: copy 2 of 3" {
		t.Errorf("combination 4 described as %q", s)
	}
	if v, _, _ := ReassembleChunks(cs, "session"); v != got[0].Value {
		t.Errorf("ReassembleChunks joined %q, the first combination is %q", v, got[0].Value)
	}
	if n, repeats := CountChunks(cs, "session"); n != 3 || repeats != 3 {
		t.Errorf("CountChunks = %d, %d; want 3 chunks, 3 repeats", n, repeats)
	}

	// Four chunks given three times each: 27 ways, of which MiddlewareMaxDecodes.
	var b strings.Builder
	b.WriteString("session=~4~x")
	for c := 1; c <= 3; c++ {
		for k := 2; k <= 4; k++ {
			fmt.Fprintf(&b, "; session.%d=%d%d", k, k, c)
		}
	}
	cs = cookiesOf(t, b.String())
	got, err = ChunkCombinations(cs, "session")
	if err != nil || len(got) != MiddlewareMaxDecodes {
		t.Fatalf("%d combinations, %v; want %d", len(got), err, MiddlewareMaxDecodes)
	}
	if got[0].Value != "x213141" || got[1].Value != "x213142" || got[3].Value != "x213241" {
		t.Errorf("combinations %q, %q, %q", got[0].Value, got[1].Value, got[3].Value)
	}

	if got, err := ChunkCombinations(cs, "other"); got != nil || err != nil {
		t.Errorf("no session: %v, %v", got, err)
	}
	cs = cookiesOf(t, "session=~3~a; session.2=b; x=1")
	if _, err := ChunkCombinations(cs, "session"); !errors.Is(err, ErrChunks) {
		t.Errorf("missing chunk: %v", err)
	}
}

// cookiesOf returns the cookies of a Cookie header.
func cookiesOf(t *testing.T, header string) []Cookie {
	t.Helper()
	in, _ := Parse("Cookie: "+header, Options{Name: "x"})
	if len(in.Cookies) == 0 {
		t.Fatalf("no cookies in %q", header)
	}
	return in.Cookies
}

// SetCookiePair reads one Set-Cookie value as Parse reads a Set-Cookie
// line, whatever the cookie's name.
func TestSetCookiePair(t *testing.T) {
	tests := []struct {
		value   string
		want    Cookie
		wantErr error
	}{
		{value: "session=" + flaskCookie + "; HttpOnly; Path=/", want: Cookie{Name: "session", Value: flaskCookie}},
		{value: `other="abc"; Max-Age=60`, want: Cookie{Name: "other", Value: "abc"}},
		{value: "session=; Max-Age=0", want: Cookie{Name: "session"}},
		{value: "session.2=tail", want: Cookie{Name: "session.2", Value: "tail"}},
		{value: "; Path=/", wantErr: ErrSyntax},
		{value: "bad name=x", wantErr: ErrSyntax},
		{value: "novalue", wantErr: ErrSyntax},
		{value: "a=" + strings.Repeat("x", MaxInput), wantErr: ErrTooLarge},
	}
	for _, tt := range tests {
		got, err := SetCookiePair(tt.value)
		if !errors.Is(err, tt.wantErr) || got != tt.want {
			t.Errorf("SetCookiePair(%.40q) = %q=%.40q, %v; want %q=%.40q, %v", tt.value, got.Name, got.Value, err, tt.want.Name, tt.want.Value, tt.wantErr)
		}
	}
}

// TestFromResponsesChunkOverride: within one response a later Set-Cookie
// of a chunk overrides an earlier one, and a later deletion leaves the
// chunk missing, as in a browser's cookie jar.
func TestFromResponsesChunkOverride(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	resp := func(set ...string) []Response {
		return []Response{{Method: "GET", URL: "http://127.0.0.1/", Status: "200 OK", SetCookie: set}}
	}
	in, _, err := FromResponses(resp("session=~2~ab", "session.2=old", "session.2=new"), "session", now)
	if err != nil || in.Value != "abnew" || !in.Chunked {
		t.Errorf("overridden chunk: %+v, %v", in, err)
	}
	in, _, err = FromResponses(resp("session.2=stale; Max-Age=0", "session=~2~ab", "session.2=cd"), "session", now)
	if err != nil || in.Value != "abcd" {
		t.Errorf("chunk deleted, then set: %+v, %v", in, err)
	}
	_, _, err = FromResponses(resp("session=~2~ab", "session.2=cd", "session.2=; Max-Age=0"), "session", now)
	if !errors.Is(err, ErrChunks) {
		t.Errorf("chunk set, then deleted: %v, want ErrChunks", err)
	}
}

// TestNotSetErrorNamesAFew: when the wanted cookie was not set, the error
// names at most 10 of the cookies that were, and counts the rest; a
// hostile server that set 10,000 made a 1.4 MB error line.
func TestNotSetErrorNamesAFew(t *testing.T) {
	var headers []string
	for i := range 10000 {
		headers = append(headers, fmt.Sprintf("c%d=v", i))
	}
	_, _, err := FromResponses([]Response{{Method: "GET", URL: "http://127.0.0.1/", Status: "200 OK", SetCookie: headers}}, "session", time.Now())
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
	msg := err.Error()
	if len(msg) > 400 || !strings.Contains(msg, `"c0", "c1"`) || !strings.Contains(msg, `"c9" and 9990 more`) {
		t.Errorf("%d bytes: %.500s", len(msg), msg)
	}
}
