package cookiesession

import (
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
)

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
			flask := flaskCodec(t, clk, "the Flask secret")
			ring, err := codec.NewKeyRing(testKey(t, "00000001"))
			must(t, err)
			native, err := codec.NewNative(ring, codec.NativeOptions{Clock: clk.now, Legacy: []codec.LegacyReader{flask}, LegacyUntil: clk.now().Add(time.Hour)})
			must(t, err)
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

// TestPreviousScopeLines checks when the deletions of a previous scope are
// written: with several cookies of the name or a Legacy one, for chunks
// too, and not for a request with one native cookie.
func TestPreviousScopeLines(t *testing.T) {
	clk := newClock()
	m := newNative(t, clk, &errLog{}, WithPreviousScope("/app", "example.com"))
	const deletion = "session=; Path=/app; Domain=example.com; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0"
	one := cookiesOf(do(t, m, setUser))
	count := func(rec *httptest.ResponseRecorder, line string) int {
		n := 0
		for _, l := range rec.Result().Header.Values("Set-Cookie") {
			if strings.HasPrefix(l, line) {
				n++
			}
		}
		return n
	}
	if rec := do(t, m, setUser, one...); count(rec, deletion) != 0 {
		t.Errorf("one native cookie: previous scope deleted: %v", rec.Result().Header.Values("Set-Cookie"))
	}
	two := append(append([]string{}, one...), "session=junk")
	if rec := do(t, m, setUser, two...); count(rec, deletion) != 1 {
		t.Errorf("two cookies of the name, a write: %v; want the previous scope deleted", rec.Result().Header.Values("Set-Cookie"))
	}
	if rec := do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) { must(t, s.Destroy()) }, two...); count(rec, deletion) != 1 {
		t.Errorf("two cookies of the name, Destroy: %v; want the previous scope deleted", rec.Result().Header.Values("Set-Cookie"))
	}
	if rec := do(t, m, readUser, two...); len(rec.Result().Header.Values("Set-Cookie")) != 0 {
		t.Errorf("a read that writes nothing deleted cookies: %v", rec.Result().Header.Values("Set-Cookie"))
	}
	chunked := append(append([]string{}, one...), "session.2=x", "session.3=y", "session=junk")
	if rec := do(t, m, setUser, chunked...); count(rec, "session.3=; Path=/app; Domain=example.com;") != 1 {
		t.Errorf("chunks: %v; want session.3 of the previous scope deleted", rec.Result().Header.Values("Set-Cookie"))
	}

	for _, tc := range []struct {
		name string
		opts []Option
	}{
		{"the manager's own scope", []Option{WithPreviousScope("/", "")}},
		{"a __Host- name", []Option{WithName("__Host-session"), WithPreviousScope("/app", "")}},
		{"a bad path", []Option{WithPreviousScope("app", "")}},
		{"a bad domain", []Option{WithPreviousScope("/", "exa mple.com")}},
	} {
		if _, err := New(nativeCodec(t, clk, testKey(t, "00000001")), tc.opts...); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "WithPreviousScope") {
			t.Errorf("%s: %v; want ErrConfig naming WithPreviousScope", tc.name, err)
		}
	}
}
