package codec

import (
	"errors"
	"testing"
	"time"
)

func expectExpired(t *testing.T, err error, reason string, at time.Time) {
	t.Helper()
	var ee *ExpiredError
	if !errors.As(err, &ee) || !errors.Is(err, ErrExpired) {
		t.Fatalf("err = %v, want *ExpiredError %q", err, reason)
	}
	if ee.Reason != reason || !ee.At.Equal(at) {
		t.Fatalf("ExpiredError{Reason %q, At %v}, want %q at %v", ee.Reason, ee.At, reason, at)
	}
}

// TestNativeExpiresBoundary: a cookie is valid until the instant before
// expires-at; at expires-at (now >= expires-at) it is expired.
func TestNativeExpiresBoundary(t *testing.T) {
	n, clk := newTestNative(t, XChaCha20Poly1305, NativeOptions{Lifetime: time.Hour})
	exp := t0.Add(30 * time.Minute)
	c, m, err := n.EncodeSession("s", "v", Meta{Expires: exp}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !m.Expires.Equal(exp) {
		t.Fatalf("Expires = %v, want %v", m.Expires, exp)
	}
	clk.t = exp.Add(-time.Nanosecond)
	if _, _, err := n.DecodeSession("s", c, 0); err != nil {
		t.Fatalf("1ns before expires-at: %v", err)
	}
	clk.t = exp
	_, _, err = n.DecodeSession("s", c, 0)
	expectExpired(t, err, "expires", exp)

	// A caller's Expires later than the lifetime is clamped to it.
	clk.t = t0
	_, m, err = n.EncodeSession("s", "v", Meta{Expires: t0.Add(48 * time.Hour)}, 0)
	if err != nil || !m.Expires.Equal(t0.Add(time.Hour)) {
		t.Fatalf("clamp: %v %v", m.Expires, err)
	}
}

// TestNativeIdleTimeout: the idle timeout runs from issued-at; a refresh
// (re-encode with the decoded Meta) restarts it but keeps the session id and
// created-at.
func TestNativeIdleTimeout(t *testing.T) {
	idle := 10 * time.Minute
	n, clk := newTestNative(t, AES256GCM, NativeOptions{Lifetime: time.Hour, IdleTimeout: idle})
	c, m, err := n.EncodeSession("s", "v", Meta{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !m.Expires.Equal(t0.Add(idle)) {
		t.Fatalf("Expires = %v, want issued+idle", m.Expires)
	}
	clk.t = t0.Add(idle - time.Second)
	_, m2, err := n.DecodeSession("s", c, 0)
	if err != nil {
		t.Fatal(err)
	}
	m2.Expires = time.Time{} // refresh: derive a new expiry
	c2, m3, err := n.EncodeSession("s", "v", m2, 0)
	if err != nil {
		t.Fatal(err)
	}
	if m3.SessionID != m.SessionID || !m3.Created.Equal(t0) || !m3.Issued.Equal(clk.t) {
		t.Fatalf("refresh meta %+v, first %+v", m3, m)
	}
	// The old cookie hits its idle timeout; the refreshed one does not.
	clk.t = t0.Add(idle)
	_, _, err = n.DecodeSession("s", c, 0)
	expectExpired(t, err, "idle", t0.Add(idle))
	if _, _, err := n.DecodeSession("s", c2, 0); err != nil {
		t.Fatal(err)
	}
}

// TestNativeAbsoluteLifetime: refreshing before every idle timeout does not
// extend a session past created-at + Lifetime.
func TestNativeAbsoluteLifetime(t *testing.T) {
	life, idle := time.Hour, 20*time.Minute
	n, clk := newTestNative(t, HMACSHA256, NativeOptions{Lifetime: life, IdleTimeout: idle})
	c, m, err := n.EncodeSession("s", "v", Meta{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 5; i++ {
		clk.t = t0.Add(time.Duration(i) * 15 * time.Minute)
		_, dm, err := n.DecodeSession("s", c, 0)
		if clk.t.Before(t0.Add(life)) {
			if err != nil {
				t.Fatalf("refresh %d: %v", i, err)
			}
			dm.Expires = time.Time{}
			if c, m, err = n.EncodeSession("s", "v", dm, 0); err != nil {
				t.Fatalf("re-encode %d: %v", i, err)
			}
			if m.Expires.After(t0.Add(life)) {
				t.Fatalf("expires %v past the absolute lifetime", m.Expires)
			}
			continue
		}
		expectExpired(t, err, "absolute", t0.Add(life))
		// Re-sealing a session past its lifetime is refused too.
		_, _, err = n.EncodeSession("s", "v", Meta{Created: t0}, 0)
		expectExpired(t, err, "absolute", t0.Add(life))
		return
	}
	t.Fatal("absolute lifetime never enforced")
}

// TestNativeConfiguredLimitsWin: a decoder whose lifetime was shortened
// after a cookie was issued enforces the new lifetime.
func TestNativeConfiguredLimitsWin(t *testing.T) {
	k := fixedKey(t, 1)
	long, clk := newTestNative(t, XChaCha20Poly1305, NativeOptions{Lifetime: 24 * time.Hour}, k)
	short, _ := newTestNative(t, XChaCha20Poly1305, NativeOptions{Lifetime: time.Hour, Clock: clk.now}, k)
	c, _, err := long.EncodeSession("s", 1, Meta{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	clk.t = t0.Add(2 * time.Hour)
	if _, _, err := long.DecodeSession("s", c, 0); err != nil {
		t.Fatal(err)
	}
	_, _, err = short.DecodeSession("s", c, 0)
	expectExpired(t, err, "absolute", t0.Add(time.Hour))
}

// TestNativeFutureIssued: issued-at may lie at most Skew after now.
func TestNativeFutureIssued(t *testing.T) {
	for _, skew := range []time.Duration{0, 5 * time.Second, -1} {
		n, clk := newTestNative(t, XChaCha20Poly1305, NativeOptions{Skew: skew})
		c, _, err := n.EncodeSession("s", 1, Meta{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := skew
		switch {
		case skew == 0:
			want = DefaultSkew
		case skew < 0:
			want = 0
		}
		clk.t = t0.Add(-want)
		if _, _, err := n.DecodeSession("s", c, 0); err != nil {
			t.Fatalf("skew %v: issued exactly skew ahead: %v", skew, err)
		}
		clk.t = t0.Add(-want - time.Nanosecond)
		_, _, err = n.DecodeSession("s", c, 0)
		var fe *FutureError
		if !errors.As(err, &fe) || !errors.Is(err, ErrFuture) || !fe.At.Equal(t0) || fe.Skew != want {
			t.Fatalf("skew %v: err = %v", skew, err)
		}
	}
}

// TestNativeTimeRange: the 32-bit unsigned seconds reach 2106-02-07; the
// codec refuses to encode outside 1970..2106 instead of wrapping, and
// deadlines saturate at the last representable second.
func TestNativeTimeRange(t *testing.T) {
	last := time.Unix(1<<32-1, 0)
	for _, now := range []time.Time{time.Unix(-1, 0), last.Add(time.Second)} {
		n, _ := newTestNative(t, XChaCha20Poly1305, NativeOptions{Clock: func() time.Time { return now }})
		if _, _, err := n.EncodeSession("s", 1, Meta{}, 0); !errors.Is(err, errNativeTimeRange) {
			t.Fatalf("now %v: err = %v", now, err)
		}
	}
	near := last.Add(-time.Hour)
	n, _ := newTestNative(t, XChaCha20Poly1305, NativeOptions{Clock: func() time.Time { return near }, Lifetime: 1000 * 24 * time.Hour})
	c, m, err := n.EncodeSession("s", 1, Meta{}, 0)
	if err != nil || !m.Expires.Equal(last) {
		t.Fatalf("near 2106: %v, expires %v", err, m.Expires)
	}
	if _, _, err := n.DecodeSession("s", c, 0); err != nil {
		t.Fatal(err)
	}
	if got := nativeAddSeconds(1<<32-10, 1<<62); got != 1<<32-1 {
		t.Fatalf("nativeAddSeconds saturates at %d", got)
	}
}

// TestNativeCreatedAfterNow: a Created after now (a session from a server
// whose clock runs ahead) is clamped to now, which can only shorten the
// absolute lifetime.
func TestNativeCreatedAfterNow(t *testing.T) {
	n, _ := newTestNative(t, XChaCha20Poly1305, NativeOptions{})
	_, m, err := n.EncodeSession("s", 1, Meta{Created: t0.Add(30 * time.Second)}, 0)
	if err != nil || !m.Created.Equal(t0) {
		t.Fatalf("created %v, %v", m.Created, err)
	}
}
