package cookiesession

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/cookiecodec/cookiecodec/internal/localnet"
	"github.com/cookiecodec/cookiecodec/internal/syncbuf"
)

// caddyPath is Debian's Caddy.
const caddyPath = "/usr/bin/caddy"

// TestCaddy runs a real Caddy (Debian's, reverse_proxy) in front of the
// middleware, with a real HTTP client and cookie jar. Caddy is built on
// Go's net/http: it reads up to max_header_size of request headers (1 MB
// by default, plus the 4 KiB of slack Go's server allows) and up to 10 MiB
// of an upstream's response headers. Measured:
//
//   - with the defaults, 4 full chunks and 16 full chunks (65.3 KB, the
//     largest session the middleware writes) round-trip over HTTP/1.1,
//     and 16 full chunks over HTTP/2 (h2c) too;
//   - with max_header_size lowered to 16KB, a response setting 8 chunks
//     passes and then every request is answered 431, the lockout that
//     Apache and Varnish give with their defaults.
func TestCaddy(t *testing.T) {
	requireProxy(t, caddyPath, "caddy")
	upstream := proxyUpstream(t)
	runProxyCases(t, upstream, []proxyCase{
		{"defaults, 4 full chunks", "", []proxyStep{{set: 11900, want: 200, body: "11900", cookies: 4}, {want: 200, body: "11900"}}, ""},
		{"defaults, 16 full chunks", "", []proxyStep{{set: 48750, want: 200, body: "48750", cookies: 16}, {want: 200, body: "48750"}}, ""},
		{"max_header_size 16KB, 8 chunks lock the client out", "max_header_size 16KB", []proxyStep{{set: 23000, want: 200, body: "23000", cookies: 8}, {want: 431}, {want: 431}}, ""},
	}, startCaddy)
	runProxyCasesH2C(t, upstream, []proxyCase{
		{"HTTP/2, defaults, 16 full chunks", "", []proxyStep{{set: 48750, want: 200, body: "48750", cookies: 16}, {want: 200, body: "48750"}}, ""},
	}, startCaddy)
}

// startCaddy runs Caddy as a reverse proxy from a free 127.0.0.1 port to
// upstream (host:port), speaking HTTP/1.1 and h2c, with extra options
// for its server, until the test ends. Caddy's storage and its HOME are
// in a temporary directory, and its admin endpoint is off. It returns the
// proxy's base URL and its output (Caddy's log).
func startCaddy(t *testing.T, upstream, global string) (string, *syncbuf.Buffer) {
	t.Helper()
	return startCaddyServing(t, upstream, global, false)
}

// startCaddyServing is startCaddy, or, if useTLS, the same speaking HTTP/1.1 and HTTP/2 (by ALPN) over TLS with the
// test certificate, returning an https URL.
func startCaddyServing(t *testing.T, upstream, global string, useTLS bool) (string, *syncbuf.Buffer) {
	t.Helper()
	dir := t.TempDir()
	addr := localnet.FreeAddr(t)
	scheme, protocols, tls := "http", "h1 h2c", ""
	if useTLS {
		certFile, keyFile := testCertificate(t)
		scheme, protocols, tls = "https", "h1 h2", "tls "+certFile+" "+keyFile
	}
	conf := fmt.Sprintf(`{
	admin off
	auto_https off
	storage file_system %[1]s
	servers {
		protocols %[6]s
		%[4]s
	}
}
%[5]s://%[2]s {
	bind 127.0.0.1
	%[7]s
	reverse_proxy %[3]s
}
`, dir, addr, upstream, global, scheme, protocols, tls)
	confPath := filepath.Join(dir, "Caddyfile")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", dir)
	t.Setenv("XDG_DATA_HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", dir)
	out := runProxy(t, "caddy", addr, nil, caddyPath, "run", "--config", confPath, "--adapter", "caddyfile")
	return scheme + "://" + addr, out
}
