package main

import (
	"bytes"
	"context"
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

func noEnv(string) string { return "" }

func TestRunUsage(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		env    func(string) string
		code   int
		stdout string
		stderr string
	}{
		{[]string{"extra"}, noEnv, exitUsage, "", "unexpected argument"},
		{[]string{"-nope"}, noEnv, exitUsage, "", "sessiondemo: error: flag provided but not defined: -nope\nUsage: sessiondemo"},
		{[]string{"-key", "not-a-key"}, noEnv, exitUsage, "", "cookiecodec keygen"},
		{nil, func(string) string { return "bad" }, exitUsage, "", "cookiecodec keygen"},
		{[]string{"-addr", "256.0.0.1:1"}, noEnv, exitFail, "", "sessiondemo: error:"},
		{[]string{"-h"}, noEnv, exitOK, "Usage: sessiondemo", ""},
		{[]string{"-help"}, noEnv, exitOK, "-insecure-cookie", ""},
		{[]string{"--help"}, noEnv, exitOK, "-addr address", ""},
	} {
		var stdout, stderr bytes.Buffer
		code := run(t.Context(), tc.args, tc.env, &stdout, &stderr)
		if code != tc.code || !strings.Contains(stderr.String(), tc.stderr) || !strings.Contains(stdout.String(), tc.stdout) {
			t.Errorf("%v: code %d, stdout %q, stderr %q", tc.args, code, stdout.String(), stderr.String())
		}
		if tc.stdout != "" && stderr.Len() > 0 {
			t.Errorf("%v: help wrote to stderr: %q", tc.args, stderr.String())
		}
	}
}

// TestRunServes starts the demo on a free port, with and without a key.
func TestRunServes(t *testing.T) {
	key, err := codec.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	keyEnv := func(name string) string {
		if name == "SESSIONDEMO_KEY" {
			return key.Text()
		}
		return ""
	}
	for _, tc := range []struct {
		args       []string
		env        func(string) string
		warning    bool
		note       bool // the note on Secure cookies over plain HTTP
		keyWarning bool // the warning that -key is visible to other users
	}{
		{[]string{"-addr", "127.0.0.1:0"}, noEnv, true, true, false},
		{[]string{"-addr", "127.0.0.1:0", "-key", key.Text()}, noEnv, false, true, true},
		{[]string{"-addr", "127.0.0.1:0", "-key", key.Text(), "-insecure-cookie"}, noEnv, false, false, true},
		{[]string{"-addr", "127.0.0.1:0"}, keyEnv, false, true, false},
	} {
		ctx, cancel := context.WithCancel(t.Context())
		var stderr bytes.Buffer
		pr, pw := io.Pipe()
		done := make(chan int)
		go func() { done <- run(ctx, tc.args, tc.env, pw, &stderr); pw.Close() }()
		line := make([]byte, 200)
		n, _ := pr.Read(line)
		addr := strings.TrimSpace(strings.TrimPrefix(string(line[:n]), "sessiondemo: serving on "))
		resp, err := http.Get(addr)
		if err != nil {
			t.Fatalf("GET %s: %v", addr, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(b), "Not signed in.") {
			t.Errorf("home page: %.200s", b)
		}
		cancel()
		go func() { _, _ = io.Copy(io.Discard, pr) }()
		select {
		case code := <-done:
			if code != exitOK {
				t.Errorf("exit %d: %s", code, stderr.String())
			}
		case <-time.After(10 * time.Second):
			t.Fatal("demo did not stop")
		}
		if got := strings.Contains(stderr.String(), "warning: no -key"); got != tc.warning {
			t.Errorf("%v: warning %v, stderr %q", tc.args, got, stderr.String())
		}
		if got := strings.Contains(stderr.String(), "visible to other users"); got != tc.keyWarning {
			t.Errorf("%v: -key warning %v, stderr %q", tc.args, got, stderr.String())
		}
		if got := strings.Contains(stderr.String(), "note: the session cookie is Secure"); got != tc.note {
			t.Errorf("%v: note %v, stderr %q", tc.args, got, stderr.String())
		}
	}
}

// plainDemo starts the demo app over plain HTTP with a new key and returns
// its URL and a client with a cookie jar, until the test ends.
func plainDemo(t *testing.T) (string, *http.Client) {
	t.Helper()
	key, _ := codec.GenerateKey()
	h, err := newApp(key, false)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	return srv.URL, &http.Client{Jar: jar, Timeout: 10 * time.Second}
}

// TestCartFull checks that a cart that would not fit is refused with a
// flash while the session stays intact.
func TestCartFull(t *testing.T) {
	base, hc := plainDemo(t)
	c := &demoClient{t: t, base: base, hc: hc}
	c.get("/")
	c.post("/login", url.Values{"user": {"carol"}})
	var page string
	for range 5 {
		page = c.post("/cart/add", url.Values{"n": {"100"}})
		if strings.Contains(page, "cannot hold") {
			break
		}
	}
	if !strings.Contains(page, "cannot hold 100 more items") || !strings.Contains(page, "Signed in as <b>carol</b>") {
		t.Fatalf("no refusal: %.500s", page)
	}
	u, _ := url.Parse(base)
	if n := len(hc.Jar.Cookies(u)); n < 2 || n > 4 {
		t.Errorf("%d cookies in the jar", n)
	}
	if _, page := c.get("/envelope"); !strings.Contains(page, `id="chunks"`) || !strings.Contains(page, "carol") {
		t.Errorf("envelope page: %.300s", page)
	}
	// Logout deletes every chunk; the page it leads to starts a new
	// session, of one cookie, that holds only the login form's token.
	c.post("/logout", nil)
	if cs := hc.Jar.Cookies(u); len(cs) != 1 || cs[0].Name != "session" {
		t.Errorf("cookies after logout: %v", cs)
	}
	if _, page := c.get("/envelope"); !strings.Contains(page, "csrf_token") || strings.Contains(page, "carol") || strings.Contains(page, "Widget") {
		t.Errorf("envelope page after logout: %.600s", page)
	}
}

// TestServerLimits: the demo's server has read, write and idle timeouts and
// a header limit (a security review kept a dripped body and an idle
// connection open for as long as it liked), and a form body is read no
// further than maxFormBody: a login whose form holds 1 MB after the token
// and before the user name counts as an empty form, so it is refused for
// want of a token, and the visitor stays signed out.
func TestServerLimits(t *testing.T) {
	s := newServer(http.NotFoundHandler())
	if s.ReadHeaderTimeout <= 0 || s.ReadTimeout <= 0 || s.WriteTimeout <= 0 || s.IdleTimeout <= 0 || s.MaxHeaderBytes <= 0 || s.MaxHeaderBytes < 32<<10 {
		t.Errorf("limits: header %v, read %v, write %v, idle %v, header bytes %d", s.ReadHeaderTimeout, s.ReadTimeout, s.WriteTimeout, s.IdleTimeout, s.MaxHeaderBytes)
	}
	base, hc := plainDemo(t)
	c := &demoClient{t: t, base: base, hc: hc}
	c.get("/")
	for _, tc := range []struct {
		pad    string
		status int
		want   string
	}{
		{strings.Repeat("x", 1<<20), http.StatusForbidden, "CSRF token"},
		{"", http.StatusOK, "Signed in as <b>dana</b>"},
	} {
		// The encoded form is sorted: "csrf_token", "pad", "user".
		status, page := c.send("/login", url.Values{csrfField: {c.token}, "pad": {tc.pad}, "user": {"dana"}})
		if status != tc.status || !strings.Contains(page, tc.want) {
			t.Errorf("login with %d bytes before the name: %d %.300s", len(tc.pad), status, page)
		}
		if tc.pad != "" {
			if _, page := c.get("/"); !strings.Contains(page, "Not signed in.") {
				t.Errorf("signed in by a form over maxFormBody: %.300s", page)
			}
		}
	}
}
