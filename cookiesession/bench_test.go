package cookiesession

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cookiecodec/cookiecodec/codec"
)

// sessionS is the typical session S of ../shared/bench/sessions.md.
func sessionS() map[string]any {
	return map[string]any{
		"user_id": 12345, "username": "alice.example", "roles": []any{"admin", "editor", "viewer"},
		"csrf_token": "9f86d081884c7d659a2feaa0c55ad015", "login_time": "2024-05-01T12:34:56Z", "remember": true,
		"prefs": map[string]any{"theme": "dark", "lang": "en-US", "tz": "Europe/Berlin"}, "_fresh": true,
	}
}

// benchWriter is a ResponseWriter that keeps nothing, so that the
// benchmarks measure the middleware and not a recorder.
type benchWriter struct{ h http.Header }

func (w *benchWriter) Header() http.Header         { return w.h }
func (w *benchWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *benchWriter) WriteHeader(int)             {}

// loop runs f under b.Loop and also reports cpu-ns/op: the process's CPU
// time per operation (garbage collection included). On a shared machine
// wall-clock ns/op counts the time other processes hold the CPU; the CPU
// time of this process does not, so ratios are read from cpu-ns/op.
func loop(b *testing.B, f func()) {
	b.ReportAllocs()
	start := processCPU()
	n := 0
	for b.Loop() {
		f()
		n++
	}
	if end := processCPU(); start >= 0 && end >= 0 && n > 0 {
		b.ReportMetric(float64(end-start)/float64(n), "cpu-ns/op")
	}
}

type benchSetup struct {
	name  string
	codec codec.SessionCodec
	m     *Manager
}

func benchSetups(b *testing.B) []benchSetup {
	clk := newClock()
	nat := nativeCodec(b, clk, testKey(b, "00000001"))
	fl := flaskCodec(b, clk, "bench secret")
	mn, err := New(nat, WithClock(clk.now))
	must(b, err)
	mf, err := NewFlask(fl, WithClock(clk.now), WithRefresh(RefreshNever))
	must(b, err)
	return []benchSetup{{"native", nat, mn}, {"flask", fl, mf}}
}

// BenchmarkSessionS compares, on session S, the codec's decode plus
// encode with a request through the middleware that reads and writes the
// session (goal: at most 1.3x), and a request that does not touch the
// session with the bare handler (goal: no measurable cost).
func BenchmarkSessionS(b *testing.B) {
	for _, st := range benchSetups(b) {
		cookie, _, err := st.codec.EncodeSession(st.m.cfg.name, sessionS(), codec.Meta{}, 0)
		must(b, err)
		b.Run(st.name+"/codec-decode+encode", func(b *testing.B) {
			loop(b, func() {
				v, meta, err := st.codec.DecodeSession(st.m.cfg.name, cookie, 0)
				if err != nil {
					b.Fatal(err)
				}
				if _, _, err := st.codec.EncodeSession(st.m.cfg.name, v, codec.Meta{SessionID: meta.SessionID, Created: meta.Created}, 0); err != nil {
					b.Fatal(err)
				}
			})
		})
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("Cookie", "theme=dark; "+st.m.cfg.name+"="+cookie+"; _ga=GA1.2.3")
		w := &benchWriter{h: http.Header{}}
		readWrite := st.m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s := st.m.Session(r)
			n, _ := Get[int](s, "user_id")
			_ = s.Set("user_id", n)
		}))
		// The same request re-saving S without a map write: the difference
		// to read+write is the Go runtime growing S's full 8-slot map on
		// the first assignment.
		readMark := st.m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s := st.m.Session(r)
			_, _ = Get[int](s, "user_id")
			_ = s.MarkModified()
		}))
		b.Run(st.name+"/middleware-read+markmodified", func(b *testing.B) {
			loop(b, func() {
				clear(w.h)
				readMark.ServeHTTP(w, req)
				if len(w.h["Set-Cookie"]) != 1 {
					b.Fatal("no cookie written")
				}
			})
		})
		b.Run(st.name+"/middleware-read+write", func(b *testing.B) {
			loop(b, func() {
				clear(w.h)
				readWrite.ServeHTTP(w, req)
				if len(w.h["Set-Cookie"]) != 1 {
					b.Fatal("no cookie written")
				}
			})
		})
	}
	st := benchSetups(b)[0]
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Cookie", "theme=dark; session=whatever")
	w := &benchWriter{h: http.Header{}}
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) })
	b.Run("untouched/bare-handler", func(b *testing.B) {
		loop(b, func() { bare.ServeHTTP(w, req) })
	})
	wrapped := st.m.LoadAndSave(bare)
	b.Run("untouched/middleware", func(b *testing.B) {
		loop(b, func() { wrapped.ServeHTTP(w, req) })
	})
	// The same over a real 127.0.0.1 server with keep-alive: what a
	// request costs in practice, with and without the middleware.
	for _, tc := range []struct {
		name string
		h    http.Handler
	}{{"untouched/server-bare", bare}, {"untouched/server-middleware", wrapped}} {
		srv := httptest.NewServer(tc.h)
		client := srv.Client()
		sreq, _ := http.NewRequest("GET", srv.URL, nil)
		sreq.Header.Set("Cookie", "theme=dark; session=whatever")
		b.Run(tc.name, func(b *testing.B) {
			loop(b, func() {
				resp, err := client.Do(sreq)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			})
		})
		srv.Close()
	}
}
