package cookiesession

import (
	"testing"

	"github.com/cookiecodec/cookiecodec/internal/headless"
)

// firefoxPath is Debian's Firefox ESR.
const firefoxPath = "/usr/bin/firefox-esr"

// TestFirefoxApacheHTTP2 is TestChromiumApacheHTTP2 with Debian's Firefox
// ESR, driven over WebDriver BiDi: over TLS and HTTP/2 to Apache httpd
// with its default limits, a page that sets 3 chunks loads, the next two
// pages get Apache's 431 page, and mod_http2's trace shows how many cookie
// fields each request sent.
func TestFirefoxApacheHTTP2(t *testing.T) {
	requireProxy(t, apachePath, "apache2")
	requireProxy(t, firefoxPath, "firefox-esr")
	base, log := startApacheTLS(t)
	ff, err := headless.StartFirefox(browserLifetime(t), t, firefoxPath, true)
	if err != nil {
		t.Fatal(err)
	}
	page := func(path string) (string, string) { return browserPage(t, ff, base+path) }
	browserMeetsApacheHTTP2(t, page, log, 3)
}

// TestFirefoxVarnishHTTP2 is TestChromiumVarnishHTTP2 with Debian's Firefox
// ESR: through hitch to Varnish with its defaults, a session of 3 chunks
// keeps working over HTTP/2, and the same browser with HTTP/2 turned off
// (network.http.http2.enabled) gets Varnish's 400 on every page after the
// one that set it.
func TestFirefoxVarnishHTTP2(t *testing.T) {
	requireProxy(t, firefoxPath, "firefox-esr")
	base, log := startVarnishTLS(t, hitchBoth)

	t.Run("HTTP/2", func(t *testing.T) {
		ff, err := headless.StartFirefox(browserLifetime(t), t, firefoxPath, true)
		if err != nil {
			t.Fatal(err)
		}
		for i, path := range []string{"/?set=8000", "/", "/"} {
			if body, proto := browserPage(t, ff, base+path); body != "8000" || proto != "h2" {
				t.Fatalf("page %d shows %.60q over %s, want 8000 over h2", i+1, body, proto)
			}
		}
	})
	t.Run("HTTP/1.1", func(t *testing.T) {
		ff, err := headless.StartFirefox(browserLifetime(t), t, firefoxPath, true, `user_pref("network.http.http2.enabled", false);`)
		if err != nil {
			t.Fatal(err)
		}
		if body, proto := browserPage(t, ff, base+"/?set=8000"); body != "8000" || proto != "http/1.1" {
			t.Fatalf("the page that sets 3 chunks shows %.60q over %s, want 8000 over http/1.1", body, proto)
		}
		// Varnish answers 400 with no body, which Firefox shows as an
		// empty page.
		for i := range 2 {
			browserPage(t, ff, base+"/")
			status, err := ff.Eval(`String(performance.getEntriesByType("navigation")[0].responseStatus)`)
			if err != nil || status != "400" {
				t.Fatalf("page %d after the 3 chunks: status %q (%v), want 400", i+1, status, err)
			}
		}
	})
	waitLogCount(t, log, varnishCookieRefused, 2) // one for each page after the 3 chunks
}

// scriptedBrowser is what headless.Firefox and headless.WebKit both offer.
type scriptedBrowser interface {
	Navigate(url string) error
	Eval(expr string) (string, error)
}

// browserPage loads url in b and returns the page's text and the protocol
// it came over ("h2", "http/1.1"; "" for a browser's own error page).
func browserPage(t *testing.T, b scriptedBrowser, url string) (body, protocol string) {
	t.Helper()
	if err := b.Navigate(url); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return browserShown(t, b, url)
}

// browserShown returns the text of the page that b shows, loaded from
// url, and the protocol it came over.
func browserShown(t *testing.T, b scriptedBrowser, url string) (body, protocol string) {
	t.Helper()
	var err error
	if body, err = b.Eval(`document.body ? document.body.innerText : ""`); err != nil {
		t.Fatal(err)
	}
	if protocol, err = b.Eval(`String(performance.getEntriesByType("navigation")[0]?.nextHopProtocol ?? "")`); err != nil {
		t.Fatal(err)
	}
	t.Logf("GET %s over %q: %.60q", url, protocol, body)
	return body, protocol
}
