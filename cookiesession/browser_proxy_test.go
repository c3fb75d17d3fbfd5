package cookiesession

import (
	"os"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec/internal/headless"
)

// TestBrowsersNginxHTTP2 runs Chromium, Firefox and WebKitGTK over TLS and
// HTTP/2 through nginx with only its response buffers raised (its default
// request limits: each header field must fit one 8 KiB
// large_client_header_buffers buffer). A page sets a session of 3 chunks
// (10.8 KB of cookies), and two pages follow:
//
//   - Chromium and Firefox send each cookie as a field of its own, each
//     under 8 KiB, and keep the session, as Go's client does
//     (TestNginxHTTP2);
//   - WebKitGTK sends one cookie field of 10.8 KB, and nginx ends the
//     connection (ENHANCE_YOUR_CALM), which WebKitGTK shows as its error
//     page "HTTP/2 Error: ENHANCE_YOUR_CALM": locked out, as an HTTP/1.1
//     client is (TestNginx).
func TestBrowsersNginxHTTP2(t *testing.T) {
	requireProxy(t, nginxPath, "nginx")
	upstream := proxyUpstream(t)
	certFile, keyFile := testCertificate(t)
	tls := nginxResponseBuffers + " ssl_certificate " + certFile + "; ssl_certificate_key " + keyFile + ";"
	base, _ := startNginxListening(t, upstream.Listener.Addr().String(), tls, " ssl http2")
	base = strings.Replace(base, "http://", "https://", 1)

	keeps := []string{"8000", "8000", "8000"}
	lockedOut := []string{"8000", "HTTP/2 Error: ENHANCE_YOUR_CALM", "HTTP/2 Error: ENHANCE_YOUR_CALM"}
	browsersSee(t, base, []string{"/?set=8000", "/", "/"}, keeps, keeps, lockedOut)
}

// TestBrowsersHAProxyHTTP2 runs Chromium, Firefox and WebKitGTK over TLS
// and HTTP/2 through HAProxy, which joins the cookie fields of a request
// into one header in its single tune.bufsize buffer, so that how a
// browser sends its cookies does not matter there (TestHAProxyHTTP2 with
// Go's client):
//
//   - with HAProxy's defaults, a session of 3 chunks (10.8 KB of cookies)
//     round-trips in the three browsers, including WebKitGTK, whose one
//     10.8 KB field nginx refuses (TestBrowsersNginxHTTP2);
//   - with haproxyProxyConfig, the setting README.md gives for the largest
//     session, a session of 16 chunks (a Cookie header of 62.3 KB)
//     round-trips in the three browsers; with the defaults, the response
//     that sets it gets 502.
func TestBrowsersHAProxyHTTP2(t *testing.T) {
	requireProxy(t, haproxyPath, "haproxy")
	upstream := proxyUpstream(t)
	// HAProxy reads the certificate and its key from one PEM file.
	certFile, keyFile := testCertificate(t)
	cert, err := os.ReadFile(certFile)
	must(t, err)
	key, err := os.ReadFile(keyFile)
	must(t, err)
	pemFile := certFile + ".haproxy"
	must(t, os.WriteFile(pemFile, append(cert, key...), 0o600))
	bind := " ssl crt " + pemFile + " alpn h2,http/1.1"

	for _, c := range []struct {
		name, global, size string
		want               []string // each page's text, in every browser
	}{
		{"defaults, 3 chunks", "", "8000", []string{"8000", "8000", "8000"}},
		{"defaults, 16 chunks", "", "46500", []string{"502 Bad Gateway"}},
		{"128 KiB buffers, 16 chunks", haproxyProxyConfig, "46500", []string{"46500", "46500", "46500"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			base, _ := startHAProxyBinding(t, upstream.Listener.Addr().String(), c.global, bind)
			base = strings.Replace(base, "http://", "https://", 1)
			paths := []string{"/?set=" + c.size, "/", "/"}[:len(c.want)]
			browsersSee(t, base, paths, c.want, c.want, c.want)
		})
	}
}

// browsersSee loads the pages at paths under base, in order, in a fresh
// Chromium, Firefox and WebKitGTK each (a subtest per browser), all
// accepting the test certificate. Page i must show chromium[i],
// firefox[i] or webkit[i] in that browser; a page that shows a number (a
// blob length from proxyUpstream) must have come over HTTP/2.
func browsersSee(t *testing.T, base string, paths, chromium, firefox, webkit []string) {
	t.Helper()
	for _, b := range []struct {
		name  string
		start func(t *testing.T) func(url string) (body, protocol string)
		want  []string
	}{
		{"chromium", func(t *testing.T) func(string) (string, string) {
			requireProxy(t, chromiumPath, "chromium")
			ctx := chromiumContext(t, false)
			return func(url string) (string, string) { return chromiumPage(t, ctx, url) }
		}, chromium},
		{"firefox", func(t *testing.T) func(string) (string, string) {
			requireProxy(t, firefoxPath, "firefox-esr")
			ff, err := headless.StartFirefox(t.Context(), t, firefoxPath, true)
			if err != nil {
				t.Fatal(err)
			}
			return func(url string) (string, string) { return browserPage(t, ff, url) }
		}, firefox},
		{"webkit", func(t *testing.T) func(string) (string, string) {
			wk := startWebKit(t)
			return func(url string) (string, string) { return browserPage(t, wk, url) }
		}, webkit},
	} {
		t.Run(b.name, func(t *testing.T) {
			page := b.start(t)
			for i, path := range paths {
				body, proto := page(base + path)
				if !strings.Contains(body, b.want[i]) {
					t.Fatalf("page %d shows %.60q over %q, want %q", i+1, body, proto, b.want[i])
				}
				if isBlobLength(b.want[i]) && proto != "h2" {
					t.Fatalf("page %d came over %q, want h2", i+1, proto)
				}
			}
		})
	}
}

// isBlobLength reports whether a page's expected text is a number, the
// blob length that proxyUpstream shows, rather than an error page.
func isBlobLength(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
