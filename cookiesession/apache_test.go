package cookiesession

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// apachePath is Debian's Apache httpd.
const apachePath = "/usr/sbin/apache2"

// apacheProxyConfig is what README.md's "Behind a reverse proxy" section
// tells Apache users to set, for sessions of up to 16 chunks;
// apacheDefaultChunksConfig is enough for DefaultMaxChunks.
const (
	apacheProxyConfig         = `LimitRequestFieldSize 81920`
	apacheDefaultChunksConfig = `LimitRequestFieldSize 20480`
)

// apacheCookieRefused is what Apache logs (at LogLevel info) when it
// answers 400 to a request for its Cookie header.
const apacheCookieRefused = "AH00561: Request header exceeds LimitRequestFieldSize: Cookie"

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
//   - with apacheProxyConfig, 16 full chunks (65.3 KB) round-trip.
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

// startApache runs Apache httpd in the foreground, one process (-X), as a
// reverse proxy from a free 127.0.0.1 port to upstream (host:port), with
// extra directives in its server config, until the test ends. It returns
// the proxy's base URL and its output: the error log at LogLevel info,
// and an access log line per request.
func startApache(t *testing.T, upstream, directives string) (string, *lockedBuilder) {
	t.Helper()
	dir := t.TempDir()
	addr := freeLocalAddr(t)
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
