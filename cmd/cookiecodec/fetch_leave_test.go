package main

import (
	"bufio"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestLeavesFirstSite: a redirect keeps the user's credentials only on the
// first URL's host or a subdomain, over the same scheme or an upgrade to
// https, on the same port.
func TestLeavesFirstSite(t *testing.T) {
	for _, tc := range []struct{ first, next, why string }{
		{"http://a.example/x", "http://a.example/y", ""},
		{"http://a.example/", "http://login.a.example/", ""},
		{"http://a.example:80/", "http://a.example/", ""},
		{"http://a.example/", "https://a.example/", ""},
		{"https://a.example/", "https://A.example:443/", ""},
		{"http://a.example/", "http://b.example/", "not a.example or a subdomain of it"},
		{"http://a.example/", "http://evil-a.example/", "not a.example or a subdomain of it"},
		{"https://a.example/", "http://a.example/", "a downgrade from https to http"},
		{"https://a.example:8443/", "http://a.example:8443/", "a downgrade from https to http"},
		{"http://a.example:8080/", "https://a.example:8443/", "port 8443, not 8080"},
		{"https://a.example/", "https://a.example:8443/", "port 8443, not 443"},
		{"http://127.0.0.1:1000/", "http://127.0.0.1:2000/", "port 2000, not 1000"},
	} {
		first, _ := url.Parse(tc.first)
		next, _ := url.Parse(tc.next)
		if got := leavesFirstSite(first, next); got != tc.why {
			t.Errorf("%s -> %s: %q, want %q", tc.first, tc.next, got, tc.why)
		}
	}
}

// TestFetchRedirectToAnotherPort: a redirect to another port of the same
// host (another service) gets neither the --header values, nor a --data
// body, nor the Referer with the first URL's query; an https URL that
// redirects there with a client certificate is not followed. A security
// review saw an https to http redirect on another port receive the
// Authorization header and the login body in cleartext.
func TestFetchRedirectToAnotherPort(t *testing.T) {
	var land landing
	other := httptest.NewServer(land.handler("Authorization", "Referer"))
	t.Cleanup(other.Close)
	redirect := func(code int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, other.URL+"/land", code) }
	}
	first := fetchServer(t, map[string]http.HandlerFunc{"/302": redirect(http.StatusFound), "/307": redirect(http.StatusTemporaryRedirect)})
	seen := land.seen
	port := other.URL[strings.LastIndexByte(other.URL, ':')+1:]
	cliCase{args: []string{"decode", "--now", devNow, "--header", "Authorization: Bearer TOKEN-1", "--url", first + "/302?reset=QUERY-1"}, code: exitOK,
		stderr:    []string{"warning: --header Authorization was not sent to " + other.URL + " (port " + port + ", not "},
		notStderr: []string{"TOKEN-1", "QUERY-1"}}.check(t)
	if got := seen(); got != "authorization= referer= body=" {
		t.Errorf("the other port saw %q", got)
	}
	cliCase{args: []string{"decode", "--now", devNow, "--data", "pw=PASSWORD-1", "--url", first + "/307"}, code: exitAuditFailed,
		stderr: []string{"redirects the request with its body to " + other.URL + " (port " + port + ", not ", "the body is not sent there"}}.check(t)
	if got := seen(); got != "" {
		t.Errorf("the other port was reached after a 307 with a body: %q", got)
	}

	// With a client certificate, leaving the site is refused: TLS would
	// present the certificate to any server that asks.
	ca, caKey, _, _ := testCert(t, "test CA", nil, nil)
	_, _, certPEM, keyPEM := testCert(t, "alice", ca, caKey)
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	tlsFirst := httptest.NewTLSServer(redirect(http.StatusFound))
	t.Cleanup(tlsFirst.Close)
	cliCase{args: []string{"decode", "--insecure", "--client-cert", writeFile(t, "alice.crt", certPEM), "--client-key", writeFile(t, "alice.key", keyPEM), "--url", tlsFirst.URL + "/"}, code: exitAuditFailed,
		stderr: []string{"redirects to " + other.URL + " (a downgrade from https to http): --client-cert is only presented to the first URL's site"}}.check(t)
	if got := seen(); got != "" {
		t.Errorf("the redirect was followed with a client certificate: %q", got)
	}
}

// TestFetchInsecureOnEveryHop: --insecure skips verification on every
// hop, so an https redirect to another host is not verified either; the
// warning names that host, once, as well as the first.
func TestFetchInsecureOnEveryHop(t *testing.T) {
	last := httptest.NewTLSServer(setCookies("", "session="+devCookie))
	t.Cleanup(last.Close)
	middle := httptest.NewTLSServer(setCookies(last.URL + "/"))
	t.Cleanup(middle.Close)
	first := httptest.NewTLSServer(setCookies(middle.URL + "/"))
	t.Cleanup(first.Close)
	host := func(u string) string { return strings.TrimPrefix(u, "https://") }
	_, stderr := cliCase{args: []string{"decode", "--insecure", "--now", devNow, "--url", first.URL + "/"}, code: exitOK,
		stderr: []string{
			"warning: --insecure: the TLS certificate of " + host(first.URL) + " is not verified",
			"warning: --insecure: the TLS certificate of " + host(middle.URL) + ", where a redirect leads, is not verified either",
			"warning: --insecure: the TLS certificate of " + host(last.URL) + ", where a redirect leads, is not verified either",
		}}.check(t)
	if n := strings.Count(stderr, "--insecure"); n != 3 {
		t.Errorf("%d warnings about --insecure, want 3:\n%s", n, stderr)
	}
}

// TestFetchStatusEscapes: a server's status text reaches the terminal
// with its control characters escaped, in the input: line and in errors.
// A security review set the window title and cleared the screen with it.
func TestFetchStatusEscapes(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				req, err := http.ReadRequest(bufio.NewReader(conn))
				if err != nil {
					return
				}
				cookie := "Set-Cookie: session=" + devCookie + "\r\n"
				if req.URL.Path == "/none" {
					cookie = ""
				}
				io.WriteString(conn, "HTTP/1.1 200 OK\x1b]0;PWNED\x07\x1b[2J\u202e\r\n"+cookie+"Content-Length: 0\r\nConnection: close\r\n\r\n")
			}()
		}
	}()
	base := "http://" + ln.Addr().String()
	for _, tc := range []cliCase{
		{args: []string{"decode", "--now", devNow, "--url", base + "/"}, code: exitOK, stdout: []string{`(200 OK\u001b]0;PWNED\u0007\u001b[2J\u202e, response 1 of 1)`}},
		{args: []string{"decode", "--now", devNow, "--url", base + "/none"}, code: exitFailed, stderr: []string{`200 OK\u001b]0;PWNED`}},
	} {
		stdout, stderr := tc.check(t)
		if strings.ContainsAny(stdout+stderr, "\x1b\x07\u202e") {
			t.Errorf("%v: control characters reach the terminal:\n%q\n%q", tc.args, stdout, stderr)
		}
	}
}
