package cookiesession

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
)

// TestDefaultLogging checks that without an error hook the reasons go to
// slog at the documented levels and never to the client.
func TestDefaultLogging(t *testing.T) {
	clk := newClock()
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	m, err := New(nativeCodec(t, clk, testKey(t, "00000001")), WithClock(clk.now), WithLogger(logger), WithMaxChunks(1))
	must(t, err)
	good := cookiesOf(do(t, m, setUser))
	rec := do(t, m, readUser, "session=forged")
	if !strings.Contains(buf.String(), "level=INFO") || !strings.Contains(buf.String(), "malformed") {
		t.Errorf("log: %s", buf.String())
	}
	// Which request it was, without the query (a Flask team's logs said
	// only cookie=session).
	if !strings.Contains(buf.String(), " method=GET path=/ ") {
		t.Errorf("log lacks the method and path: %s", buf.String())
	}
	if strings.Contains(rec.Body.String(), "malformed") || len(rec.Result().Header.Values("Set-Cookie")) != 0 {
		t.Error("reason leaked to the client")
	}
	buf.Reset()
	clk.advance(25 * time.Hour)
	do(t, m, readUser, good...)
	if !strings.Contains(buf.String(), "level=DEBUG") || !strings.Contains(buf.String(), "expired") {
		t.Errorf("expired cookie log: %s", buf.String())
	}
	// An expiry that the manager finds (its idle timeout, here over a Flask
	// codec, which seals none) is routine too.
	buf.Reset()
	fm, err := New(flaskCodec(t, clk, "the Flask secret"), WithClock(clk.now), WithLogger(logger))
	must(t, err)
	flaskCookies := cookiesOf(do(t, fm, setUser))
	clk.advance(25 * time.Hour)
	do(t, fm, readUser, flaskCookies...)
	if !strings.Contains(buf.String(), "level=DEBUG") || !strings.Contains(buf.String(), "idle limit passed") {
		t.Errorf("manager's idle expiry log: %s", buf.String())
	}
	// A forged cookie beside the expired one is not routine: Info (a review
	// found it logged at Debug whenever an expired cookie came with it).
	buf.Reset()
	do(t, m, readUser, "session=forged", good[0])
	if !strings.Contains(buf.String(), "level=INFO") || !strings.Contains(buf.String(), "malformed") || !strings.Contains(buf.String(), "expired") {
		t.Errorf("forged and expired cookies log: %s", buf.String())
	}
	buf.Reset()
	rec = do(t, m, setBlob(5000))
	if !strings.Contains(buf.String(), "level=ERROR") || rec.Code != 500 || strings.Contains(rec.Body.String(), "too large") {
		t.Errorf("unsaved session: %d %q, log %s", rec.Code, rec.Body, buf.String())
	}
	// A failure Save returned to the handler, which answered it, is
	// expected (a full cart): Warn, not Error (a chi app's log had an
	// ERROR on every click of a full cart).
	buf.Reset()
	rec = do(t, m, func(w http.ResponseWriter, _ *http.Request, s *Session) {
		must(t, s.Set("blob", randomText(5000)))
		if s.Save() != nil {
			http.Error(w, "cart full", http.StatusRequestEntityTooLarge)
		}
	})
	if !strings.Contains(buf.String(), "level=WARN") || !strings.Contains(buf.String(), "Save returned it to the handler") || rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("handled Save failure: %d, log %s", rec.Code, buf.String())
	}
}

// TestCommitErrorHandler checks a custom commit error handler.
func TestCommitErrorHandler(t *testing.T) {
	clk := newClock()
	var got error
	m, err := New(nativeCodec(t, clk, testKey(t, "00000001")), WithClock(clk.now), WithMaxChunks(1), WithErrorHook(func(*http.Request, error) {}),
		WithCommitErrorHandler(func(w http.ResponseWriter, r *http.Request, err error) {
			got = err
			http.Error(w, "cart too big", http.StatusRequestEntityTooLarge)
		}))
	must(t, err)
	rec := do(t, m, setBlob(5000))
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "cart too big") {
		t.Errorf("got %d %q", rec.Code, rec.Body)
	}
	var tl *codec.TooLargeError
	if !errors.Is(got, ErrNotSaved) || !errors.As(got, &tl) || tl.Limit != CookieBudget {
		t.Errorf("handler got %v", got)
	}
	// A value the serializer cannot encode fails the same way: Set refuses
	// one at once (TestSetRefusesUnsaveable), so here a map passes Set and
	// is changed afterwards.
	rec = do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
		box := map[string]any{}
		must(t, s.Set("box", box))
		box["ch"] = make(chan int)
	})
	if rec.Code != http.StatusRequestEntityTooLarge || !errors.Is(got, ErrNotSaved) || !errors.Is(got, codec.ErrPayload) {
		t.Errorf("unencodable value: %d, %v", rec.Code, got)
	}
}

// TestCommitErrorDropsHandlerHeaders checks that the commit error handler's
// answer does not carry the headers the handler set for its own body: a
// compressing handler's Content-Encoding would make the error unreadable,
// and its Cache-Control would let a shared cache keep the error; a 500
// must not point to the next page of a login that did not stick (a review
// found Location kept; a chi and htmx app found htmx's HX-Redirect kept,
// which htmx follows on a 500 too).
func TestCommitErrorDropsHandlerHeaders(t *testing.T) {
	m := newNative(t, newClock(), &errLog{}, WithMaxChunks(1))
	rec := do(t, m, func(w http.ResponseWriter, _ *http.Request, s *Session) {
		h := w.Header()
		h.Set("Content-Encoding", "gzip")
		h.Set("Content-Disposition", `attachment; filename="report.pdf"`)
		h.Set("Cache-Control", "public, max-age=3600")
		h.Set("ETag", `"v1"`)
		h.Set("X-Request-Id", "42")
		h.Set("Location", "/next")
		h.Set("Refresh", "0; url=/next")
		h.Set("HX-Redirect", "/?saved=1")
		h.Set("HX-Trigger", "profileSaved")
		h["HX-Location"] = []string{"/next"}    // not in canonical form
		h["refresh"] = []string{"0; url=/next"} // Chromium follows it in any case
		h.Set("X-Up-Location", "/next")
		_ = s.Set("blob", randomText(5000))
		_, _ = w.Write([]byte("\x1f\x8b"))
	})
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", rec.Code)
	}
	for _, k := range []string{"Content-Encoding", "Content-Disposition", "Cache-Control", "ETag", "Location", "Refresh", "HX-Redirect", "HX-Trigger", "X-Up-Location"} {
		if v := rec.Header().Values(k); len(v) > 0 {
			t.Errorf("error response kept the handler's %s: %q", k, v)
		}
	}
	for _, k := range []string{"HX-Location", "refresh"} {
		if v := rec.Header()[k]; len(v) > 0 {
			t.Errorf("error response kept the handler's %s: %q", k, v)
		}
	}
	if rec.Header().Get("X-Request-Id") != "42" {
		t.Error("an unrelated header was removed")
	}
}

// TestFlaskMaxAge checks that Flask mode applies the lifetime as max-age to
// every session, permanent or not, with age == max-age still valid.
func TestFlaskMaxAge(t *testing.T) {
	for _, permanent := range []bool{false, true} {
		clk := newClock()
		log := &errLog{}
		m, err := NewFlask(flaskCodec(t, clk, "dev"), WithClock(clk.now), WithErrorHook(log.hook), WithRefresh(RefreshNever))
		must(t, err)
		cookies := cookiesOf(do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
			_ = s.Set("user", "alice")
			_ = s.SetPermanent(permanent)
		}))
		clk.advance(FlaskLifetime)
		do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
			if s.IsNew() {
				t.Errorf("permanent=%v: rejected at exactly max-age", permanent)
			}
		}, cookies...)
		clk.advance(time.Second)
		do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
			if !s.IsNew() {
				t.Errorf("permanent=%v: accepted past max-age", permanent)
			}
		}, cookies...)
		if !log.has(codec.ErrExpired) {
			t.Errorf("permanent=%v: expiry not reported", permanent)
		}
	}
}

// badBytesCodec wraps the real codec and spoils its output, as a buggy
// third-party codec might.
type badBytesCodec struct{ codec.SessionCodec }

func (c badBytesCodec) EncodeSession(name string, v any, m codec.Meta, maxSize int) (string, codec.Meta, error) {
	s, meta, err := c.SessionCodec.EncodeSession(name, v, m, maxSize)
	return s + "; Domain=evil.example", meta, err
}

// prefixCodec wraps the real codec and puts prefix before its output (and
// takes it off when decoding), as a third-party codec with its own marker
// might.
type prefixCodec struct {
	codec.SessionCodec
	prefix string
}

func (c prefixCodec) EncodeSession(name string, v any, m codec.Meta, maxSize int) (string, codec.Meta, error) {
	s, meta, err := c.SessionCodec.EncodeSession(name, v, m, maxSize)
	return c.prefix + s, meta, err
}

func (c prefixCodec) DecodeSession(name, value string, maxSize int) (any, codec.Meta, error) {
	return c.SessionCodec.DecodeSession(name, strings.TrimPrefix(value, c.prefix), maxSize)
}

// emptyCodec encodes every session as an empty value, which reads back as
// no cookie at all.
type emptyCodec struct{ codec.SessionCodec }

func (emptyCodec) EncodeSession(string, any, codec.Meta, int) (string, codec.Meta, error) {
	return "", codec.Meta{}, nil
}

// TestUntrustedCodecOutput checks that a value with bytes not allowed in a
// cookie is refused rather than written (net/http would drop them
// silently; here they would inject attributes), and so is one that could
// not be read back: empty, or starting with the chunk marker '~'.
func TestUntrustedCodecOutput(t *testing.T) {
	clk := newClock()
	log := &errLog{}
	for _, c := range []codec.SessionCodec{
		badBytesCodec{nativeCodec(t, clk, testKey(t, "00000001"))},
		prefixCodec{nativeCodec(t, clk, testKey(t, "00000001")), "~"},
		emptyCodec{nativeCodec(t, clk, testKey(t, "00000001"))},
	} {
		m, err := New(c, WithClock(clk.now), WithErrorHook(log.hook))
		must(t, err)
		rec := do(t, m, setUser)
		if rec.Code != 500 || len(rec.Result().Header.Values("Set-Cookie")) != 0 || !log.has(ErrNotSaved) {
			t.Errorf("%T: got %d %v", c, rec.Code, rec.Result().Header)
		}
	}
	// A prefix that is not the chunk marker round-trips.
	m, err := New(prefixCodec{nativeCodec(t, clk, testKey(t, "00000001")), "v1:"}, WithClock(clk.now), WithErrorHook(log.hook))
	must(t, err)
	do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
		if s.Get("user") != "bob" {
			t.Errorf("prefixed session not read back: %v", log.take())
		}
	}, cookiesOf(do(t, m, setUser))...)
}

type requestIDKey struct{}

// TestHooksSeeHandlerRequest checks that the hooks get the request the
// handler passed to Manager.Session, so that context values added by
// middleware inside LoadAndSave (a request id, a tracing span, a logger)
// reach them: the validate hook, the error hook for a discarded cookie and
// for an unsaved session, and the commit error handler.
func TestHooksSeeHandlerRequest(t *testing.T) {
	clk := newClock()
	var (
		validated, hooked, handled []any
		reject                     bool
	)
	idOf := func(r *http.Request) any { return r.Context().Value(requestIDKey{}) }
	m, err := New(nativeCodec(t, clk, testKey(t, "00000001")), WithClock(clk.now), WithMaxChunks(1),
		WithValidate(func(r *http.Request, _ Info, _ map[string]any) error {
			validated = append(validated, idOf(r))
			if reject {
				return errors.New("revoked")
			}
			return nil
		}),
		WithErrorHook(func(r *http.Request, _ error) { hooked = append(hooked, idOf(r)) }),
		WithCommitErrorHandler(func(w http.ResponseWriter, r *http.Request, _ error) {
			handled = append(handled, idOf(r))
			w.WriteHeader(http.StatusInternalServerError)
		}))
	must(t, err)
	// inner adds a request id, as middleware inside LoadAndSave does, and
	// runs h with the session of the request it passes on.
	serve := func(id string, h func(s *Session), cookies ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "http://example.com/", nil)
		if len(cookies) > 0 {
			req.Header.Set("Cookie", strings.Join(cookies, "; "))
		}
		rec := httptest.NewRecorder()
		inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
			h(m.Session(r))
		})
		m.LoadAndSave(inner).ServeHTTP(rec, req)
		return rec
	}
	good := cookiesOf(serve("set", func(s *Session) { must(t, s.Set("user", "alice")) }))
	serve("read", func(s *Session) { s.Get("user") }, good...)
	reject = true
	serve("revoked", func(s *Session) { s.Get("user") }, good...)
	serve("big", func(s *Session) { must(t, s.Set("blob", randomText(5000))) })
	want := func(what string, got []any, ids ...any) {
		t.Helper()
		if len(got) != len(ids) {
			t.Errorf("%s saw %v, want %v", what, got, ids)
			return
		}
		for i := range ids {
			if got[i] != ids[i] {
				t.Errorf("%s saw %v, want %v", what, got, ids)
				return
			}
		}
	}
	want("validate", validated, "read", "revoked")
	want("error hook", hooked, "revoked", "big")
	want("commit error handler", handled, "big")
}

// TestHookPanicDoesNotHang: a hook that panics (an app bug) while the
// session loads, with a recovering middleware inside LoadAndSave (gin's
// Recovery under LoadAndSave(engine), as the README sets gin up). The
// recoverer's 500 goes through the session; it must be answered. Before,
// the panic left the session's lock held and the answer waited for it for
// good (an HTTP-layer security review's find), so any client could pin a
// goroutine and a connection with a junk cookie when the error hook
// panicked.
func TestHookPanicDoesNotHang(t *testing.T) {
	recoverer := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if recover() != nil {
					http.Error(w, "recovered", http.StatusInternalServerError)
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
	for _, tc := range []struct {
		name   string
		opt    Option
		cookie bool // a junk cookie, which only the error hook sees
		save   bool // the handler stores a session too large to save: the hook runs as the response starts
		want   string
	}{
		{"validate hook", WithValidate(func(*http.Request, Info, map[string]any) error { panic("validate bug") }), false, false, "recovered"},
		{"error hook", WithErrorHook(func(*http.Request, error) { panic("hook bug") }), true, false, "recovered"},
		{"reason counter", WithReasonCounter(func(string) { panic("counter bug") }), true, false, "recovered"},
		// On the save path the commit error handler has answered before
		// the panic reaches the recoverer, whose answer is then discarded
		// (before, neither went out: an empty 200).
		{"error hook on save", WithErrorHook(func(*http.Request, error) { panic("hook bug") }), false, true, "Internal Server Error"},
		{"reason counter on save", WithReasonCounter(func(string) { panic("counter bug") }), false, true, "Internal Server Error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := newClock()
			m := newNative(t, clk, &errLog{}, tc.opt)
			cookies := cookiesOf(do(t, m, setUser))
			if tc.cookie {
				cookies = []string{"session=junk"}
			}
			h := m.LoadAndSave(recoverer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				m.Session(r).Get("user")
				if tc.save {
					must(t, m.Session(r).Set("note", randomText(40000)))
				}
				fmt.Fprintln(w, "page")
			})))
			req := httptest.NewRequest("GET", "http://example.com/", nil)
			req.Header.Set("Cookie", strings.Join(cookies, "; "))
			rec := httptest.NewRecorder()
			done := make(chan struct{})
			go func() { defer close(done); h.ServeHTTP(rec, req) }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("the request hung after the hook panicked")
			}
			if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), tc.want) {
				t.Errorf("answer %d %q, want a 500 saying %q", rec.Code, rec.Body.String(), tc.want)
			}
		})
	}
}

// TestLateDestroyReported: a Destroy or Renew after the body started
// cannot take effect; besides returning ErrCommitted, which examples
// often drop, it reaches the error hook, so that a logout that did not
// happen is seen (an HTTP-layer security review found the user still
// logged in with nothing in the log).
func TestLateDestroyReported(t *testing.T) {
	for _, tc := range []struct {
		name string
		call func(*Session) error
	}{
		{"Destroy", (*Session).Destroy},
		{"Renew", (*Session).Renew},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := &errLog{}
			m := newNative(t, newClock(), log)
			cookies := cookiesOf(do(t, m, setUser))
			var err error
			do(t, m, func(w http.ResponseWriter, _ *http.Request, s *Session) {
				fmt.Fprintln(w, "page")
				err = tc.call(s)
			}, cookies...)
			reports := log.take()
			if !errors.Is(err, ErrCommitted) || len(reports) != 1 || !errors.Is(reports[0], ErrNotSaved) || !errors.Is(reports[0], ErrCommitted) || !strings.Contains(reports[0].Error(), tc.name) {
				t.Errorf("%s after the body: returned %v, reported %v; want ErrCommitted, and one report naming it", tc.name, err, reports)
			}
			do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) { err = tc.call(s) }, cookies...)
			if reports := log.take(); err != nil || len(reports) != 0 {
				t.Errorf("%s in time: %v, reported %v", tc.name, err, reports)
			}
		})
	}
}
