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

// TestWebKitVarnishHTTP2 is TestChromiumVarnishHTTP2 with WebKitGTK:
// through hitch to Varnish with its defaults, over HTTP/2, a session of 3
// chunks keeps working although WebKitGTK sends its cookies in one field
// of 10.8 KB, over Varnish's 8 KB http_req_hdr_len. WebKitGTK has no
// setting to turn HTTP/2 off, so for HTTP/1.1 hitch offers only
// http/1.1: then the page that sets the 3 chunks loads and every page
// after it gets Varnish's 400, the lockout TestVarnish measures.
func TestWebKitVarnishHTTP2(t *testing.T) {
	t.Run("HTTP/2", func(t *testing.T) {
		wk := startWebKit(t)
		base, _ := startVarnishTLS(t, hitchBoth)
		for i, path := range []string{"/?set=8000", "/", "/"} {
			if body, proto := browserPage(t, wk, base+path); body != "8000" || proto != "h2" {
				t.Fatalf("page %d shows %.60q over %s, want 8000 over h2", i+1, body, proto)
			}
		}
	})
	t.Run("HTTP/1.1", func(t *testing.T) {
		wk := startWebKit(t)
		base, log := startVarnishTLS(t, hitchHTTP1)
		if body, proto := browserPage(t, wk, base+"/?set=8000"); body != "8000" || proto != "http/1.1" {
			t.Fatalf("the page that sets 3 chunks shows %.60q over %s, want 8000 over http/1.1", body, proto)
		}
		// Varnish answers 400 with no body, an empty page in WebKitGTK,
		// which has no responseStatus to show the status: varnishlog
		// shows a refusal per request instead.
		for i := range 2 {
			if body, _ := browserPage(t, wk, base+"/"); body != "" {
				t.Fatalf("page %d after the 3 chunks shows %.60q, want Varnish's empty 400 page", i+1, body)
			}
		}
		waitLogCount(t, log, varnishCookieRefused, 2)
	})
}

// startWebKit starts WebKitGTK's MiniBrowser under WebKitWebDriver on an
// Xvfb display for the test, accepting the test certificate.
func startWebKit(t *testing.T) *headless.WebKit {
	t.Helper()
	requireProxy(t, headless.WebKitDriverPath, "webkit2gtk-driver")
	requireProxy(t, headless.MiniBrowserPath, "webkit2gtk-driver")
	requireProxy(t, headless.XvfbPath, "xvfb")
	ctx := browserLifetime(t)
	display, err := headless.StartXvfb(ctx, t, headless.XvfbPath)
	if err != nil {
		t.Fatal(err)
	}
	wk, err := headless.StartWebKit(ctx, t, headless.WebKitDriverPath, headless.MiniBrowserPath, display, true)
	if err != nil {
		t.Fatal(err)
	}
	return wk
}
