package cookiesession

import (
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
	for _, b := range []struct {
		name  string
		start func(t *testing.T) func(url string) (body, protocol string)
		want  []string // each page's text
	}{
		{"chromium", func(t *testing.T) func(string) (string, string) {
			requireProxy(t, chromiumPath, "chromium")
			ctx := chromiumContext(t, false)
			return func(url string) (string, string) { return chromiumPage(t, ctx, url) }
		}, keeps},
		{"firefox", func(t *testing.T) func(string) (string, string) {
			requireProxy(t, firefoxPath, "firefox-esr")
			ff, err := headless.StartFirefox(t.Context(), t, firefoxPath, true)
			if err != nil {
				t.Fatal(err)
			}
			return func(url string) (string, string) { return browserPage(t, ff, url) }
		}, keeps},
		{"webkit", func(t *testing.T) func(string) (string, string) {
			wk := startWebKit(t)
			return func(url string) (string, string) { return browserPage(t, wk, url) }
		}, []string{"8000", "HTTP/2 Error: ENHANCE_YOUR_CALM", "HTTP/2 Error: ENHANCE_YOUR_CALM"}},
	} {
		t.Run(b.name, func(t *testing.T) {
			page := b.start(t)
			for i, path := range []string{"/?set=8000", "/", "/"} {
				body, proto := page(base + path)
				if !strings.Contains(body, b.want[i]) {
					t.Fatalf("page %d shows %.60q over %q, want %q", i+1, body, proto, b.want[i])
				}
				if b.want[i] == "8000" && proto != "h2" {
					t.Fatalf("page %d came over %q, want h2", i+1, proto)
				}
			}
		})
	}
}
