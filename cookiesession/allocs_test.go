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

// TestSetKeepsSmallMap checks that overwriting a key of a session of 8
// keys, a full single-group map, does not make the runtime grow the map,
// and that the value is replaced.
func TestSetKeepsSmallMap(t *testing.T) {
	mk := func() map[string]any {
		m := make(map[string]any, 8)
		for _, k := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
			m[k] = true
		}
		return m
	}
	made := testing.AllocsPerRun(100, func() { _ = mk() })
	set := testing.AllocsPerRun(100, func() {
		s := Session{values: mk()}
		s.put("c", false)
	})
	if set > made {
		t.Errorf("put of an existing key: %v allocations, making the map alone %v", set, made)
	}
	s := Session{values: mk()}
	s.put("c", false)
	s.put("i", 1)
	if len(s.values) != 9 || s.values["c"] != false || s.values["i"] != 1 || s.values["a"] != true {
		t.Errorf("values after put: %v", s.values)
	}
}
