package cookiesession

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/cookiecodec/cookiecodec/internal/localnet"
	"github.com/cookiecodec/cookiecodec/internal/syncbuf"
)

// apachePath is Debian's Apache httpd.
const apachePath = "/usr/sbin/apache2"

// apacheProxyConfig is what PROXIES.md (in this directory) tells Apache
// users to set, for sessions of up to 16 chunks;
// apacheDefaultChunksConfig is enough for DefaultMaxChunks.
const (
	apacheProxyConfig         = `LimitRequestFieldSize 81920`
	apacheDefaultChunksConfig = `LimitRequestFieldSize 20480`
)

// apacheH2C makes Apache speak HTTP/2 in clear text with prior knowledge
// as well as HTTP/1.1, with mod_http2 logging at debug level.
const apacheH2C = `LoadModule http2_module /usr/lib/apache2/modules/mod_http2.so
Protocols h2c http/1.1
H2Direct on
LogLevel info http2:debug`

// What Apache logs (at LogLevel info) when it answers 400 to an HTTP/1.1
// request, or 431 to an HTTP/2 request, for its Cookie header; and (at
// http2:debug) when mod_http2 cannot send a response's header block.
const (
	apacheCookieRefused   = "AH00561: Request header exceeds LimitRequestFieldSize: Cookie"
	apacheH2CookieRefused = "Request header exceeds LimitRequestFieldSize(8190): cookie"
	apacheH2HeadersReset  = "not sent FRAME[HEADERS"
)

// TestApache runs a real Apache httpd (Debian's, mod_proxy_http) as a
// reverse proxy in front of the middleware, with a real HTTP client and
// cookie jar, and records what a chunked session meets there. Apache
// limits each request header line to LimitRequestFieldSize (8,190 bytes
// by default), and sends the Set-Cookie lines of a response through
// whatever their number:
//
//   - with the defaults, a Cookie header of 8,183 bytes passes and one of
//     8,186 bytes is answered 400: 2 chunks pass only when they are not
//     both full (two full chunks make 8,196 bytes);
//   - with the defaults, a response that sets 3 chunks passes, and so
//     does one that sets 16, and then every request the browser sends
//     with them is answered 400 before the app sees it, until the cookies
//     expire or are cleared;
//   - with apacheDefaultChunksConfig, 4 full chunks (16.0 KB) round-trip,
//     and 16 chunks are refused as above;
//   - with apacheProxyConfig, 16 full chunks (65.3 KB) round-trip (over
//     HTTP/2 they do not: TestApacheHTTP2).
//   - with the defaults and the middleware's WithMaxCookieHeader(7168), a
//     change that would need 3 chunks is not written and the client keeps
//     its session (runMaxCookieHeaderCase).
//
// Each 400 is checked in Apache's error log too (AH00561), so that it is
// Apache's limit and not the upstream's.
func TestApache(t *testing.T) {
	requireProxy(t, apachePath, "apache2")
	upstream := proxyUpstream(t)
	runProxyCases(t, upstream, []proxyCase{
		{"defaults, small session", "", []proxyStep{{set: 1000, want: 200, body: "1000", cookies: 1}, {want: 200, body: "1000"}}, ""},
		{"defaults, Cookie header of 8,183 bytes", "", []proxyStep{{set: 6036, want: 200, body: "6036", cookies: 2}, {want: 200, body: "6036"}}, ""},
		{"defaults, Cookie header of 8,186 bytes", "", []proxyStep{{set: 6038, want: 200, body: "6038", cookies: 2}, {want: 400}}, apacheCookieRefused},
		{"defaults, 3 chunks lock the client out", "", []proxyStep{{set: 8000, want: 200, body: "8000", cookies: 3}, {want: 400}, {want: 400}}, apacheCookieRefused},
		{"defaults, response setting 16 chunks", "", []proxyStep{{set: 48750, want: 200, body: "48750", cookies: 16}, {want: 400}}, apacheCookieRefused},
		{"20 KiB fields, 4 full chunks", apacheDefaultChunksConfig, []proxyStep{{set: 11900, want: 200, body: "11900", cookies: 4}, {want: 200, body: "11900"}}, ""},
		{"20 KiB fields, 16 chunks", apacheDefaultChunksConfig, []proxyStep{{set: 48750, want: 200, body: "48750", cookies: 16}, {want: 400}}, apacheCookieRefused},
		{"80 KiB fields, 16 full chunks", apacheProxyConfig, []proxyStep{{set: 48750, want: 200, body: "48750", cookies: 16}, {want: 200, body: "48750"}}, ""},
	}, startApache)

	runMaxCookieHeaderCase(t, "", startApache)
}

// TestApacheHTTP2 is TestApache with the client speaking HTTP/2 (h2c) to
// Apache, as browsers do over TLS. mod_http2 joins the cookie header
// fields into one Cookie line, checks that line against
// LimitRequestFieldSize, and passes it on over HTTP/1.1. Measured:
//
//   - with the defaults, a Cookie header of 8,182 bytes passes and one of
//     8,183 bytes is answered 431, one byte lower than over HTTP/1.1;
//     3 chunks lock the client out as over HTTP/1.1, with 431;
//   - with apacheProxyConfig, a request with 16 full chunks (65.3 KB)
//     passes, but a response setting them does not: mod_http2 (nghttp2)
//     sends no header block over 64 KiB and resets the stream, so the
//     client gets no response at all. 16 chunks of 62,311 bytes
//     round-trip;
//   - with apacheProxyConfig and the middleware's
//     WithMaxCookieHeader(61440), the largest session written
//     round-trips, and a change beyond it is not written.
func TestApacheHTTP2(t *testing.T) {
	requireProxy(t, apachePath, "apache2")
	upstream := proxyUpstream(t)
	large := apacheH2C + "\n" + apacheProxyConfig
	runProxyCasesH2C(t, upstream, []proxyCase{
		{"defaults, small session", apacheH2C, []proxyStep{{set: 1000, want: 200, body: "1000", cookies: 1}, {want: 200, body: "1000"}}, ""},
		{"defaults, Cookie header of 8,182 bytes", apacheH2C, []proxyStep{{set: 6035, want: 200, body: "6035", cookies: 2}, {want: 200, body: "6035"}}, ""},
		{"defaults, Cookie header of 8,183 bytes", apacheH2C, []proxyStep{{set: 6036, want: 200, body: "6036", cookies: 2}, {want: 431}}, apacheH2CookieRefused},
		{"defaults, 3 chunks lock the client out", apacheH2C, []proxyStep{{set: 8000, want: 200, body: "8000", cookies: 3}, {want: 431}, {want: 431}}, apacheH2CookieRefused},
		{"80 KiB fields, request with 16 full chunks", large, []proxyStep{{direct: true, set: 48750, want: 200, body: "48750", cookies: 16}, {want: 200, body: "48750"}}, ""},
		{"80 KiB fields, response setting 16 full chunks", large, []proxyStep{{set: 48750, reset: true, cookies: 16}}, apacheH2HeadersReset},
		{"80 KiB fields, 16 chunks of 62,311 bytes", large, []proxyStep{{set: 46500, want: 200, body: "46500", cookies: 16}, {want: 200, body: "46500"}}, ""},
	}, startApache)

	bounded := proxyUpstream(t, WithMaxCookieHeader(61440))
	runProxyCasesH2C(t, bounded, []proxyCase{
		{"80 KiB fields, WithMaxCookieHeader(61440)", large, []proxyStep{
			{set: 45856, want: 200, body: "45856", cookies: 15},
			{want: 200, body: "45856"},
			{set: 48750, want: 500, notSaved: true},
			{want: 200, body: "45856"},
		}, ""},
	}, startApache)
}

// startApache runs Apache httpd in the foreground, one process (-X), as a
// reverse proxy from a free 127.0.0.1 port to upstream (host:port), with
// extra directives in its server config, until the test ends. It returns
// the proxy's base URL and its output: the error log at LogLevel info,
// and an access log line per request.
func startApache(t *testing.T, upstream, directives string) (string, *syncbuf.Buffer) {
	t.Helper()
	dir := t.TempDir()
	addr := localnet.FreeAddr(t)
	// Run as root (as in CI), httpd switches to User and Group once it has
	// read its configuration and opened its logs.
	conf := fmt.Sprintf(`ServerRoot %[1]s
PidFile %[1]s/httpd.pid
Listen %[2]s
ServerName 127.0.0.1
LoadModule mpm_event_module %[4]s/mod_mpm_event.so
LoadModule authz_core_module %[4]s/mod_authz_core.so
LoadModule proxy_module %[4]s/mod_proxy.so
LoadModule proxy_http_module %[4]s/mod_proxy_http.so
User nobody
Group nogroup
ErrorLog /dev/stderr
LogLevel info
LogFormat "%%r %%>s" short
CustomLog /dev/stdout short
%[5]s
ProxyPass / http://%[3]s/
`, dir, addr, upstream, "/usr/lib/apache2/modules", directives)
	confPath := filepath.Join(dir, "httpd.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	out := runProxy(t, "apache2", addr, nil, apachePath, "-X", "-f", confPath)
	return "http://" + addr, out
}
