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
	for _, tc := range []struct {
		args    []string
		warning bool
		note    bool // the note on Secure cookies over plain HTTP
	}{
		{[]string{"-addr", "127.0.0.1:0"}, true, true},
		{[]string{"-addr", "127.0.0.1:0", "-key", key.Text()}, false, true},
		{[]string{"-addr", "127.0.0.1:0", "-key", key.Text(), "-insecure-cookie"}, false, false},
	} {
		ctx, cancel := context.WithCancel(t.Context())
		var stderr bytes.Buffer
		pr, pw := io.Pipe()
		done := make(chan int)
		go func() { done <- run(ctx, tc.args, noEnv, pw, &stderr); pw.Close() }()
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
		if got := strings.Contains(stderr.String(), "note: the session cookie is Secure"); got != tc.note {
			t.Errorf("%v: note %v, stderr %q", tc.args, got, stderr.String())
		}
	}
}

// TestCartFull checks that a cart that would not fit is refused with a
// flash while the session stays intact.
func TestCartFull(t *testing.T) {
	key, _ := codec.GenerateKey()
	h, err := newApp(key, false)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	post := func(path string, form url.Values) string {
		t.Helper()
		resp, err := hc.PostForm(srv.URL+path, form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	post("/login", url.Values{"user": {"carol"}})
	var page string
	for range 5 {
		page = post("/cart/add", url.Values{"n": {"100"}})
		if strings.Contains(page, "cannot hold") {
			break
		}
	}
	if !strings.Contains(page, "cannot hold 100 more items") || !strings.Contains(page, "Signed in as <b>carol</b>") {
		t.Fatalf("no refusal: %.500s", page)
	}
	u, _ := url.Parse(srv.URL)
	if n := len(jar.Cookies(u)); n < 2 || n > 4 {
		t.Errorf("%d cookies in the jar", n)
	}
	resp, err := hc.Get(srv.URL + "/envelope")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `id="chunks"`) || !strings.Contains(string(b), "carol") {
		t.Errorf("envelope page: %.300s", b)
	}
	post("/logout", nil)
	if n := len(jar.Cookies(u)); n != 0 {
		t.Errorf("%d cookies left after logout", n)
	}
}
