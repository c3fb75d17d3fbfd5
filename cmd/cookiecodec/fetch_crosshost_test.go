package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// landing records what the requests that land on its handler carried.
type landing struct {
	mu     sync.Mutex
	landed []string // "header=value" and "body=...", per request
}

// handler records the named headers and the body of each request, and
// sets the dev cookie.
func (l *landing) handler(headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		l.mu.Lock()
		for _, h := range headers {
			l.landed = append(l.landed, strings.ToLower(h)+"="+r.Header.Get(h))
		}
		l.landed = append(l.landed, "body="+string(b))
		l.mu.Unlock()
		w.Header().Add("Set-Cookie", "session="+devCookie)
	}
}

// seen returns what landed since the last call, space-separated.
func (l *landing) seen() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := strings.Join(l.landed, " ")
	l.landed = nil
	return s
}

// TestFetchCrossHostRedirect: a redirect from 127.0.0.1 to localhost (the
// same server under another host name) gets neither the --header values
// that may carry credentials, with a warning naming each (Cookie and
// Authorization too, which Go drops itself without a word), nor a --data
// body on a 307 (the fetch stops); a redirect that stays on the host keeps
// them. A security review saw X-Api-Key and a login password forwarded.
func TestFetchCrossHostRedirect(t *testing.T) {
	var land landing
	var base string
	other := func() string { return strings.Replace(base, "127.0.0.1", "localhost", 1) }
	base = fetchServer(t, map[string]http.HandlerFunc{
		"/away":  func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, other()+"/land", http.StatusFound) },
		"/away2": func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, other()+"/away", http.StatusFound) },
		"/away307": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other()+"/land", http.StatusTemporaryRedirect)
		},
		"/stay": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/land", http.StatusTemporaryRedirect)
		},
		"/land": land.handler("X-Api-Key", "Accept", "Authorization", "Cookie"),
	})
	seen := land.seen
	hdrs := []string{"--header", "X-Api-Key: KEY-1", "--header", "Accept: text/html", "--header", "Authorization: Bearer T-1", "--header", "Cookie: c=C-1"}
	cliCase{args: append([]string{"decode", "--now", devNow, "--url", base + "/away"}, hdrs...), code: exitOK,
		stderr: []string{"warning: --header X-Api-Key was not sent to http://localhost:", "(not 127.0.0.1 or a subdomain of it)",
			"warning: --header Authorization was not sent to http://localhost:", "warning: --header Cookie was not sent to http://localhost:"},
		notStderr: []string{"KEY-1", "T-1", "C-1", "Accept was not sent"}}.check(t)
	if got := seen(); got != "x-api-key= accept=text/html authorization= cookie= body=" {
		t.Errorf("/land after a redirect to another host saw %q", got)
	}

	// Two hops on the other host: the second must not get the key back.
	// (Go copies the first request's headers onto every hop, so the key is
	// dropped on each, with one warning.)
	_, stderr := cliCase{args: append([]string{"decode", "--now", devNow, "--url", base + "/away2"}, hdrs...), code: exitOK,
		stderr: []string{"--header X-Api-Key was not sent to http://localhost:"}}.check(t)
	if n := strings.Count(stderr, "was not sent"); n != 3 {
		t.Errorf("%d warnings for three headers on two hops:\n%s", n, stderr)
	}
	if got := seen(); got != "x-api-key= accept=text/html authorization= cookie= body=" {
		t.Errorf("/land after two hops on another host saw %q", got)
	}

	cliCase{args: []string{"decode", "--now", devNow, "--data", "user=alice&pw=PASSWORD-1", "--url", base + "/away307"}, code: exitAuditFailed,
		stderr: []string{"redirects the request with its body to http://localhost:", "(not 127.0.0.1 or a subdomain of it): the body is not sent there"}, notStderr: []string{"PASSWORD-1"}}.check(t)
	if got := seen(); got != "" {
		t.Errorf("/land was reached after a 307 to another host: %q", got)
	}

	cliCase{args: append([]string{"decode", "--now", devNow, "--data", "pw=PASSWORD-2", "--url", base + "/stay"}, hdrs...), code: exitOK,
		notStderr: []string{"was not sent"}}.check(t)
	if got := seen(); got != "x-api-key=KEY-1 accept=text/html authorization=Bearer T-1 cookie=c=C-1 body=pw=PASSWORD-2" {
		t.Errorf("/land on the same host saw %q", got)
	}
}

// TestFetchJarPublicSuffixes: the cookie jar that carries cookies from hop
// to hop knows the public suffixes, as browsers do: a.github.io cannot set
// a cookie for all of github.io that b.github.io then receives, while its
// own host cookie stays its own. The test server answers both names as
// the --proxy that every request goes through.
func TestFetchJarPublicSuffixes(t *testing.T) {
	var land landing
	landHandler := land.handler("Cookie")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Host {
		case "a.github.io":
			w.Header().Add("Set-Cookie", "suffix=1; Domain=github.io; Path=/")
			w.Header().Add("Set-Cookie", "site=1; Domain=a.github.io; Path=/")
			http.Redirect(w, r, "http://b.github.io/land", http.StatusFound)
		case "b.github.io":
			landHandler(w, r)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	cliCase{args: []string{"decode", "--now", devNow, "--proxy", srv.URL, "--url", "http://a.github.io/"}, code: exitOK}.check(t)
	if got := land.seen(); got != "cookie= body=" {
		t.Errorf("b.github.io received %q, want no cookie of a.github.io", got)
	}
}
