package main

import (
	"context"
	"encoding/base64"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cookiecodec/cookiecodec/internal/localnet"
	"github.com/cookiecodec/cookiecodec/internal/syncbuf"
)

// forwardProxy is an HTTP proxy on 127.0.0.1, as Burp or mitmproxy
// listen: it forwards absolute-form requests and tunnels CONNECT, after
// checking Proxy-Authorization when auth is set, and records what it was
// asked ("GET http://host/path", "CONNECT host:port").
type forwardProxy struct {
	URL  string
	auth string // "user:password", or "" for none

	mu   sync.Mutex
	seen []string
}

func startForwardProxy(t *testing.T, auth string) *forwardProxy {
	t.Helper()
	p := &forwardProxy{auth: auth}
	srv := httptest.NewServer(p)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

func (p *forwardProxy) requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.seen...)
}

func (p *forwardProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	target := r.URL.String()
	if r.Method == http.MethodConnect {
		target = r.Host
	}
	p.mu.Lock()
	p.seen = append(p.seen, r.Method+" "+target)
	p.mu.Unlock()
	if p.auth != "" && r.Header.Get("Proxy-Authorization") != "Basic "+base64.StdEncoding.EncodeToString([]byte(p.auth)) {
		w.Header().Set("Proxy-Authenticate", `Basic realm="test"`)
		w.WriteHeader(http.StatusProxyAuthRequired)
		return
	}
	if r.Method == http.MethodConnect {
		p.tunnel(w, r)
		return
	}
	if !r.URL.IsAbs() {
		http.Error(w, "not a proxy request", http.StatusBadRequest)
		return
	}
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.Header.Del("Proxy-Authorization")
	resp, err := (&http.Transport{}).RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

// tunnel connects the client to r.Host and copies both ways.
func (p *forwardProxy) tunnel(w http.ResponseWriter, r *http.Request) {
	up, err := net.Dial("tcp", r.Host)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	w.WriteHeader(http.StatusOK)
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		up.Close()
		return
	}
	go func() {
		io.Copy(up, rw) // what the client sent, buffered or not
		up.Close()
	}()
	io.Copy(conn, up)
	conn.Close()
}

// proxyUnderTest is a running proxy: its URL and what it was asked,
// as "GET http://host/path" or "CONNECT host:port", oldest first.
type proxyUnderTest struct {
	URL      string
	requests func() []string
}

// TestFetchProxy runs fetchThroughProxy with forwardProxy, the proxy of
// this file.
func TestFetchProxy(t *testing.T) {
	start := func(t *testing.T, auth string) proxyUnderTest {
		p := startForwardProxy(t, auth)
		return proxyUnderTest{p.URL, p.requests}
	}
	fetchThroughProxy(t, start)
}

// tinyproxyPath is Debian's tinyproxy, a real forward proxy.
const tinyproxyPath = "/usr/bin/tinyproxy"

// TestFetchTinyproxy runs fetchThroughProxy with a real tinyproxy
// (Debian's), whose log names every request it forwards.
func TestFetchTinyproxy(t *testing.T) {
	requireProgram(t, tinyproxyPath, "tinyproxy")
	fetchThroughProxy(t, startTinyproxy)
}

// startTinyproxy runs tinyproxy in the foreground on a free 127.0.0.1
// port until the test ends, with Basic authentication when auth
// ("user:password") is set.
func startTinyproxy(t *testing.T, auth string) proxyUnderTest {
	t.Helper()
	addr := localnet.FreeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	conf := "Port " + port + "\nListen 127.0.0.1\nTimeout 30\nLogLevel Connect\nMaxClients 20\nAllow 127.0.0.1\nDisableViaHeader Yes\n"
	if user, password, ok := strings.Cut(auth, ":"); ok {
		conf += "BasicAuth " + user + " " + password + "\n"
	}
	confPath := writeFile(t, "tinyproxy.conf", []byte(conf))
	out := startDaemon(t, addr, tinyproxyPath, "-d", "-c", confPath)
	// "Request (file descriptor 4): GET http://127.0.0.1:1234/login HTTP/1.1"
	requests := func() []string {
		var seen []string
		for _, line := range strings.Split(out.String(), "\n") {
			if _, req, ok := strings.Cut(line, "): "); ok && strings.Contains(line, "Request (file descriptor") {
				seen = append(seen, strings.TrimSuffix(req, " HTTP/1.1"))
			}
		}
		return seen
	}
	return proxyUnderTest{"http://" + addr, requests}
}

// startDaemon runs path with args in the foreground until the test ends,
// waits until it listens on addr, and returns what it writes.
func startDaemon(t *testing.T, addr, path string, args ...string) *syncbuf.Buffer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, path, args...)
	out := new(syncbuf.Buffer)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		cmd.Wait()
	})
	localnet.WaitListening(t, filepath.Base(path), addr, out.String)
	return out
}

// requireProgram skips the test without path, or fails it under CI=true,
// where .ci/run installs the Debian package.
func requireProgram(t *testing.T, path, pkg string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required in CI (%s): %v", pkg, path, err)
		}
		t.Skipf("%s is not installed (%s); apt-get install %s", pkg, path, pkg)
	}
}

// fetchThroughProxy fetches through proxies on 127.0.0.1 that start
// makes: plain HTTP as absolute-form requests, a redirect included, HTTPS
// through a CONNECT tunnel, with and without proxy authentication; the
// cookie is read as without the proxy, and a wrong password gets the
// proxy's hint without being printed. The environment's proxy is not used
// for 127.0.0.1, so without --proxy nothing reaches the proxy.
func fetchThroughProxy(t *testing.T, start func(t *testing.T, auth string) proxyUnderTest) {
	t.Setenv("NO_COLOR", "")
	base := fetchServer(t, map[string]http.HandlerFunc{
		"/login": setCookies("/home", "session="+devCookie+"; Path=/; HttpOnly"),
		"/home":  setCookies(""),
	})
	tlsSrv := httptest.NewTLSServer(setCookies("", "session="+devCookie+"; Path=/; Secure"))
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0)
	t.Cleanup(tlsSrv.Close)
	host := strings.TrimPrefix(base, "http://")
	tlsHost := strings.TrimPrefix(tlsSrv.URL, "https://")

	open := start(t, "")
	code, stdout, stderr := runCLI(t, "", "decode", "--now", devNow, "--url", base+"/login", "--proxy", open.URL)
	if code != exitOK || !strings.Contains(stdout, `"user": "alice"`) {
		t.Fatalf("http through the proxy: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if got, want := strings.Join(open.requests(), ", "), "GET http://"+host+"/login, GET http://"+host+"/home"; got != want {
		t.Errorf("the proxy saw %q, want %q", got, want)
	}

	code, stdout, stderr = runCLI(t, "", "decode", "--now", devNow, "--url", tlsSrv.URL, "--insecure", "--proxy", open.URL)
	if code != exitOK || !strings.Contains(stdout, `"user": "alice"`) {
		t.Fatalf("https through the proxy: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if got := open.requests(); len(got) == 0 || got[len(got)-1] != "CONNECT "+tlsHost {
		t.Errorf("the proxy saw %q, want a CONNECT to %s last", got, tlsHost)
	}

	// Without --proxy, the environment's proxy does not apply to
	// 127.0.0.1: the request goes straight to the server.
	t.Setenv("HTTP_PROXY", open.URL)
	before := len(open.requests())
	if code, _, stderr := runCLI(t, "", "decode", "--url", base+"/login"); code != exitOK || len(open.requests()) != before {
		t.Errorf("without --proxy: exit %d, the proxy saw %q\n%s", code, open.requests()[before:], stderr)
	}

	const secret = "s3cret-proxy-password"
	authed := start(t, "probe:"+secret)
	withAuth := strings.Replace(authed.URL, "http://", "http://probe:"+secret+"@", 1)
	code, stdout, stderr = runCLI(t, "", "decode", "--now", devNow, "--url", base+"/login", "--proxy", withAuth)
	if code != exitOK || !strings.Contains(stdout, `"user": "alice"`) {
		t.Fatalf("http through the proxy with a password: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "warning: --proxy puts its password on the command line") || strings.Contains(stderr, secret) {
		t.Errorf("no warning for the password of --proxy, or the password shown:\n%s", stderr)
	}
	code, stdout, stderr = runCLI(t, "", "decode", "--url", tlsSrv.URL, "--insecure", "--proxy", withAuth)
	if code != exitOK {
		t.Fatalf("https through the proxy with a password: exit %d\n%s\n%s", code, stdout, stderr)
	}
	// A wrong password: the proxy's 407 is the only response, and the
	// password is never printed.
	wrong := strings.Replace(authed.URL, "http://", "http://probe:wrong-"+secret+"@", 1)
	code, stdout, stderr = runCLI(t, "", "decode", "--url", base+"/login", "--proxy", wrong)
	// tinyproxy answers 401, not 407, and the hint says that it may be
	// the proxy's.
	if code != exitFailed || !(strings.Contains(stderr, "407 Proxy Authentication Required") && strings.Contains(stderr, "hint: the proxy wants a user name and password") ||
		strings.Contains(stderr, "401 Unauthorized") && strings.Contains(stderr, "hint: if the proxy refused the user name and password of --proxy")) ||
		strings.Contains(stderr, "a page that wants a login") || strings.Contains(stdout+stderr, secret) {
		t.Errorf("wrong proxy password: exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI(t, "", "decode", "--url", tlsSrv.URL, "--insecure", "--proxy", wrong)
	if code != exitAuditFailed || !strings.Contains(stderr, "hint: the proxy wants a user name and password") && !strings.Contains(stderr, "hint: if the proxy refused") ||
		strings.Contains(stdout+stderr, secret) {
		t.Errorf("wrong proxy password, https: exit %d\n%s\n%s", code, stdout, stderr)
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"decode", "--url", base, "--proxy", "https://127.0.0.1:8443"}, "want http://HOST:PORT, as Burp, mitmproxy and squid listen, or socks5://HOST:PORT"},
		{[]string{"decode", "--url", base, "--proxy", "socks4://127.0.0.1:1080"}, "want http://HOST:PORT"},
		{[]string{"decode", "--url", base, "--proxy", "127.0.0.1:8080"}, "want http://HOST:PORT"},
		{[]string{"decode", "--proxy", open.URL, devCookie}, "--proxy needs --url"},
	} {
		if code, _, stderr := runCLI(t, "", tt.args...); code != exitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("%q: exit %d, stderr %q, want %q", tt.args, code, stderr, tt.want)
		}
	}
}

// microsocksPath is Debian's microsocks, a real SOCKS5 server (RFC 1928,
// with RFC 1929 user name and password), as ssh -D is one.
const microsocksPath = "/usr/bin/microsocks"

// startMicrosocks runs microsocks on a free 127.0.0.1 port until the test
// ends, with a user name and password when auth ("user:password") is set.
// Its log names every connection it makes for a client.
func startMicrosocks(t *testing.T, auth string) proxyUnderTest {
	t.Helper()
	addr := localnet.FreeAddr(t)
	host, port, _ := net.SplitHostPort(addr)
	args := []string{"-i", host, "-p", port}
	if user, password, ok := strings.Cut(auth, ":"); ok {
		args = append(args, "-u", user, "-P", password)
	}
	out := startDaemon(t, addr, microsocksPath, args...)
	// "client[4] 127.0.0.1: connected to localhost:34567"
	connections := func() []string {
		var seen []string
		for _, line := range strings.Split(out.String(), "\n") {
			if _, to, ok := strings.Cut(line, ": connected to "); ok {
				seen = append(seen, to)
			}
		}
		return seen
	}
	return proxyUnderTest{"socks5://" + addr, connections}
}

// TestFetchMicrosocks fetches through a real SOCKS5 proxy, Debian's
// microsocks on 127.0.0.1: http and https URLs (each a tunnel the proxy
// opens), the host name resolved by the proxy for socks5:// as for
// socks5h://, a user name and password, and each failure with its hint and
// without the password: a missing or wrong password, a server the proxy
// cannot reach, a name it cannot resolve, and no proxy at the address.
func TestFetchMicrosocks(t *testing.T) {
	requireProgram(t, microsocksPath, "microsocks")
	t.Setenv("NO_COLOR", "")
	base := fetchServer(t, map[string]http.HandlerFunc{
		"/login": setCookies("/home", "session="+devCookie+"; Path=/; HttpOnly"),
		"/home":  setCookies(""),
	})
	// localhost, not 127.0.0.1: the name goes to the proxy, whose log
	// shows it.
	named := strings.Replace(base, "127.0.0.1", "localhost", 1)
	namedHost := strings.TrimPrefix(named, "http://")
	tlsSrv := httptest.NewTLSServer(setCookies("", "session="+devCookie+"; Path=/; Secure"))
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0)
	t.Cleanup(tlsSrv.Close)

	open := startMicrosocks(t, "")
	for _, scheme := range []string{"socks5", "socks5h"} {
		proxy := strings.Replace(open.URL, "socks5", scheme, 1)
		before := len(open.requests())
		code, stdout, stderr := runCLI(t, "", "decode", "--now", devNow, "--url", named+"/login", "--proxy", proxy)
		if code != exitOK || !strings.Contains(stdout, `"user": "alice"`) {
			t.Fatalf("http through %s: exit %d\n%s\n%s", proxy, code, stdout, stderr)
		}
		if got := open.requests()[before:]; len(got) == 0 || got[0] != namedHost {
			t.Errorf("through %s the proxy connected to %q, want %s (the name, resolved by the proxy)", proxy, got, namedHost)
		}
	}
	before := len(open.requests())
	code, stdout, stderr := runCLI(t, "", "verify", "--json", "--now", devNow, "--secret", "dev", "--url", tlsSrv.URL, "--insecure", "--proxy", open.URL)
	if m := jsonOut(t, stdout); code != exitOK || m["valid"] != true {
		t.Fatalf("https through the proxy: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if got, want := open.requests()[before:], strings.TrimPrefix(tlsSrv.URL, "https://"); len(got) != 1 || got[0] != want {
		t.Errorf("https: the proxy connected to %q, want %s", got, want)
	}

	const secret = "s3cret-socks-password"
	authed := startMicrosocks(t, "probe:"+secret)
	withAuth := strings.Replace(authed.URL, "socks5://", "socks5h://probe:"+secret+"@", 1)
	code, stdout, stderr = runCLI(t, "", "decode", "--now", devNow, "--url", named+"/login", "--proxy", withAuth)
	if code != exitOK || !strings.Contains(stdout, `"user": "alice"`) || len(authed.requests()) == 0 {
		t.Fatalf("through the proxy with a password: exit %d, proxy saw %q\n%s\n%s", code, authed.requests(), stdout, stderr)
	}

	refused := localnet.FreeAddr(t) // nothing listens there
	for _, tt := range []struct {
		name, url, proxy, want string
	}{
		{"no password", named + "/login", authed.URL, "hint: the SOCKS proxy wants a user name and password: give them as --proxy socks5://USER:PASSWORD@HOST:PORT"},
		{"wrong password", named + "/login", strings.Replace(withAuth, secret, "wrong-"+secret, 1), "hint: the SOCKS proxy refused the user name and password of --proxy: check them"},
		{"server down", "http://" + refused + "/login", open.URL, "hint: the SOCKS proxy could not connect to the server: the proxy resolves the host name"},
		{"unknown name", "http://no-such-host.invalid/login", open.URL, "hint: the SOCKS proxy could not connect to the server"},
		{"no proxy", named + "/login", "socks5://" + refused, "hint: nothing listens at the --proxy address " + refused},
		{"no http proxy", named + "/login", "http://" + refused, "hint: nothing listens at the --proxy address " + refused},
	} {
		code, stdout, stderr := runCLI(t, "", "decode", "--url", tt.url, "--proxy", tt.proxy)
		if code != exitAuditFailed || !strings.Contains(stderr, "fetch failed") || !strings.Contains(stderr, tt.want) || strings.Contains(stdout+stderr, secret) {
			t.Errorf("%s: exit %d, want the hint %q\nstdout: %s\nstderr: %s", tt.name, code, tt.want, stdout, stderr)
		}
	}
}

// TestFetchEnvProxyDown: without --proxy, HTTP_PROXY applies to a host that
// is not loopback; when nothing listens where it points, the hint names
// the variables, not --proxy. net/http reads them once per process, so the
// command runs in a fresh one. The URL's name is never resolved: the
// request goes to the proxy first.
func TestFetchEnvProxyDown(t *testing.T) {
	refused := localnet.FreeAddr(t)
	env := []string{"HTTP_PROXY=http://" + refused, "http_proxy=http://" + refused, "NO_PROXY=", "no_proxy=", "NO_COLOR=1"}
	code, stdout, stderr := runCLIProcess(t, env, "decode", "--url", "http://cookiecodec.invalid/login")
	if code != exitAuditFailed || !strings.Contains(stderr, "proxyconnect tcp") ||
		!strings.Contains(stderr, "hint: nothing listens at the proxy address that HTTPS_PROXY or HTTP_PROXY names") || strings.Contains(stderr, "--proxy address") {
		t.Errorf("HTTP_PROXY %s, where nothing listens: exit %d\nstdout: %s\nstderr: %s", refused, code, stdout, stderr)
	}
}

// TestFetchBadEnvProxy: a proxy variable that net/http cannot use is
// refused before any request. net/http itself sends the request directly,
// around the proxy, without a word (a security review saw a DNS lookup of
// the target instead of a proxy error). Its value, which may hold a
// password, is not echoed. A bad lowercase variable that its uppercase
// twin overrides is not what net/http reads, and is let be.
func TestFetchBadEnvProxy(t *testing.T) {
	refused := localnet.FreeAddr(t)
	const bad = "http://u:ENV%zzPW@127.0.0.1:1"
	for _, tc := range []struct {
		name, url string
		env       []string
		code      int
		want      string
	}{
		{"HTTP_PROXY", "http://cookiecodec.invalid/", []string{"HTTP_PROXY=" + bad, "http_proxy="}, exitUsage, "error: HTTP_PROXY is set but is not a proxy URL"},
		{"https_proxy", "https://cookiecodec.invalid/", []string{"HTTPS_PROXY=", "https_proxy=::bogus"}, exitUsage, "error: https_proxy is set but is not a proxy URL"},
		{"overridden", "http://cookiecodec.invalid/", []string{"HTTP_PROXY=http://" + refused, "http_proxy=" + bad}, exitAuditFailed, "proxyconnect tcp"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := append([]string{"HTTPS_PROXY=", "https_proxy=", "HTTP_PROXY=", "http_proxy=", "NO_PROXY=", "no_proxy=", "NO_COLOR=1"}, tc.env...)
			code, _, stderr := runCLIProcess(t, env, "decode", "--url", tc.url)
			if code != tc.code || !strings.Contains(stderr, tc.want) || strings.Contains(stderr, "ENV%zzPW") || strings.Contains(stderr, "lookup cookiecodec.invalid") {
				t.Errorf("exit %d, want %d with %q:\n%s", code, tc.code, tc.want, stderr)
			}
		})
	}
}
