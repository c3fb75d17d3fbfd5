package cookiesession

import (
	"testing"

	"github.com/cookiecodec/cookiecodec/internal/headless"
)

// TestWebKitApacheHTTP2 is TestChromiumApacheHTTP2 with WebKitGTK, which
// differs: over TLS and HTTP/2 to Apache with its defaults it sends one
// cookie field holding every cookie (Apache's trace shows 1 per request,
// where Chromium and Firefox send 3 for 3 chunks), and gets Apache's 431
// page after the page that set them, as they do.
func TestWebKitApacheHTTP2(t *testing.T) {
	requireProxy(t, apachePath, "apache2")
	wk := startWebKit(t)
	base, log := startApacheTLS(t)
	page := func(path string) (string, string) { return browserPage(t, wk, base+path) }
	browserMeetsApacheHTTP2(t, page, log, 1)
}

// TestWebKitVarnishHTTP2 is TestChromiumVarnishHTTP2's HTTP/2 half with
// WebKitGTK: through hitch to Varnish with its defaults, over HTTP/2, a
// session of 3 chunks keeps working although WebKitGTK sends its cookies
// in one field of 10.8 KB, over Varnish's 8 KB http_req_hdr_len (which
// locks out an HTTP/1.1 client: TestVarnish).
func TestWebKitVarnishHTTP2(t *testing.T) {
	wk := startWebKit(t)
	base, _ := startVarnishTLS(t)
	for i, path := range []string{"/?set=8000", "/", "/"} {
		if body, proto := browserPage(t, wk, base+path); body != "8000" || proto != "h2" {
			t.Fatalf("page %d shows %.60q over %s, want 8000 over h2", i+1, body, proto)
		}
	}
}

// startWebKit starts WebKitGTK's MiniBrowser under WebKitWebDriver on an
// Xvfb display for the test, accepting the test certificate.
func startWebKit(t *testing.T) *headless.WebKit {
	t.Helper()
	requireProxy(t, headless.WebKitDriverPath, "webkit2gtk-driver")
	requireProxy(t, headless.MiniBrowserPath, "webkit2gtk-driver")
	requireProxy(t, headless.XvfbPath, "xvfb")
	display, err := headless.StartXvfb(t.Context(), t, headless.XvfbPath)
	if err != nil {
		t.Fatal(err)
	}
	wk, err := headless.StartWebKit(t.Context(), t, headless.WebKitDriverPath, headless.MiniBrowserPath, display, true)
	if err != nil {
		t.Fatal(err)
	}
	return wk
}
