package main

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/cookiecodec/cookiecodec/cookiesession"
)

// chunkServer is a real cookiesession middleware on a 127.0.0.1 server:
// GET /set stores a session too large for one cookie, written as chunks;
// GET /get answers "loaded" when the request's cookies load that session.
type chunkServer struct {
	url     string
	keyFile string
	big     string
	pairs   []string // the name=value pairs /set wrote, in order
}

func newChunkServer(t *testing.T) *chunkServer {
	t.Helper()
	keyFile, _ := newNativeKey(t)
	nc := nativeFromKeyFile(t, keyFile, codec.NativeOptions{})
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil)) // the planted chunks are logged
	m, err := cookiesession.New(nc, cookiesession.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	cs := &chunkServer{keyFile: keyFile, big: strings.Repeat("0123456789abcdef", 400)} // 6400 bytes: two or more chunks
	mux := http.NewServeMux()
	mux.HandleFunc("/set", func(w http.ResponseWriter, r *http.Request) {
		if err := m.Session(r).Set("cart", cs.big); err != nil {
			t.Error(err)
		}
	})
	mux.HandleFunc("/small", func(w http.ResponseWriter, r *http.Request) {
		if err := m.Session(r).Set("user", "alice"); err != nil {
			t.Error(err)
		}
	})
	mux.HandleFunc("/get", func(w http.ResponseWriter, r *http.Request) {
		s := m.Session(r)
		if s.Get("cart") == cs.big || s.Get("user") == "alice" {
			io.WriteString(w, "loaded")
		}
	})
	srv := httptest.NewServer(m.LoadAndSave(mux))
	t.Cleanup(srv.Close)
	cs.url = srv.URL
	cs.pairs = cs.get(t, "/set")
	if len(cs.pairs) < 2 {
		t.Fatalf("expected chunk cookies, got %d Set-Cookie headers", len(cs.pairs))
	}
	return cs
}

// get requests path and returns the name=value pairs the response set.
func (cs *chunkServer) get(t *testing.T, path string) []string {
	t.Helper()
	resp, err := http.Get(cs.url + path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var pairs []string
	for _, c := range resp.Cookies() {
		pairs = append(pairs, c.Name+"="+c.Value)
	}
	return pairs
}

// loads reports whether the middleware loads the session from the Cookie
// header value cookies.
func (cs *chunkServer) loads(t *testing.T, cookies string) bool {
	t.Helper()
	req, err := http.NewRequest("GET", cs.url+"/get", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Cookie", cookies)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body) == "loaded"
}

// TestCookiesessionChunks: the Cookie header a browser would send back for
// a real middleware's chunks verifies with the CLI.
func TestCookiesessionChunks(t *testing.T) {
	cs := newChunkServer(t)
	header := "Cookie: " + strings.Join(cs.pairs, "; ")
	code, stdout, stderr := runCLI(t, header, "verify", "--json", "--key-file", cs.keyFile)
	out := jsonOut(t, stdout)
	p, _ := out["payload"].(map[string]any)
	if code != exitOK || p["cart"] != cs.big {
		t.Fatalf("verify of %d chunks: exit %d %v %s", len(cs.pairs), code, out["error"], stderr)
	}
	code, stdout, _ = runCLI(t, header, "decode", "--now", "2030-01-01T00:00:00Z")
	if code != exitOK || !strings.Contains(stdout, "reassembled from chunks") {
		t.Fatalf("decode of chunks: exit %d\n%s", code, stdout)
	}
}

// TestRepeatedChunks: when a chunk comes twice (a leftover on another
// path, or a tossed cookie), verify gives the middleware's verdict: it
// accepts the session exactly when one of the ways of joining the copies
// that the middleware tries verifies, and says which one.
func TestRepeatedChunks(t *testing.T) {
	cs := newChunkServer(t)
	genuine := strings.Join(cs.pairs, "; ")
	chunk2, _, _ := strings.Cut(cs.pairs[1], "=")
	evil := chunk2 + "=AAAA"
	tests := []struct {
		name    string
		cookies string
		valid   bool
		texts   []string // in the output (header block and hints)
		not     string   // not in the output
	}{
		{name: "genuine copy first", cookies: genuine + "; " + evil, valid: true,
			texts: []string{"reassembled from chunks (1 repeated; joined with the first copy of each)"}},
		{name: "planted copy first", cookies: evil + "; " + genuine, valid: true,
			texts: []string{"joined with chunk 2: copy 2 of 2)", "the first copy of each chunk does not verify; joined with chunk 2: copy 2 of 2 (way 2 of the up to 8"}},
		{name: "only planted copies", cookies: evil + "; " + strings.Replace(genuine, cs.pairs[1], evil, 1), valid: false,
			texts: []string{"1 chunk cookies repeat a chunk, and no way of joining them (the cookiecodec middleware tries up to 8) verifies"}, not: "minted"},
		// Not a repeat: the hints once took the joined value's size error
		// under the longer name "session.2" for a tag that verifies.
		{name: "altered chunk", cookies: strings.Replace(genuine, cs.pairs[1], evil, 1), valid: false,
			texts: []string{`the tag does not verify with key`}, not: "minted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cs.loads(t, tt.cookies); got != tt.valid {
				t.Fatalf("the middleware loads the session: %v, want %v", got, tt.valid)
			}
			code, stdout, stderr := runCLI(t, "Cookie: "+tt.cookies, "verify", "--key-file", cs.keyFile)
			if want := map[bool]int{true: exitOK, false: exitFailed}[tt.valid]; code != want {
				t.Fatalf("verify: exit %d, want %d\n%s%s", code, want, stdout, stderr)
			}
			for _, s := range tt.texts {
				if !strings.Contains(stdout+stderr, s) {
					t.Errorf("output lacks %q:\n%s%s", s, stdout, stderr)
				}
			}
			if tt.not != "" && strings.Contains(stdout+stderr, tt.not) {
				t.Errorf("output has %q:\n%s%s", tt.not, stdout, stderr)
			}
			if !strings.Contains(tt.cookies, evil) || strings.Count(tt.cookies, chunk2+"=") < 2 {
				return
			}
			code, stdout, stderr = runCLI(t, "Cookie: "+tt.cookies, "decode", "--json")
			out := jsonOut(t, stdout)
			if code != exitOK || !strings.Contains(stdout, "1 chunk cookies repeat a chunk: the first copy of each was joined") {
				t.Errorf("decode: exit %d %v\n%s", code, out["error"], stderr)
			}
		})
	}
}

// TestTooManyChunks: the CLI shows a session of more chunks than the
// middleware ever reads, and says that the middleware refuses it.
func TestTooManyChunks(t *testing.T) {
	// cookiesession's TestCLIKnowsTheLimits pins MiddlewareMaxChunks.
	const hint = "the session spans 17 cookies: the cookiecodec middleware reads at most WithMaxChunks of them (at most 16)"
	for n, want := range map[int]bool{16: false, 17: true} {
		parts := []string{fmt.Sprintf("session=~%d~%s", n, devCookie[:10])}
		rest := devCookie[10:]
		for k := 2; k <= n; k++ {
			take := min(len(rest), 4)
			if k == n {
				take = len(rest)
			}
			parts = append(parts, fmt.Sprintf("session.%d=%s", k, rest[:take]))
			rest = rest[take:]
		}
		code, stdout, stderr := runCLI(t, "Cookie: "+strings.Join(parts, "; "), "decode", "--now", devNow)
		if code != exitOK || strings.Contains(stderr, "the session spans") != want || (want && !strings.Contains(stderr, hint)) {
			t.Errorf("%d chunks: exit %d, hint expected: %v\n%s%s", n, code, want, stdout, stderr)
		}
	}
}

// TestNativeDuplicateNames: several cookies named session, of which a later
// one is a valid native session. The cookiecodec middleware decodes them
// in header order, up to 8, and verify gives its verdict.
func TestNativeDuplicateNames(t *testing.T) {
	cs := newChunkServer(t)
	genuine := cs.get(t, "/small")[0]
	otherKey, _ := newNativeKey(t)
	code, stdout, stderr := runCLI(t, `{"user":"mallory"}`, "sign", "--format", "native", "--key-file", otherKey)
	if code != exitOK {
		t.Fatalf("sign: %s", stderr)
	}
	planted := "session=" + strings.TrimSpace(stdout)
	tests := []struct {
		name    string
		cookies string
		valid   bool
		text    string
	}{
		{name: "planted first", cookies: planted + "; " + genuine, valid: true,
			text: `the first cookie named "session" does not verify, cookie 2 of the 2 does`},
		{name: "empty first", cookies: "session=; " + genuine, valid: true, text: "cookie 2 of the 2 does"},
		{name: "malformed first", cookies: "session=deleted; " + genuine, valid: true, text: "cookie 2 of the 2 does"},
		{name: "genuine ninth", cookies: strings.Repeat(planted+"; ", 8) + genuine, valid: false,
			text: "cookie 9 of the 9 named \"session\" in the header is valid, but the cookiecodec middleware stops after 8 decodes"},
		{name: "genuine eighth", cookies: strings.Repeat(planted+"; ", 7) + genuine, valid: true, text: "cookie 8 of the 8 does"},
		{name: "empty cookies are not decodes", cookies: strings.Repeat("session=; ", 8) + planted + "; " + genuine, valid: true, text: "cookie 10 of the 10 does"},
		// An unreadable first cookie (a chunk header whose chunk is
		// missing) still costs the middleware a decode attempt.
		{name: "broken chunked first counts", cookies: "session=~2~x; " + strings.Repeat(planted+"; ", 7) + genuine, valid: false,
			text: "cookie 9 of the 9 named \"session\" in the header is valid, but the cookiecodec middleware stops after 8 decodes"},
		{name: "broken chunked first, genuine 8th", cookies: "session=~2~x; " + strings.Repeat(planted+"; ", 6) + genuine, valid: true, text: "cookie 8 of the 8 does"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cs.loads(t, tt.cookies); got != tt.valid {
				t.Fatalf("the middleware loads the session: %v, want %v", got, tt.valid)
			}
			code, stdout, stderr := runCLI(t, "Cookie: "+tt.cookies, "verify", "--json", "--key-file", cs.keyFile)
			out := jsonOut(t, stdout)
			p, _ := out["payload"].(map[string]any)
			if tt.valid && (code != exitOK || p["user"] != "alice") || !tt.valid && code != exitFailed {
				t.Fatalf("verify: exit %d, payload %v, want valid %v\n%s", code, p, tt.valid, stderr)
			}
			if !strings.Contains(hintsOf(out), tt.text) {
				t.Errorf("hints lack %q: %s", tt.text, hintsOf(out))
			}
		})
	}
}

// TestTwoChunkedSessions: a header with two chunked sessions of the same
// name, a planted one (another key) first: the chunk copies mix. The
// middleware tries the 4 ways of joining the first session's 3 chunks,
// then the second's, and loads the genuine one on its 8th and last decode;
// so does verify. With one more planted cookie in front, neither does.
func TestTwoChunkedSessions(t *testing.T) {
	genuine, planted := newChunkServer(t), newChunkServer(t)
	if len(genuine.pairs) != 3 || len(planted.pairs) != 3 {
		t.Fatalf("want three chunks each, got %d and %d", len(genuine.pairs), len(planted.pairs))
	}
	header := strings.Join(append(planted.pairs, genuine.pairs...), "; ")
	if !genuine.loads(t, header) {
		t.Fatal("the middleware does not load the genuine session")
	}
	code, stdout, stderr := runCLI(t, "Cookie: "+header, "verify", "--key-file", genuine.keyFile)
	if code != exitOK || !strings.Contains(stdout, "reassembled from chunks (2 repeated; joined with chunk 2: copy 2 of 2, chunk 3: copy 2 of 2) (cookie 2 of the 2 with this name)") ||
		!strings.Contains(stderr, "cookie 2 of the 2 does") {
		t.Fatalf("verify: exit %d\n%.600s\n%s", code, stdout, stderr)
	}

	header = "session=junk; " + header
	if genuine.loads(t, header) {
		t.Fatal("the middleware loads the genuine session on a 9th decode")
	}
	code, _, stderr = runCLI(t, "Cookie: "+header, "verify", "--key-file", genuine.keyFile)
	if code != exitFailed || !strings.Contains(stderr, "stops after 8 decodes") {
		t.Fatalf("verify with a 9th decode: exit %d\n%s", code, stderr)
	}
}

// TestCookieHeaderHint: decode and verify say when the cookies of header
// input make a Cookie header longer than nginx passes by default (the
// lowest limit of nginx, Apache httpd and Varnish), and that curl drops
// cookies past about 8 KB (godev D4), from one byte over,
// whether the input is the Cookie header or the Set-Cookie lines that set
// the cookies (a name set twice counts once).
func TestCookieHeaderHint(t *testing.T) {
	const hint = "nginx answers 400 Bad Request to one over 8181 bytes, Apache httpd to one over 8182 (431, over HTTP/2) or 8183 (over HTTP/1.1), and Varnish over HTTP/1.1 to one over 8183, before the app sees the request; curl (7.88) sends at most about 8 KB of cookies from a jar (-b FILE) and drops the rest, saying so only with -v"
	for _, size := range []int{proxyCookieHeaderLimit, proxyCookieHeaderLimit + 1} {
		pad := strings.Repeat("x", size-len("session=")-len(devCookie)-len("; pad="))
		inputs := map[string]string{
			"Cookie": "Cookie: session=" + devCookie + "; pad=" + pad,
			// A redirect's response set pad before, as curl -L -v shows:
			// only the last Set-Cookie of a name stays in the browser.
			"Set-Cookie": "Set-Cookie: pad=" + pad + "; Path=/\nSet-Cookie: session=" + devCookie + "; Path=/\nSet-Cookie: pad=" + pad + "; Path=/\nSet-Cookie: gone=; Max-Age=0\n",
		}
		for form, input := range inputs {
			for _, args := range [][]string{{"decode", "--now", devNow}, {"verify", "--secret", "dev", "--now", devNow}} {
				code, stdout, stderr := runCLI(t, input, args...)
				want := size > proxyCookieHeaderLimit
				if code != exitOK || strings.Contains(stderr, hint) != want {
					t.Errorf("%s of %d bytes, %s: exit %d, hint expected %v\n%s%s", form, size, args[0], code, want, stdout, stderr)
				}
				if want && !strings.Contains(stderr, fmt.Sprintf("a Cookie header of %d bytes", size)) {
					t.Errorf("%s of %d bytes, %s: the hint gives another size:\n%s", form, size, args[0], stderr)
				}
			}
		}
	}
}
