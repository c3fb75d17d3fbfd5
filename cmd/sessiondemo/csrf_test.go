package main

import (
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// demoClient is a visitor of the demo with a cookie jar of its own. It
// remembers the CSRF token of the last page it saw, and post sends it.
type demoClient struct {
	t     *testing.T
	base  string
	hc    *http.Client
	token string // from the last page that had a form; "" before any
}

// newDemoClient returns a visitor of the demo at base with an empty jar;
// it follows redirects, as a browser does.
func newDemoClient(t *testing.T, base string) *demoClient {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &demoClient{t: t, base: base, hc: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
}

// tokenField finds the hidden CSRF field of a form in a page.
var tokenField = regexp.MustCompile(`<input type="hidden" name="csrf_token" value="([^"]*)">`)

// read reads the response's body and remembers the page's CSRF token.
func (c *demoClient) read(resp *http.Response) string {
	c.t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	if m := tokenField.FindSubmatch(b); m != nil {
		c.token = string(m[1])
	}
	return string(b)
}

// get fetches path and returns the status and the page.
func (c *demoClient) get(path string) (int, string) {
	c.t.Helper()
	resp, err := c.hc.Get(c.base + path)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp.StatusCode, c.read(resp)
}

// send posts form to path exactly as given and returns the final status
// and page (after the redirect, if any).
func (c *demoClient) send(path string, form url.Values) (int, string) {
	c.t.Helper()
	resp, err := c.hc.PostForm(c.base+path, form)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp.StatusCode, c.read(resp)
}

// post posts form to path with the remembered CSRF token, as a browser
// submits a form of the last page, and fails the test unless it ends in
// 200.
func (c *demoClient) post(path string, form url.Values) string {
	c.t.Helper()
	withToken := url.Values{csrfField: {c.token}}
	for k, v := range form {
		withToken[k] = v
	}
	status, page := c.send(path, withToken)
	if status != http.StatusOK {
		c.t.Fatalf("POST %s with the page's token: %d %.200s", path, status, page)
	}
	return page
}

// postRoutes are the demo's state-changing routes, with a form each
// accepts.
var postRoutes = []struct {
	path string
	form url.Values
}{
	{"/login", url.Values{"user": {"mallory"}}},
	{"/logout", nil},
	{"/count", nil},
	{"/cart/add", url.Values{"n": {"3"}}},
	{"/cart/clear", nil},
}

// signedInWithState logs c in as erin, counts once and adds 3 items, so a
// change of any of these shows.
func signedInWithState(c *demoClient) {
	c.t.Helper()
	c.get("/")
	c.post("/login", url.Values{"user": {"erin"}})
	c.post("/count", nil)
	c.post("/cart/add", url.Values{"n": {"3"}})
	if _, page := c.get("/"); !hasState(page) {
		c.t.Fatalf("setup: %.600s", page)
	}
}

// hasState reports whether page shows the state signedInWithState made.
func hasState(page string) bool {
	return strings.Contains(page, "Signed in as <b>erin</b>") &&
		strings.Contains(page, "Counter: 1<") &&
		strings.Contains(page, "Cart: 3 items")
}

// refused checks that a POST got the CSRF refusal: 403 and the short
// plain-text message.
func refused(t *testing.T, what string, status int, page string) {
	t.Helper()
	if status != http.StatusForbidden || !strings.Contains(page, "CSRF token") {
		t.Errorf("%s: %d %.200s, want 403 and the CSRF message", what, status, page)
	}
}

// TestCSRFTokenInEveryForm: every POST form of the home page, signed out
// and signed in, carries the session's token: 32 bytes, base64url.
func TestCSRFTokenInEveryForm(t *testing.T) {
	base, _ := plainDemo(t)
	c := newDemoClient(t, base)
	check := func(page string) {
		t.Helper()
		forms := strings.Count(page, `<form method="post"`)
		fields := tokenField.FindAllStringSubmatch(page, -1)
		if forms < 4 || len(fields) != forms {
			t.Fatalf("%d forms, %d token fields: %.800s", forms, len(fields), page)
		}
		for _, f := range fields {
			if f[1] != c.token {
				t.Errorf("token %q beside %q in one page", f[1], c.token)
			}
		}
		raw, err := base64.RawURLEncoding.DecodeString(c.token)
		if err != nil || len(raw) != 32 {
			t.Errorf("token %q: %d bytes, %v", c.token, len(raw), err)
		}
	}
	_, page := c.get("/")
	check(page)
	check(c.post("/login", url.Values{"user": {"frank"}}))
}

// TestCSRFMissingToken: a POST without the token, or with an empty or
// altered one, is refused on every route with 403, and the session does
// not change (the response sets no cookie, and the page still shows the
// user, counter and cart).
func TestCSRFMissingToken(t *testing.T) {
	base, _ := plainDemo(t)
	c := newDemoClient(t, base)
	signedInWithState(c)
	altered := []byte(c.token)
	altered[0] ^= 1
	for _, r := range postRoutes {
		for name, token := range map[string][]string{"no token": nil, "empty token": {""}, "altered token": {string(altered)}} {
			form := url.Values{}
			for k, v := range r.form {
				form[k] = v
			}
			if token != nil {
				form[csrfField] = token
			}
			resp, err := c.hc.PostForm(base+r.path, form)
			if err != nil {
				t.Fatal(err)
			}
			if len(resp.Cookies()) != 0 {
				t.Errorf("POST %s, %s: the refusal sets cookies %v", r.path, name, resp.Cookies())
			}
			refused(t, "POST "+r.path+", "+name, resp.StatusCode, c.read(resp))
		}
	}
	if _, page := c.get("/"); !hasState(page) {
		t.Errorf("the refused POSTs changed the session: %.600s", page)
	}
}

// TestCSRFOtherSessionsToken: a token is bound to its session; another
// visitor's valid token is refused.
func TestCSRFOtherSessionsToken(t *testing.T) {
	base, _ := plainDemo(t)
	victim, attacker := newDemoClient(t, base), newDemoClient(t, base)
	signedInWithState(victim)
	attacker.get("/")
	attackerToken := attacker.token
	if attackerToken == "" || attackerToken == victim.token {
		t.Fatalf("tokens: attacker %q, victim %q", attackerToken, victim.token)
	}
	for _, r := range postRoutes {
		form := url.Values{csrfField: {attackerToken}}
		for k, v := range r.form {
			form[k] = v
		}
		status, page := victim.send(r.path, form)
		refused(t, "POST "+r.path+" with another session's token", status, page)
	}
	if _, page := victim.get("/"); !hasState(page) {
		t.Errorf("POSTs with another session's token changed the session: %.600s", page)
	}
}

// TestCSRFRightToken: a POST with the page's token works on every route.
func TestCSRFRightToken(t *testing.T) {
	base, _ := plainDemo(t)
	c := newDemoClient(t, base)
	c.get("/")
	for _, step := range []struct {
		path string
		form url.Values
		want string
	}{
		{"/login", url.Values{"user": {"gina"}}, "Signed in as <b>gina</b>"},
		{"/count", nil, "Counter: 1<"},
		{"/count", nil, "Counter: 2<"},
		{"/cart/add", url.Values{"n": {"4"}}, "Cart: 4 items"},
		{"/cart/clear", nil, "Cart: 0 items"},
		{"/logout", nil, "You are signed out."},
	} {
		if page := c.post(step.path, step.form); !strings.Contains(page, step.want) {
			t.Errorf("POST %s: page lacks %q: %.600s", step.path, step.want, page)
		}
	}
}

// TestCSRFLoginWithoutSession: a visitor without a session (a forged
// login form on another site, whose cross-site POST carries no Lax
// cookie) is refused, even with an empty token, and gets no session.
func TestCSRFLoginWithoutSession(t *testing.T) {
	base, _ := plainDemo(t)
	for name, form := range map[string]url.Values{
		"no token":    {"user": {"mallory"}},
		"empty token": {"user": {"mallory"}, csrfField: {""}},
	} {
		c := newDemoClient(t, base)
		resp, err := c.hc.PostForm(base+"/login", form)
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Cookies()) != 0 {
			t.Errorf("%s: the refusal sets cookies %v", name, resp.Cookies())
		}
		refused(t, "login, "+name, resp.StatusCode, c.read(resp))
		if _, page := c.get("/"); !strings.Contains(page, "Not signed in.") {
			t.Errorf("%s: signed in after a refused login: %.300s", name, page)
		}
	}
}

// TestCSRFTokenRotates: login gives the session a new token (Renew keeps
// the values), so a token seen before login is refused after it; logout
// ends the session, and the next page has a new token again.
func TestCSRFTokenRotates(t *testing.T) {
	base, _ := plainDemo(t)
	c := newDemoClient(t, base)
	c.get("/")
	beforeLogin := c.token
	c.post("/login", url.Values{"user": {"hank"}})
	afterLogin := c.token
	if beforeLogin == "" || afterLogin == beforeLogin {
		t.Fatalf("token before login %q, after %q", beforeLogin, afterLogin)
	}
	status, page := c.send("/count", url.Values{csrfField: {beforeLogin}})
	refused(t, "count with the token from before login", status, page)
	if !strings.Contains(c.post("/count", nil), "Counter: 1<") {
		t.Error("count with the new token failed")
	}
	page = c.post("/logout", nil)
	afterLogout := c.token
	if !strings.Contains(page, "You are signed out.") || afterLogout == afterLogin || afterLogout == "" {
		t.Fatalf("token after login %q, after logout %q: %.300s", afterLogin, afterLogout, page)
	}
	status, page = c.send("/login", url.Values{"user": {"hank"}, csrfField: {afterLogin}})
	refused(t, "login with the token from before logout", status, page)
}

// wantSecurityHeaders fails the test unless resp carries the demo's
// security headers.
func wantSecurityHeaders(t *testing.T, what string, resp *http.Response) {
	t.Helper()
	for name, want := range map[string]string{
		"X-Frame-Options":        "DENY",
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "same-origin",
	} {
		if got := resp.Header.Values(name); len(got) != 1 || got[0] != want {
			t.Errorf("%s: %s = %q, want %q", what, name, got, want)
		}
	}
	csp := resp.Header.Values("Content-Security-Policy")
	if len(csp) != 1 {
		t.Fatalf("%s: Content-Security-Policy = %q", what, csp)
	}
	for _, directive := range []string{"default-src 'self'", "frame-ancestors 'none'", "form-action 'self'", "base-uri 'none'"} {
		if !strings.Contains("; "+csp[0]+";", "; "+directive+";") {
			t.Errorf("%s: Content-Security-Policy %q lacks %q", what, csp[0], directive)
		}
	}
	if strings.Contains(csp[0], "unsafe-") || strings.Contains(csp[0], "script-src") {
		t.Errorf("%s: Content-Security-Policy %q relaxes the default", what, csp[0])
	}
}

// TestSecurityHeaders: the security headers are on a page, a redirect, a
// CSRF refusal, the envelope page and a 404.
func TestSecurityHeaders(t *testing.T) {
	base, _ := plainDemo(t)
	c := newDemoClient(t, base)
	c.hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	do := func(what string, wantStatus int, req func() (*http.Response, error)) {
		t.Helper()
		resp, err := req()
		if err != nil {
			t.Fatal(err)
		}
		c.read(resp)
		if resp.StatusCode != wantStatus {
			t.Errorf("%s: status %d, want %d", what, resp.StatusCode, wantStatus)
		}
		wantSecurityHeaders(t, what, resp)
	}
	do("GET /", http.StatusOK, func() (*http.Response, error) { return c.hc.Get(base + "/") })
	do("POST /count without a token", http.StatusForbidden, func() (*http.Response, error) { return c.hc.PostForm(base+"/count", nil) })
	do("POST /count with the token", http.StatusSeeOther, func() (*http.Response, error) {
		return c.hc.PostForm(base+"/count", url.Values{csrfField: {c.token}})
	})
	do("GET /envelope", http.StatusOK, func() (*http.Response, error) { return c.hc.Get(base + "/envelope") })
	do("GET /nowhere", http.StatusNotFound, func() (*http.Response, error) { return c.hc.Get(base + "/nowhere") })
}

// styleElement finds the inline style sheet of a page.
var styleElement = regexp.MustCompile(`(?s)<style>(.*?)</style>`)

// TestInlineStyleAllowedByCSP: the page's one inline style sheet, as
// served, has the hash the policy allows, and the pages have no script,
// no other style element and no style attribute, which the policy would
// block. (browserScenario checks that browsers apply the style.)
func TestInlineStyleAllowedByCSP(t *testing.T) {
	base, _ := plainDemo(t)
	c := newDemoClient(t, base)
	csp := ""
	for _, path := range []string{"/", "/envelope"} {
		resp, err := c.hc.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		page := c.read(resp)
		csp = resp.Header.Get("Content-Security-Policy")
		styles := styleElement.FindAllStringSubmatch(page, -1)
		if len(styles) != 1 {
			t.Fatalf("%s: %d style elements", path, len(styles))
		}
		sum := sha256.Sum256([]byte(styles[0][1]))
		source := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
		if !strings.Contains(csp, "style-src 'self' "+source+";") {
			t.Errorf("%s: the style's hash %s is not in the policy %q", path, source, csp)
		}
		if strings.Contains(page, "<script") || strings.Contains(page, " style=") {
			t.Errorf("%s: the page has a script or a style attribute, which the policy blocks", path)
		}
	}
}
