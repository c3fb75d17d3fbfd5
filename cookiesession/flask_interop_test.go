package cookiesession

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/cookiecodec/cookiecodec/internal/pyflask"
	"github.com/google/go-cmp/cmp"
)

// goFlaskApp is the Go side: the same routes on a Flask-mode manager.
func goFlaskApp(m *Manager) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		s := m.Session(r)
		_ = s.Set("user", r.URL.Query().Get("user"))
		_ = s.SetPermanent(true)
		_ = s.AddFlash("welcome "+r.URL.Query().Get("user"), "info")
	})
	mux.HandleFunc("/show", func(w http.ResponseWriter, r *http.Request) {
		s := m.Session(r)
		var flashes [][]string
		for _, f := range parseFlashes(s.Get(flashesKey)) {
			flashes = append(flashes, []string{f.Category, f.Message})
		}
		user, _ := Get[string](s, "user")
		counter, _ := Get[int](s, "counter")
		notes, _ := Get[string](s, "notes")
		_ = json.NewEncoder(w).Encode(shown{User: user, Permanent: s.Permanent(), Counter: counter, Flashes: flashes, Keys: s.Keys(), NotesLen: len(notes)})
	})
	mux.HandleFunc("/incr", func(w http.ResponseWriter, r *http.Request) {
		s := m.Session(r)
		n, _ := Get[int](s, "counter")
		_ = s.Set("counter", n+1)
		_ = s.AddFlash("from go", "go")
	})
	mux.HandleFunc("/flashes", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(m.Session(r).Flashes())
	})
	mux.HandleFunc("/logout", func(w http.ResponseWriter, r *http.Request) { _ = m.Session(r).Destroy() })
	return m.LoadAndSave(mux)
}

type shown struct {
	User      string     `json:"user"`
	Permanent bool       `json:"permanent"`
	Counter   int        `json:"counter"`
	Flashes   [][]string `json:"flashes"`
	Keys      []string   `json:"keys"`
	NotesLen  int        `json:"notes_len"`
}

// TestFlaskInterop runs a real Flask app and the Go app in Flask mode on
// two 127.0.0.1 ports with one cookie jar, as a browser would.
func TestFlaskInterop(t *testing.T) {
	const secret = "interop secret key"
	flaskURL := pyflask.StartApp(t, "testdata/flaskapp.py", secret)
	log := &errLog{}
	c, err := codec.NewFlask(codec.FlaskOptions{SecretKey: []byte(secret)})
	must(t, err)
	m, err := NewFlask(c, WithErrorHook(log.hook))
	must(t, err)
	goSrv := httptest.NewServer(goFlaskApp(m))
	defer goSrv.Close()

	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	get := func(base, path string) (*http.Response, string) {
		t.Helper()
		resp, err := hc.Get(base + path)
		if err != nil {
			t.Fatalf("GET %s%s: %v", base, path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s%s: %d %s", base, path, resp.StatusCode, b)
		}
		return resp, string(b)
	}
	show := func(base string) shown {
		t.Helper()
		_, body := get(base, "/show")
		var s shown
		if err := json.Unmarshal([]byte(body), &s); err != nil {
			t.Fatalf("%s/show: %v in %q", base, err, body)
		}
		return s
	}
	sessionCookies := func() []*http.Cookie {
		u, _ := url.Parse(flaskURL)
		return jar.Cookies(u)
	}

	// 1. Flask logs in (permanent, with a flash); Go reads it all.
	resp, _ := get(flaskURL, "/login?user=alice")
	if sc := resp.Header.Get("Set-Cookie"); !strings.Contains(sc, "Expires=") {
		t.Fatalf("Flask did not set a permanent cookie: %q", sc)
	}
	want := shown{User: "alice", Permanent: true, Flashes: [][]string{{"info", "welcome alice"}}, Keys: []string{"_flashes", "_permanent", "user"}}
	if diff := cmp.Diff(want, show(goSrv.URL)); diff != "" {
		t.Errorf("Go reading Flask's session (-want +got):\n%s", diff)
	}

	// 2. Go changes it (counter, another flash); Flask reads Go's cookie.
	resp, _ = get(goSrv.URL, "/incr")
	if sc := resp.Header.Get("Set-Cookie"); !strings.Contains(sc, "Expires=") || strings.Contains(sc, "Max-Age") || resp.Header.Get("Vary") != "Cookie" {
		t.Errorf("Go's Flask-mode cookie: %q, Vary %q", sc, resp.Header.Get("Vary"))
	}
	want = shown{User: "alice", Permanent: true, Counter: 1, Flashes: [][]string{{"info", "welcome alice"}, {"go", "from go"}}, Keys: []string{"_flashes", "_permanent", "counter", "user"}}
	if diff := cmp.Diff(want, show(flaskURL)); diff != "" {
		t.Errorf("Flask reading Go's session (-want +got):\n%s", diff)
	}
	get(flaskURL, "/incr")
	if got := show(goSrv.URL).Counter; got != 2 {
		t.Errorf("Go sees counter %d after Flask's increment", got)
	}

	// 3. Flask consumes the flashes queued by both; Go sees none left.
	_, body := get(flaskURL, "/flashes")
	if body = strings.TrimSpace(body); body != `[["info","welcome alice"],["go","from go"]]` {
		t.Errorf("Flask's get_flashed_messages = %s", body)
	}
	if got := show(goSrv.URL).Flashes; got != nil {
		t.Errorf("Go still sees flashes: %v", got)
	}

	// Flask compresses a repetitive payload; Go reads it and writes back
	// a (Go-compressed) cookie that Flask reads.
	resp, _ = get(flaskURL, "/bulk")
	if sc := resp.Header.Get("Set-Cookie"); !strings.HasPrefix(sc, "session=.") {
		t.Fatalf("Flask did not compress: %.40s", sc)
	}
	if got := show(goSrv.URL); got.NotesLen != 760 || got.User != "alice" {
		t.Errorf("Go reading Flask's compressed session: %+v", got)
	}
	get(goSrv.URL, "/incr")
	if got := show(flaskURL); got.NotesLen != 760 || got.Counter != 3 {
		t.Errorf("Flask reading Go's rewrite of a compressed session: %+v", got)
	}
	get(flaskURL, "/flashes")

	// 4. Logout on the Go side: both see an empty session.
	get(goSrv.URL, "/logout")
	if n := len(sessionCookies()); n != 0 {
		t.Errorf("jar still holds %d cookies after Go's logout", n)
	}
	empty := shown{Keys: []string{}, Flashes: [][]string{}}
	if diff := cmp.Diff(empty, show(flaskURL)); diff != "" {
		t.Errorf("Flask after Go's logout (-want +got):\n%s", diff)
	}

	// 5. Go logs in (permanent, flash); Flask reads it, including its
	// flash through get_flashed_messages.
	get(goSrv.URL, "/login?user=bob")
	want = shown{User: "bob", Permanent: true, Flashes: [][]string{{"info", "welcome bob"}}, Keys: []string{"_flashes", "_permanent", "user"}}
	if diff := cmp.Diff(want, show(flaskURL)); diff != "" {
		t.Errorf("Flask reading Go's login (-want +got):\n%s", diff)
	}
	_, body = get(flaskURL, "/flashes")
	if strings.TrimSpace(body) != `[["info","welcome bob"]]` {
		t.Errorf("Flask's flashes of Go's login = %s", body)
	}

	// 6. Logout on the Flask side: Go sees an empty session.
	get(flaskURL, "/logout")
	if n := len(sessionCookies()); n != 0 {
		t.Errorf("jar still holds %d cookies after Flask's logout", n)
	}
	if got := show(goSrv.URL); got.User != "" || len(got.Keys) != 0 {
		t.Errorf("Go after Flask's logout: %+v", got)
	}
	if errs := log.take(); len(errs) != 0 {
		t.Errorf("Go discarded a cookie: %v", errs)
	}
}
