package main

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
)

// devHalf1 and devHalf2 are devCookie split in two chunks, as
// cookiesession writes a session too large for one cookie.
var devHalf1, devHalf2 = devCookie[:40], devCookie[40:]

// fetchServer serves handlers on 127.0.0.1 for the test's lifetime.
func fetchServer(t *testing.T, routes map[string]http.HandlerFunc) string {
	t.Helper()
	mux := http.NewServeMux()
	for p, h := range routes {
		mux.HandleFunc(p, h)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

// setCookies writes the Set-Cookie lines and, when to is not empty, a 302
// to it.
func setCookies(to string, lines ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for _, l := range lines {
			w.Header().Add("Set-Cookie", l)
		}
		if to != "" {
			http.Redirect(w, r, to, http.StatusFound)
			return
		}
		fmt.Fprintln(w, "hello")
	}
}

// TestFetch runs decode, verify and audit --url against servers on
// 127.0.0.1.
func TestFetch(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	devKey := writeFile(t, "dev.key", []byte("dev"))
	home := func(t *testing.T) http.HandlerFunc {
		// The session set on the redirect comes back, as from a browser.
		return func(w http.ResponseWriter, r *http.Request) {
			if ck, err := r.Cookie("session"); err != nil || ck.Value != devCookie {
				t.Errorf("/home: the cookie jar did not send the session set on the redirect (%v)", err)
			}
			w.Header().Add("Set-Cookie", "theme=dark; Path=/")
		}
	}
	base := fetchServer(t, map[string]http.HandlerFunc{
		"/login":     setCookies("/home", "session="+devCookie+"; HttpOnly; Path=/"),
		"/home":      home(t),
		"/twice":     setCookies("/again", "session=e30.ZVPxAA.8p29ZjHuPx2KsvbY4dJGCnVYb0M; Path=/"),
		"/again":     setCookies("", "session=early; Path=/", "session="+devCookie+"; Path=/"),
		"/chunks":    setCookies("/plain", "session=~2~"+devHalf1+"; Path=/", "session.3=; Max-Age=0; Path=/", "session.2="+devHalf2+"; Path=/"),
		"/badchunk":  setCookies("", "session=~3~"+devHalf1+"; Path=/", "session.2="+devHalf2+"; Path=/"),
		"/deadchunk": setCookies("", "session=~2~"+devHalf1+"; Path=/", "session.2=; Max-Age=0; Path=/"),
		"/plain":     setCookies("", "other=1; Path=/"),
		"/logout":    setCookies("/bye", "session="+devCookie+"; Path=/"),
		"/bye":       setCookies("", "session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/"),
		"/expired":   setCookies("", "session=gone; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/"),
		"/keep":      setCookies("", "session="+devCookie+"; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT"),
		"/empty":     setCookies("", "session=; Path=/"),
		"/others":    setCookies("/others2", "sid="+devCookie+"; Path=/", "garbage"),
		"/others2":   setCookies("", "theme=dark", "sid=x"),
		"/none":      setCookies("/404", ""),
		"/ftp":       setCookies("ftp://example.com/x", "session="+devCookie),
		"/loop/":     func(w http.ResponseWriter, r *http.Request) { loop(w, r) },
		"/form": func(w http.ResponseWriter, r *http.Request) {
			// A login form: the session only for the right POST.
			if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || r.PostFormValue("user") != "alice" || r.PostFormValue("pw") != "s3cret" {
				http.Error(w, "bad login", http.StatusBadRequest)
				return
			}
			w.Header().Add("Set-Cookie", "session="+devCookie+"; Path=/")
			http.Redirect(w, r, "/home", http.StatusSeeOther)
		},
		"/api": func(w http.ResponseWriter, r *http.Request) {
			if b, _ := io.ReadAll(r.Body); r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || string(b) != `{"user":"alice"}` {
				http.Error(w, "bad request", http.StatusBadRequest)
				return
			}
			w.Header().Add("Set-Cookie", "session="+devCookie)
		},
		"/dead": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://127.0.0.1:1/x", http.StatusSeeOther)
		},
		"/moved": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/form", http.StatusTemporaryRedirect)
		},
		"/api/session": func(w http.ResponseWriter, r *http.Request) {
			// An API: PUT a JSON login to get the session, DELETE it.
			b, _ := io.ReadAll(r.Body)
			switch {
			case r.Method == http.MethodPut && r.Header.Get("Content-Type") == "application/json" && string(b) == `{"user":"alice"}`:
				w.Header().Add("Set-Cookie", "session="+devCookie+"; Path=/")
			case r.Method == http.MethodDelete:
				w.Header().Add("Set-Cookie", "session=; Max-Age=0; Path=/")
			default:
				http.Error(w, r.Method+" with "+strconv.Quote(string(b)), http.StatusMethodNotAllowed)
			}
		},
		"/put-moved": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/put-again", http.StatusMovedPermanently)
		},
		"/put-again": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/api/session", http.StatusTemporaryRedirect)
		},
		"/put-seeother": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/api/session", http.StatusSeeOther)
		},
		"/auth": func(w http.ResponseWriter, r *http.Request) {
			ck, _ := r.Cookie("pre")
			if r.Header.Get("Authorization") != "Bearer t0k" || ck == nil || ck.Value != "1" || r.Header.Get("User-Agent") != "cookiecodec" || r.Host != "app.test" {
				http.Error(w, "forbidden", http.StatusForbidden)
				return
			}
			w.Header().Add("Set-Cookie", "session="+devCookie)
		},
	})
	tests := []cliCase{
		{name: "redirect sets the cookie", args: []string{"decode", "--now", devNow, "--url", base + "/login"}, code: exitOK,
			stdout: []string{"input:      Set-Cookie header from GET " + base + "/login (302 Found, response 1 of 2), cookie \"session\"\n", `"user": "alice"`, "UNVERIFIED"}},
		{name: "verify", args: []string{"verify", "--key-file", devKey, "--now", devNow, "--url", base + "/login"}, code: exitOK,
			stdout: []string{"VALID", "(302 Found, response 1 of 2)", `"user": "alice"`}},
		{name: "verify json", args: []string{"verify", "--json", "--key-file", devKey, "--now", devNow, "--url", base + "/login"}, code: exitOK,
			stdout: []string{`"valid":true`, `"user":"alice"`, `"source":{"method":"GET","url":"` + base + `/login","status":"302 Found","response":1,"responses":2}`}},
		{name: "no source without url", args: []string{"verify", "--json", "--key-file", devKey, "--now", devNow, devCookie}, code: exitOK,
			stdout: []string{`"valid":true`}, notStdout: []string{`"source"`}},
		{name: "flags after url", args: []string{"verify", "--url", base + "/login", "--key-file", devKey, "--now", devNow}, code: exitOK, stdout: []string{"VALID"}},
		{name: "last one wins across hops", args: []string{"decode", "--now", devNow, "--url", base + "/twice"}, code: exitOK,
			stdout: []string{"GET " + base + "/again (200 OK, response 2 of 2)", `"user": "alice"`}},
		{name: "chunks", args: []string{"verify", "--key-file", devKey, "--now", devNow, "--url", base + "/chunks"}, code: exitOK,
			stdout: []string{"GET " + base + "/chunks (302 Found, response 1 of 2), cookie \"session\", reassembled from chunks", `"user": "alice"`}},
		{name: "chunk missing", args: []string{"decode", "--url", base + "/badchunk"}, code: exitFailed, stderr: []string{"chunk 3 of 3 is missing"}},
		{name: "deleted chunk is no chunk", args: []string{"decode", "--url", base + "/deadchunk"}, code: exitFailed, stderr: []string{"chunk 2 of 2 is missing"}},
		{name: "deleted", args: []string{"decode", "--url", base + "/logout"}, code: exitFailed,
			stderr: []string{"cookie deleted: the Set-Cookie header of GET " + base + "/bye (200 OK, response 2 of 2) deletes cookie \"session\" (Max-Age=0)"}, notStdout: []string{"alice", "format:"}},
		{name: "deleted json", args: []string{"verify", "--json", "--key-file", devKey, "--url", base + "/logout"}, code: exitFailed,
			stdout: []string{`"valid":false`, `"kind":"deleted"`, "deletes cookie", `"source":{"method":"GET","url":"` + base + `/bye","status":"200 OK","response":2,"responses":2}`}},
		{name: "expired", args: []string{"decode", "--url", base + "/expired"}, code: exitFailed,
			stderr: []string{"deletes cookie \"session\" (Expires Thu, 01 Jan 1970 00:00:00 UTC, in the past)"}},
		{name: "max-age wins over expires", args: []string{"decode", "--now", devNow, "--url", base + "/keep"}, code: exitOK, stdout: []string{`"user": "alice"`}},
		{name: "deleted audit", args: []string{"audit", "--url", base + "/logout"}, code: exitAuditFailed, stderr: []string{"deletes cookie"}},
		{name: "empty value", args: []string{"decode", "--url", base + "/empty"}, code: exitFailed, stderr: []string{"sets cookie \"session\" to the empty value"}},
		{name: "not set lists names", args: []string{"decode", "--url", base + "/others"}, code: exitFailed,
			stderr: []string{`no response set cookie "session"; the cookies set were "sid", "theme" (1 Set-Cookie headers without a name=value pair were ignored); responses: GET ` + base + `/others (302 Found, response 1 of 2); GET ` + base + `/others2 (200 OK, response 2 of 2)`, "hint: pick the cookie with --name NAME"}},
		{name: "not set then --name", args: []string{"decode", "--now", devNow, "--name", "sid", "--url", base + "/others"}, code: exitFailed,
			stderr: []string{"not a Flask, native or gorilla cookie"}},
		{name: "none set", args: []string{"decode", "--json", "--url", base + "/none"}, code: exitFailed,
			stdout: []string{`"kind":"not_found"`, "no cookie was set", "(404 Not Found, response 2 of 2)"}},
		{name: "headers sent", args: []string{"decode", "--now", devNow, "--header", "Authorization: Bearer t0k", "--header", "Cookie: pre=1", "--header", "Host: app.test", "--url", base + "/auth"}, code: exitOK,
			stdout: []string{`"user": "alice"`}},
		// godev D7: the Cookie header sent was not decoded; the hint says
		// so, and does not suggest the --header already given.
		{name: "request cookie not decoded", args: []string{"verify", "--key-file", devKey, "--header", "Cookie: theme=dark; session=" + devCookie, "--url", base + "/none"}, code: exitFailed,
			stderr:    []string{"no cookie was set", `hint: the request's own Cookie header (--header) holds "session", but --url decodes only the cookies the responses set, and none set one, so it was not decoded: to verify the cookie you sent, give the header as INPUT instead of --url: cookiecodec verify [key flags] 'Cookie: ...'`},
			notStderr: []string{"gets what it needs with --header", devCookie}},
		{name: "request cookie of another name", args: []string{"decode", "--json", "--header", "Cookie: pre=1", "--url", base + "/none"}, code: exitFailed,
			stdout:    []string{`"kind":"not_found"`, "the Cookie header sent with --header was not decoded: to decode the cookie you sent, give the header as INPUT", `"hint_codes":["request_cookie_not_read"]`},
			notStdout: []string{"gets what it needs with --header"}},
		{name: "request cookie audit", args: []string{"audit", "--header", "Cookie: session=" + devCookie, "--url", base + "/none"}, code: exitAuditFailed,
			stderr: []string{"to audit the cookie you sent, give the header as INPUT instead of --url: cookiecodec audit 'Cookie: ...'"}},
		{name: "headers missing", args: []string{"decode", "--url", base + "/auth"}, code: exitFailed, stderr: []string{"no cookie was set", "403 Forbidden", "hint: check the URL and the statuses; a page that wants a login first gets what it needs with --header"}},
		{name: "ten redirects", args: []string{"decode", "--now", devNow, "--url", base + "/loop/10"}, code: exitOK,
			stdout: []string{"/loop/0 (200 OK, response 11 of 11)", `"user": "alice"`}},
		{name: "eleven redirects", args: []string{"decode", "--url", base + "/loop/11"}, code: exitAuditFailed,
			stderr: []string{"fetch failed: more than 10 redirects, the last from GET " + base + "/loop/1 (302 Found, response 11 of 11)"}},
		{name: "eleven redirects audit json", args: []string{"audit", "--json", "--url", base + "/loop/11"}, code: exitAuditFailed, stdout: []string{`"kind":"fetch"`, "more than 10 redirects"}, notStdout: []string{`"source"`}},
		{name: "audit json source", args: []string{"audit", "--json", "--data", "user=alice&pw=s3cret", "--url", base + "/form"}, code: exitFailed,
			stdout: []string{`"weak":true`, `"source":{"method":"POST","url":"` + base + `/form","status":"303 See Other","response":1,"responses":2}`}},
		{name: "ftp redirect", args: []string{"decode", "--url", base + "/ftp"}, code: exitAuditFailed,
			stderr: []string{"fetch failed: GET " + base + "/ftp (302 Found, response 1 of 1) redirects to ftp://example.com/x: only http and https redirects are followed"}},
		{name: "ftp redirect verify json", args: []string{"verify", "--json", "--key-file", devKey, "--url", base + "/ftp"}, code: exitAuditFailed, stdout: []string{`"valid":false`, `"kind":"fetch"`}},
		{name: "refused connection", args: []string{"verify", "--key-file", devKey, "--url", "http://127.0.0.1:1/"}, code: exitAuditFailed, stderr: []string{"fetch failed: GET http://127.0.0.1:1/: dial tcp 127.0.0.1:1: connect: connection refused"}},
		{name: "password not shown", args: []string{"decode", "--url", "http://user:hunter2@127.0.0.1:1/"}, code: exitAuditFailed, stderr: []string{"fetch failed: GET http://user:xxxxx@127.0.0.1:1/: dial tcp"}, notStderr: []string{"hunter2"}, notStdout: []string{"hunter2"}},

		// Usage errors.
		{name: "url and input", args: []string{"decode", "--url", base + "/login", devCookie}, code: exitUsage, stderr: []string{"give the cookie as INPUT or fetch it with --url, not both"}},
		{name: "ftp url", args: []string{"decode", "--url", "ftp://example.com/"}, code: exitUsage, stderr: []string{"--url ftp://example.com/: only http and https URLs are fetched"}},
		{name: "file url audit", args: []string{"audit", "--url", "file:///etc/passwd"}, code: exitUsage, stderr: []string{"only http and https"}},
		{name: "url without host", args: []string{"decode", "--url", "http:/x"}, code: exitUsage, stderr: []string{"no host"}},
		{name: "header without url", args: []string{"decode", "--header", "A: b", devCookie}, code: exitUsage, stderr: []string{"--header needs --url"}},
		{name: "post a form", args: []string{"decode", "--now", devNow, "--data", "user=alice&pw=s3cret", "--url", base + "/form"}, code: exitOK,
			stdout: []string{"input:      Set-Cookie header from POST " + base + "/form (303 See Other, response 1 of 2), cookie \"session\"\n", `"user": "alice"`}},
		{name: "post from a file", args: []string{"decode", "--now", devNow, "--data", "@" + writeFile(t, "login.form", []byte("user=alice&pw=s3cret")), "--url", base + "/form"}, code: exitOK,
			stdout: []string{"POST " + base + "/form (303 See Other", `"user": "alice"`}},
		{name: "post wrong password", args: []string{"decode", "--data", "user=alice&pw=nope", "--url", base + "/form"}, code: exitFailed,
			stderr: []string{"no cookie was set; responses: POST " + base + "/form (400 Bad Request, response 1 of 1)"}},
		{name: "post with a content type", args: []string{"decode", "--now", devNow, "--header", "Content-Type: application/json", "--data", `{"user":"alice"}`, "--url", base + "/api"}, code: exitOK,
			stdout: []string{"POST " + base + "/api (200 OK, response 1 of 1)", `"user": "alice"`}},
		{name: "307 sends the post again", args: []string{"decode", "--now", devNow, "--data", "user=alice&pw=s3cret", "--url", base + "/moved"}, code: exitOK,
			stdout: []string{"POST " + base + "/form (303 See Other, response 2 of 3)", `"user": "alice"`}},
		{name: "error names the request in flight", args: []string{"decode", "--data", "a=b", "--url", base + "/dead"}, code: exitAuditFailed,
			stderr: []string{"fetch failed: GET http://127.0.0.1:1/x: dial tcp 127.0.0.1:1: connect: connection refused"}},
		{name: "data file missing", args: []string{"decode", "--data", "@/nonexistent/login.form", "--url", base + "/form"}, code: exitAuditFailed, stderr: []string{"--data: open /nonexistent/login.form"}},
		{name: "put json", args: []string{"decode", "--now", devNow, "--request", "PUT", "--header", "Content-Type: application/json", "--data", `{"user":"alice"}`, "--url", base + "/api/session"}, code: exitOK,
			stdout: []string{"input:      Set-Cookie header from PUT " + base + "/api/session (200 OK, response 1 of 1)", `"user": "alice"`}},
		{name: "put kept on 301 and 307, with its body", args: []string{"decode", "--now", devNow, "--request", "PUT", "--header", "Content-Type: application/json", "--data", `{"user":"alice"}`, "--url", base + "/put-moved"}, code: exitOK,
			stdout: []string{"from PUT " + base + "/api/session (200 OK, response 3 of 3)", `"user": "alice"`}},
		{name: "put turned into get on 303", args: []string{"decode", "--request", "PUT", "--header", "Content-Type: application/json", "--data", `{"user":"alice"}`, "--url", base + "/put-seeother"}, code: exitFailed,
			stderr: []string{"GET " + base + "/api/session (405 Method Not Allowed, response 2 of 2)"}},
		{name: "delete", args: []string{"decode", "--request", "DELETE", "--url", base + "/api/session"}, code: exitFailed,
			stderr: []string{"cookie deleted: the Set-Cookie header of DELETE " + base + "/api/session (200 OK, response 1 of 1)"}},
		{name: "delete json source", args: []string{"verify", "--json", "--key-file", devKey, "--request", "DELETE", "--url", base + "/api/session"}, code: exitFailed,
			stdout: []string{`"source":{"method":"DELETE","url":"` + base + `/api/session"`}},
		{name: "bad method", args: []string{"decode", "--request", "GE T", "--url", base + "/api/session"}, code: exitUsage, stderr: []string{`--request "GE T": want a method name such as PUT or DELETE`}},
		{name: "empty method", args: []string{"decode", "--request", "", "--url", base + "/api/session"}, code: exitUsage, stderr: []string{`--request "": want a method name`}},
		{name: "connect", args: []string{"decode", "--request", "CONNECT", "--url", base + "/api/session"}, code: exitUsage, stderr: []string{"--request CONNECT asks a proxy for a tunnel"}},
		{name: "request without url", args: []string{"decode", "--request", "PUT", devCookie}, code: exitUsage, stderr: []string{"--request needs --url"}},
		{name: "data without url", args: []string{"decode", "--data", "a=b", devCookie}, code: exitUsage, stderr: []string{"--data needs --url"}},
		{name: "insecure without url", args: []string{"verify", "--key-file", devKey, "--insecure", devCookie}, code: exitUsage, stderr: []string{"--insecure needs --url"}},
		{name: "bad header", args: []string{"decode", "--header", "Authorization Bearer secret", "--url", base + "/auth"}, code: exitUsage, stderr: []string{"--header number 1: want \"Name: value\""}},
		{name: "bad timeout", args: []string{"decode", "--timeout", "0s", "--url", base + "/login"}, code: exitUsage, stderr: []string{"--timeout 0s"}},
		{name: "sign has no url", args: []string{"sign", "--url", base}, code: exitUsage, stderr: []string{"sign takes no flag --url"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr := tt.check(t)
			if strings.Contains(stderr, "t0k") || strings.Contains(stderr, "secret") || strings.Contains(stderr, "hunter2") || strings.Contains(stderr, "s3cret") {
				t.Errorf("stderr shows a credential:\n%s", stderr)
			}
		})
	}
}

// loop redirects /loop/N to /loop/N-1; /loop/0 sets the session.
func loop(w http.ResponseWriter, r *http.Request) {
	var n int
	fmt.Sscanf(strings.TrimPrefix(r.URL.Path, "/loop/"), "%d", &n)
	if n <= 0 {
		w.Header().Add("Set-Cookie", "session="+devCookie)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/loop/%d", n-1), http.StatusFound)
}

// TestFetchJudgesTheCookieOnArrival: without --now, a fetched cookie is
// checked against the clock after the response, not at the command's
// start. The server waits past the next whole second and then signs, so
// its Flask timestamp is a second later than the start; a clock read at the
// start would call the fresh cookie "issued in the future" (this was a
// flake of TestFetchFlask against real Flask, and a real bug for users).
// With --now the fixed time is kept, and the same cookie is in the future.
func TestFetchJudgesTheCookieOnArrival(t *testing.T) {
	f, err := codec.NewFlask(codec.FlaskOptions{SecretKey: []byte("dev")})
	if err != nil {
		t.Fatal(err)
	}
	var signedAt atomic.Int64
	base := fetchServer(t, map[string]http.HandlerFunc{"/login": func(w http.ResponseWriter, r *http.Request) {
		next := time.Now().Truncate(time.Second).Add(time.Second + 20*time.Millisecond)
		time.Sleep(time.Until(next))
		v, _, err := f.EncodeSession("session", map[string]any{"user": "alice"}, codec.Meta{}, 4096)
		if err != nil {
			t.Error(err)
		}
		signedAt.Store(time.Now().Unix())
		w.Header().Add("Set-Cookie", "session="+v+"; HttpOnly; Path=/")
	}})
	key := writeFile(t, "dev.key", []byte("dev"))
	start := time.Now().Unix()
	code, stdout, stderr := runCLI(t, "", "verify", "--json", "--key-file", key, "--url", base+"/login")
	m := jsonOut(t, stdout)
	if code != exitOK || m["valid"] != true || m["error"] != nil {
		t.Errorf("verify --url, started at %d, cookie signed at %d: exit %d\n%s%s", start, signedAt.Load(), code, stdout, stderr)
	}
	code, stdout, stderr = runCLI(t, "", "verify", "--json", "--now", strconv.FormatInt(start, 10), "--key-file", key, "--url", base+"/login")
	m = jsonOut(t, stdout)
	e, _ := m["error"].(map[string]any)
	if code != exitFailed || e["kind"] != "future" {
		t.Errorf("verify --now %d --url, cookie signed at %d: exit %d\n%s%s", start, signedAt.Load(), code, stdout, stderr)
	}
}

// TestFetchTimeout: a server that never answers is given up on after
// --timeout, with exit 1 (audit: 3).
func TestFetchTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	for _, tc := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"decode", "--timeout", "200ms", "--url", srv.URL + "/slow"}, exitAuditFailed, "stderr"},
		{[]string{"audit", "--json", "--timeout", "200ms", "--url", srv.URL + "/slow"}, exitAuditFailed, "stdout"},
	} {
		start := time.Now()
		code, stdout, stderr := runCLI(t, "", tc.args...)
		took := time.Since(start)
		out := stderr
		if tc.out == "stdout" {
			out = stdout
		}
		if code != tc.code || !strings.Contains(out, "fetch failed: GET "+srv.URL+"/slow: no complete response within --timeout 200ms") {
			t.Errorf("%v: exit %d\nstdout: %s\nstderr: %s", tc.args, code, stdout, stderr)
		}
		if took > 5*time.Second {
			t.Errorf("%v took %s", tc.args, took)
		}
	}
}

// TestFetchLimits: huge response headers are refused, not read.
func TestFetchLimits(t *testing.T) {
	base := fetchServer(t, map[string]http.HandlerFunc{
		"/big": func(w http.ResponseWriter, r *http.Request) {
			for i := range 80 {
				w.Header().Add("Set-Cookie", fmt.Sprintf("c%d=%s", i, strings.Repeat("x", 4000)))
			}
			w.Header().Add("Set-Cookie", "session="+devCookie)
		},
	})
	code, _, stderr := runCLI(t, "", "decode", "--url", base+"/big")
	if code != exitAuditFailed || !strings.Contains(stderr, "fetch failed: GET "+base+"/big: ") || !strings.Contains(stderr, "server response headers exceeded 262144 bytes") {
		t.Errorf("320 KB of headers: exit %d\n%s", code, stderr)
	}
}

// TestFetchTLS: an https server with a certificate the system does not
// trust is refused, with a hint; --insecure fetches and warns.
func TestFetchTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(setCookies("", "session="+devCookie+"; Secure"))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes
	srv.StartTLS()
	defer srv.Close()
	code, stdout, stderr := runCLI(t, "", "decode", "--now", devNow, "--url", srv.URL+"/")
	if code != exitAuditFailed || !strings.Contains(stderr, "fetch failed: GET "+srv.URL+"/: tls: failed to verify certificate") ||
		!strings.Contains(stderr, "hint: the server's certificate is not trusted: for a local development certificate, add --insecure") {
		t.Errorf("untrusted certificate: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, "", "audit", "--json", "--url", srv.URL+"/")
	if m := jsonOut(t, stdout); code != exitAuditFailed || errKind(m) != "fetch" || !strings.Contains(hintsOf(m), "add --insecure") {
		t.Errorf("audit, untrusted certificate: exit %d\n%s", code, stdout)
	}
	code, stdout, stderr = runCLI(t, "", "decode", "--now", devNow, "--insecure", "--url", srv.URL+"/")
	if code != exitOK || !strings.Contains(stdout, `"user": "alice"`) || !strings.Contains(stdout, "from GET "+srv.URL+"/ (200 OK, response 1 of 1)") ||
		!strings.Contains(stderr, "cookiecodec: warning: --insecure: the TLS certificate of "+strings.TrimPrefix(srv.URL, "https://")+" is not verified") {
		t.Errorf("--insecure: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, "", "audit", "--insecure", "--url", srv.URL+"/")
	if code != exitFailed || !strings.Contains(stdout, "WEAK SECRET") {
		t.Errorf("audit --insecure: exit %d\n%s", code, stdout)
	}
}
