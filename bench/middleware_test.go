package bench

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/cookiecodec/cookiecodec/cookiesession"
)

// The middleware benchmark measures one request through
// cookiesession.Manager.LoadAndSave whose handler reads a value of the
// session S and writes one (so the cookie is decoded, re-encoded and set),
// against the bare codec doing the same: DecodeSession, a change, and
// EncodeSession. Both use the native XChaCha20-Poly1305 codec and the same
// incoming cookie, and neither touches the network.

// discardWriter is a minimal http.ResponseWriter that keeps the headers
// (so the Set-Cookie can be checked) and drops the body, so that the
// benchmark measures the middleware and not a recorder.
type discardWriter struct {
	h    http.Header
	code int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(code int)        { w.code = code }

// middlewareFixture is a manager with its handler and a request carrying
// the cookie of a session holding v.
type middlewareFixture struct {
	native  *codec.Native
	handler http.Handler
	req     *http.Request
	cookie  string // the incoming cookie value
}

func newMiddlewareFixture(tb testing.TB, v map[string]any) middlewareFixture {
	n := newNative(tb, codec.XChaCha20Poly1305)
	m, err := cookiesession.New(n)
	if err != nil {
		tb.Fatal(err)
	}
	// Make the incoming cookie with the middleware itself.
	setup := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := m.Session(r)
		for k, x := range v {
			if err := s.Set(k, x); err != nil {
				tb.Fatal(err)
			}
		}
	}))
	w := &discardWriter{h: http.Header{}}
	setup.ServeHTTP(w, httptest.NewRequest("GET", "https://example.com/", nil))
	cookies := (&http.Response{Header: w.h}).Cookies()
	if len(cookies) != 1 || cookies[0].Name != m.Name() {
		tb.Fatalf("setup request set cookies %v, want one %q", w.h["Set-Cookie"], m.Name())
	}
	f := middlewareFixture{native: n, cookie: cookies[0].Value}
	f.req = httptest.NewRequest("GET", "https://example.com/", nil)
	f.req.AddCookie(&http.Cookie{Name: m.Name(), Value: f.cookie})
	f.handler = m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := m.Session(r)
		if s.Get("user_id") == nil {
			http.Error(w, "session not loaded", http.StatusInternalServerError)
			return
		}
		if err := s.Set("remember", true); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	}))
	return f
}

// serve runs one request; w keeps its headers and status.
func (f middlewareFixture) serve(w *discardWriter) {
	clear(w.h)
	w.code = 0
	f.handler.ServeHTTP(w, f.req)
}

// roundTrip is the bare-codec equivalent of one request.
func (f middlewareFixture) roundTrip() (string, error) {
	v, meta, err := f.native.DecodeSession(cookieName, f.cookie, 0)
	if err != nil {
		return "", err
	}
	m := v.(map[string]any)
	m["remember"] = true
	out, _, err := f.native.EncodeSession(cookieName, m, codec.Meta{SessionID: meta.SessionID, Created: meta.Created}, 0)
	return out, err
}

func TestMiddlewareFixture(t *testing.T) {
	f := newMiddlewareFixture(t, S())
	w := &discardWriter{h: http.Header{}}
	f.serve(w)
	if w.code != 0 && w.code != http.StatusOK {
		t.Fatalf("handler answered %d", w.code)
	}
	set := w.h.Get("Set-Cookie")
	if !strings.HasPrefix(set, cookieName+"=") {
		t.Fatalf("no session cookie set: %q", set)
	}
	// The new cookie holds S again.
	value := strings.TrimPrefix(strings.SplitN(set, ";", 2)[0], cookieName+"=")
	got, _, err := f.native.DecodeSession(cookieName, value, 0)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "middleware", got, S())
	c, err := f.roundTrip()
	if err != nil {
		t.Fatal(err)
	}
	got, _, err = f.native.DecodeSession(cookieName, c, 0)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "codec round trip", got, S())
}

// middlewareSessions holds S only: L does not fit one cookie, so the
// middleware would split it into chunks, which the bare codec does not do.
var middlewareSessions = sessions[:1]

func BenchmarkMiddleware(b *testing.B) {
	for _, s := range middlewareSessions {
		b.Run(s.name+"/readwrite", func(b *testing.B) {
			f := newMiddlewareFixture(b, s.value())
			w := &discardWriter{h: http.Header{}}
			b.SetBytes(jsonSize(b, s.value()))
			b.ReportAllocs()
			for b.Loop() {
				f.serve(w)
			}
			if len(w.h["Set-Cookie"]) != 1 {
				b.Fatalf("Set-Cookie: %q", w.h["Set-Cookie"])
			}
		})
	}
}

func BenchmarkCodecRoundTrip(b *testing.B) {
	for _, s := range middlewareSessions {
		b.Run(s.name+"/readwrite", func(b *testing.B) {
			f := newMiddlewareFixture(b, s.value())
			b.SetBytes(jsonSize(b, s.value()))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.roundTrip(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
