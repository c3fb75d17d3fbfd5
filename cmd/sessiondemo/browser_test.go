package main

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// chromium is Debian's browser; another "chromium" on PATH is used if it
// is missing.
var chromium = "/usr/bin/chromium"

// needChromium skips locally, and fails under CI=true, without chromium.
func needChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromium); err == nil {
		return
	}
	path, err := exec.LookPath("chromium")
	if err == nil {
		chromium = path
		return
	}
	msg := fmt.Sprintf("/usr/bin/chromium not available (%v): apt-get install chromium", err)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// TestBrowser drives real Chromium against the demo served in-process on
// 127.0.0.1 over HTTP/1.1: login survives a reload, the cookie is
// HttpOnly, a cart over 4 KB survives a reload as chunks, and logout
// removes every chunk.
func TestBrowser(t *testing.T) { testBrowser(t, false) }

// TestBrowserHTTP2 is TestBrowser over TLS and HTTP/2, the protocol most
// deployments serve browsers with: net/http's HTTP/2 writer (streaming,
// header handling) sits under the middleware, and HTTP/2 lets a client
// send its cookies as separate header fields (RFC 9113, 8.2.3), which
// net/http joins before the middleware reads them. Every request must
// have arrived over HTTP/2.
func TestBrowserHTTP2(t *testing.T) { testBrowser(t, true) }

func testBrowser(t *testing.T, http2 bool) {
	needChromium(t)
	key, _, err := loadKey("")
	if err != nil {
		t.Fatal(err)
	}
	h, err := newApp(key, false)
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu     sync.Mutex
		protos = map[string]int{}
	)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		protos[r.Proto]++
		mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	if http2 {
		srv.EnableHTTP2 = true
		srv.StartTLS()
	} else {
		srv.Start()
	}
	defer srv.Close()
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		want := "HTTP/1.1"
		if http2 {
			want = "HTTP/2.0"
		}
		if len(protos) != 1 || protos[want] == 0 {
			t.Errorf("requests by protocol %v, want all %s", protos, want)
		}
	}()

	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1000, 1400),
	}
	if http2 {
		// httptest's certificate is self-signed.
		opts = append(opts, chromedp.Flag("ignore-certificate-errors", true))
	}
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()

	do := func(step string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, steps...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
	eval := func(expr string) string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("evaluate %s: %v", expr, err)
		}
		return s
	}
	// waitText waits until the element's text contains want, across the
	// navigation a form submission causes (evaluations fail while the page
	// is being replaced, so they are retried).
	waitText := func(sel, want string) chromedp.Action[chromedp.Void] {
		expr := fmt.Sprintf(`(document.querySelector(%q)||{innerText:""}).innerText`, sel)
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			var last string
			for {
				got, err := chromedp.Evaluate[string](expr)(ctx, tg)
				if err == nil && strings.Contains(got, want) {
					return nil
				}
				if err == nil {
					last = got
				}
				select {
				case <-ctx.Done():
					return fmt.Errorf("waiting for %q in %s (last %q): %w", want, sel, last, ctx.Err())
				case <-time.After(50 * time.Millisecond):
				}
			}
		})
	}
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	sessionCookies := func() []*network.Cookie {
		t.Helper()
		res, err := chromedp.Call(bctx, network.GetCookies, network.GetCookiesParams{URLs: []string{srv.URL}})
		if err != nil {
			t.Fatalf("cookies: %v", err)
		}
		var out []*network.Cookie
		for _, c := range res.Cookies {
			if c.Name == "session" || strings.HasPrefix(c.Name, "session.") {
				out = append(out, c)
			}
		}
		slices.SortFunc(out, func(a, b *network.Cookie) int { return strings.Compare(a.Name, b.Name) })
		return out
	}

	// Log in, then reload: the session persists.
	do("open", chromedp.Navigate(srv.URL), chromedp.WaitVisible(css("#user")))
	do("log in",
		chromedp.SendKeys(css("#user"), "alice"),
		chromedp.Click(css("#login")),
		waitText("#who", "Signed in as alice"),
	)
	if got := text(".flash.success"); got != "Welcome, alice!" {
		t.Errorf("flash = %q", got)
	}
	do("count", chromedp.Click(css("#count")), waitText("#counter", "Counter: 1"))
	do("reload", chromedp.Reload(), chromedp.WaitVisible(css("#who")))
	if got := text("#who"); got != "Signed in as alice." {
		t.Errorf("after reload: %q", got)
	}
	if got := text("#counter"); got != "Counter: 1" {
		t.Errorf("counter after reload: %q", got)
	}
	if flashes := eval(`String(document.querySelectorAll(".flash").length)`); flashes != "0" {
		t.Errorf("%s flashes shown again after reload", flashes)
	}

	// The cookie is HttpOnly: scripts do not see it.
	jsCookies := eval(`document.cookie`)
	if strings.Contains(jsCookies, "session") {
		t.Errorf("document.cookie shows the session: %q", jsCookies)
	}
	cs := sessionCookies()
	if len(cs) != 1 || !cs[0].HTTPOnly || !cs[0].Secure || cs[0].SameSite != network.CookieSameSiteLax {
		t.Fatalf("session cookie = %+v", cs)
	}

	// Grow the cart past 4 KB: it comes back after a reload, as chunks.
	do("add 25", chromedp.Click(css("#add25")), waitText("#cart", "Cart: 25 items"))
	do("add 50", chromedp.Click(css("#add25")), waitText("#cart", "Cart: 50 items"))
	do("reload", chromedp.Reload(), waitText("#cart", "Cart: 50 items"))
	cs = sessionCookies()
	var names []string
	total := 0
	for _, c := range cs {
		names = append(names, c.Name)
		total += len(c.Name) + len(c.Value)
		if !c.HTTPOnly || len(c.Name)+len(c.Value) > 4096 {
			t.Errorf("chunk %s: HttpOnly %v, %d bytes", c.Name, c.HTTPOnly, len(c.Name)+len(c.Value))
		}
	}
	if len(cs) < 2 || total <= 4096 || names[0] != "session" || names[1] != "session.2" {
		t.Fatalf("cart not chunked: %v (%d bytes)", names, total)
	}
	t.Logf("cart of 50 items: %d cookies, %d bytes", len(cs), total)
	do("envelope", chromedp.Navigate(srv.URL+"/envelope"), chromedp.WaitVisible(css("#envelope")))
	if got := text("#chunks"); got != fmt.Sprint(len(cs)) {
		t.Errorf("envelope page says %s chunks, browser holds %d", got, len(cs))
	}
	if data := text("#data"); !strings.Contains(data, `"user":"alice"`) || !strings.Contains(data, "Widget 050") {
		t.Errorf("envelope data: %.200s", data)
	}

	// Screenshot the page and check what it renders.
	do("home", chromedp.Navigate(srv.URL), chromedp.WaitVisible(css("#cart")))
	shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	b := img.Bounds()
	if b.Dx() < 500 || b.Dy() < 300 {
		t.Errorf("screenshot is %v", b)
	}
	colors := map[[4]uint32]bool{}
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			r, g, bl, a := img.At(x, y).RGBA()
			colors[[4]uint32{r, g, bl, a}] = true
		}
	}
	if len(colors) < 3 {
		t.Errorf("screenshot has %d colours: the page did not render", len(colors))
	}
	// SESSIONDEMO_SCREENSHOT=path keeps the screenshot for a human to see.
	if path := os.Getenv("SESSIONDEMO_SCREENSHOT"); path != "" {
		if err := os.WriteFile(path, shot, 0o644); err != nil {
			t.Error(err)
		}
	}
	body := text("body")
	for _, want := range []string{"Signed in as alice.", "Counter: 1", "Cart: 50 items"} {
		if !strings.Contains(body, want) {
			t.Errorf("rendered page lacks %q", want)
		}
	}

	// Log out: every chunk is gone.
	do("log out", chromedp.Click(css("#logout")), chromedp.WaitVisible(css("#bye")))
	if cs := sessionCookies(); len(cs) != 0 {
		var left []string
		for _, c := range cs {
			left = append(left, c.Name)
		}
		t.Errorf("cookies left after logout: %v", left)
	}
	do("reload", chromedp.Reload(), chromedp.WaitVisible(css("#who")))
	if got := text("#who"); got != "Not signed in." {
		t.Errorf("after logout: %q", got)
	}
	if got := text("#cart"); !strings.HasPrefix(got, "Cart: 0 items") {
		t.Errorf("cart after logout: %q", got)
	}
}
