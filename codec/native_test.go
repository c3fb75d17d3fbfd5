package codec

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/serializer"
	"github.com/google/go-cmp/cmp"
)

// fixedKey returns a deterministic key for tests: id and material derived
// from seed.
func fixedKey(t testing.TB, seed byte) Key {
	t.Helper()
	k, err := DeriveKey(bytes.Repeat([]byte{seed}, 32), "0000000"+string("0123456789abcdef"[seed%16]))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// testClock is a settable clock.
type testClock struct{ t time.Time }

func (c *testClock) now() time.Time { return c.t }

var t0 = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

var allModes = []Mode{XChaCha20Poly1305, AES256GCM, HMACSHA256}

func newTestNative(t testing.TB, mode Mode, opts NativeOptions, keys ...Key) (*Native, *testClock) {
	t.Helper()
	if len(keys) == 0 {
		keys = []Key{fixedKey(t, 1)}
	}
	ring, err := NewKeyRing(keys[0], keys[1:]...)
	if err != nil {
		t.Fatal(err)
	}
	clk := &testClock{t: t0}
	opts.Mode = mode
	if opts.Clock == nil {
		opts.Clock = clk.now
	}
	n, err := NewNative(ring, opts)
	if err != nil {
		t.Fatal(err)
	}
	return n, clk
}

func sessionS() map[string]any {
	return map[string]any{"user_id": int64(12345), "username": "alice.example", "roles": []any{"admin", "editor", "viewer"}, "csrf_token": "9f86d081884c7d659a2feaa0c55ad015", "login_time": "2024-05-01T12:34:56Z", "remember": true, "prefs": map[string]any{"theme": "dark", "lang": "en-US", "tz": "Europe/Berlin"}, "_fresh": true}
}

func TestNativeRoundTripModes(t *testing.T) {
	for _, mode := range allModes {
		t.Run(mode.String(), func(t *testing.T) {
			n, _ := newTestNative(t, mode, NativeOptions{})
			c, m, err := n.EncodeSession("session", sessionS(), Meta{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			v, m2, err := n.DecodeSession("session", c, 0)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(sessionS(), v); diff != "" {
				t.Errorf("value (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(m, m2); diff != "" {
				t.Errorf("meta (-encode +decode):\n%s", diff)
			}
			if m.Format != "native" || m.SessionID.IsZero() || m.KeyIndex != 0 || !m.Issued.Equal(t0) {
				t.Errorf("meta = %+v", m)
			}
			t.Logf("%s: %d chars", mode, len(c))
			if _, _, err := n.DecodeSession("other", c, 0); !errors.Is(err, ErrSignature) {
				t.Errorf("other name: %v", err)
			}
		})
	}
}

// TestNewNativeRejectsBadOptions: configuration mistakes fail at
// construction, not on the first cookie.
func TestNewNativeRejectsBadOptions(t *testing.T) {
	ring, _ := NewKeyRing(fixedKey(t, 1))
	for name, opts := range map[string]NativeOptions{
		"unknown mode":        {Mode: 7},
		"long purpose":        {Purpose: string(make([]byte, 256))},
		"negative lifetime":   {Lifetime: -time.Second},
		"negative idle":       {IdleTimeout: -time.Second},
		"sub-second lifetime": {Lifetime: 900 * time.Millisecond},
		"sub-second idle":     {IdleTimeout: 500 * time.Millisecond},
		"negative padding":    {Padding: -1},
		"huge padding":        {Padding: MaxPadding + 1},
		"negative max size":   {MaxCookieSize: -1},
		"negative max zlib":   {MaxDecompressed: -1},
		// Setting a serializer to raise one limit used to drop NativeTime:
		// the times in cookies already issued then read back as maps.
		"serializer without NativeTime": {Serializer: &serializer.Serializer{MaxDepth: 64}},
	} {
		if _, err := NewNative(ring, opts); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := NewNative(ring, NativeOptions{Serializer: &serializer.Serializer{MaxDepth: 64, NativeTime: true}}); err != nil {
		t.Errorf("a serializer with NativeTime: %v", err)
	}
	// One second is the shortest limit the envelope can carry, and it works.
	if _, err := NewNative(ring, NativeOptions{Lifetime: time.Second, IdleTimeout: time.Second}); err != nil {
		t.Errorf("one-second limits: %v", err)
	}
	if _, err := NewNative(nil, NativeOptions{}); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("nil ring: %v", err)
	}
	n, err := NewNative(ring, NativeOptions{})
	if err != nil || n.Mode() != XChaCha20Poly1305 || n.Purpose() != "session" || n.lifetime != DefaultLifetime || n.skew != DefaultSkew || n.maxCookie != DefaultMaxCookieSize {
		t.Fatalf("defaults: %+v %v", n, err)
	}
}
