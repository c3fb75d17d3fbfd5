package main

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/cookiecodec/cookiecodec/cookiesession"
	"github.com/cookiecodec/cookiecodec/serializer"
)

// app is the demo: every bit of state lives in the session cookie.
type app struct {
	sessions *cookiesession.Manager
}

// maxFormBody bounds a request body: the demo's forms hold a user name of
// at most 64 characters or a number, and the CSRF token.
const maxFormBody = 4 << 10

// routes returns the app's handler: the security headers on every
// response, the session middleware, the body limit, and the CSRF check in
// front of every state-changing request. State-changing requests are POST
// forms carrying the session's CSRF token; the cookie's SameSite=Lax is a
// second layer that keeps other sites' forms from sending the cookie.
func (a *app) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", a.home)
	mux.HandleFunc("GET /envelope", a.envelope)
	mux.HandleFunc("POST /login", a.login)
	mux.HandleFunc("POST /logout", a.logout)
	mux.HandleFunc("POST /count", a.count)
	mux.HandleFunc("POST /cart/add", a.cartAdd)
	mux.HandleFunc("POST /cart/clear", a.cartClear)
	// The forms are a few bytes; a body is read no further than
	// maxFormBody (a longer form then counts as empty, so it carries no
	// token and is refused).
	checked := a.requireCSRFToken(mux)
	return withSecurityHeaders(a.sessions.LoadAndSave(http.MaxBytesHandler(checked, maxFormBody)))
}

// csrfTokenKey is the session key of the CSRF token, and csrfField the
// name of the hidden form field that carries it (the "csrf" template of
// homeTmpl writes the same name).
const (
	csrfTokenKey = "csrf_token"
	csrfField    = "csrf_token"
)

// newCSRFToken returns 32 random bytes from crypto/rand, base64url
// encoded without padding (43 characters).
func newCSRFToken() string {
	b := make([]byte, 32)
	// Since Go 1.24 rand.Read never returns an error: it crashes the
	// program instead.
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// csrfToken returns the session's CSRF token, storing a new one if the
// session has none. A page with a form calls it, so a visitor without a
// session gets one here: the login form needs a token too (login CSRF).
// An empty string means the token could not be stored; the form is then
// refused when submitted.
func csrfToken(s *cookiesession.Session) string {
	if tok, _ := cookiesession.Get[string](s, csrfTokenKey); tok != "" {
		return tok
	}
	tok := newCSRFToken()
	if err := s.Set(csrfTokenKey, tok); err != nil {
		return ""
	}
	return tok
}

// rotateCSRFToken replaces the session's CSRF token with a new one. Call
// it at every privilege change (login): Renew keeps the session's values,
// the token included, and a token seen before the change must be useless
// after it.
func rotateCSRFToken(s *cookiesession.Session) error {
	return s.Set(csrfTokenKey, newCSRFToken())
}

// validCSRFToken reports whether the request's form field csrfField equals
// the session's token, compared in constant time. A session without a
// token matches nothing, not even an empty field.
func validCSRFToken(s *cookiesession.Session, r *http.Request) bool {
	stored, _ := cookiesession.Get[string](s, csrfTokenKey)
	sent := r.PostFormValue(csrfField)
	return stored != "" && subtle.ConstantTimeCompare([]byte(stored), []byte(sent)) == 1
}

// safeMethod reports whether method is safe (RFC 9110, 9.2.1): a request
// with it must not change state, and needs no CSRF token.
func safeMethod(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}

// requireCSRFToken refuses, with 403 and a short plain-text message, every
// request with an unsafe method (POST and the like) whose form does not
// carry the session's CSRF token, before next sees it: the session is left
// as it was. Checking every unsafe method, not a list of routes, covers a
// route added later. It must run inside the session middleware and the
// body limit.
func (a *app) requireCSRFToken(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !safeMethod(r.Method) && !validCSRFToken(a.sessions.Session(r), r) {
			http.Error(w, "Forbidden: the form's CSRF token is missing or wrong. Reload the page and try again.", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// pageStyle is the only style sheet of the demo's pages, inline in
// layout; contentSecurityPolicy allows it by its hash, and no other inline
// style or any inline script.
const pageStyle = `
body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}
.flash{padding:.5rem .8rem;border-radius:.3rem;margin:.3rem 0}
.success{background:#dfd}.info{background:#def}.error{background:#fdd}.message{background:#eee}
form{display:inline-block;margin:.2rem .4rem .2rem 0}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}
pre{white-space:pre-wrap;word-break:break-all;background:#f6f6f6;padding:.5rem}
`

// styleHashSource returns the CSP hash source ('sha256-...') that allows
// an inline <style> element whose text is exactly style.
func styleHashSource(style string) string {
	sum := sha256.Sum256([]byte(style))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// contentSecurityPolicy allows the pages' own resources (the demo serves
// no script or style file) and their inline style sheet by its hash, so
// no other inline style and no inline script; no site may frame them
// (frame-ancestors), forms may post only to the demo (form-action), and
// no <base> element may move relative links (base-uri).
var contentSecurityPolicy = "default-src 'self'; style-src 'self' " + styleHashSource(pageStyle) +
	"; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"

// securityHeaders are set on every response of the demo: no framing
// (X-Frame-Options for browsers that predate frame-ancestors), the content
// security policy, no MIME sniffing, and no Referer sent to other sites.
var securityHeaders = map[string]string{
	"X-Frame-Options":         "DENY",
	"Content-Security-Policy": contentSecurityPolicy,
	"X-Content-Type-Options":  "nosniff",
	"Referrer-Policy":         "same-origin",
}

// withSecurityHeaders sets securityHeaders before next answers, so they
// are on every response: pages, redirects, errors and the session
// middleware's own answers.
func withSecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for name, value := range securityHeaders {
			w.Header().Set(name, value)
		}
		next.ServeHTTP(w, r)
	})
}

func seeOther(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

type homePage struct {
	User      string
	Counter   int
	CartItems int
	CartBytes int
	Flashes   []cookiesession.Flash
	Bye       bool
	CSRFToken string
}

func (a *app) home(w http.ResponseWriter, r *http.Request) {
	s := a.sessions.Session(r)
	p := homePage{Flashes: s.Flashes(), Bye: r.URL.Query().Has("bye"), CSRFToken: csrfToken(s)}
	p.User, _ = cookiesession.Get[string](s, "user")
	p.Counter, _ = cookiesession.Get[int](s, "counter")
	cart, _ := cookiesession.Get[[]any](s, "cart")
	p.CartItems = len(cart)
	if len(cart) > 0 {
		b, _ := serializer.Marshal(cart)
		p.CartBytes = len(b)
	}
	render(w, homeTmpl, p)
}

func (a *app) login(w http.ResponseWriter, r *http.Request) {
	s := a.sessions.Session(r)
	user := strings.TrimSpace(r.FormValue("user"))
	if user == "" || len(user) > 64 {
		_ = s.AddFlash("Please enter a user name of at most 64 characters.", "error")
		seeOther(w, r, "/")
		return
	}
	_ = s.Renew() // a new session id at login defeats session fixation
	// Renew keeps the values: a new token makes one seen before login
	// useless after it.
	_ = rotateCSRFToken(s)
	_ = s.Set("user", user)
	_ = s.Set("login_time", time.Now().UTC().Format(time.RFC3339))
	_ = s.AddFlash("Welcome, "+user+"!", "success")
	seeOther(w, r, "/")
}

func (a *app) logout(w http.ResponseWriter, r *http.Request) {
	_ = a.sessions.Session(r).Destroy() // deletes the cookie and every chunk
	seeOther(w, r, "/?bye")
}

func (a *app) count(w http.ResponseWriter, r *http.Request) {
	s := a.sessions.Session(r)
	n, _ := cookiesession.Get[int](s, "counter")
	_ = s.Set("counter", n+1)
	seeOther(w, r, "/")
}

// cartAdd adds n items. Each carries a serial number that does not
// compress, so the cart quickly needs more than one cookie.
func (a *app) cartAdd(w http.ResponseWriter, r *http.Request) {
	s := a.sessions.Session(r)
	n, err := strconv.Atoi(r.FormValue("n"))
	if err != nil || n < 1 || n > 100 {
		n = 10
	}
	cart, _ := cookiesession.Get[[]any](s, "cart")
	before := len(cart)
	for i := range n {
		id := before + i + 1
		cart = append(cart, map[string]any{
			"id":     id,
			"sku":    fmt.Sprintf("SKU-%06d", 1000+id*7),
			"name":   fmt.Sprintf("Widget %03d", id),
			"qty":    id%5 + 1,
			"serial": fmt.Sprintf("%016x", uint64(id)*0x9e3779b97f4a7c15),
		})
	}
	_ = s.Set("cart", cart)
	// Check that the session still fits before answering.
	if err := s.Save(); err != nil {
		_ = s.Set("cart", cart[:before])
		if errors.Is(err, codec.ErrTooLarge) {
			_ = s.AddFlash(fmt.Sprintf("The cart cannot hold %d more items: the session would not fit in the cookies a browser keeps.", n), "error")
		} else {
			_ = s.AddFlash("The cart could not be saved.", "error")
		}
		seeOther(w, r, "/")
		return
	}
	_ = s.AddFlash(fmt.Sprintf("Added %d items.", n), "info")
	seeOther(w, r, "/")
}

func (a *app) cartClear(w http.ResponseWriter, r *http.Request) {
	s := a.sessions.Session(r)
	_ = s.Delete("cart")
	_ = s.AddFlash("Cart emptied.", "info")
	seeOther(w, r, "/")
}

type envelopePage struct {
	Valid   bool
	Info    cookiesession.Info
	ID      string
	Cookies []cookieRow
	Data    string
}

type cookieRow struct {
	Name string
	Size int
}

// envelope shows the verified envelope of the request's own cookie.
func (a *app) envelope(w http.ResponseWriter, r *http.Request) {
	s := a.sessions.Session(r)
	var p envelopePage
	p.Info, p.Valid = s.Info()
	if p.Valid {
		p.ID = p.Info.SessionID.String()
	}
	for _, c := range r.Cookies() {
		if c.Name == a.sessions.Name() || strings.HasPrefix(c.Name, a.sessions.Name()+".") {
			p.Cookies = append(p.Cookies, cookieRow{c.Name, len(c.Name) + len(c.Value)})
		}
	}
	data := map[string]any{}
	for _, k := range s.Keys() {
		data[k] = s.Get(k)
	}
	b, err := serializer.Marshal(data)
	if err != nil {
		b = []byte(err.Error())
	}
	p.Data = string(b)
	render(w, envelopeTmpl, p)
}

func render(w http.ResponseWriter, t *template.Template, data any) {
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		http.Error(w, "template error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte(b.String()))
}

// layout is the frame of every page. Its only inline style is pageStyle,
// which the content security policy allows by hash: change the style there.
const layout = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sessiondemo</title>
<style>` + pageStyle + `</style></head><body>
<h1>sessiondemo</h1>
<p><a href="/">home</a> · <a href="/envelope">your cookie's envelope</a></p>
{{template "content" .}}
<p><small>The whole session lives in your cookie, encrypted with XChaCha20-Poly1305; the server stores nothing.</small></p>
</body></html>`

// homeTmpl is the home page; every form in it carries the CSRF token (the
// "csrf" template).
var homeTmpl = template.Must(template.Must(template.New("home").Parse(layout)).Parse(`{{define "content"}}
{{range .Flashes}}<div class="flash {{.Category}}" data-category="{{.Category}}">{{.Message}}</div>{{end}}
{{if .Bye}}<p id="bye">You are signed out.</p>{{end}}
{{if .User}}
<p id="who">Signed in as <b>{{.User}}</b>.</p>
<form method="post" action="/logout">{{template "csrf" .}}<button id="logout">Log out</button></form>
{{else}}
<p id="who">Not signed in.</p>
<form method="post" action="/login">{{template "csrf" .}}<input id="user" name="user" placeholder="user name" required> <button id="login">Log in</button></form>
{{end}}
<h2>Counter</h2>
<p id="counter">Counter: {{.Counter}}</p>
<form method="post" action="/count">{{template "csrf" .}}<button id="count">+1</button></form>
<h2>Cart</h2>
<p id="cart">Cart: {{.CartItems}} items, {{.CartBytes}} bytes of JSON</p>
<form method="post" action="/cart/add">{{template "csrf" .}}<input type="hidden" name="n" value="25"><button id="add25">Add 25 items</button></form>
<form method="post" action="/cart/clear">{{template "csrf" .}}<button id="clear">Empty the cart</button></form>
{{end}}
{{define "csrf"}}<input type="hidden" name="csrf_token" value="{{.CSRFToken}}">{{end}}`))

var envelopeTmpl = template.Must(template.Must(template.New("envelope").Parse(layout)).Parse(`{{define "content"}}
<h2>Your session cookie</h2>
{{if .Valid}}
<table id="envelope">
<tr><th>format</th><td>{{.Info.Format}}</td></tr>
<tr><th>session id</th><td>{{.ID}}</td></tr>
<tr><th>created</th><td>{{.Info.Created.UTC}}</td></tr>
<tr><th>issued</th><td>{{.Info.Issued.UTC}}</td></tr>
<tr><th>expires</th><td>{{.Info.Expires.UTC}}</td></tr>
<tr><th>key id</th><td>{{.Info.KeyID}}</td></tr>
<tr><th>verified with a fallback key</th><td>{{.Info.VerifiedWithFallback}}</td></tr>
<tr><th>compressed</th><td>{{.Info.Compressed}}</td></tr>
<tr><th>chunks</th><td id="chunks">{{.Info.Chunks}}</td></tr>
<tr><th>value size</th><td>{{.Info.Size}} bytes</td></tr>
</table>
<h3>Cookies</h3>
<table>{{range .Cookies}}<tr><td>{{.Name}}</td><td>{{.Size}} bytes</td></tr>{{end}}</table>
<h3>Data (as tagged JSON)</h3>
<pre id="data">{{.Data}}</pre>
{{else}}
<p id="nosession">No valid session cookie in this request.</p>
{{end}}
{{end}}`))
