package cookiesession

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/cookiecodec/cookiecodec/serializer"
	"github.com/google/go-cmp/cmp"
)

// TestLifecycle walks one session through login, use, renew and logout.
func TestLifecycle(t *testing.T) {
	clk := newClock()
	log := &errLog{}
	m := newNative(t, clk, log)

	rec := do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
		if !s.IsNew() || s.Len() != 0 || s.Modified() {
			t.Errorf("fresh session: new=%v len=%d modified=%v", s.IsNew(), s.Len(), s.Modified())
		}
		must(t, s.Set("user", "alice"))
		must(t, s.Set("n", 1))
		must(t, s.Set("prefs", map[string]any{"theme": "dark"}))
		if !s.Modified() || !s.Accessed() {
			t.Error("Set did not mark the session modified and accessed")
		}
	})
	cookies := cookiesOf(rec)
	var firstID codec.SessionID
	clk.advance(time.Minute)
	rec = do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
		if s.IsNew() {
			t.Fatal("session lost")
		}
		if got := s.Keys(); !cmp.Equal(got, []string{"n", "prefs", "user"}) {
			t.Errorf("Keys = %v", got)
		}
		if n, ok := Get[int](s, "n"); !ok || n != 1 {
			t.Errorf("Get[int] n = %v, %v", n, ok)
		}
		if u, _ := Get[string](s, "user"); u != "alice" {
			t.Errorf("user = %q", u)
		}
		info, ok := s.Info()
		if !ok || info.Format != "native" || info.SessionID.IsZero() || !info.Created.Equal(t0) || !info.Issued.Equal(t0) || info.Chunks != 1 || info.VerifiedWithFallback() {
			t.Errorf("Info = %+v, %v", info, ok)
		}
		firstID = info.SessionID
		// Nested mutation is invisible until marked.
		prefs := s.Get("prefs").(map[string]any)
		prefs["theme"] = "light"
		if s.Modified() {
			t.Error("nested mutation marked the session modified")
		}
		must(t, s.MarkModified())
	}, cookies...)
	if len(cookiesOf(rec)) != 1 {
		t.Fatalf("MarkModified did not write: %v", masked(rec))
	}
	cookies = cookiesOf(rec)
	clk.advance(time.Minute)
	rec = do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
		if p, _ := Get[map[string]any](s, "prefs"); p["theme"] != "light" {
			t.Errorf("nested change lost: %v", p)
		}
		info, _ := s.Info()
		if info.SessionID != firstID || !info.Created.Equal(t0) {
			t.Errorf("id or created changed without Renew: %+v", info)
		}
		must(t, s.Renew())
	}, cookies...)
	cookies = cookiesOf(rec)
	rec = do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
		info, _ := s.Info()
		if info.SessionID == firstID || !info.Created.Equal(t0.Add(2*time.Minute)) {
			t.Errorf("Renew kept id or created: %+v", info)
		}
		if u, _ := Get[string](s, "user"); u != "alice" {
			t.Errorf("Renew lost data: user = %q", u)
		}
		must(t, s.Destroy())
		if s.Len() != 0 {
			t.Error("Destroy left data")
		}
	}, cookies...)
	if got := masked(rec); !cmp.Equal(got, []string{delLine}) {
		t.Errorf("Destroy wrote %v", got)
	}
	if errs := log.take(); len(errs) > 0 {
		t.Errorf("reports: %v", errs)
	}
}

// TestAbsoluteLifetime checks that refreshes do not extend the absolute
// lifetime.
func TestAbsoluteLifetime(t *testing.T) {
	clk := newClock()
	log := &errLog{}
	m := newNative(t, clk, log, WithLifetime(3*time.Hour), WithIdleTimeout(time.Hour))
	cookies := cookiesOf(do(t, m, setUser))
	for i := range 5 {
		clk.advance(50 * time.Minute)
		var isNew bool
		rec := do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) { isNew = s.IsNew() }, cookies...)
		if elapsed := time.Duration(i+1) * 50 * time.Minute; elapsed < 3*time.Hour {
			if isNew {
				t.Fatalf("session lost after %v", elapsed)
			}
			if c := cookiesOf(rec); len(c) == 1 {
				cookies = c
			} else {
				t.Fatalf("not refreshed after %v: %v", elapsed, masked(rec))
			}
		} else if !isNew {
			t.Fatalf("session alive after %v, past its 3h absolute lifetime", elapsed)
		}
	}
	if !log.has(codec.ErrExpired) {
		t.Error("expiry not reported")
	}
}

// TestCodecIdleTimeoutRefresh checks that a session stays alive while it
// is used when the codec has a shorter idle timeout than the manager: the
// refresh follows the cookie's own window, not only the manager's.
func TestCodecIdleTimeoutRefresh(t *testing.T) {
	clk := newClock()
	log := &errLog{}
	ring, err := codec.NewKeyRing(testKey(t, "00000001"))
	must(t, err)
	c, err := codec.NewNative(ring, codec.NativeOptions{Clock: clk.now, IdleTimeout: 30 * time.Minute})
	must(t, err)
	m, err := New(c, WithClock(clk.now), WithErrorHook(log.hook))
	must(t, err)
	cookies := cookiesOf(do(t, m, setUser))
	for i := range 6 {
		clk.advance(20 * time.Minute)
		rec := do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
			if s.IsNew() {
				t.Fatalf("active session lost after %v: %v", time.Duration(i+1)*20*time.Minute, log.take())
			}
		}, cookies...)
		if re := cookiesOf(rec); len(re) == 1 {
			cookies = re
		}
	}
}

// TestFallbackKeyReissue checks that a cookie verified by a fallback key is
// re-issued under the primary even when the handler only reads it.
func TestFallbackKeyReissue(t *testing.T) {
	clk := newClock()
	old, cur := testKey(t, "00000001"), testKey(t, "00000002")
	log := &errLog{}
	mOld, err := New(nativeCodec(t, clk, old), WithClock(clk.now), WithErrorHook(log.hook))
	must(t, err)
	mNew, err := New(nativeCodec(t, clk, cur, old), WithClock(clk.now), WithErrorHook(log.hook))
	must(t, err)
	cookies := cookiesOf(do(t, mOld, setUser))
	rec := do(t, mNew, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
		info, ok := s.Info()
		if !ok || !info.VerifiedWithFallback() || info.KeyID != "00000001" {
			t.Errorf("Info = %+v", info)
		}
	}, cookies...)
	re := cookiesOf(rec)
	if len(re) != 1 {
		t.Fatalf("not re-issued: %v", masked(rec))
	}
	do(t, mNew, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
		info, _ := s.Info()
		if info.VerifiedWithFallback() || info.KeyID != "00000002" || s.Get("user") != "bob" {
			t.Errorf("after re-issue: %+v user=%v", info, s.Get("user"))
		}
	}, re...)
	// The Flask format reports fallbacks the same way.
	mf, err := NewFlask(flaskCodec(t, clk, "new", "old"), WithClock(clk.now), WithErrorHook(log.hook))
	must(t, err)
	mfOld, err := NewFlask(flaskCodec(t, clk, "old"), WithClock(clk.now), WithErrorHook(log.hook))
	must(t, err)
	rec = do(t, mf, readUser, cookiesOf(do(t, mfOld, setUser))...)
	if len(cookiesOf(rec)) != 1 {
		t.Errorf("Flask fallback not re-issued: %v", masked(rec))
	}
	if errs := log.take(); len(errs) > 0 {
		t.Errorf("reports: %v", errs)
	}
}

// TestDiscardedCookies checks that bad cookies start an empty session, the
// reason goes to the hook and nothing reaches the client.
func TestDiscardedCookies(t *testing.T) {
	clk := newClock()
	log := &errLog{}
	m := newNative(t, clk, log)
	good := cookiesOf(do(t, m, setUser))[0]
	other := newNative(t, clk, log, WithName("other"))
	copied := "session=" + strings.TrimPrefix(cookiesOf(do(t, other, setUser))[0], "other=")
	flipped := []byte(good)
	if flipped[len(flipped)-5] == 'A' {
		flipped[len(flipped)-5] = 'B'
	} else {
		flipped[len(flipped)-5] = 'A'
	}
	tests := []struct {
		name   string
		cookie string
		want   error
	}{
		{"tampered", string(flipped), codec.ErrSignature},
		{"truncated (malformed or bad signature, depending on the last character)", good[:len(good)-4], ErrInvalidCookie},
		{"copied from another cookie name", copied, codec.ErrSignature},
		{"garbage", "session=not-a-cookie", codec.ErrMalformed},
		{"one MiB", "session=" + strings.Repeat("A", 1<<20), codec.ErrTooLarge},
		{"absurd chunk count", "session=~99~AAAA", ErrChunks},
		{"chunk count over the maximum", "session=~5~AAAA", ErrChunks},
		{"malformed chunk header", "session=~x~AAAA", ErrChunks},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, m, func(w http.ResponseWriter, _ *http.Request, s *Session) {
				if !s.IsNew() || s.Len() != 0 {
					t.Error("bad cookie gave a non-empty session")
				}
				_, _ = w.Write([]byte("page"))
			}, tt.cookie)
			errs := log.take()
			if len(errs) != 1 || !errors.Is(errs[0], ErrInvalidCookie) || !errors.Is(errs[0], tt.want) {
				t.Errorf("reports = %v, want ErrInvalidCookie wrapping %v", errs, tt.want)
			}
			if rec.Body.String() != "page" || len(rec.Result().Header.Values("Set-Cookie")) != 0 {
				t.Errorf("response changed: %q %v", rec.Body, rec.Result().Header)
			}
		})
	}
	// A session written before WithMaxChunks was lowered (the default is
	// 4) is named as such, not as tampering (an SRE's finding).
	do(t, m, readUser, "session=~5~AAAA")
	if errs := log.take(); len(errs) != 1 || !strings.Contains(errs[0].Error(), "chunk count 5 over WithMaxChunks(4) (a session written under a larger setting?)") {
		t.Errorf("chunk count over the setting: %v", errs)
	}
	// Empty cookie = no cookie, nothing reported.
	do(t, m, readUser, "session=")
	if errs := log.take(); len(errs) != 0 {
		t.Errorf("empty cookie reported: %v", errs)
	}
}

// TestDuplicateNames checks the policy for several cookies with the same
// name: each candidate in header order, the first that verifies wins.
func TestDuplicateNames(t *testing.T) {
	clk := newClock()
	log := &errLog{}
	m := newNative(t, clk, log)
	real := cookiesOf(do(t, m, setUser))[0]
	attacker := newNative(t, clk, log)
	attacker.codec = nativeCodec(t, clk, testKey(t, "0000000a"))
	tossed := cookiesOf(do(t, attacker, func(_ http.ResponseWriter, _ *http.Request, s *Session) { _ = s.Set("user", "mallory") }))[0]
	for _, order := range [][]string{{real, tossed}, {tossed, real}, {"session=junk", real, "session=junk2"}} {
		do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
			if s.Get("user") != "bob" {
				t.Errorf("order %d: user = %v", len(order), s.Get("user"))
			}
		}, order...)
	}
	// Two valid sessions: the first in the header wins.
	other := cookiesOf(do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) { _ = s.Set("user", "carol") }))[0]
	do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
		if s.Get("user") != "carol" {
			t.Errorf("user = %v, want the first valid candidate", s.Get("user"))
		}
	}, other, real)
	log.take()
}

// TestNullSession checks Flask's NullSession behaviour outside the
// middleware.
func TestNullSession(t *testing.T) {
	clk := newClock()
	m := newNative(t, clk, &errLog{})
	other := newNative(t, clk, &errLog{})
	for _, s := range []*Session{
		m.Session(httptest.NewRequest("GET", "/", nil)),
		m.FromContext(t.Context()),
	} {
		if s.Get("x") != nil || s.Has("x") || s.Len() != 0 || s.Keys() != nil || s.Permanent() || !s.IsNew() || s.Modified() || s.Accessed() || s.Flashes() != nil {
			t.Error("null session reads are not empty")
		}
		if _, ok := s.Info(); ok {
			t.Error("null session has Info")
		}
		if v, ok := Get[int](s, "x"); ok || v != 0 {
			t.Error("Get on null session")
		}
		for name, err := range map[string]error{
			"Set": s.Set("x", 1), "Delete": s.Delete("x"), "Clear": s.Clear(), "Renew": s.Renew(),
			"Destroy": s.Destroy(), "SetPermanent": s.SetPermanent(true), "MarkModified": s.MarkModified(),
			"AddFlash": s.AddFlash("hi"), "Save": s.Save(),
		} {
			if !errors.Is(err, ErrNoMiddleware) || !strings.Contains(err.Error(), "LoadAndSave") {
				t.Errorf("%s = %v, want ErrNoMiddleware naming the fix", name, err)
			}
		}
	}
	// The session of another manager is not m's.
	rec := httptest.NewRecorder()
	other.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := m.Session(r).Set("x", 1); !errors.Is(err, ErrNoMiddleware) {
			t.Errorf("wrong manager: %v", err)
		}
	})).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
}

// TestCommitted checks that writes after the response started fail.
func TestCommitted(t *testing.T) {
	clk := newClock()
	m := newNative(t, clk, &errLog{})
	rec := do(t, m, func(w http.ResponseWriter, _ *http.Request, s *Session) {
		must(t, s.Set("a", 1))
		_, _ = w.Write([]byte("x"))
		if err := s.Set("b", 2); !errors.Is(err, ErrCommitted) {
			t.Errorf("Set after Write = %v", err)
		}
	})
	if len(cookiesOf(rec)) != 1 {
		t.Errorf("cookie not written before the body: %v", masked(rec))
	}
}

// TestNestedMiddleware checks that wrapping twice writes one cookie.
func TestNestedMiddleware(t *testing.T) {
	clk := newClock()
	m := newNative(t, clk, &errLog{})
	h := m.LoadAndSave(m.LoadAndSave(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { _ = m.Session(r).Set("a", 1) })))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if got := rec.Result().Header.Values("Set-Cookie"); len(got) != 1 {
		t.Errorf("Set-Cookie = %v", got)
	}
	if got := rec.Result().Header.Values("Vary"); len(got) != 1 {
		t.Errorf("Vary = %v", got)
	}
}

// TestFlashes checks Flask-compatible flashes with category filtering.
func TestFlashes(t *testing.T) {
	clk := newClock()
	m := newNative(t, clk, &errLog{})
	rec := do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
		must(t, s.AddFlash("plain"))
		must(t, s.AddFlash("bad", "error"))
		must(t, s.AddFlash("fyi", "info"))
		must(t, s.AddFlash("blank category", ""))
		if err := s.AddFlash("two categories", "error", "info"); err == nil {
			t.Error("AddFlash with two categories: no error")
		}
		want := []any{serializer.Tuple{"message", "plain"}, serializer.Tuple{"error", "bad"}, serializer.Tuple{"info", "fyi"}, serializer.Tuple{"message", "blank category"}}
		if diff := cmp.Diff(want, s.Get("_flashes")); diff != "" {
			t.Errorf("_flashes layout (-want +got):\n%s", diff)
		}
	})
	cookies := cookiesOf(rec)
	rec = do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
		got := s.Flashes("error", "info")
		if diff := cmp.Diff([]Flash{{"error", "bad", "bad"}, {"info", "fyi", "fyi"}}, got); diff != "" {
			t.Errorf("filtered (-want +got):\n%s", diff)
		}
		if all := s.Flashes(); len(all) != 4 {
			t.Errorf("second call in the same request = %v", all)
		}
		if s.Has("_flashes") || !s.Modified() {
			t.Error("flashes not consumed")
		}
	}, cookies...)
	// Consuming every flash emptied the session: the cookie is deleted.
	if got := masked(rec); !cmp.Equal(got, []string{delLine}) {
		t.Errorf("Set-Cookie = %v", got)
	}
	do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
		if f := s.Flashes(); len(f) != 0 {
			t.Errorf("flashes without cookie: %v", f)
		}
		if s.Modified() {
			t.Error("Flashes on an empty session marked it modified")
		}
	})
}

// TestFlashesAfterCommit: flashes taken after the response started cannot
// be removed, so they show again on the next page; the error hook hears of
// it, once (a review found it silent). Taking none reports nothing.
func TestFlashesAfterCommit(t *testing.T) {
	clk := newClock()
	log := &errLog{}
	m := newNative(t, clk, log)
	cookies := cookiesOf(do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) { must(t, s.AddFlash("welcome")) }))
	do(t, m, func(w http.ResponseWriter, _ *http.Request, s *Session) {
		_, _ = w.Write([]byte("<html>"))
		if f := s.Flashes(); len(f) != 1 || len(s.Flashes()) != 1 {
			t.Errorf("flashes after the first byte: %v", f)
		}
	}, cookies...)
	if errs := log.take(); len(errs) != 1 || !errors.Is(errs[0], ErrNotSaved) || !errors.Is(errs[0], ErrCommitted) {
		t.Errorf("errors %v, want one wrapping ErrNotSaved and ErrCommitted", errs)
	}
	do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
		if f := s.Flashes(); len(f) != 1 {
			t.Errorf("the next page shows %v, want the flash again", f)
		}
	}, cookies...)
	do(t, m, func(w http.ResponseWriter, _ *http.Request, s *Session) {
		_, _ = w.Write([]byte("<html>"))
		s.Flashes()
	})
	if errs := log.take(); len(errs) != 0 {
		t.Errorf("errors %v, want none", errs)
	}
}

// TestGetConversions checks Get[T]'s numeric conversions.
func TestGetConversions(t *testing.T) {
	clk := newClock()
	m := newNative(t, clk, &errLog{})
	big1 := new(big.Int).Lsh(big.NewInt(1), 70)
	values := map[string]any{
		"i": int64(42), "neg": int64(-1), "f": 3.0, "frac": 3.5, "huge": 1e300, "big": big1,
		"max": int64(math.MaxInt64), "s": "x", "b": true, "l": []any{int64(1)}, "p53": int64(1<<53 + 1),
		"p24": int64(1<<24 + 1),
	}
	cookies := cookiesOf(do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
		for k, v := range values {
			must(t, s.Set(k, v))
		}
	}))
	do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
		check := func(name string, got any, ok, wantOK bool, want any) {
			t.Helper()
			if ok != wantOK || (ok && got != want) {
				t.Errorf("%s = %v, %v; want %v, %v", name, got, ok, want, wantOK)
			}
		}
		v1, ok := Get[int](s, "i")
		check("int(i)", v1, ok, true, 42)
		v2, ok := Get[float64](s, "i")
		check("float64(i)", v2, ok, true, 42.0)
		v3, ok := Get[int](s, "f")
		check("int(3.0)", v3, ok, true, 3)
		v4, ok := Get[int](s, "frac")
		check("int(3.5)", v4, ok, false, 0)
		v5, ok := Get[int64](s, "huge")
		check("int64(1e300)", v5, ok, false, int64(0))
		v6, ok := Get[uint](s, "neg")
		check("uint(-1)", v6, ok, false, uint(0))
		v7, ok := Get[int8](s, "i")
		check("int8(42)", v7, ok, true, int8(42))
		v8, ok := Get[uint8](s, "max")
		check("uint8(max)", v8, ok, false, uint8(0))
		v9, ok := Get[int64](s, "big")
		check("int64(2^70)", v9, ok, false, int64(0))
		v10, ok := Get[float64](s, "big")
		check("float64(2^70)", v10, ok, true, math.Ldexp(1, 70))
		v11, ok := Get[float64](s, "p53")
		check("float64(2^53+1)", v11, ok, false, 0.0)
		v12, ok := Get[string](s, "s")
		check("string", v12, ok, true, "x")
		v13, ok := Get[int](s, "s")
		check("int(string)", v13, ok, false, 0)
		v14, ok := Get[bool](s, "b")
		check("bool", v14, ok, true, true)
		v15, ok := Get[string](s, "missing")
		check("missing", v15, ok, false, "")
		v16, ok := Get[float32](s, "frac")
		check("float32(3.5)", v16, ok, true, float32(3.5))
		v17, ok := Get[float32](s, "p24")
		check("float32(2^24+1)", v17, ok, false, float32(0))
		v18, ok := Get[float32](s, "i")
		check("float32(42)", v18, ok, true, float32(42))
		if l, ok := Get[[]any](s, "l"); !ok || len(l) != 1 {
			t.Errorf("[]any = %v, %v", l, ok)
		}
	}, cookies...)
}

// TestGetAfterRoundTrip checks that what a handler stores comes back
// through Get as the type it had, after the round trip through the
// cookie, in both formats: structs, []string, maps of strings, float32,
// time.Duration and a named string type. And that Get still refuses what
// does not fit.
func TestGetAfterRoundTrip(t *testing.T) {
	type address struct {
		City string `json:"city"`
	}
	type user struct {
		ID      int       `json:"id"`
		Name    string    `json:"name"`
		Roles   []string  `json:"roles"`
		Since   time.Time `json:"since"`
		Address *address  `json:"address"`
	}
	type role string
	since := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	want := user{ID: 7, Name: "alice", Roles: []string{"admin", "editor"}, Since: since, Address: &address{City: "Berlin"}}
	clk := newClock()
	flask, err := NewFlask(flaskCodec(t, clk, "dev"), WithClock(clk.now))
	must(t, err)
	for _, tc := range []struct {
		name string
		m    *Manager
	}{
		{"native", newNative(t, clk, &errLog{})},
		{"Flask", flask},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cookies := cookiesOf(do(t, tc.m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
				must(t, s.Set("user", want))
				must(t, s.Set("tags", []string{"a", "b"}))
				must(t, s.Set("prefs", map[string]string{"theme": "dark"}))
				must(t, s.Set("ratio", float32(0.1)))
				must(t, s.Set("ttl", 90*time.Second))
				must(t, s.Set("role", role("admin")))
			}))
			if len(cookies) != 1 {
				t.Fatalf("cookies %v", cookies)
			}
			do(t, tc.m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
				if got, ok := Get[user](s, "user"); !ok || !cmp.Equal(got, want) {
					t.Errorf("Get[user] = %+v, %v", got, ok)
				}
				if got, ok := Get[*user](s, "user"); !ok || got == nil || got.Address.City != "Berlin" {
					t.Errorf("Get[*user] = %+v, %v", got, ok)
				}
				if got, ok := Get[[]string](s, "tags"); !ok || !cmp.Equal(got, []string{"a", "b"}) {
					t.Errorf("Get[[]string] = %v, %v", got, ok)
				}
				if got, ok := Get[map[string]string](s, "prefs"); !ok || got["theme"] != "dark" {
					t.Errorf("Get[map[string]string] = %v, %v", got, ok)
				}
				if got, ok := Get[float32](s, "ratio"); !ok || got != float32(0.1) {
					t.Errorf("Get[float32] = %v, %v", got, ok)
				}
				if got, ok := Get[time.Duration](s, "ttl"); !ok || got != 90*time.Second {
					t.Errorf("Get[time.Duration] = %v, %v", got, ok)
				}
				if got, ok := Get[role](s, "role"); !ok || got != "admin" {
					t.Errorf("Get[role] = %v, %v", got, ok)
				}
				// Mismatches stay refused, with the zero value.
				if got, ok := Get[[]int](s, "tags"); ok || got != nil {
					t.Errorf("Get[[]int] of strings = %v, %v", got, ok)
				}
				if got, ok := Get[user](s, "tags"); ok || got.ID != 0 {
					t.Errorf("Get[user] of a list = %+v, %v", got, ok)
				}
				if got, ok := Get[float32](s, "user"); ok || got != 0 {
					t.Errorf("Get[float32] of a map = %v, %v", got, ok)
				}
			}, cookies...)
		})
	}
}

// TestLifetimeEndsDuringRequest checks that data is not carried into a new
// session when the absolute lifetime runs out while a request runs.
func TestLifetimeEndsDuringRequest(t *testing.T) {
	clk := newClock()
	log := &errLog{}
	m := newNative(t, clk, log, WithLifetime(time.Hour), WithIdleTimeout(0))
	cookies := cookiesOf(do(t, m, setUser))
	clk.advance(59 * time.Minute)
	rec := do(t, m, func(w http.ResponseWriter, _ *http.Request, s *Session) {
		if s.Get("user") != "bob" {
			t.Fatal("session not loaded")
		}
		clk.advance(2 * time.Minute) // a slow handler
		must(t, s.Set("user", "eve"))
		_, _ = w.Write([]byte("ok"))
	}, cookies...)
	if got := masked(rec); rec.Code != 200 || !cmp.Equal(got, []string{delLine}) {
		t.Errorf("status %d, Set-Cookie %v", rec.Code, got)
	}
	if !log.has(codec.ErrExpired) {
		t.Error("expiry not reported")
	}
}

// timelessCodec is a codec of one's own that reports no times: its Meta has
// a zero Created and Issued.
type timelessCodec struct{ codec.SessionCodec }

func (c timelessCodec) DecodeSession(name, value string, maxSize int) (any, codec.Meta, error) {
	v, meta, err := c.SessionCodec.DecodeSession(name, value, maxSize)
	meta.Created, meta.Issued = time.Time{}, time.Time{}
	return v, meta, err
}

// TestCodecsWithoutCreationTime: a session read from a format that carries
// no creation time survives a change and a re-issue. Its absolute lifetime
// runs from the issue time, or from now when the codec reports no time at
// all; a zero time used to end it in year 1, so the session was deleted.
// The cases: a codec of one's own, the Flask format under New, and a Flask
// cookie read by a native codec's Legacy reader (migration to native).
func TestCodecsWithoutCreationTime(t *testing.T) {
	clk := newClock()
	flask := flaskCodec(t, clk, "the Flask secret")
	migrating := flaskMigratingNative(t, clk, flask)
	for _, tc := range []struct {
		name     string
		write    codec.SessionCodec // makes the first cookie
		read     codec.SessionCodec // the manager's codec
		reissued bool               // a read-only request re-issues the cookie
	}{
		{"codec without times", timelessCodec{nativeCodec(t, clk, testKey(t, "00000001"))}, nil, false},
		{"Flask format under New", flask, nil, false},
		{"Flask cookie read by a native Legacy reader", flask, migrating, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := &errLog{}
			if tc.read == nil {
				tc.read = tc.write
			}
			first, err := New(tc.write, WithClock(clk.now), WithErrorHook(log.hook))
			must(t, err)
			m, err := New(tc.read, WithClock(clk.now), WithErrorHook(log.hook))
			must(t, err)
			cookies := cookiesOf(do(t, first, setUser))
			clk.advance(time.Hour)

			rec := do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
				if s.Get("user") != "bob" {
					t.Errorf("read: user = %v, want bob", s.Get("user"))
				}
			}, cookies...)
			if got := rec.Result().Header.Values("Set-Cookie"); len(got) != map[bool]int{false: 0, true: 1}[tc.reissued] || len(cookiesOf(rec)) != len(got) {
				t.Errorf("a read-only request (RefreshAfter, the default) set %q, want re-issue %v and no deletion", masked(rec), tc.reissued)
			}
			if re := cookiesOf(rec); len(re) == 1 {
				cookies = re
			}

			rec = do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) { must(t, s.Set("cart", 3)) }, cookies...)
			if len(cookiesOf(rec)) != 1 {
				t.Fatalf("a change set %q (errors %v), want the session re-issued", masked(rec), log.take())
			}
			do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
				if s.Get("user") != "bob" || s.Get("cart") != int64(3) {
					t.Errorf("after the change: user %v cart %v, want bob 3", s.Get("user"), s.Get("cart"))
				}
			}, cookiesOf(rec)...)
			if errs := log.take(); len(errs) > 0 {
				t.Errorf("errors reported: %v", errs)
			}
		})
	}
}

// TestFlaskFormatUnderNewLifetime: under New, a Flask-format cookie's
// absolute lifetime runs from its issue time both when it is read and when
// it is written, so a cookie past it is refused on read instead of being
// accepted and then deleted by the first change.
func TestFlaskFormatUnderNewLifetime(t *testing.T) {
	clk := newClock()
	log := &errLog{}
	// No idle timeout, so only the lifetime (7 days) can end the session;
	// the Flask codec's own max-age is 31 days.
	m, err := New(flaskCodec(t, clk, "the Flask secret"), WithClock(clk.now), WithErrorHook(log.hook), WithIdleTimeout(0))
	must(t, err)
	cookies := cookiesOf(do(t, m, setUser))
	clk.advance(6 * 24 * time.Hour)
	do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
		if s.Get("user") != "bob" {
			t.Errorf("day 6: user = %v, want bob", s.Get("user"))
		}
	}, cookies...)
	clk.advance(2 * 24 * time.Hour)
	rec := do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
		if !s.IsNew() {
			t.Errorf("day 8: the session was accepted, 8 days after its cookie was issued with a 7-day lifetime")
		}
	}, cookies...)
	var expired *codec.ExpiredError
	if errs := log.take(); len(errs) != 1 || !errors.As(errs[0], &expired) || expired.Reason != "absolute" {
		t.Errorf("day 8: errors %v, want one absolute expiry", errs)
	}
	if len(cookiesOf(rec)) != 0 {
		t.Errorf("day 8: set %q", masked(rec))
	}
}

// managerBuild names a way to make a manager on a test clock, for tests
// that run in each session format.
type managerBuild struct {
	name  string
	build func(*clock, ...Option) (*Manager, error)
}

// flaskFormatBuilds returns the Flask format under NewFlask and under New,
// with one secret.
func flaskFormatBuilds(t *testing.T) []managerBuild {
	return []managerBuild{
		{"Flask under NewFlask", func(clk *clock, o ...Option) (*Manager, error) {
			return NewFlask(flaskCodec(t, clk, "the Flask secret"), o...)
		}},
		{"Flask under New", func(clk *clock, o ...Option) (*Manager, error) {
			return New(flaskCodec(t, clk, "the Flask secret"), o...)
		}},
	}
}

// TestRevocationInEveryFormat follows the README's "log out everywhere"
// recipe (a validate hook that refuses sessions created before the user's
// cutoff) in the native format, the Flask format under NewFlask and under
// New: sessions from before the cutoff are refused, a login after it is
// kept. In the Flask format Created is the issue time; it used to be zero,
// so after a "log out everywhere" the user could never log in again.
func TestRevocationInEveryFormat(t *testing.T) {
	native := managerBuild{"native", func(clk *clock, o ...Option) (*Manager, error) {
		return New(nativeCodec(t, clk, testKey(t, "00000001")), o...)
	}}
	for _, tc := range append([]managerBuild{native}, flaskFormatBuilds(t)...) {
		t.Run(tc.name, func(t *testing.T) {
			clk := newClock()
			var cutoff time.Time // bob's "log out everywhere"
			m, err := tc.build(clk, WithClock(clk.now), WithValidate(func(_ *http.Request, info Info, data map[string]any) error {
				if data["user"] == "bob" && info.Created.Before(cutoff) {
					return errors.New("logged out everywhere")
				}
				return nil
			}))
			must(t, err)
			user := func(cookies []string) any {
				var u any
				do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) { u = s.Get("user") }, cookies...)
				return u
			}
			old := cookiesOf(do(t, m, setUser))
			clk.advance(time.Hour)
			cutoff = clk.now()
			clk.advance(time.Hour)
			if u := user(old); u != nil {
				t.Errorf("a session from before the cutoff was kept (user %v)", u)
			}
			fresh := cookiesOf(do(t, m, setUser))
			clk.advance(time.Minute)
			if u := user(fresh); u != "bob" {
				t.Errorf("a login after the cutoff was refused (user %v)", u)
			}
		})
	}
}

// TestRevocationRefreshInCutoffSecond: in the Flask format a read re-issues
// the cookie with a new issue time, which is Info.Created there. A stolen
// copy re-issued 100 ms into the second in which the user, 200 ms later,
// logs out everywhere must still be refused, a minute and eleven hours
// later, with the README's cutoff for the Flask format, the next second.
// With the native format's cutoff (the second itself) it survived, and was
// re-issued ever after (found by a review). A login in that second after
// the cutoff is refused once: the price of the next second.
func TestRevocationRefreshInCutoffSecond(t *testing.T) {
	for _, tc := range flaskFormatBuilds(t) {
		t.Run(tc.name, func(t *testing.T) {
			clk := newClock()
			var cutoff time.Time
			m, err := tc.build(clk, WithClock(clk.now), WithErrorHook(func(*http.Request, error) {}),
				WithValidate(func(_ *http.Request, info Info, data map[string]any) error {
					if data["user"] == "bob" && info.Created.Before(cutoff) {
						return errors.New("logged out everywhere")
					}
					return nil
				}))
			must(t, err)
			login := func(_ http.ResponseWriter, _ *http.Request, s *Session) {
				must(t, s.Set("user", "bob"))
				must(t, s.SetPermanent(true)) // as Flask apps do at login
			}
			read := func(cookies []string) (user any, reissued []string) {
				rec := do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) { user = s.Get("user") }, cookies...)
				if re := cookiesOf(rec); len(re) == 1 {
					return user, re
				}
				return user, cookies
			}
			stolen := cookiesOf(do(t, m, login))
			// Past half of New's 24 h idle timeout, so that New re-issues too.
			clk.advance(13*time.Hour + 100*time.Millisecond)
			user, reissued := read(stolen)
			if user != "bob" || reissued[0] == stolen[0] {
				t.Fatalf("the thief's read got user %v and no new cookie: the scenario needs a re-issue", user)
			}
			stolen = reissued
			clk.advance(200 * time.Millisecond)
			cutoff = clk.now().Truncate(time.Second).Add(time.Second)
			again := cookiesOf(do(t, m, login)) // the user, at once, in the same second
			for _, d := range []time.Duration{time.Minute, 11 * time.Hour} {
				clk.advance(d)
				if user, stolen = read(stolen); user != nil {
					t.Errorf("%v after the cutoff, the copy re-issued in its second reads user %v", d, user)
				}
			}
			if user, _ := read(again); user != nil {
				t.Errorf("the login in the cutoff second was kept (user %v), want it refused once", user)
			}
			fresh := cookiesOf(do(t, m, login))
			clk.advance(time.Minute)
			if user, _ := read(fresh); user != "bob" {
				t.Errorf("a login after the cutoff second was refused (user %v)", user)
			}
		})
	}
}

// TestRefreshThatNoLongerFits: a session that still reads fine but no
// longer fits the write limits (WithMaxCookieHeader lowered, as the README
// advises behind a proxy) keeps its cookie when only a refresh is due:
// the handler's page stands, the error hook hears why, and no cookie is
// set. It used to turn every page into a 500 from the refresh on, until
// the session idled out (found by a review). A change to it is still an
// error for the handler to see.
func TestRefreshThatNoLongerFits(t *testing.T) {
	clk := newClock()
	log := &errLog{}
	c := nativeCodec(t, clk, testKey(t, "00000001"))
	roomy, err := New(c, WithClock(clk.now), WithErrorHook(log.hook))
	must(t, err)
	cookies := cookiesOf(do(t, roomy, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
		must(t, s.Set("user", "bob"))
		must(t, s.Set("cart", randomText(6000)))
	}))
	bounded, err := New(c, WithClock(clk.now), WithErrorHook(log.hook), WithMaxCookieHeader(4096))
	must(t, err)
	clk.advance(13 * time.Hour) // past half of the 24 h idle timeout: a refresh is due
	var user any
	rec := do(t, bounded, func(w http.ResponseWriter, _ *http.Request, s *Session) {
		user = s.Get("user")
		fmt.Fprint(w, "catalogue page")
	}, cookies...)
	if user != "bob" || rec.Code != http.StatusOK || rec.Body.String() != "catalogue page" || len(cookiesOf(rec)) != 0 {
		t.Errorf("user %v; %d %q; cookies %q: want bob's page, and no cookie", user, rec.Code, rec.Body, cookiesOf(rec))
	}
	if errs := log.take(); len(errs) != 1 || !errors.Is(errs[0], ErrNotSaved) || !strings.Contains(errs[0].Error(), "not re-issued") {
		t.Errorf("errors %v, want one ErrNotSaved that says the session was not re-issued", errs)
	}
	rec = do(t, bounded, func(w http.ResponseWriter, _ *http.Request, s *Session) {
		must(t, s.Set("seen", true))
	}, cookies...)
	if rec.Code != http.StatusInternalServerError {
		t.Errorf("a change that does not fit answered %d, want the commit error's 500", rec.Code)
	}
	log.take()
}

// TestFlaskFormatUnderNewMaxAge: the Flask codec seals no expiry, so under
// New the cookie's Max-Age is the one the manager enforces on read: the
// idle timeout when it ends first, else the lifetime. It was always the
// lifetime (7 days) while the session died after 24 idle hours (found by
// a review).
func TestFlaskFormatUnderNewMaxAge(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []Option
		want int
	}{
		{"default idle timeout", nil, int(DefaultIdleTimeout / time.Second)},
		{"no idle timeout", []Option{WithIdleTimeout(0)}, int(DefaultLifetime / time.Second)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := newClock()
			m, err := New(flaskCodec(t, clk, "the Flask secret"), append([]Option{WithClock(clk.now)}, tc.opts...)...)
			must(t, err)
			cookies := do(t, m, setUser).Result().Cookies()
			if len(cookies) != 1 || cookies[0].MaxAge != tc.want {
				t.Fatalf("cookies %v, want one with Max-Age %d", cookies, tc.want)
			}
		})
	}
}

// TestExpiryNamesTheLimit: a refused native cookie says which of the
// manager's limits ended it, idle timeout or absolute lifetime, instead of
// "expires" (the expiry the manager sealed), which both looked like; a
// developer could not answer "why was I logged out" from the log.
func TestExpiryNamesTheLimit(t *testing.T) {
	for _, tc := range []struct {
		name   string
		wait   []time.Duration // requests after these waits, each refreshing the cookie
		reason string
	}{
		{"idle", []time.Duration{61 * time.Minute}, "idle"},
		{"absolute", []time.Duration{50 * time.Minute, 50 * time.Minute, 50 * time.Minute, 50 * time.Minute}, "absolute"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := newClock()
			log := &errLog{}
			m := newNative(t, clk, log, WithLifetime(3*time.Hour), WithIdleTimeout(time.Hour))
			cookies := cookiesOf(do(t, m, setUser))
			for _, w := range tc.wait {
				clk.advance(w)
				if c := cookiesOf(do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) { s.IsNew() }, cookies...)); len(c) == 1 {
					cookies = c
				}
			}
			var ee *codec.ExpiredError
			errs := log.take()
			if len(errs) != 1 || !errors.As(errs[0], &ee) || ee.Reason != tc.reason {
				t.Fatalf("reports %v; want one ExpiredError with reason %q", errs, tc.reason)
			}
		})
	}
}
