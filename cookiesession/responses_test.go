package cookiesession

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const (
	delLine   = "session=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Secure; SameSite=Lax"
	setAt0    = "session=<v>; Path=/; Expires=Wed, 15 Nov 2023 22:13:20 GMT; Max-Age=86400; HttpOnly; Secure; SameSite=Lax"
	setAt13h  = "session=<v>; Path=/; Expires=Thu, 16 Nov 2023 11:13:20 GMT; Max-Age=86400; HttpOnly; Secure; SameSite=Lax"
	browserAt = "session=<v>; Path=/; HttpOnly; Secure; SameSite=Lax"
	cacheCtl  = `private, no-cache="Set-Cookie"`
)

var (
	readUser  = func(_ http.ResponseWriter, _ *http.Request, s *Session) { s.Get("user") }
	setUser   = func(_ http.ResponseWriter, _ *http.Request, s *Session) { _ = s.Set("user", "bob") }
	destroy   = func(_ http.ResponseWriter, _ *http.Request, s *Session) { _ = s.Destroy() }
	clearAll  = func(_ http.ResponseWriter, _ *http.Request, s *Session) { _ = s.Clear() }
	hasOnly   = func(_ http.ResponseWriter, _ *http.Request, s *Session) { s.Has("user") }
	renew     = func(_ http.ResponseWriter, _ *http.Request, s *Session) { _ = s.Renew() }
	delUser   = func(_ http.ResponseWriter, _ *http.Request, s *Session) { _ = s.Delete("user") }
	delAbsent = func(_ http.ResponseWriter, _ *http.Request, s *Session) { _ = s.Delete("nope") }
)

// TestResponseKinds checks the exact Set-Cookie, Vary and Cache-Control
// headers of every kind of response in native mode.
func TestResponseKinds(t *testing.T) {
	tests := []struct {
		name    string
		opts    []Option
		cookie  bool          // the request carries a valid session {"user":"alice"} issued at t0
		advance time.Duration // time between issue and request
		handler func(http.ResponseWriter, *http.Request, *Session)
		set     []string
		vary    []string
		cache   []string
	}{
		{name: "no cookie, untouched", handler: noop},
		{name: "no cookie, read", handler: readUser, vary: []string{"Cookie"}},
		{name: "no cookie, Has counts as a read", handler: hasOnly, vary: []string{"Cookie"}},
		{name: "no cookie, set", handler: setUser, set: []string{setAt0}, vary: []string{"Cookie"}, cache: []string{cacheCtl}},
		{name: "no cookie, clear: deleted as in Flask", handler: clearAll, set: []string{delLine}, vary: []string{"Cookie"}, cache: []string{cacheCtl}},
		{name: "no cookie, delete absent key: unmodified", handler: delAbsent, vary: []string{"Cookie"}},
		{name: "cookie, untouched", cookie: true, handler: noop},
		{name: "cookie, read", cookie: true, handler: readUser, vary: []string{"Cookie"}},
		{name: "cookie, read before refresh is due", cookie: true, advance: 11 * time.Hour, handler: readUser, vary: []string{"Cookie"}},
		{name: "cookie, untouched when refresh is due: not activity", cookie: true, advance: 13 * time.Hour, handler: noop},
		{name: "cookie, read when refresh is due", cookie: true, advance: 13 * time.Hour, handler: readUser, set: []string{setAt13h}, vary: []string{"Cookie"}, cache: []string{cacheCtl}},
		{name: "cookie, refresh each request, untouched: refresh-only response varies", opts: []Option{WithRefresh(RefreshEachRequest)}, cookie: true, advance: time.Hour,
			handler: noop, set: []string{"session=<v>; Path=/; Expires=Wed, 15 Nov 2023 23:13:20 GMT; Max-Age=86400; HttpOnly; Secure; SameSite=Lax"}, vary: []string{"Cookie"}, cache: []string{cacheCtl}},
		{name: "cookie, refresh never, read late", opts: []Option{WithRefresh(RefreshNever)}, cookie: true, advance: 23 * time.Hour, handler: readUser, vary: []string{"Cookie"}},
		{name: "cookie, idle timeout passed: new session", cookie: true, advance: 24 * time.Hour, handler: readUser, vary: []string{"Cookie"}},
		{name: "cookie, modified", cookie: true, handler: setUser, set: []string{setAt0}, vary: []string{"Cookie"}, cache: []string{cacheCtl}},
		{name: "cookie, renewed", cookie: true, handler: renew, set: []string{setAt0}, vary: []string{"Cookie"}, cache: []string{cacheCtl}},
		{name: "cookie, destroyed", cookie: true, handler: destroy, set: []string{delLine}, vary: []string{"Cookie"}, cache: []string{cacheCtl}},
		{name: "cookie, cleared", cookie: true, handler: clearAll, set: []string{delLine}, vary: []string{"Cookie"}, cache: []string{cacheCtl}},
		{name: "cookie, last key deleted", cookie: true, handler: delUser, set: []string{delLine}, vary: []string{"Cookie"}, cache: []string{cacheCtl}},
		{name: "browser-session cookie", opts: []Option{WithPersistent(false)}, handler: setUser, set: []string{browserAt}, vary: []string{"Cookie"}, cache: []string{cacheCtl}},
		{name: "SetPermanent(false) overrides persistent", handler: func(_ http.ResponseWriter, _ *http.Request, s *Session) { _ = s.SetPermanent(false) },
			set: []string{browserAt}, vary: []string{"Cookie"}, cache: []string{cacheCtl}},
		{name: "SetPermanent(true) overrides browser-session", opts: []Option{WithPersistent(false)}, handler: func(_ http.ResponseWriter, _ *http.Request, s *Session) { _ = s.SetPermanent(true) },
			set: []string{setAt0}, vary: []string{"Cookie"}, cache: []string{cacheCtl}},
		{name: "name, path, domain", opts: []Option{WithName("sid"), WithPath("/app"), WithDomain("example.com")}, handler: setUser,
			set: []string{"sid=<v>; Path=/app; Domain=example.com; Expires=Wed, 15 Nov 2023 22:13:20 GMT; Max-Age=86400; HttpOnly; Secure; SameSite=Lax"}, vary: []string{"Cookie"}, cache: []string{cacheCtl}},
		{name: "insecure, script access, strict", opts: []Option{WithSecure(false), WithHTTPOnly(false), WithSameSite(http.SameSiteStrictMode)}, handler: setUser,
			set: []string{"session=<v>; Path=/; Expires=Wed, 15 Nov 2023 22:13:20 GMT; Max-Age=86400; SameSite=Strict"}, vary: []string{"Cookie"}, cache: []string{cacheCtl}},
		{name: "SameSite=None, partitioned", opts: []Option{WithSameSite(http.SameSiteNoneMode), WithPartitioned(true)}, handler: setUser,
			set: []string{"session=<v>; Path=/; Expires=Wed, 15 Nov 2023 22:13:20 GMT; Max-Age=86400; HttpOnly; Secure; SameSite=None; Partitioned"}, vary: []string{"Cookie"}, cache: []string{cacheCtl}},
		{name: "SameSite omitted", opts: []Option{WithSameSite(http.SameSiteDefaultMode)}, handler: setUser,
			set: []string{"session=<v>; Path=/; Expires=Wed, 15 Nov 2023 22:13:20 GMT; Max-Age=86400; HttpOnly; Secure"}, vary: []string{"Cookie"}, cache: []string{cacheCtl}},
		{name: "short lifetime caps expiry", opts: []Option{WithLifetime(2 * time.Hour)}, handler: setUser,
			set: []string{"session=<v>; Path=/; Expires=Wed, 15 Nov 2023 00:13:20 GMT; Max-Age=7200; HttpOnly; Secure; SameSite=Lax"}, vary: []string{"Cookie"}, cache: []string{cacheCtl}},
		{name: "no idle timeout: absolute expiry", opts: []Option{WithIdleTimeout(0)}, handler: setUser,
			set: []string{"session=<v>; Path=/; Expires=Tue, 21 Nov 2023 22:13:20 GMT; Max-Age=604800; HttpOnly; Secure; SameSite=Lax"}, vary: []string{"Cookie"}, cache: []string{cacheCtl}},
		{name: "handler's Vary and Cache-Control are merged", handler: func(w http.ResponseWriter, _ *http.Request, s *Session) {
			w.Header().Set("Vary", "Accept-Encoding")
			w.Header().Set("Cache-Control", "public, max-age=60, s-maxage=600")
			_ = s.Set("user", "bob")
		}, set: []string{setAt0}, vary: []string{"Accept-Encoding", "Cookie"}, cache: []string{cacheCtl + ", max-age=60"}},
		{name: "handler's no-store and Vary cookie kept", handler: func(w http.ResponseWriter, _ *http.Request, s *Session) {
			w.Header().Set("Vary", "cookie")
			w.Header().Set("Cache-Control", "no-store")
			_ = s.Set("user", "bob")
		}, set: []string{setAt0}, vary: []string{"cookie"}, cache: []string{"no-store"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock()
			log := &errLog{}
			m := newNative(t, clk, log, tt.opts...)
			var cookies []string
			if tt.cookie {
				cookies = cookiesOf(do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) { must(t, s.Set("user", "alice")) }))
				if len(cookies) != 1 {
					t.Fatalf("setup cookies = %v", cookies)
				}
				clk.advance(tt.advance)
			}
			rec := do(t, m, tt.handler, cookies...)
			h := rec.Result().Header
			if diff := cmp.Diff(tt.set, masked(rec)); diff != "" {
				t.Errorf("Set-Cookie (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.vary, h.Values("Vary")); diff != "" {
				t.Errorf("Vary (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.cache, h.Values("Cache-Control")); diff != "" {
				t.Errorf("Cache-Control (-want +got):\n%s", diff)
			}
			if rec.Code != http.StatusOK {
				t.Errorf("status %d", rec.Code)
			}
			if errs := log.take(); len(errs) > 0 && tt.advance < 24*time.Hour {
				t.Errorf("unexpected reports: %v", errs)
			}
		})
	}
}

// TestFlaskResponseKinds checks Flask mode's cookie semantics: permanent
// sessions refresh on every response with Expires and no Max-Age, others
// are written only when modified, emptied sessions are deleted.
func TestFlaskResponseKinds(t *testing.T) {
	const (
		// The worked example of flask-session-format.md §6: secret "dev",
		// {"_fresh": True, "user": "alice"} at 1700000000.
		example = "session=eyJfZnJlc2giOnRydWUsInVzZXIiOiJhbGljZSJ9.ZVPxAA.QehH-05txOR6UWU1Sr2AbjfnV0w; Path=/; HttpOnly"
		perm1h  = "session=<v>; Path=/; Expires=Fri, 15 Dec 2023 23:13:20 GMT; HttpOnly"
		permAt0 = "session=<v>; Path=/; Expires=Fri, 15 Dec 2023 22:13:20 GMT; HttpOnly"
		del     = "session=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly"
	)
	flaskLike := []Option{WithSecure(false), WithSameSite(http.SameSiteDefaultMode)}
	tests := []struct {
		name      string
		permanent bool // the request carries a session; permanent or not
		cookie    bool
		handler   func(http.ResponseWriter, *http.Request, *Session)
		set       []string
		vary      []string
	}{
		{name: "Flask's worked example, byte for byte", handler: func(_ http.ResponseWriter, _ *http.Request, s *Session) {
			_ = s.Set("user", "alice")
			_ = s.Set("_fresh", true)
		}, set: []string{example}, vary: []string{"Cookie"}},
		{name: "new permanent session", handler: func(_ http.ResponseWriter, _ *http.Request, s *Session) {
			_ = s.Set("user", "alice")
			_ = s.SetPermanent(true)
		}, set: []string{permAt0}, vary: []string{"Cookie"}},
		{name: "non-permanent, untouched: nothing", cookie: true, handler: noop},
		{name: "non-permanent, read: Vary only", cookie: true, handler: readUser, vary: []string{"Cookie"}},
		{name: "permanent, untouched: refreshed with Vary (CVE-2023-30861)", cookie: true, permanent: true, handler: noop, set: []string{perm1h}, vary: []string{"Cookie"}},
		{name: "permanent, read: refreshed", cookie: true, permanent: true, handler: readUser, set: []string{perm1h}, vary: []string{"Cookie"}},
		{name: "modified non-permanent: no Expires", cookie: true, handler: setUser, set: []string{"session=<v>; Path=/; HttpOnly"}, vary: []string{"Cookie"}},
		{name: "emptied: deleted", cookie: true, permanent: true, handler: clearAll, set: []string{del}, vary: []string{"Cookie"}},
		{name: "clear without a cookie: deleted, as Flask", handler: clearAll, set: []string{del}, vary: []string{"Cookie"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock()
			log := &errLog{}
			m, err := NewFlask(flaskCodec(t, clk, "dev"), append([]Option{WithClock(clk.now), WithErrorHook(log.hook)}, flaskLike...)...)
			must(t, err)
			var cookies []string
			if tt.cookie {
				cookies = cookiesOf(do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
					must(t, s.Set("user", "alice"))
					must(t, s.SetPermanent(tt.permanent))
				}))
				clk.advance(time.Hour)
			}
			rec := do(t, m, tt.handler, cookies...)
			got := masked(rec)
			if len(tt.set) == 1 && tt.set[0] == example {
				got = rec.Result().Header.Values("Set-Cookie")
			}
			if diff := cmp.Diff(tt.set, got); diff != "" {
				t.Errorf("Set-Cookie (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.vary, rec.Result().Header.Values("Vary")); diff != "" {
				t.Errorf("Vary (-want +got):\n%s", diff)
			}
			if len(tt.set) > 0 && !slices.Equal(rec.Result().Header.Values("Cache-Control"), []string{cacheCtl}) {
				t.Errorf("Cache-Control = %q", rec.Result().Header.Values("Cache-Control"))
			}
			if errs := log.take(); len(errs) > 0 {
				t.Errorf("unexpected reports: %v", errs)
			}
		})
	}
}
