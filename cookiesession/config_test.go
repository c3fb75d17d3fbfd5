package cookiesession

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
)

// TestConfigRefused checks that misconfigurations are refused at
// construction with a message saying how to fix them.
func TestConfigRefused(t *testing.T) {
	clk := newClock()
	native := nativeCodec(t, clk, testKey(t, "00000001"))
	flask := flaskCodec(t, clk, "dev")
	tests := []struct {
		name  string
		flask bool
		nilC  bool
		opts  []Option
		hint  string
	}{
		{name: "no codec, no keys", nilC: true, hint: "codec.NewKeyRing"},
		{name: "__Host- with Domain", opts: []Option{WithName("__Host-s"), WithDomain("example.com")}, hint: "drop WithDomain"},
		{name: "__Host- with Path", opts: []Option{WithName("__Host-s"), WithPath("/app")}, hint: "Path \"/\""},
		{name: "__Host- insecure", opts: []Option{WithName("__Host-s"), WithSecure(false)}, hint: "drop WithSecure(false)"},
		{name: "__host- (lower case) insecure", opts: []Option{WithName("__host-s"), WithSecure(false)}, hint: "drop WithSecure(false)"},
		{name: "__HOST- with Domain", opts: []Option{WithName("__HOST-s"), WithDomain("example.com")}, hint: "drop WithDomain"},
		{name: "__secure- (lower case) insecure", opts: []Option{WithName("__secure-s"), WithSecure(false)}, hint: "__Secure- cookie must be Secure"},
		{name: "__Secure- insecure", opts: []Option{WithName("__Secure-s"), WithSecure(false)}, hint: "drop WithSecure(false)"},
		{name: "SameSite=None insecure", opts: []Option{WithSameSite(http.SameSiteNoneMode), WithSecure(false)}, hint: "SameSite=None requires Secure"},
		{name: "Partitioned insecure", opts: []Option{WithPartitioned(true), WithSecure(false)}, hint: "Partitioned cookie must be Secure"},
		{name: "unknown SameSite", opts: []Option{WithSameSite(http.SameSite(9))}, hint: "http.SameSite constants"},
		{name: "bad name", opts: []Option{WithName("my session")}, hint: "not a valid token"},
		{name: "empty name", opts: []Option{WithName("")}, hint: "not a valid token"},
		{name: "relative path", opts: []Option{WithPath("app")}, hint: "must start with /"},
		{name: "path with ;", opts: []Option{WithPath("/a;b")}, hint: "must start with /"},
		{name: "domain with a port", opts: []Option{WithDomain("example.com:8080")}, hint: "not a host name"},
		// Chromium drops each of these cookies as InvalidDomain, a persona
		// found, and the login silently did not stick.
		{name: "domain a top-level domain", opts: []Option{WithDomain("test")}, hint: "single label"},
		{name: "domain a public suffix", opts: []Option{WithDomain("co.uk")}, hint: "public suffix"},
		{name: "domain a private public suffix", opts: []Option{WithDomain("github.io")}, hint: "public suffix"},
		{name: "domain with an empty label", opts: []Option{WithDomain("example..test")}, hint: "empty label"},
		{name: "domain with a trailing dot", opts: []Option{WithDomain("example.test.")}, hint: "empty label"},
		{name: "domain with two leading dots", opts: []Option{WithDomain("..example.test")}, hint: "empty label"},
		{name: "domain a single label", opts: []Option{WithDomain("localhost")}, hint: "single label"},
		{name: "idle timeout over the lifetime", opts: []Option{WithIdleTimeout(14 * 24 * time.Hour)}, hint: "give WithLifetime too"},
		{name: "domain an IP address", opts: []Option{WithDomain("127.0.0.1")}, hint: "IP address"},
		{name: "Partitioned with Lax", opts: []Option{WithPartitioned(true)}, hint: "SameSiteNoneMode"},
		{name: "path over 1024 bytes", opts: []Option{WithPath("/" + strings.Repeat("a", 1024))}, hint: "browsers ignore"},
		{name: "path over 1024 bytes with a domain", opts: []Option{WithPath("/" + strings.Repeat("a", 1024)), WithDomain("example.com")}, hint: "browsers ignore"},
		{name: "path with a trailing space", opts: []Option{WithPath("/app ")}, hint: "white space"},
		// A security review found these accepted; no request host
		// domain-matches them, or browsers read them as an IPv4 address.
		{name: "domain a wildcard", opts: []Option{WithDomain("*.example.com")}, hint: "not a host name"},
		{name: "domain a list", opts: []Option{WithDomain("example.com,evil.com")}, hint: "not a host name"},
		{name: "domain with a quote", opts: []Option{WithDomain(`example.com"`)}, hint: "not a host name"},
		{name: "domain a short IPv4 address", opts: []Option{WithDomain("127.1")}, hint: "IP address"},
		{name: "domain a hexadecimal IPv4 address", opts: []Option{WithDomain("0x7f.0.0.1")}, hint: "IP address"},
		{name: "zero chunks", opts: []Option{WithMaxChunks(0)}, hint: "between 1 and 16"},
		{name: "too many chunks", opts: []Option{WithMaxChunks(17)}, hint: "between 1 and 16"},
		{name: "negative lifetime", opts: []Option{WithLifetime(-time.Hour)}, hint: "must be positive"},
		{name: "sub-second idle", opts: []Option{WithIdleTimeout(time.Millisecond)}, hint: "at least one second"},
		{name: "negative idle", opts: []Option{WithIdleTimeout(-1)}, hint: "idle timeout -1ns must be at least one second, or 0"},
		{name: "sub-second lifetime", opts: []Option{WithLifetime(time.Millisecond)}, hint: "lifetime 1ms must be at least one second"},
		{name: "lifetime beyond the native codec's", opts: []Option{WithLifetime(60 * 24 * time.Hour)}, hint: "set NativeOptions.Lifetime to at least 1440h0m0s"},
		{name: "Flask lifetime beyond the codec's MaxAge", flask: true, opts: []Option{WithLifetime(60 * 24 * time.Hour)}, hint: "set FlaskOptions.MaxAge to at least 1440h0m0s"},
		{name: "lifetime beyond browsers", opts: []Option{WithLifetime(500 * 24 * time.Hour)}, hint: "400 days"},
		{name: "refresh fraction", opts: []Option{WithRefresh(RefreshAfter(1.5))}, hint: "(0, 1)"},
		{name: "refresh fraction 0", opts: []Option{WithRefresh(RefreshAfter(0))}, hint: "use RefreshNever"},
		{name: "refresh fraction 1", opts: []Option{WithRefresh(RefreshAfter(1))}, hint: "(0, 1)"},
		{name: "refresh fraction NaN", opts: []Option{WithRefresh(RefreshAfter(math.NaN()))}, hint: "(0, 1)"},
		{name: "Flask chunks", flask: true, opts: []Option{WithMaxChunks(2)}, hint: "Flask cannot read a session split"},
		{name: "Flask idle", flask: true, opts: []Option{WithIdleTimeout(time.Hour)}, hint: "use WithLifetime"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m *Manager
			var err error
			switch {
			case tt.nilC:
				m, err = New(nil, tt.opts...)
			case tt.flask:
				m, err = NewFlask(flask, tt.opts...)
			default:
				m, err = New(native, tt.opts...)
			}
			if m != nil || !errors.Is(err, ErrConfig) {
				t.Fatalf("got %v, %v; want ErrConfig", m, err)
			}
			if !strings.Contains(err.Error(), tt.hint) {
				t.Errorf("error %q does not contain the hint %q", err, tt.hint)
			}
		})
	}
	// The typed nils a failed constructor returns, as in
	// c, _ := codec.NewNative(ring, ...) with a missing key: an interface
	// holding them is not nil, and they used to panic on every request.
	_, errNative := codec.NewNative(nil, codec.NativeOptions{})
	nilNative, _ := codec.NewNative(nil, codec.NativeOptions{})
	nilFlask, errFlask := codec.NewFlask(codec.FlaskOptions{})
	if errNative == nil || errFlask == nil || nilNative != nil || nilFlask != nil {
		t.Fatalf("the constructors no longer fail here: %v, %v", errNative, errFlask)
	}
	for _, tc := range []struct {
		name  string
		build func() (*Manager, error)
	}{
		{"New(nil *codec.Native)", func() (*Manager, error) { return New(nilNative) }},
		{"NewFlask(nil *codec.Flask)", func() (*Manager, error) { return NewFlask(nilFlask) }},
		{"New(nil *codec.Flask)", func() (*Manager, error) { return New(nilFlask) }},
	} {
		if m, err := tc.build(); m != nil || !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "nil *codec.") || !strings.Contains(err.Error(), "check the errors") {
			t.Errorf("%s = %v, %v; want ErrConfig naming the nil codec", tc.name, m, err)
		}
	}
	// A native codec in Flask mode would write cookies Flask cannot read.
	if m, err := NewFlask(native); m != nil || !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "codec.NewFlask") {
		t.Errorf("NewFlask(native codec) = %v, %v; want ErrConfig", m, err)
	}
	// And the valid neighbours are accepted.
	for _, opts := range [][]Option{
		{WithName("__Host-session")},
		{WithName("__Secure-s"), WithDomain("example.com")},
		{WithDomain(".example.com")},
		{WithDomain("app.example.co.uk")},
		{WithDomain("me.github.io")},
		{WithDomain("123.example.com")},
		{WithDomain("xn--bcher-kva.example")},
		{WithDomain("my_host.example.com")},
		{WithSameSite(http.SameSiteNoneMode), WithPartitioned(true)},
		{WithSecure(false), WithMaxChunks(1), WithIdleTimeout(0), WithRefresh(RefreshNever)},
		{WithRefresh(RefreshAfter(0.9))},
	} {
		if _, err := New(native, opts...); err != nil {
			t.Errorf("refused a valid configuration: %v", err)
		}
	}
	if _, err := NewFlask(flask, WithLifetime(time.Hour), WithRefresh(RefreshNever)); err != nil {
		t.Errorf("refused a valid Flask configuration: %v", err)
	}
}

// TestCodecLimits checks which lifetimes and idle timeouts given to the
// manager New and NewFlask accept over the codec's own: one the codec
// would silently cut short is refused, one left at the manager's default
// or within the codec's is accepted.
func TestCodecLimits(t *testing.T) {
	clk := newClock()
	ring, err := codec.NewKeyRing(testKey(t, "00000001"))
	if err != nil {
		t.Fatal(err)
	}
	native := func(o codec.NativeOptions) codec.SessionCodec {
		o.Clock = clk.now
		c, err := codec.NewNative(ring, o)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	flask := func(maxAge time.Duration) codec.SessionCodec {
		c, err := codec.NewFlask(codec.FlaskOptions{SecretKey: []byte("dev"), MaxAge: maxAge, Clock: clk.now})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	const day = 24 * time.Hour
	tests := []struct {
		name  string
		flask bool
		codec codec.SessionCodec
		opts  []Option
		hint  string // "" means accepted
	}{
		{name: "defaults", codec: native(codec.NativeOptions{})},
		{name: "lifetime within the codec's default", codec: native(codec.NativeOptions{}), opts: []Option{WithLifetime(30 * day)}},
		{name: "lifetime beyond the codec's default", codec: native(codec.NativeOptions{}), opts: []Option{WithLifetime(30*day + time.Second)}, hint: "NativeOptions.Lifetime"},
		{name: "lifetime within a longer codec lifetime", codec: native(codec.NativeOptions{Lifetime: 90 * day}), opts: []Option{WithLifetime(60 * day)}},
		{name: "codec shorter than the manager's default", codec: native(codec.NativeOptions{Lifetime: day})},
		{name: "codec idle, manager default", codec: native(codec.NativeOptions{IdleTimeout: time.Hour})},
		{name: "idle within the codec's", codec: native(codec.NativeOptions{IdleTimeout: time.Hour}), opts: []Option{WithIdleTimeout(30 * time.Minute)}},
		{name: "idle beyond the codec's", codec: native(codec.NativeOptions{IdleTimeout: time.Hour}), opts: []Option{WithIdleTimeout(2 * time.Hour)}, hint: "longer than the codec's own idle timeout, 1h0m0s"},
		{name: "idle off over a codec idle", codec: native(codec.NativeOptions{IdleTimeout: time.Hour}), opts: []Option{WithIdleTimeout(0)}, hint: "WithIdleTimeout(0) turns the idle timeout off"},
		{name: "idle off, codec without", codec: native(codec.NativeOptions{}), opts: []Option{WithIdleTimeout(0)}},
		{name: "Flask defaults", flask: true, codec: flask(0)},
		{name: "Flask lifetime within MaxAge", flask: true, codec: flask(0), opts: []Option{WithLifetime(31 * day)}},
		{name: "Flask lifetime beyond MaxAge", flask: true, codec: flask(0), opts: []Option{WithLifetime(32 * day)}, hint: "FlaskOptions.MaxAge"},
		{name: "Flask without MaxAge", flask: true, codec: flask(codec.NoMaxAge), opts: []Option{WithLifetime(60 * day)}},
		{name: "Flask codec under New", codec: flask(day), opts: []Option{WithLifetime(2 * day)}, hint: "FlaskOptions.MaxAge"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			newManager := New
			if tt.flask {
				newManager = NewFlask
			}
			m, err := newManager(tt.codec, tt.opts...)
			if tt.hint == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if m != nil || !errors.Is(err, ErrConfig) {
				t.Fatalf("got %v, %v; want ErrConfig", m, err)
			}
			if !strings.Contains(err.Error(), tt.hint) {
				t.Errorf("error %q does not contain the hint %q", err, tt.hint)
			}
		})
	}
}

// TestManagerTakesCodecLimits: a limit configured on the codec alone is
// the session's limit. A Flask team that sets FlaskOptions.MaxAge to its
// PERMANENT_SESSION_LIFETIME of 90 days got a manager that refused
// cookies after 31 days and sent Expires 31 days ahead, which made the
// browser drop the cookie Flask still accepted.
func TestManagerTakesCodecLimits(t *testing.T) {
	const day = 24 * time.Hour
	t.Run("Flask MaxAge", func(t *testing.T) {
		clk := newClock()
		f, err := codec.NewFlask(codec.FlaskOptions{SecretKey: []byte("dev"), MaxAge: 90 * day, Clock: clk.now})
		if err != nil {
			t.Fatal(err)
		}
		m, err := NewFlask(f, WithClock(clk.now))
		if err != nil {
			t.Fatal(err)
		}
		rec := do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
			must(t, s.Set("user", "ada"))
			must(t, s.SetPermanent(true))
		})
		want := "Expires=" + t0.Add(90*day).UTC().Format(http.TimeFormat)
		if line := rec.Result().Header.Get("Set-Cookie"); !strings.Contains(line, want) {
			t.Errorf("Set-Cookie %q, want %s (the codec's MaxAge)", line, want)
		}
		clk.advance(40 * day) // past the 31-day default, within Flask's 90
		var user string
		do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
			user, _ = Get[string](s, "user")
		}, cookiesOf(rec)...)
		if user != "ada" {
			t.Errorf("a 40-day-old cookie under MaxAge 90 days: user %q, want ada", user)
		}
	})
	t.Run("native Lifetime and IdleTimeout", func(t *testing.T) {
		clk := newClock()
		ring, err := codec.NewKeyRing(testKey(t, "00000001"))
		if err != nil {
			t.Fatal(err)
		}
		n, err := codec.NewNative(ring, codec.NativeOptions{Lifetime: 20 * day, IdleTimeout: 3 * day, Clock: clk.now})
		if err != nil {
			t.Fatal(err)
		}
		m, err := New(n, WithClock(clk.now))
		if err != nil {
			t.Fatal(err)
		}
		if m.cfg.lifetime != 20*day || m.cfg.idle != 3*day {
			t.Errorf("manager lifetime %v, idle %v; want the codec's 480h and 72h", m.cfg.lifetime, m.cfg.idle)
		}
		rec := do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) { must(t, s.Set("user", "ada")) })
		clk.advance(2 * day) // past the manager's 24 h default idle timeout, within the codec's 3 days
		var user string
		do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
			user, _ = Get[string](s, "user")
		}, cookiesOf(rec)...)
		if user != "ada" {
			t.Errorf("idle 2 days under the codec's IdleTimeout of 3: user %q, want ada", user)
		}
		// The native codec's default lifetime is not taken: the manager's
		// 7 days stay the default.
		m, err = New(nativeCodec(t, clk, testKey(t, "00000001")))
		if err != nil {
			t.Fatal(err)
		}
		if m.cfg.lifetime != DefaultLifetime || m.cfg.idle != DefaultIdleTimeout {
			t.Errorf("defaults: lifetime %v, idle %v", m.cfg.lifetime, m.cfg.idle)
		}
	})
}

// TestTwoManagersOneCookie checks that stacking the middlewares of two
// managers that write the same cookie is refused on every request, and
// that managers on cookies of their own, or one manager twice, are not.
func TestTwoManagersOneCookie(t *testing.T) {
	clk := newClock()
	tests := []struct {
		name    string
		outer   []Option // options of the outermost manager
		middle  []Option // nil: no middle manager
		inner   []Option
		refused bool
	}{
		{"same name", nil, nil, nil, true},
		{"same name, path and domain", []Option{WithPath("/app"), WithDomain("example.com")}, nil, []Option{WithPath("/app"), WithDomain("example.com")}, true},
		{"found past a manager in between", nil, []Option{WithName("remember")}, nil, true},
		{"another name", nil, nil, []Option{WithName("remember")}, false},
		// Under /admin the browser sends both cookies, and with the same
		// keys each manager reads the other's (a re-test followed the old
		// advice, a WithPath of its own, into this).
		{"a nested path", nil, nil, []Option{WithPath("/admin")}, true},
		{"a nested path, the other way", []Option{WithPath("/app")}, nil, []Option{WithPath("/app/admin")}, true},
		{"sibling paths", []Option{WithPath("/app")}, nil, []Option{WithPath("/admin")}, false},
		{"a path that only shares a prefix", []Option{WithPath("/app")}, nil, []Option{WithPath("/application")}, false},
		{"another domain", nil, nil, []Option{WithDomain("example.com")}, false},
		// Browsers ignore a Domain's leading dot and its case, so these
		// write one cookie (a security review found them let through).
		{"the domain with a leading dot", []Option{WithDomain("example.com")}, nil, []Option{WithDomain(".example.com")}, true},
		{"the domain in capitals", []Option{WithDomain("EXAMPLE.com")}, nil, []Option{WithDomain("example.com")}, true},
		// One manager's previous scope is the other's cookie, which its
		// every write would delete.
		{"the inner's previous scope", []Option{WithPath("/app")}, nil, []Option{WithPreviousScope("/app", "")}, true},
		{"the outer's previous scope", []Option{WithPath("/app"), WithPreviousScope("/", "")}, nil, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			outerLog, innerLog := &errLog{}, &errLog{}
			outer := newNative(t, clk, outerLog, tc.outer...)
			inner := newNative(t, clk, innerLog, tc.inner...)
			ran := false
			var h http.Handler = inner.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				ran = true
				must(t, inner.Session(r).Set("user", "ada"))
			}))
			if tc.middle != nil {
				h = newNative(t, clk, &errLog{}, tc.middle...).LoadAndSave(h)
			}
			rec := httptest.NewRecorder()
			outer.LoadAndSave(h).ServeHTTP(rec, httptest.NewRequest("GET", "http://example.com/app/", nil))
			innerErrs := innerLog.take()
			if tc.refused {
				if ran || rec.Code != http.StatusInternalServerError || len(innerErrs) != 1 || !errors.Is(innerErrs[0], ErrConfig) || !strings.Contains(innerErrs[0].Error(), "two managers") {
					t.Errorf("handler ran %v, status %d, inner manager reported %v; want a 500 without the handler and one ErrConfig naming two managers", ran, rec.Code, innerErrs)
				}
				return
			}
			if !ran || rec.Code != http.StatusOK || len(innerErrs) != 0 || len(outerLog.take()) != 0 {
				t.Errorf("handler ran %v, status %d, reports %v; want the handler to answer", ran, rec.Code, innerErrs)
			}
		})
	}
	t.Run("one manager twice", func(t *testing.T) {
		log := &errLog{}
		m := newNative(t, clk, log)
		rec := do(t, m, func(w http.ResponseWriter, r *http.Request, s *Session) {
			m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				must(t, m.Session(r).Set("user", "ada"))
			})).ServeHTTP(w, r)
		})
		if rec.Code != http.StatusOK || len(cookiesOf(rec)) != 1 || len(log.take()) != 0 {
			t.Errorf("status %d, cookies %v; want 200 and one cookie", rec.Code, cookiesOf(rec))
		}
	})
}

// TestNewNative checks the one-call constructor: its cookies are those of
// New over codec.NewNative, and its codec takes the manager's clock and a
// lifetime over the codec's default, which New refuses.
func TestNewNative(t *testing.T) {
	if _, err := NewNative(nil); !errors.Is(err, ErrConfig) {
		t.Errorf("NewNative(nil): %v; want ErrConfig", err)
	}
	showUser := func(w http.ResponseWriter, _ *http.Request, s *Session) {
		user, _ := Get[string](s, "user")
		fmt.Fprint(w, user)
	}
	clk := newClock()
	ring, err := codec.NewKeyRing(testKey(t, "00000001"))
	must(t, err)
	m, err := NewNative(ring, WithClock(clk.now))
	must(t, err)
	cookies := cookiesOf(do(t, m, setUser))
	if got := do(t, newNative(t, clk, &errLog{}), showUser, cookies...).Body.String(); got != "bob" {
		t.Errorf("New over codec.NewNative read %q from NewNative's cookie; want bob", got)
	}

	const quarter = 90 * 24 * time.Hour
	if _, err := New(nativeCodec(t, clk, testKey(t, "00000001")), WithLifetime(quarter)); !errors.Is(err, ErrConfig) {
		t.Fatalf("New with a 90-day lifetime over a default codec: %v; want ErrConfig (else this test shows nothing)", err)
	}
	log := &errLog{}
	m, err = NewNative(ring, WithClock(clk.now), WithLifetime(quarter), WithIdleTimeout(0), WithErrorHook(log.hook))
	must(t, err)
	cookies = cookiesOf(do(t, m, setUser))
	clk.advance(60 * 24 * time.Hour)
	if got := do(t, m, showUser, cookies...).Body.String(); got != "bob" {
		t.Errorf("after 60 days of a 90-day lifetime: read %q, reports %v; want bob", got, log.take())
	}
	clk.advance(31 * 24 * time.Hour)
	if got := do(t, m, showUser, cookies...).Body.String(); got != "" || !log.has(codec.ErrExpired) {
		t.Errorf("after 91 days of a 90-day lifetime: read %q; want nothing, and ErrExpired reported", got)
	}
}
