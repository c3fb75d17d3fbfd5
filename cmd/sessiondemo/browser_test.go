package main

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/cookiesession"
)

// TestBrowsers drives real browsers through the demo served in-process on
// 127.0.0.1 (browserScenario): Debian's Chromium, Firefox and WebKitGTK,
// which keep their own cookie rules (the 4096-byte limit, Secure on
// http://127.0.0.1, SameSite; cookieRules has where they differ), each
// over HTTP/1.1 and over TLS and HTTP/2. HTTP/2 is the
// protocol most deployments serve browsers with: net/http's HTTP/2 writer
// (streaming, header handling) sits under the middleware, and HTTP/2 lets
// a client send its cookies as separate header fields (RFC 9113, 8.2.3),
// which net/http joins before the middleware reads them. Every request
// must arrive over the protocol under test.
func TestBrowsers(t *testing.T) {
	for _, b := range []struct {
		name  string
		start func(t *testing.T, http2 bool) browser
		rules cookieRules
	}{
		{"chromium", startChromium, cookieRules{loopbackSecure: true, dropsOverBudget: true}},
		{"firefox", startFirefoxFor, cookieRules{loopbackSecure: true, dropsOverBudget: true}},
		{"webkit", startWebKitFor, cookieRules{loopbackSecure: false, dropsOverBudget: false}},
	} {
		for _, http2 := range []bool{false, true} {
			name := b.name + "/http1"
			if http2 {
				name = b.name + "/http2"
			}
			t.Run(name, func(t *testing.T) {
				// A browser that refuses Secure cookies over plain HTTP
				// gets the demo as -insecure-cookie serves it.
				insecure := !http2 && !b.rules.loopbackSecure
				srv := demoServer(t, http2, insecure)
				browserScenario(t, b.start(t, http2), srv.URL, b.rules, insecure)
			})
		}
	}
}

// cookieRules is what a browser's cookie jar does where browsers differ,
// as measured; the scenario checks each, so a browser that changes fails
// the test.
type cookieRules struct {
	// loopbackSecure: the browser keeps a Secure cookie that
	// http://127.0.0.1 sets, treating the loopback address as secure.
	// Chromium and Firefox do; WebKitGTK 2.50 (libsoup 3.2) does not.
	loopbackSecure bool
	// dropsOverBudget: the browser drops a cookie of
	// cookiesession.CookieBudget+1 bytes of name and value. Chromium and
	// Firefox do; WebKitGTK keeps cookies of 8 KB and more.
	dropsOverBudget bool
}

// browser is what the scenario needs from a real browser; chromium_test.go
// drives Chromium over the DevTools protocol, firefox_test.go Firefox over
// WebDriver BiDi, webkit_test.go WebKitGTK over classic WebDriver.
type browser interface {
	// navigate loads url and waits until the page has loaded.
	navigate(url string) error
	// reload reloads the page and waits until it has loaded.
	reload() error
	// typeInto puts text into the input sel.
	typeInto(sel, text string) error
	// click clicks the element sel; a click that submits a form returns
	// without waiting for the next page.
	click(sel string) error
	// eval evaluates a JavaScript expression whose value is a string.
	eval(expr string) (string, error)
	// cookies returns the cookies the browser holds for url.
	cookies(url string) ([]browserCookie, error)
	// screenshot returns a PNG of the whole page.
	screenshot() ([]byte, error)
}

// browserCookie is a cookie as a browser stores it; SameSite is "lax",
// "strict", "none" or "".
type browserCookie struct {
	Name, Value      string
	HTTPOnly, Secure bool
	SameSite         string
}

// demoServer serves the demo in-process on 127.0.0.1, over HTTP/1.1 or,
// with http2, over TLS and HTTP/2, and fails the test at its end unless
// every request arrived over that protocol. insecure serves it as
// -insecure-cookie does, without the Secure attribute.
func demoServer(t *testing.T, http2, insecure bool) *httptest.Server {
	t.Helper()
	key, _, err := loadKey("")
	if err != nil {
		t.Fatal(err)
	}
	h, err := newApp(key, insecure)
	if err != nil {
		t.Fatal(err)
	}
	big := maxSessionHandler(t, insecure)
	var (
		mu     sync.Mutex
		protos = map[string]int{}
	)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		protos[r.Proto]++
		mu.Unlock()
		switch r.URL.Path {
		case limitPath:
			setLimitCookies(w, r)
		case maxSessionPath:
			big.ServeHTTP(w, r)
		default:
			h.ServeHTTP(w, r)
		}
	}))
	if http2 {
		srv.EnableHTTP2 = true
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(func() {
		srv.Close()
		mu.Lock()
		defer mu.Unlock()
		want := "HTTP/1.1"
		if http2 {
			want = "HTTP/2.0"
		}
		if len(protos) != 1 || protos[want] == 0 {
			t.Errorf("requests by protocol %v, want all %s", protos, want)
		}
	})
	return srv
}

// limitPath is a page of the test server (not of the demo) that sets
// three cookies: "fits", whose name and value are
// cookiesession.CookieBudget bytes, "over", one byte more, and "secure", a
// small Secure one; with ?clear it deletes them.
const limitPath = "/test-cookie-limit"

func setLimitCookies(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Has("clear") {
		for _, name := range []string{"fits", "over", "secure"} {
			w.Header().Add("Set-Cookie", name+"=; Path=/; Max-Age=0")
		}
		io.WriteString(w, "<p id=limit>cleared</p>")
		return
	}
	for name, size := range map[string]int{"fits": cookiesession.CookieBudget, "over": cookiesession.CookieBudget + 1} {
		w.Header().Add("Set-Cookie", name+"="+strings.Repeat("v", size-len(name))+"; Path=/")
	}
	w.Header().Add("Set-Cookie", "secure=1; Path=/; Secure")
	io.WriteString(w, "<p id=limit>set</p>")
}

// browserScenario drives b through the demo at base: login survives a
// reload (the forms carry the CSRF token the demo requires), the cookie is
// HttpOnly, Secure (unless the demo is insecure) and SameSite=Lax, the
// style sheet applies under the content security policy, a cart over 4 KB
// survives a reload as chunks, the page renders, the browser's cookie jar
// follows rules, logout removes every chunk and the next page has a new
// token, and a session of MaxChunksLimit chunks makes the round trip.
func browserScenario(t *testing.T, b browser, base string, rules cookieRules, insecure bool) {
	do := func(step string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	eval := func(expr string) string {
		t.Helper()
		s, err := b.eval(expr)
		do("evaluate "+expr, err)
		return s
	}
	text := func(sel string) string {
		t.Helper()
		return strings.TrimSpace(eval(fmt.Sprintf(`(document.querySelector(%q)||{innerText:"<missing>"}).innerText`, sel)))
	}
	// waitText waits until the element's text contains want, across the
	// navigation a form submission causes (evaluations fail while the page
	// is being replaced, so they are retried).
	waitText := func(sel, want string) {
		t.Helper()
		expr := fmt.Sprintf(`(document.querySelector(%q)||{innerText:"<missing>"}).innerText`, sel)
		deadline := time.Now().Add(20 * time.Second)
		var last string
		for {
			got, err := b.eval(expr)
			if err == nil && !strings.Contains(got, "<missing>") && strings.Contains(got, want) {
				return
			}
			if err == nil {
				last = got
			}
			if time.Now().After(deadline) {
				t.Fatalf("waiting for %q in %s (last %q, %v)", want, sel, last, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	sessionCookies := func() []browserCookie {
		t.Helper()
		all, err := b.cookies(base)
		do("cookies", err)
		var out []browserCookie
		for _, c := range all {
			if c.Name == "session" || strings.HasPrefix(c.Name, "session.") {
				out = append(out, c)
			}
		}
		return out
	}

	// Log in, then reload: the session persists.
	do("open", b.navigate(base))
	waitText("#user", "")
	do("type", b.typeInto("#user", "alice"))
	do("log in", b.click("#login"))
	waitText("#who", "Signed in as alice")
	if got := text(".flash.success"); got != "Welcome, alice!" {
		t.Errorf("flash = %q", got)
	}
	do("count", b.click("#count"))
	waitText("#counter", "Counter: 1")
	do("reload", b.reload())
	waitText("#who", "")
	if got := text("#who"); got != "Signed in as alice." {
		t.Errorf("after reload: %q", got)
	}
	if got := text("#counter"); got != "Counter: 1" {
		t.Errorf("counter after reload: %q", got)
	}
	if flashes := eval(`String(document.querySelectorAll(".flash").length)`); flashes != "0" {
		t.Errorf("%s flashes shown again after reload", flashes)
	}

	// Every form carries the CSRF token, and the inline style sheet
	// applies under the content security policy (by its hash): a blocked
	// style leaves the body's max-width at "none".
	if got := eval(`String(document.querySelectorAll("form").length) + " forms, " + document.querySelectorAll("form > input[type=hidden][name=csrf_token]").length + " tokens"`); got != "4 forms, 4 tokens" {
		t.Errorf("signed-in page: %s", got)
	}
	if got := eval(`getComputedStyle(document.body).maxWidth`); got == "none" || got == "" {
		t.Errorf("the page's style sheet did not apply (body max-width %q): blocked by the content security policy?", got)
	}

	// The cookie is HttpOnly: scripts do not see it.
	if jsCookies := eval(`document.cookie`); strings.Contains(jsCookies, "session") {
		t.Errorf("document.cookie shows the session: %q", jsCookies)
	}
	cs := sessionCookies()
	if len(cs) != 1 || !cs[0].HTTPOnly || cs[0].Secure == insecure || cs[0].SameSite != "lax" {
		t.Fatalf("session cookie = %+v", cs)
	}

	// Grow the cart past 4 KB: it comes back after a reload, as chunks.
	do("add 25", b.click("#add25"))
	waitText("#cart", "Cart: 25 items")
	do("add 50", b.click("#add25"))
	waitText("#cart", "Cart: 50 items")
	do("reload", b.reload())
	waitText("#cart", "Cart: 50 items")
	cs = sessionCookies()
	names := map[string]bool{}
	total := 0
	for _, c := range cs {
		names[c.Name] = true
		total += len(c.Name) + len(c.Value)
		if !c.HTTPOnly || len(c.Name)+len(c.Value) > 4096 {
			t.Errorf("chunk %s: HttpOnly %v, %d bytes", c.Name, c.HTTPOnly, len(c.Name)+len(c.Value))
		}
	}
	if len(cs) < 2 || total <= 4096 || !names["session"] || !names["session.2"] {
		t.Fatalf("cart not chunked: %v (%d bytes)", names, total)
	}
	t.Logf("cart of 50 items: %d cookies, %d bytes", len(cs), total)
	do("envelope", b.navigate(base+"/envelope"))
	waitText("#envelope", "")
	if got := text("#chunks"); got != fmt.Sprint(len(cs)) {
		t.Errorf("envelope page says %s chunks, browser holds %d", got, len(cs))
	}
	if data := text("#data"); !strings.Contains(data, `"user":"alice"`) || !strings.Contains(data, "Widget 050") {
		t.Errorf("envelope data: %.200s", data)
	}

	// Screenshot the page and check what it renders.
	do("home", b.navigate(base))
	waitText("#cart", "")
	shot, err := b.screenshot()
	do("screenshot", err)
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	bounds := img.Bounds()
	if bounds.Dx() < 500 || bounds.Dy() < 300 {
		t.Errorf("screenshot is %v", bounds)
	}
	colors := map[[4]uint32]bool{}
	for y := bounds.Min.Y; y < bounds.Max.Y; y += 7 {
		for x := bounds.Min.X; x < bounds.Max.X; x += 7 {
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

	// Chromium and Firefox keep a cookie of CookieBudget bytes (name and
	// value), the most the middleware writes, and drop one of a byte more:
	// the budget is their limit, not a guess below it. WebKitGTK keeps
	// both. Over plain HTTP, only browsers that treat 127.0.0.1 as secure
	// keep the Secure cookie.
	do("limit", b.navigate(base+limitPath))
	waitText("#limit", "set")
	all, err := b.cookies(base)
	do("cookies", err)
	kept := map[string]int{}
	for _, c := range all {
		kept[c.Name] = len(c.Name) + len(c.Value)
	}
	wantOver := cookiesession.CookieBudget + 1
	if rules.dropsOverBudget {
		wantOver = 0
	}
	if kept["fits"] != cookiesession.CookieBudget || kept["over"] != wantOver {
		t.Errorf("of a %d-byte and a %d-byte cookie, the browser kept %v (dropsOverBudget %v)", cookiesession.CookieBudget, cookiesession.CookieBudget+1, kept, rules.dropsOverBudget)
	}
	secureOrigin := strings.HasPrefix(base, "https:")
	if got, want := kept["secure"] != 0, secureOrigin || rules.loopbackSecure; got != want {
		t.Errorf("Secure cookie from %s kept: %v, want %v (loopbackSecure %v)", base, got, want, rules.loopbackSecure)
	}
	do("clear limit", b.navigate(base+limitPath+"?clear"))
	waitText("#limit", "cleared")

	do("home", b.navigate(base))
	waitText("#logout", "")

	// Log out: every chunk is gone. The page logout leads to starts a new
	// session, of one small cookie, holding a new token for its login form.
	tokenExpr := `document.querySelector("input[name=csrf_token]").value`
	signedInToken := eval(tokenExpr)
	do("log out", b.click("#logout"))
	waitText("#bye", "")
	if cs := sessionCookies(); len(cs) != 1 || cs[0].Name != "session" || len(cs[0].Value) > 400 {
		var left []string
		for _, c := range cs {
			left = append(left, fmt.Sprintf("%s (%d bytes)", c.Name, len(c.Name)+len(c.Value)))
		}
		t.Errorf("cookies after logout: %v, want one small session", left)
	}
	if got := eval(tokenExpr); got == signedInToken || len(got) != 43 {
		t.Errorf("token after logout %q, before %q", got, signedInToken)
	}
	do("reload", b.reload())
	waitText("#who", "")
	if got := text("#who"); got != "Not signed in." {
		t.Errorf("after logout: %q", got)
	}
	if got := text("#cart"); !strings.HasPrefix(got, "Cart: 0 items") {
		t.Errorf("cart after logout: %q", got)
	}

	// The largest session the middleware writes, MaxChunksLimit chunks,
	// makes the round trip through the browser. It comes last, when the
	// site has no other cookie than the small session of the signed-out
	// page (about 190 bytes; the largest session's are about 61,600):
	// WebKitGTK over HTTP/2 stalls a request whose cookies pass 64 KiB
	// (TestWebKitHeaderLimits).
	maxSessionScenario(t, b, base, waitText)
}

// needBrowser returns the path of a browser: want if it exists, else the
// first of names on PATH. Without one it skips locally and fails under
// CI=true, naming the Debian package.
func needBrowser(t *testing.T, want, pkg string, names ...string) string {
	t.Helper()
	if _, err := os.Stat(want); err == nil {
		return want
	}
	for _, n := range names {
		if path, err := exec.LookPath(n); err == nil {
			return path
		}
	}
	msg := fmt.Sprintf("%s not available: apt-get install %s", want, pkg)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// browserContext bounds a browser test.
func browserContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	t.Cleanup(cancel)
	return ctx
}
