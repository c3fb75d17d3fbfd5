package cookiesession

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
)

// migratingNative returns a Flask codec and a native one that reads its
// cookies as a Legacy reader for the next hour.
func migratingNative(t *testing.T, clk *clock) (*codec.Flask, *codec.Native) {
	t.Helper()
	flask := flaskCodec(t, clk, "the Flask secret")
	ring, err := codec.NewKeyRing(testKey(t, "00000001"))
	must(t, err)
	native, err := codec.NewNative(ring, codec.NativeOptions{Clock: clk.now, Legacy: []codec.LegacyReader{flask}, LegacyUntil: clk.now().Add(time.Hour)})
	must(t, err)
	return flask, native
}

// TestPreviousScopeLogout runs the case a re-test found: a Flask app's
// cookie set with Path=/go stays in the browser (here Go's RFC 6265
// cookie jar) beside the Go service's Path=/ cookie, and after a logout
// on the Go side the Flask cookie was read again, bringing back the old
// session and its flashes until LegacyUntil. With WithPreviousScope, the
// response that migrates the session deletes the Flask cookie, and the
// logout holds. Without the option, the test checks that the old session
// does come back, so that it shows what the option changes.
func TestPreviousScopeLogout(t *testing.T) {
	for _, withOption := range []bool{false, true} {
		name := map[bool]string{false: "without WithPreviousScope", true: "with WithPreviousScope"}[withOption]
		t.Run(name, func(t *testing.T) {
			clk := &clock{t: time.Now()}
			flask, native := migratingNative(t, clk)
			opts := []Option{WithClock(clk.now), WithSecure(false)}
			if withOption {
				opts = append(opts, WithPreviousScope("/go", ""))
			}
			m, err := New(native, opts...)
			must(t, err)
			mux := http.NewServeMux()
			mux.HandleFunc("/go/me", func(w http.ResponseWriter, r *http.Request) {
				user, _ := Get[string](m.Session(r), "user")
				io.WriteString(w, user)
			})
			mux.HandleFunc("/go/logout", func(w http.ResponseWriter, r *http.Request) {
				must(t, m.Session(r).Destroy())
			})
			srv := httptest.NewServer(m.LoadAndSave(mux))
			defer srv.Close()

			// The Flask app's session, as its Set-Cookie with Path=/go left it.
			old, _, err := flask.EncodeSession("session", map[string]any{"user": "alice"}, codec.Meta{}, 0)
			must(t, err)
			jar, err := cookiejar.New(nil)
			must(t, err)
			u, _ := url.Parse(srv.URL + "/go/")
			jar.SetCookies(u, []*http.Cookie{{Name: "session", Value: old, Path: "/go"}})
			client := &http.Client{Jar: jar}
			get := func(path string) string {
				resp, err := client.Get(srv.URL + path)
				must(t, err)
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return string(b)
			}

			if got := get("/go/me"); got != "alice" {
				t.Fatalf("first request: %q; want the Flask session, alice", got)
			}
			cookies := jar.Cookies(u)
			if withOption && len(cookies) != 1 {
				t.Errorf("after the migrating response the jar holds %d session cookies; want 1, the Flask one deleted", len(cookies))
			}
			get("/go/logout")
			got := get("/go/me")
			switch {
			case withOption && got != "":
				t.Errorf("after logout: %q; want no session", got)
			case !withOption && got != "alice":
				t.Errorf("after logout without the option: %q; the leftover Flask cookie should bring alice back (else this test shows nothing)", got)
			}
		})
	}
}

// TestPreviousScopeLogoutElsewhere: the Flask app's cookie has Path=/go,
// and the user logs in and out at /, where the browser does not send it.
// The login and the logout must still delete it, or the next request under
// /go brings back the old Flask session, perhaps another person's.
func TestPreviousScopeLogoutElsewhere(t *testing.T) {
	clk := &clock{t: time.Now()}
	flask, native := migratingNative(t, clk)
	m, err := New(native, WithClock(clk.now), WithSecure(false), WithErrorHook((&errLog{}).hook), WithPreviousScope("/go", ""))
	must(t, err)
	mux := http.NewServeMux()
	mux.HandleFunc("/go/me", func(w http.ResponseWriter, r *http.Request) {
		user, _ := Get[string](m.Session(r), "user")
		io.WriteString(w, user)
	})
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) { must(t, m.Session(r).Set("user", "bob")) })
	mux.HandleFunc("/logout", func(w http.ResponseWriter, r *http.Request) { must(t, m.Session(r).Destroy()) })
	srv := httptest.NewServer(m.LoadAndSave(mux))
	defer srv.Close()
	old, _, err := flask.EncodeSession("session", map[string]any{"user": "alice"}, codec.Meta{}, 0)
	must(t, err)
	for _, steps := range [][]string{{"/logout"}, {"/login", "/logout"}} {
		jar, err := cookiejar.New(nil)
		must(t, err)
		u, _ := url.Parse(srv.URL + "/go/")
		jar.SetCookies(u, []*http.Cookie{{Name: "session", Value: old, Path: "/go"}})
		client := &http.Client{Jar: jar}
		for _, path := range append(steps, "/go/me") {
			resp, err := client.Get(srv.URL + path)
			must(t, err)
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if path == "/go/me" && string(b) != "" {
				t.Errorf("after %v at /: /go/me is %q; want no session", steps, b)
			}
		}
	}
}

// TestPreviousScopeLines checks when the deletions of a previous scope are
// written: on every response that sets or deletes the session, whatever
// the request carried (a browser sends an old Path's cookie only under
// that Path, so a login or a logout elsewhere carries none), before the
// lines that set the session, with the chunks the request carried; and
// never on a response that writes no session.
func TestPreviousScopeLines(t *testing.T) {
	clk := newClock()
	m := newNative(t, clk, &errLog{}, WithPreviousScope("/app", "example.com"))
	const deletion = "session=; Path=/app; Domain=example.com; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0"
	one := cookiesOf(do(t, m, setUser))
	// check requires the previous scope's deletion once, before any line
	// that sets the session.
	check := func(what string, rec *httptest.ResponseRecorder) {
		t.Helper()
		lines := rec.Result().Header.Values("Set-Cookie")
		at, set := -1, -1
		n := 0
		for i, l := range lines {
			if strings.HasPrefix(l, deletion) {
				at = i
				n++
			} else if set < 0 && strings.HasPrefix(l, "session=") && !strings.HasPrefix(l, "session=;") {
				set = i
			}
		}
		if n != 1 || (set >= 0 && at > set) {
			t.Errorf("%s: %v; want the previous scope deleted once, before the session is set", what, lines)
		}
	}
	login := do(t, m, setUser)
	check("no cookie (a login)", login)
	// A request under another Path carries none of the old scope's chunks:
	// they are deleted up to WithMaxChunks all the same (a re-test found
	// session.2 left, logged on every request under the old Path as a cut
	// Cookie header).
	if lines := strings.Join(login.Result().Header.Values("Set-Cookie"), "\n"); !strings.Contains(lines, "session.4=; Path=/app; Domain=example.com;") || strings.Contains(lines, "session.5=") {
		t.Errorf("a login: %s; want the previous scope's chunks 2 to 4 deleted", lines)
	}
	check("one native cookie, a write", do(t, m, setUser, one...))
	check("one native cookie, Destroy", do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) { must(t, s.Destroy()) }, one...))
	check("no cookie, Destroy", do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) { must(t, s.Destroy()) }))
	two := append(append([]string{}, one...), "session=junk")
	check("two cookies of the name, a write", do(t, m, setUser, two...))
	if rec := do(t, m, readUser, two...); len(rec.Result().Header.Values("Set-Cookie")) != 0 {
		t.Errorf("a read that writes nothing deleted cookies: %v", rec.Result().Header.Values("Set-Cookie"))
	}
	chunked := append(append([]string{}, one...), "session.2=x", "session.3=y")
	rec := do(t, m, setUser, chunked...)
	check("chunks", rec)
	n := 0
	for _, l := range rec.Result().Header.Values("Set-Cookie") {
		if strings.HasPrefix(l, "session.3=; Path=/app; Domain=example.com;") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("chunks: %v; want session.3 of the previous scope deleted", rec.Result().Header.Values("Set-Cookie"))
	}

	long := "/" + strings.Repeat("a", 1100)
	for _, tc := range []struct {
		name string
		opts []Option
	}{
		{"the manager's own scope", []Option{WithPreviousScope("/", "")}},
		{"the own Domain with a leading dot", []Option{WithDomain("example.com"), WithPreviousScope("/", ".example.com")}},
		{"the own Domain in capitals", []Option{WithDomain("example.com"), WithPreviousScope("/", "EXAMPLE.com")}},
		{"a __Host- name", []Option{WithName("__Host-session"), WithPreviousScope("/app", "")}},
		{"a bad path", []Option{WithPreviousScope("app", "")}},
		{"a path with a trailing space", []Option{WithPreviousScope("/app ", "")}},
		{"a bad domain", []Option{WithPreviousScope("/", "exa mple.com")}},
		{"a long path with a domain", []Option{WithPreviousScope(long, "example.com")}},
	} {
		if _, err := New(nativeCodec(t, clk, testKey(t, "00000001")), tc.opts...); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "WithPreviousScope") {
			t.Errorf("%s: %v; want ErrConfig naming WithPreviousScope", tc.name, err)
		}
	}
}

// TestPreviousScopeSameHost: a host-only manager whose previous scope is
// a Domain cookie for the same host. An RFC 6265 jar (Go's) stores both
// under one key, so the new cookie replaces the old one; the deletion must
// come first, or it deletes the cookie just set.
func TestPreviousScopeSameHost(t *testing.T) {
	clk := &clock{t: time.Now()}
	m, err := New(nativeCodec(t, clk, testKey(t, "00000001")), WithClock(clk.now), WithSecure(false), WithErrorHook((&errLog{}).hook), WithPreviousScope("/", "app.example.test"))
	must(t, err)
	mux := http.NewServeMux()
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) { must(t, m.Session(r).Set("user", "alice")) })
	mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
		user, _ := Get[string](m.Session(r), "user")
		io.WriteString(w, user)
	})
	srv := httptest.NewServer(m.LoadAndSave(mux))
	defer srv.Close()
	jar, err := cookiejar.New(nil)
	must(t, err)
	// Go's jar keys cookies by host, so point app.example.test at the server.
	target, _ := url.Parse(srv.URL)
	client := &http.Client{Jar: jar, Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, target.Host)
	}}}
	base := "http://app.example.test:" + target.Port()
	u, _ := url.Parse(base + "/")
	jar.SetCookies(u, []*http.Cookie{{Name: "session", Value: "old", Path: "/", Domain: "app.example.test"}})
	for _, path := range []string{"/login", "/me"} {
		resp, err := client.Get(base + path)
		must(t, err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if path == "/me" && string(b) != "alice" {
			t.Errorf("after login: %q, cookies %v; want alice (the new cookie kept)", b, jar.Cookies(u))
		}
	}
}
