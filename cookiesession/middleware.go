package cookiesession

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
)

// LoadAndSave is the middleware. It puts a lazily loaded [Session] in the
// request context (get it with [Manager.Session]) and writes the session
// cookie just before the response starts: at the handler's first Write,
// WriteHeader (informational codes excepted, other than 101 Switching
// Protocols) or Flush, or when the handler returns without writing. The
// response writer it passes on keeps http.Flusher, http.Hijacker,
// io.ReaderFrom, http.Pusher, http.CloseNotifier and [http.ResponseController]
// working (it has an Unwrap method); it always has these methods, and one the
// underlying writer lacks returns an error or does nothing. After a
// successful Hijack the session is not saved; a library that hijacks and
// then writes its own response head (gorilla/websocket) can carry the
// cookie in it with [Session.Commit].
//
// If the session cannot be saved at that moment (it does not fit, or the
// codec fails), the error goes to the error hook and the commit error
// handler answers instead of the handler (default: 500): the handler's
// status is dropped, and so are the headers it set that describe its body
// or its caching (Content-*, ETag, Last-Modified, Cache-Control, Expires,
// Trailer) or that send the client on as if the request had succeeded
// (Location, Refresh, and those of partial-page libraries, which act on
// them whatever the status: htmx's HX-*, Unpoly's X-Up-*); its later writes are discarded and return an error
// wrapping [ErrNotSaved].
// Wrapping a handler twice with the same manager is harmless: the inner
// middleware uses the outer one's session. Wrapping it in two managers
// that write the same cookie (name, Path and Domain), or cookies of one
// name whose Paths nest ("/" and "/admin": under /admin the browser sends
// both, and a manager with the same keys reads the other's), is refused
// on every request, with an error wrapping [ErrConfig] to the error hook and the
// commit error handler answering: each would overwrite the other's cookie.
func (m *Manager) LoadAndSave(next http.Handler) http.Handler {
	return &middleware{m: m, next: next}
}

// middleware is the handler LoadAndSave returns. It is a type with a method
// rather than a closure so that ServeHTTP is compiled once, here, where
// http.Request.WithContext is inlined and its copy of the request needs no
// allocation of its own (a closure can be recompiled inside the caller's
// function, where it is not).
type middleware struct {
	m    *Manager
	next http.Handler
}

func (h *middleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m := h.m
	if _, ok := r.Context().Value(ctxKey{m}).(*Session); ok {
		h.next.ServeHTTP(w, r)
		return
	}
	if other := m.sameCookie(r.Context()); other != nil {
		err := fmt.Errorf("%w: two managers write the cookie %q in this request (Path %q, Domain %q; and Path %q, Domain %q), the same cookie for browsers or one's WithPreviousScope, so each overwrites or deletes the other's cookie: give one of them a WithName of its own (not only a WithPath: under that Path the browser sends both cookies, and a manager with the same keys reads the other's)", ErrConfig, m.cfg.name, other.cfg.path, other.cfg.domain, m.cfg.path, m.cfg.domain)
		m.report(r, err)
		m.cfg.errorHandler(w, r, err)
		return
	}
	st := &requestState{}
	st.s.m = m
	st.ctx.Context, st.ctx.s = r.Context(), &st.s
	// WithContext's copy does not escape: it is copied into st, so the
	// request, its context, the session and the writer are one allocation.
	st.req = *r.WithContext(&st.ctx)
	r = &st.req
	st.s.r = r
	st.w.ResponseWriter, st.w.s, st.w.r = w, &st.s, r
	h.next.ServeHTTP(&st.w, r)
	st.w.commit()
}

// requestState holds everything the middleware adds to a request, in one
// allocation: the request passed on, its context, the session and the
// response writer.
type requestState struct {
	req http.Request
	ctx sessionContext
	s   Session
	w   responseWriter
}

// sessionContext is the request's context with the session added: what
// context.WithValue(parent, ctxKey{m}, s) gives, without an allocation of
// its own. Every other key, and Done, Err and Deadline, go to the parent,
// so the context package still finds the parent's cancellation.
type sessionContext struct {
	context.Context
	s *Session
}

// sessionsKey finds the innermost session context in a context: see
// Manager.sameCookie.
type sessionsKey struct{}

// Value returns the session for its manager's key.
func (c *sessionContext) Value(key any) any {
	switch k := key.(type) {
	case ctxKey:
		if k.m == c.s.m {
			return c.s
		}
	case sessionsKey:
		return c
	}
	return c.Context.Value(key)
}

// sameCookie returns another manager whose middleware already runs in
// ctx and writes m's cookie, or nil.
func (m *Manager) sameCookie(ctx context.Context) *Manager {
	for c, _ := ctx.Value(sessionsKey{}).(*sessionContext); c != nil; c, _ = c.Context.Value(sessionsKey{}).(*sessionContext) {
		o := c.s.m
		if o.cfg.name == m.cfg.name && o.cfg.writes(&m.cfg) {
			return o
		}
	}
	return nil
}

// String names the context as context.WithValue's would.
func (c *sessionContext) String() string {
	return fmt.Sprintf("%v.WithValue(cookiesession.Session)", c.Context)
}

// responseWriter commits the session before the response starts.
type responseWriter struct {
	http.ResponseWriter
	s      *Session
	r      *http.Request
	done   bool // commit ran
	failed bool // commit failed and the error handler answered
}

func (w *responseWriter) commit() {
	if w.done {
		return
	}
	w.done = true
	if err := w.s.commit(w.ResponseWriter.Header()); err != nil {
		w.failed = true
		r := w.s.hookRequest()
		h := w.ResponseWriter.Header()
		dropReplaced(h)
		// Deferred, the error handler answers even when a hook of the
		// app panics in report; the panic then goes on to a recoverer,
		// whose own answer is discarded like the handler's.
		defer w.s.m.cfg.errorHandler(w.ResponseWriter, r, err)
		w.s.m.report(r, err)
	}
}

// replacedHeaders describe the handler's body, let caches store it, or
// send the client on (Location, Refresh). They are removed before the
// commit error handler replaces the response, so that its answer is not,
// say, declared gzip-encoded by a compressing handler, kept for an hour
// by a shared cache, or a 500 that still points to the next page of a
// login that did not stick. The handler's other headers stay, its own
// Set-Cookie lines among them: they may carry state it has already acted
// on, such as a CSRF cookie.
var replacedHeaders = [...]string{
	"Cache-Control", "Content-Disposition", "Content-Encoding", "Content-Language",
	"Content-Length", "Content-Location", "Content-Range", "Content-Type",
	"Etag", "Expires", "Last-Modified", "Location", "Refresh", "Trailer",
}

// replacedPrefixes start the names (in canonical form) of the response
// headers of partial-page libraries, which act on them whatever the
// status: htmx's HX-Redirect, HX-Location, HX-Refresh, HX-Push-Url,
// HX-Trigger and the others, and Unpoly's X-Up-Location, X-Up-Events and
// the others. A commit error's 500 that kept HX-Redirect sent the user on
// to the next page, the change silently lost.
var replacedPrefixes = [...]string{"Hx-", "X-Up-"}

// dropReplaced removes replacedHeaders and the headers starting with
// replacedPrefixes from h, in any case: set by map index, a name may not
// be in canonical form, and net/http sends it as it is.
func dropReplaced(h http.Header) {
	for k := range h {
		if replaced(k) {
			delete(h, k)
		}
	}
}

// replaced reports whether the header name k, in any case, is one of
// replacedHeaders or starts with one of replacedPrefixes.
func replaced(k string) bool {
	for _, name := range replacedHeaders {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	for _, p := range replacedPrefixes {
		if len(k) >= len(p) && strings.EqualFold(k[:len(p)], p) {
			return true
		}
	}
	return false
}

// errDiscarded is returned by writes after a failed commit.
var errDiscarded = fmt.Errorf("%w: response replaced by the commit error handler", ErrNotSaved)

// WriteHeader commits the session, then writes the status. Informational
// statuses other than 101 pass through without committing.
func (w *responseWriter) WriteHeader(code int) {
	if code >= 100 && code < 200 && code != http.StatusSwitchingProtocols {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.commit()
	if w.failed {
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write commits the session, then writes p.
func (w *responseWriter) Write(p []byte) (int, error) {
	w.commit()
	if w.failed {
		return 0, errDiscarded
	}
	return w.ResponseWriter.Write(p)
}

// WriteString commits the session, then writes s.
func (w *responseWriter) WriteString(s string) (int, error) {
	w.commit()
	if w.failed {
		return 0, errDiscarded
	}
	return io.WriteString(w.ResponseWriter, s)
}

// ReadFrom commits the session, then copies from src, keeping the
// underlying writer's sendfile path.
func (w *responseWriter) ReadFrom(src io.Reader) (int64, error) {
	w.commit()
	if w.failed {
		return 0, errDiscarded
	}
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok {
		return rf.ReadFrom(src)
	}
	return io.Copy(writerOnly{w.ResponseWriter}, src)
}

type writerOnly struct{ io.Writer }

// Flush commits the session, then flushes.
func (w *responseWriter) Flush() { _ = w.FlushError() }

// FlushError commits the session, then flushes; [http.ResponseController]
// calls it.
func (w *responseWriter) FlushError() error {
	w.commit()
	if w.failed {
		return errDiscarded
	}
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Hijack hands the connection over; the session is not saved afterwards.
// A Hijack that fails (the underlying writer cannot hijack, as on HTTP/2)
// leaves the session as it was: the handler can still answer normally.
func (w *responseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, buf, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err == nil && !w.done {
		w.done = true
		w.s.mu.Lock()
		w.s.committed = true
		w.s.mu.Unlock()
	}
	return conn, buf, err
}

// Unwrap returns the underlying writer, for [http.ResponseController].
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// CloseNotify passes on the underlying writer's http.CloseNotifier (net/http's
// own writers have one, for HTTP/1 and HTTP/2). Frameworks still call it:
// gin's Context.Stream does, and gin asserts the interface without checking,
// so a writer without it makes gin panic. Over a writer without one, the
// channel receives when the request's context is done (a server cancels it
// when the client goes away or the handler returns), and never when the
// context cannot be cancelled. It does not commit the session.
func (w *responseWriter) CloseNotify() <-chan bool {
	//lint:ignore SA1019 deprecated, but gin and others still call it through the writer they get
	if cn, ok := w.ResponseWriter.(http.CloseNotifier); ok {
		return cn.CloseNotify()
	}
	ch := make(chan bool, 1)
	if done := w.r.Context().Done(); done != nil {
		go func() {
			<-done
			ch <- true
		}()
	}
	return ch
}

// Push passes an HTTP/2 server push on to the underlying writer, or returns
// [http.ErrNotSupported] when it has none. A push is a separate request and
// does not commit the session.
func (w *responseWriter) Push(target string, opts *http.PushOptions) error {
	if p, ok := w.ResponseWriter.(http.Pusher); ok {
		return p.Push(target, opts)
	}
	return http.ErrNotSupported
}
