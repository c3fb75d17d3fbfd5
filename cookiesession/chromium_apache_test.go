package cookiesession

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cookiecodec/cookiecodec/internal/headless"
	"github.com/cookiecodec/cookiecodec/internal/syncbuf"
)

// chromiumPath is Debian's Chromium.
const chromiumPath = "/usr/bin/chromium"

// TestChromiumApacheHTTP2 checks what TestApacheHTTP2 measures with Go's
// client against a real browser: Debian's Chromium, over TLS and HTTP/2
// (h2, as browsers speak it) to Apache httpd with its default limits.
// Apache's mod_http2, at trace level, logs each header field it receives,
// so the test sees that Chromium sends each cookie as a field of its own,
// as Go's client does in TestApacheHTTP2 and TestVarnishHTTP2 (WebKitGTK
// does not: TestWebKitApacheHTTP2). A page that sets 3 chunks loads; the
// next page gets Apache's 431 page, and so does the one after.
func TestChromiumApacheHTTP2(t *testing.T) {
	requireProxy(t, apachePath, "apache2")
	requireProxy(t, chromiumPath, "chromium")
	base, log := startApacheTLS(t)

	ctx := chromiumContext(t, false)
	page := func(path string) (string, string) { return chromiumPage(t, ctx, base+path) }

	browserMeetsApacheHTTP2(t, page, log, 3)
}

// browserMeetsApacheHTTP2 runs a browser's scenario against
// startApacheTLS: page loads a path in the browser and returns the page's
// text and protocol. A page that sets 3 chunks loads over h2; the next two
// get Apache's 431 page; and Apache's trace shows each request with
// cookies sending fields cookie fields (3 for a browser that sends each
// cookie as a field of its own, 1 for one that joins them).
func browserMeetsApacheHTTP2(t *testing.T, page func(path string) (body, protocol string), log *syncbuf.Buffer, fields int) {
	t.Helper()
	if body, proto := page("/?set=8000"); body != "8000" || proto != "h2" {
		t.Fatalf("the page that sets 3 chunks shows %.60q over %s, want 8000 over h2", body, proto)
	}
	for i := range 2 {
		if body, _ := page("/"); !strings.Contains(body, "Request Header Fields Too Large") {
			t.Fatalf("request %d with 3 chunks shows %.80q, want Apache's 431 page", i+1, body)
		}
	}
	// mod_http2 logs each field as add_header, before it joins the
	// cookies. The first request (the one that set the chunks) carried
	// none; each later one (the two pages, and any favicon request)
	// carries the same number of cookie fields.
	waitCookieFields(t, log, fields)
	if !strings.Contains(log.String(), apacheH2CookieRefused) {
		t.Fatalf("Apache's log lacks %q", apacheH2CookieRefused)
	}
}

// startApacheTLS starts Apache httpd with its default limits in front of
// proxyUpstream, serving TLS with testCertificate and h2 before http/1.1,
// and logging each received header field (http2:trace2). It returns the
// https URL and the log.
func startApacheTLS(t *testing.T) (base string, log *syncbuf.Buffer) {
	t.Helper()
	upstream := proxyUpstream(t)
	certFile, keyFile := testCertificate(t)
	config := strings.Join([]string{
		"LoadModule ssl_module /usr/lib/apache2/modules/mod_ssl.so",
		"LoadModule http2_module /usr/lib/apache2/modules/mod_http2.so",
		"SSLEngine on",
		"SSLCertificateFile " + certFile,
		"SSLCertificateKeyFile " + keyFile,
		"Protocols h2 http/1.1",
		"LogLevel info http2:trace2",
	}, "\n")
	base, log = startApache(t, upstream.Listener.Addr().String(), config)
	return strings.Replace(base, "http://", "https://", 1), log
}

// waitCookieFields waits up to 5 s for Apache's http2:trace2 log to show
// at least two request streams with cookies, each sending want cookie
// fields, and fails the test if it does not.
func waitCookieFields(t *testing.T, log *syncbuf.Buffer, want int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		fields := cookieFieldsPerStream(log.String())
		if len(fields) >= 2 && !slices.ContainsFunc(fields, func(n int) bool { return n != want }) {
			t.Logf("cookie header fields per request stream: %v", fields)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("Apache's log shows cookie fields per stream %v, want at least two requests, each sending %d:\n%s", fields, want, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// addCookieField matches mod_http2's trace of one received cookie field,
// capturing the stream.
var addCookieField = regexp.MustCompile(`h2_stream\(([0-9-]+),[A-Z_]+\): add_header: 'cookie: session`)

// cookieFieldsPerStream counts, in a mod_http2 trace log, the session
// cookie fields of each stream that had any, in the order of their first.
func cookieFieldsPerStream(log string) []int {
	var order []string
	count := map[string]int{}
	for _, m := range addCookieField.FindAllStringSubmatch(log, -1) {
		if count[m[1]] == 0 {
			order = append(order, m[1])
		}
		count[m[1]]++
	}
	out := make([]int, len(order))
	for i, s := range order {
		out[i] = count[s]
	}
	return out
}

// testCertificate writes the certificate and key of Go's httptest TLS
// server (valid for 127.0.0.1) as PEM files, for a proxy to serve TLS
// with.
func testCertificate(t *testing.T) (certFile, keyFile string) {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.StartTLS()
	cert := srv.TLS.Certificates[0]
	srv.Close()
	key, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// testCertificateBundle writes testCertificate's key and certificate into
// one PEM file, as hitch and HAProxy read them, and returns its path.
func testCertificateBundle(t *testing.T) string {
	t.Helper()
	certFile, keyFile := testCertificate(t)
	cert, err := os.ReadFile(certFile)
	must(t, err)
	key, err := os.ReadFile(keyFile)
	must(t, err)
	bundle := filepath.Join(filepath.Dir(certFile), "bundle.pem")
	must(t, os.WriteFile(bundle, append(key, cert...), 0o600))
	return bundle
}

// browserLifetime bounds the whole life of a browser in test t to 90 s.
// A page that never loads then fails the test, whose cleanups stop the
// browser and its helpers (Xvfb, WebDriver), instead of hanging until go
// test's -timeout, whose panic skips every cleanup and leaves them
// running.
func browserLifetime(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// chromiumContext starts Debian's Chromium, headless, accepting the test
// certificate, with HTTP/2 turned off if noHTTP2, for the test's duration
// (at most 90 s).
func chromiumContext(t *testing.T, noHTTP2 bool) context.Context {
	ctx := browserLifetime(t)
	opts := headless.ChromiumOptions(t, chromiumPath, true)
	if noHTTP2 {
		opts = append(opts, chromedp.Flag("disable-http2", true))
	}
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	return bctx
}
