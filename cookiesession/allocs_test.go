package cookiesession

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cookiecodec/cookiecodec/codec"
)

// TestMiddlewareAllocations bounds what the middleware allocates beyond
// the codec: one object per request (the request copy, its context, the
// session and the response writer together), and one more, the
// Set-Cookie line, when the session is written.
func TestMiddlewareAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not stable under -race")
	}
	clk := newClock()
	nat := nativeCodec(t, clk, testKey(t, "00000001"))
	m, err := New(nat, WithClock(clk.now))
	must(t, err)
	cookie, _, err := nat.EncodeSession(m.Name(), sessionS(), codec.Meta{}, 0)
	must(t, err)
	w := &benchWriter{h: http.Header{}}

	untouched := m.LoadAndSave(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Cookie", "theme=dark; "+m.Name()+"="+cookie)
	if n := testing.AllocsPerRun(100, func() { untouched.ServeHTTP(w, req) }); n > 1 {
		t.Errorf("untouched request: %v allocations, want at most 1", n)
	}

	codecOnly := testing.AllocsPerRun(100, func() {
		v, meta, err := nat.DecodeSession(m.Name(), cookie, 0)
		if err != nil {
			t.Fatal(err)
		}
		v.(map[string]any)["user_id"] = 1
		if _, _, err := nat.EncodeSession(m.Name(), v, codec.Meta{SessionID: meta.SessionID, Created: meta.Created}, 0); err != nil {
			t.Fatal(err)
		}
	})
	readWrite := m.LoadAndSave(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		_ = m.Session(r).Set("user_id", 1)
	}))
	n := testing.AllocsPerRun(100, func() {
		clear(w.h)
		readWrite.ServeHTTP(w, req)
	})
	if len(w.h["Set-Cookie"]) != 1 {
		t.Fatalf("Set-Cookie %q", w.h["Set-Cookie"])
	}
	if n > codecOnly+2 {
		t.Errorf("read+write request: %v allocations, the codec alone %v: want at most 2 more", n, codecOnly)
	}
}
