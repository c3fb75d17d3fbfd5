package cookiesession

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/cookiecodec/cookiecodec/internal/localnet"
	"github.com/cookiecodec/cookiecodec/internal/syncbuf"
)

// hitchPath is Debian's hitch, a TLS proxy made for Varnish.
const hitchPath = "/usr/sbin/hitch"

// TestChromiumVarnishHTTP2 checks what TestVarnishHTTP2 measures with Go's
// client against a real browser: Debian's Chromium reaches Varnish with
// its defaults through hitch, which ends TLS, offers h2 and http/1.1, and
// passes each connection on with the PROXY protocol. Over HTTP/2, a page
// that sets 3 chunks loads and so do the pages after it; the same browser
// with HTTP/2 turned off gets the 3 chunks and then, on every page,
// Varnish's 400 (varnishlog shows why): the lockout TestVarnish measures.
func TestChromiumVarnishHTTP2(t *testing.T) {
	requireProxy(t, chromiumPath, "chromium")
	base, log := startVarnishTLS(t, hitchBoth)

	t.Run("HTTP/2", func(t *testing.T) {
		ctx := chromiumContext(t, false)
		for i, path := range []string{"/?set=8000", "/", "/"} {
			if body, proto := chromiumPage(t, ctx, base+path); body != "8000" || proto != "h2" {
				t.Fatalf("page %d shows %.60q over %s, want 8000 over h2", i+1, body, proto)
			}
		}
	})
	t.Run("HTTP/1.1", func(t *testing.T) {
		ctx := chromiumContext(t, true)
		if body, proto := chromiumPage(t, ctx, base+"/?set=8000"); body != "8000" || proto != "http/1.1" {
			t.Fatalf("the page that sets 3 chunks shows %.60q over %s, want 8000 over http/1.1", body, proto)
		}
		// Varnish answers 400 with no body, for which Chromium shows an
		// error page of its own.
		for i := range 2 {
			err := chromiumNavigate(ctx, base+"/")
			if err == nil || !strings.Contains(err.Error(), "ERR_HTTP_RESPONSE_CODE_FAILURE") {
				t.Fatalf("page %d after the 3 chunks: %v, want Chromium's error page for an error status", i+1, err)
			}
			t.Logf("page %d after the 3 chunks: %v", i+1, err)
		}
	})
	waitLogCount(t, log, varnishCookieRefused, 2) // one for each page after the 3 chunks
}

// startVarnishTLS starts Varnish with its defaults (and HTTP/2) in front of
// proxyUpstream, behind hitch, which ends TLS, offers the protocols in
// alpn (a list such as hitchBoth), and passes each connection on with the
// PROXY protocol, as browsers reach Varnish. It returns the https URL and
// varnishlog's output.
func startVarnishTLS(t *testing.T, alpn string) (base string, log *syncbuf.Buffer) {
	t.Helper()
	requireProxy(t, varnishdPath, "varnish")
	requireProxy(t, hitchPath, "hitch")
	upstream := proxyUpstream(t)
	proxyAddr := localnet.FreeAddr(t)
	_, log = startVarnishWith(t, upstream.Listener.Addr().String(), varnishH2C, "-a", proxyAddr+",PROXY")
	return startHitch(t, proxyAddr, alpn), log
}

// hitchBoth and hitchHTTP1 are the protocols hitch offers by ALPN: both
// HTTP/2 and HTTP/1.1, or HTTP/1.1 alone, for a browser that cannot turn
// HTTP/2 off itself (WebKitGTK).
const (
	hitchBoth  = "h2,http/1.1"
	hitchHTTP1 = "http/1.1"
)

// startHitch runs hitch in the foreground, ending TLS with the test
// certificate on a free 127.0.0.1 port and offering the protocols in alpn,
// in front of backend (host:port), which must take the PROXY protocol
// (version 2). It returns the https base URL.
func startHitch(t *testing.T, backend, alpn string) string {
	t.Helper()
	pemFile := testCertificateBundle(t)
	addr := localnet.FreeAddr(t)
	host, port, _ := strings.Cut(addr, ":")
	bhost, bport, _ := strings.Cut(backend, ":")
	runProxy(t, "hitch", addr, nil, hitchPath,
		"--frontend=["+host+"]:"+port, "--backend=["+bhost+"]:"+bport,
		"--write-proxy-v2", "--alpn-protos="+alpn, "--workers=1",
		"--user=nobody", pemFile)
	return "https://" + addr
}

// chromiumPage loads url in the browser of ctx and returns the page's
// text and the protocol it came over ("h2", "http/1.1"). It fails the
// test if the browser shows an error page instead (as it does for an
// error status with no body); chromiumNavigate returns that error.
func chromiumPage(t *testing.T, ctx context.Context, url string) (body, protocol string) {
	t.Helper()
	if err := chromiumNavigate(ctx, url); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return chromiumShown(t, ctx, url)
}

// chromiumShown returns the text of the page that the browser of ctx
// shows, loaded from url, and the protocol it came over.
func chromiumShown(t *testing.T, ctx context.Context, url string) (body, protocol string) {
	t.Helper()
	var err error
	if body, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`)); err != nil {
		t.Fatal(err)
	}
	if protocol, err = chromedp.Run(ctx, chromedp.Evaluate[string](`performance.getEntriesByType("navigation")[0].nextHopProtocol`)); err != nil {
		t.Fatal(err)
	}
	t.Logf("GET %s over %s: %.60q", url, protocol, body)
	return body, protocol
}

// chromiumNavigate loads url in the browser of ctx.
func chromiumNavigate(ctx context.Context, url string) error {
	return chromedp.Do(ctx, chromedp.Navigate(url))
}
