package codec

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/internal/pyflask"
	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
)

// TestGorillaCookieStore runs real gorilla/sessions with the Flask codec as
// CookieStore.Codecs behind a real HTTP server: a session written by one
// request is read by the next, the cookie on the wire is a Flask cookie that
// real Flask loads, and a cookie signed by real Flask is read by gorilla.
func TestGorillaCookieStore(t *testing.T) {
	secret := []byte("gorilla-and-flask")
	const issued = 1700000000
	f, err := NewFlask(FlaskOptions{SecretKey: secret, Clock: func() time.Time { return time.Unix(issued, 0) }})
	if err != nil {
		t.Fatal(err)
	}
	store := sessions.NewCookieStore()
	store.Codecs = []securecookie.Codec{f}

	mux := http.NewServeMux()
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		s, _ := store.Get(r, "session")
		s.Values["user"] = "alice"
		s.Values["visits"] = 1
		s.Values["roles"] = []any{"admin", "viewer"}
		if err := s.Save(r, w); err != nil {
			http.Error(w, err.Error(), 500)
		}
	})
	mux.HandleFunc("/whoami", func(w http.ResponseWriter, r *http.Request) {
		s, err := store.Get(r, "session")
		if err != nil || s.IsNew {
			fmt.Fprintf(w, "new session (%v)", err)
			return
		}
		fmt.Fprintf(w, "%v %v %v", s.Values["user"], s.Values["visits"], s.Values["roles"])
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	get := func(path string) string {
		t.Helper()
		resp, err := client.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, b)
		}
		return string(b)
	}
	if got := get("/whoami"); got[:11] != "new session" {
		t.Fatalf("before login: %q", got)
	}
	get("/login")
	if got, want := get("/whoami"), "alice 1 [admin viewer]"; got != want {
		t.Fatalf("after login: %q, want %q", got, want)
	}

	u, _ := url.Parse(srv.URL)
	var cookie string
	for _, c := range jar.Cookies(u) {
		if c.Name == "session" {
			cookie = c.Value
		}
	}
	// The cookie gorilla wrote is exactly Flask's.
	const want = "eyJyb2xlcyI6WyJhZG1pbiIsInZpZXdlciJdLCJ1c2VyIjoiYWxpY2UiLCJ2aXNpdHMiOjF9.ZVPxAA."
	if len(cookie) < len(want) || cookie[:len(want)] != want {
		t.Fatalf("cookie %q does not start with %q", cookie, want)
	}

	// Real Flask reads gorilla's cookie, and gorilla reads real Flask's.
	o := pyflask.Require(t)
	cfg := pyflask.Config{SecretHex: hex.EncodeToString(secret)}
	res, err := o.Loads(cfg, cookie, issued+60, nil)
	if err != nil || res.Result != "ok" || res.Text != `{"roles":["admin","viewer"],"user":"alice","visits":1}` {
		t.Fatalf("flask loads gorilla's cookie: %+v %v", res, err)
	}
	pyCookie, err := o.Sign(cfg, `{"user":"bob","visits":7,"roles":["viewer"]}`, issued)
	if err != nil {
		t.Fatal(err)
	}
	jar2, _ := cookiejar.New(nil)
	jar2.SetCookies(u, []*http.Cookie{{Name: "session", Value: pyCookie}})
	client.Jar = jar2
	if got, want := get("/whoami"), "bob 7 [viewer]"; got != want {
		t.Fatalf("flask cookie through gorilla: %q, want %q", got, want)
	}
	// A tampered cookie gives gorilla a new session and an error.
	jar2.SetCookies(u, []*http.Cookie{{Name: "session", Value: tamperFirst(pyCookie)}})
	if got := get("/whoami"); got[:11] != "new session" {
		t.Fatalf("tampered cookie: %q", got)
	}
}

func tamperFirst(s string) string {
	c := byte('A')
	if s[0] == 'A' {
		c = 'B'
	}
	return string(c) + s[1:]
}

func TestGorillaDecodeDestinations(t *testing.T) {
	f, _ := NewFlask(FlaskOptions{SecretKey: []byte("k"), Clock: func() time.Time { return time.Unix(1700000000, 0) }})
	enc, err := f.Encode("session", map[any]any{"a": "x", "n": map[any]any{"deep": true}})
	if err != nil {
		t.Fatal(err)
	}
	// Into an existing gorilla map.
	m := map[any]any{"kept": 1}
	if err := f.Decode("session", enc, &m); err != nil {
		t.Fatal(err)
	}
	if m["a"] != "x" || m["kept"] != 1 || m["n"].(map[string]any)["deep"] != true {
		t.Fatalf("decoded %#v", m)
	}
	// Into a nil gorilla map and into a struct.
	var nilMap map[any]any
	if err := f.Decode("session", enc, &nilMap); err != nil || nilMap["a"] != "x" {
		t.Fatalf("nil map: %#v %v", nilMap, err)
	}
	var s struct {
		A string `json:"a"`
	}
	if err := f.Decode("session", enc, &s); err != nil || s.A != "x" {
		t.Fatalf("struct: %#v %v", s, err)
	}
	// Non-string keys cannot be Flask JSON.
	if _, err := f.Encode("session", map[any]any{1: "x"}); err == nil {
		t.Fatal("non-string key accepted")
	}
	// A list payload cannot fill a gorilla map.
	list, _ := f.Encode("session", []any{1, 2})
	if err := f.Decode("session", list, &m); !errors.Is(err, ErrPayload) {
		t.Fatalf("list into map: %v", err)
	}
	// Errors keep the sentinels through gorilla's DecodeMulti.
	err = securecookie.DecodeMulti("session", tamperFirst(enc), &m, f)
	var multi securecookie.MultiError
	if !errors.As(err, &multi) || !errors.Is(multi[0], ErrSignature) {
		t.Fatalf("DecodeMulti: %#v", err)
	}
}
