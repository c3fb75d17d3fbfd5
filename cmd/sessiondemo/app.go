package main

import (
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

// routes returns the app's handler, wrapped in the session middleware.
// State-changing requests are POST forms; the cookie's SameSite=Lax keeps
// other sites from submitting them.
// maxFormBody bounds a request body: the demo's forms hold a user name of
// at most 64 characters or a number.
const maxFormBody = 4 << 10

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
	// maxFormBody (a longer form then counts as empty).
	return a.sessions.LoadAndSave(http.MaxBytesHandler(mux, maxFormBody))
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
}

func (a *app) home(w http.ResponseWriter, r *http.Request) {
	s := a.sessions.Session(r)
	p := homePage{Flashes: s.Flashes(), Bye: r.URL.Query().Has("bye")}
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
		_ = s.AddFlash("error", "Please enter a user name of at most 64 characters.")
		seeOther(w, r, "/")
		return
	}
	_ = s.Renew() // a new session id at login defeats session fixation
	_ = s.Set("user", user)
	_ = s.Set("login_time", time.Now().UTC().Format(time.RFC3339))
	_ = s.AddFlash("success", "Welcome, "+user+"!")
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
			_ = s.AddFlash("error", fmt.Sprintf("The cart cannot hold %d more items: the session would not fit in the cookies a browser keeps.", n))
		} else {
			_ = s.AddFlash("error", "The cart could not be saved.")
		}
		seeOther(w, r, "/")
		return
	}
	_ = s.AddFlash("info", fmt.Sprintf("Added %d items.", n))
	seeOther(w, r, "/")
}

func (a *app) cartClear(w http.ResponseWriter, r *http.Request) {
	s := a.sessions.Session(r)
	_ = s.Delete("cart")
	_ = s.AddFlash("info", "Cart emptied.")
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

const layout = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sessiondemo</title>
<style>
body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}
.flash{padding:.5rem .8rem;border-radius:.3rem;margin:.3rem 0}
.success{background:#dfd}.info{background:#def}.error{background:#fdd}.message{background:#eee}
form{display:inline-block;margin:.2rem .4rem .2rem 0}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}
pre{white-space:pre-wrap;word-break:break-all;background:#f6f6f6;padding:.5rem}
</style></head><body>
<h1>sessiondemo</h1>
<p><a href="/">home</a> · <a href="/envelope">your cookie's envelope</a></p>
{{template "content" .}}
<p><small>The whole session lives in your cookie, encrypted with XChaCha20-Poly1305; the server stores nothing.</small></p>
</body></html>`

var homeTmpl = template.Must(template.Must(template.New("home").Parse(layout)).Parse(`{{define "content"}}
{{range .Flashes}}<div class="flash {{.Category}}" data-category="{{.Category}}">{{.Message}}</div>{{end}}
{{if .Bye}}<p id="bye">You are signed out.</p>{{end}}
{{if .User}}
<p id="who">Signed in as <b>{{.User}}</b>.</p>
<form method="post" action="/logout"><button id="logout">Log out</button></form>
{{else}}
<p id="who">Not signed in.</p>
<form method="post" action="/login"><input id="user" name="user" placeholder="user name" required> <button id="login">Log in</button></form>
{{end}}
<h2>Counter</h2>
<p id="counter">Counter: {{.Counter}}</p>
<form method="post" action="/count"><button id="count">+1</button></form>
<h2>Cart</h2>
<p id="cart">Cart: {{.CartItems}} items, {{.CartBytes}} bytes of JSON</p>
<form method="post" action="/cart/add"><input type="hidden" name="n" value="25"><button id="add25">Add 25 items</button></form>
<form method="post" action="/cart/clear"><button id="clear">Empty the cart</button></form>
{{end}}`))

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
