package cookiesession

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/cookiecodec/cookiecodec/internal/localnet"
	"github.com/cookiecodec/cookiecodec/internal/syncbuf"
)

// nginxPath is Debian's nginx.
const nginxPath = "/usr/sbin/nginx"

// nginxProxyConfig is what PROXIES.md (in this directory) tells nginx
// users to add, for sessions of up to 16 chunks.
const nginxProxyConfig = `
	proxy_buffer_size 96k;
	proxy_buffers 8 96k;
	proxy_busy_buffers_size 192k;
	large_client_header_buffers 4 96k;
`

// nginx64KiBBuffers is 64 KiB buffers, which README.md once gave for 16
// chunks: a response that sets 16 full chunks (67 KB of header fields)
// outgrows them.
const nginx64KiBBuffers = "proxy_buffer_size 64k; proxy_buffers 8 64k; proxy_busy_buffers_size 128k; large_client_header_buffers 4 64k;"

// nginxResponseBuffers raises only the buffers for the upstream's
// response headers: the usual fix for nginx's "upstream sent too big
// header", which leaves the request limit at its default.
const nginxResponseBuffers = "proxy_buffer_size 64k; proxy_buffers 8 64k; proxy_busy_buffers_size 128k;"

// TestNginx runs a real nginx (Debian's) as a reverse proxy in front of the
// middleware, with a real HTTP client and cookie jar, and records what a
// chunked session meets there:
//
//   - with nginx's defaults, a response whose headers outgrow
//     proxy_buffer_size (one 4 KiB page) fails with 502 Bad Gateway: a
//     session cookie of 4 KB alone does, so does every chunked session;
//   - with nginx's defaults, a request whose Cookie header is over 8,181
//     bytes fails with 400: "Cookie: ", the value and CRLF must fit in one
//     8 KiB buffer (large_client_header_buffers);
//   - with nginxProxyConfig, sessions of 4 chunks and 16 full chunks
//     (65.3 KB, the largest the middleware writes) round-trip; with 64 KiB
//     buffers, a response setting 16 full chunks fails with 502;
//   - with nginxResponseBuffers and the middleware's
//     WithMaxCookieHeader(7168), a change that would need 3 chunks is not
//     written and the client keeps its session (runMaxCookieHeaderCase).
func TestNginx(t *testing.T) {
	requireProxy(t, nginxPath, "nginx")
	upstream := proxyUpstream(t)

	runProxyCases(t, upstream, []proxyCase{
		{"defaults, small session", "", []proxyStep{{set: 1000, want: 200, body: "1000", cookies: 1}, {want: 200, body: "1000"}}, ""},
		{"defaults, one cookie of 4 KB", "", []proxyStep{{set: 2900, want: 502, cookies: 1}}, ""},
		{"defaults, 2 chunks", "", []proxyStep{{set: 5000, want: 502, cookies: 2}}, ""},
		{"defaults, Cookie header over 8 KiB", nginxResponseBuffers,
			[]proxyStep{{set: 8000, want: 200, body: "8000", cookies: 3}, {want: 400}}, ""},
		{"defaults, Cookie header of 8,181 bytes", nginxResponseBuffers,
			[]proxyStep{{set: 6034, direct: true, want: 200, body: "6034", cookies: 2}, {want: 200, body: "6034"}}, ""},
		{"defaults, Cookie header of 8,183 bytes", nginxResponseBuffers,
			[]proxyStep{{set: 6036, direct: true, want: 200, body: "6036", cookies: 2}, {want: 400}}, ""},
		{"configured, 4 chunks", nginxProxyConfig, []proxyStep{{set: 11000, want: 200, body: "11000", cookies: 4}, {want: 200, body: "11000"}}, ""},
		{"configured, 16 full chunks", nginxProxyConfig, []proxyStep{{set: 48750, want: 200, body: "48750", cookies: 16}, {want: 200, body: "48750"}}, ""},
		{"64 KiB buffers, response setting 16 full chunks", nginx64KiBBuffers, []proxyStep{{set: 48750, want: 502, cookies: 16}}, ""},
	}, startNginx)
	runMaxCookieHeaderCase(t, nginxResponseBuffers, startNginx)
}

// TestNginxHTTP2 is TestNginx with the client speaking HTTP/2 (h2c) to
// nginx. nginx checks each cookie field on its own against
// large_client_header_buffers, and (as its documentation says) all of a
// request's fields against the sum of those buffers (32 KiB by default),
// so:
//
//   - with only the response buffers raised (nginxResponseBuffers),
//     sessions of 3 and 8 chunks round-trip, while 3 chunks lock an
//     HTTP/1.1 client out (TestNginx);
//   - with nginxResponseBuffers, a request with 16 full chunks gets no
//     answer: nginx ends the connection (GOAWAY, ENHANCE_YOUR_CALM);
//   - with nginxProxyConfig, 16 full chunks round-trip.
func TestNginxHTTP2(t *testing.T) {
	requireProxy(t, nginxPath, "nginx")
	upstream := proxyUpstream(t)
	runProxyCasesH2C(t, upstream, []proxyCase{
		{"response buffers, 3 chunks", nginxResponseBuffers, []proxyStep{{set: 8000, want: 200, body: "8000", cookies: 3}, {want: 200, body: "8000"}}, ""},
		{"response buffers, 8 chunks", nginxResponseBuffers, []proxyStep{{set: 23000, want: 200, body: "23000", cookies: 8}, {want: 200, body: "23000"}}, ""},
		{"response buffers, request with 16 full chunks", nginxResponseBuffers, []proxyStep{{set: 48750, direct: true, want: 200, body: "48750", cookies: 16}, {reset: true, resetWith: "ENHANCE_YOUR_CALM"}}, ""},
		{"configured, 16 full chunks", nginxProxyConfig, []proxyStep{{set: 48750, want: 200, body: "48750", cookies: 16}, {want: 200, body: "48750"}}, ""},
	}, startNginxH2C)
}

// startNginx runs nginx in the foreground, one process, as a reverse proxy
// from a free 127.0.0.1 port to upstream (host:port), with extra
// directives in its server block, until the test ends. It returns the
// proxy's base URL and its output (its error log is in a file).
func startNginx(t *testing.T, upstream, directives string) (string, *syncbuf.Buffer) {
	t.Helper()
	return startNginxListening(t, upstream, directives, "")
}

// startNginxH2C is startNginx with nginx speaking HTTP/2 in clear text
// with prior knowledge (h2c) instead of HTTP/1.1.
func startNginxH2C(t *testing.T, upstream, directives string) (string, *syncbuf.Buffer) {
	t.Helper()
	return startNginxListening(t, upstream, directives, " http2")
}

// startNginxListening is startNginx with listenParams after the address
// in the listen directive.
func startNginxListening(t *testing.T, upstream, directives, listenParams string) (string, *syncbuf.Buffer) {
	t.Helper()
	dir := t.TempDir()
	addr := localnet.FreeAddr(t)
	conf := fmt.Sprintf(`daemon off;
master_process off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path %[1]s/body;
	proxy_temp_path %[1]s/proxy;
	fastcgi_temp_path %[1]s/fastcgi;
	uwsgi_temp_path %[1]s/uwsgi;
	scgi_temp_path %[1]s/scgi;
	server {
		listen %[2]s%[5]s;
		%[4]s
		location / { proxy_pass http://%[3]s; }
	}
}
`, dir, addr, upstream, directives, listenParams)
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	out := runProxy(t, "nginx", addr, func() string {
		log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
		return "error.log:\n" + string(log)
	}, nginxPath, "-p", dir, "-c", confPath, "-e", filepath.Join(dir, "error.log"))
	return "http://" + addr, out
}
