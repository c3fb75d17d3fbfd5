package cookiesession

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/cookiecodec/cookiecodec/internal/localnet"
	"github.com/cookiecodec/cookiecodec/internal/syncbuf"
)

// haproxyPath is Debian's HAProxy.
const haproxyPath = "/usr/sbin/haproxy"

// haproxyProxyConfig is what PROXIES.md (in this directory)
// tells HAProxy users to add to the global section, for sessions of up to
// 16 chunks; haproxyDefaultChunksConfig is enough for DefaultMaxChunks.
const (
	haproxyProxyConfig         = `tune.bufsize 131072`
	haproxyDefaultChunksConfig = `tune.bufsize 32768`
)

// TestHAProxy runs a real HAProxy (Debian's) as a reverse proxy in front
// of the middleware, with a real HTTP client and cookie jar, and records
// what a chunked session meets there. HAProxy holds a request's or a
// response's whole header block in one buffer of tune.bufsize (16 KiB by
// default) less tune.maxrewrite (1 KiB):
//
//   - with the defaults, sessions of 3 chunks (10.8 KB of cookies)
//     round-trip;
//   - with the defaults, a response that sets 4 chunks (14.8 KB) fails
//     with 502 Bad Gateway: with the Set-Cookie attributes and the other
//     fields, its header block is 15,378 bytes, over the 15,360 allowed;
//   - with the defaults, a request whose Cookie header is 16.0 KB (4
//     full chunks, set without the proxy) fails with 400, while one of
//     14.8 KB passes;
//   - with haproxyDefaultChunksConfig (32 KiB buffers), a session of 4
//     full chunks (16.0 KB) round-trips, and one of 9 chunks (34.9 KB)
//     gets 502;
//   - with 64 KiB buffers, a response that sets 16 full chunks gets 502
//     and a request that carries them (set without the proxy) gets 400,
//     so haproxyProxyConfig's 128 KiB is the smallest power of two that
//     carries them;
//   - with haproxyProxyConfig (128 KiB buffers), sessions of 4 chunks and
//     16 full chunks (65.3 KB) round-trip.
//
// Each refusal is checked in HAProxy's log too: its termination state
// says the proxy refused the headers (PH for a response, PR for a
// request), not that the upstream failed.
func TestHAProxy(t *testing.T) {
	requireProxy(t, haproxyPath, "haproxy")
	upstream := proxyUpstream(t)
	// logHas is a termination state, between spaces as in the log line.
	runProxyCases(t, upstream, []proxyCase{
		{"defaults, small session", "", []proxyStep{{set: 1000, want: 200, body: "1000", cookies: 1}, {want: 200, body: "1000"}}, ""},
		{"defaults, 3 chunks", "", []proxyStep{{set: 8000, want: 200, body: "8000", cookies: 3}, {want: 200, body: "8000"}}, ""},
		{"defaults, response setting 4 chunks", "", []proxyStep{{set: 11000, want: 502, cookies: 4}}, " PH-- "},
		{"defaults, Cookie header of 14.8 KB", "", []proxyStep{{set: 11000, direct: true, want: 200, body: "11000", cookies: 4}, {want: 200, body: "11000"}}, ""},
		{"defaults, Cookie header of 16 KB", "", []proxyStep{{set: 11900, direct: true, want: 200, body: "11900", cookies: 4}, {want: 400}}, " PR-- "},
		{"defaults, 16 chunks", "", []proxyStep{{set: 46500, want: 502, cookies: 16}}, " PH-- "},
		{"32 KiB buffers, 4 full chunks", haproxyDefaultChunksConfig, []proxyStep{{set: 11900, want: 200, body: "11900", cookies: 4}, {want: 200, body: "11900"}}, ""},
		{"32 KiB buffers, 9 chunks", haproxyDefaultChunksConfig, []proxyStep{{set: 26000, want: 502, cookies: 9}}, " PH-- "},
		{"128 KiB buffers, 4 chunks", haproxyProxyConfig, []proxyStep{{set: 11000, want: 200, body: "11000", cookies: 4}, {want: 200, body: "11000"}}, ""},
		{"64 KiB buffers, response setting 16 full chunks", "tune.bufsize 65536", []proxyStep{{set: 48750, want: 502, cookies: 16}}, " PH-- "},
		{"64 KiB buffers, request with 16 full chunks", "tune.bufsize 65536", []proxyStep{{set: 48750, direct: true, want: 200, body: "48750", cookies: 16}, {want: 400}}, " PR-- "},
		{"128 KiB buffers, 16 full chunks", haproxyProxyConfig, []proxyStep{{set: 48750, want: 200, body: "48750", cookies: 16}, {want: 200, body: "48750"}}, ""},
	}, startHAProxy)
}

// TestHAProxyHTTP2 is TestHAProxy with the client speaking HTTP/2 (h2c)
// to HAProxy, which joins the cookie fields into one Cookie header in the
// same buffer, so its limits do not change with the protocol: with the
// defaults 3 chunks round-trip and a request with 4 full chunks (16.0 KB),
// answered 400 over HTTP/1.1, gets no answer at all (HAProxy's log shows
// the same PR termination state as for the 400); with
// haproxyProxyConfig, 16 full chunks round-trip.
func TestHAProxyHTTP2(t *testing.T) {
	requireProxy(t, haproxyPath, "haproxy")
	upstream := proxyUpstream(t)
	runProxyCasesH2C(t, upstream, []proxyCase{
		{"defaults, 3 chunks", "", []proxyStep{{set: 8000, want: 200, body: "8000", cookies: 3}, {want: 200, body: "8000"}}, ""},
		{"defaults, request with 4 full chunks", "", []proxyStep{{set: 11900, direct: true, want: 200, body: "11900", cookies: 4}, {reset: true}}, " PR-- "},
		{"128 KiB buffers, 16 full chunks", haproxyProxyConfig, []proxyStep{{set: 48750, want: 200, body: "48750", cookies: 16}, {want: 200, body: "48750"}}, ""},
	}, startHAProxyH2C)
}

// startHAProxy runs HAProxy in the foreground as a reverse proxy from a
// free 127.0.0.1 port to upstream (host:port), with extra directives in
// its global section, until the test ends. It returns the proxy's base
// URL and HAProxy's log, one line per request.
func startHAProxy(t *testing.T, upstream, global string) (string, *syncbuf.Buffer) {
	t.Helper()
	return startHAProxyBinding(t, upstream, global, "")
}

// startHAProxyH2C is startHAProxy with HAProxy speaking HTTP/2 in clear
// text with prior knowledge (h2c) instead of HTTP/1.1.
func startHAProxyH2C(t *testing.T, upstream, global string) (string, *syncbuf.Buffer) {
	t.Helper()
	return startHAProxyBinding(t, upstream, global, " proto h2")
}

// startHAProxyBinding is startHAProxy with bindParams after the address
// in the bind line.
func startHAProxyBinding(t *testing.T, upstream, global, bindParams string) (string, *syncbuf.Buffer) {
	t.Helper()
	dir := t.TempDir()
	addr := localnet.FreeAddr(t)
	conf := fmt.Sprintf(`global
	log stdout format raw local0 info
	%[3]s
defaults
	mode http
	log global
	option httplog
	timeout connect 5s
	timeout client 10s
	timeout server 10s
frontend app
	bind %[1]s%[4]s
	default_backend app
backend app
	server upstream %[2]s
`, addr, upstream, global, bindParams)
	confPath := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	// -db: stay in the foreground, one process.
	out := runProxy(t, "haproxy", addr, nil, haproxyPath, "-db", "-f", confPath)
	return "http://" + addr, out
}
