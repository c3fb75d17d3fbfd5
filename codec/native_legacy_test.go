package codec

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/codec/internal/envelope"
)

// recordingReader is a Legacy reader that rejects everything with
// ErrSignature and counts the cookies it was offered.
type recordingReader struct{ offered int }

func (r *recordingReader) DecodeSession(name, value string, maxSize int) (any, Meta, error) {
	r.offered++
	return nil, Meta{}, ErrSignature
}

// TestNativeLegacyOnlyForNonNativeCookies: Legacy readers are offered only
// cookies that are not native cookies at all (checks 2 and 3). A cookie
// that authenticated as native and then fails (created-at after issued-at,
// bad padding) keeps its ErrMalformed and is never shown to a legacy reader.
func TestNativeLegacyOnlyForNonNativeCookies(t *testing.T) {
	for _, mode := range allModes {
		legacy := &recordingReader{}
		n, _ := newTestNative(t, mode, NativeOptions{Legacy: []LegacyReader{legacy}, LegacyUntil: t0.Add(time.Hour)})
		for _, tc := range []struct {
			name   string
			cookie string
			offer  bool
		}{
			{"not base64", "not a cookie!", true},
			{"unknown version", "AgAA" + sealRaw(t, n, "s", 0, []byte{1}, t0, t0, t0.Add(time.Hour))[4:], true},
			{"authentic, bad padding", sealRaw(t, n, "s", envelope.FlagPadded, []byte{1, 0}, t0, t0, t0.Add(time.Hour)), false},
			{"authentic, created after issued", sealRaw(t, n, "s", 0, []byte{1}, t0.Add(time.Second), t0, t0.Add(time.Hour)), false},
		} {
			legacy.offered = 0
			_, _, err := n.DecodeSession("s", tc.cookie, 0)
			if tc.offer {
				if legacy.offered != 1 || !errors.Is(err, ErrSignature) {
					t.Errorf("%v %s: offered %d times, %v; want offered once, the legacy reader's ErrSignature", mode, tc.name, legacy.offered, err)
				}
				continue
			}
			if legacy.offered != 0 || !errors.Is(err, ErrMalformed) {
				t.Errorf("%v %s: offered %d times, %v; want ErrMalformed and not offered", mode, tc.name, legacy.offered, err)
			}
		}
	}
}

// TestNativeLegacyUntil: the Legacy readers run only before LegacyUntil.
// From that instant a cookie that is not native fails with ErrLegacyClosed
// (an ErrMalformed, reason "legacy_closed") without being offered to them,
// and the error names the cutoff; native cookies are unaffected. NewNative
// refuses Legacy readers without it, and a LegacyUntil more than 400 days
// away.
func TestNativeLegacyUntil(t *testing.T) {
	flask, old := oldFlaskCookie(t)
	ring, err := NewKeyRing(fixedKey(t, 1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewNative(ring, NativeOptions{Legacy: []LegacyReader{flask}}); err == nil || !strings.Contains(err.Error(), "LegacyUntil") {
		t.Errorf("Legacy without LegacyUntil: NewNative gave %v, want an error naming LegacyUntil", err)
	}
	// A window longer than a browser keeps a cookie is a typo; one already
	// closed is what a restart after the window sees, and must start.
	at := func() time.Time { return t0 }
	for _, tc := range []struct {
		until time.Time
		ok    bool
	}{
		{t0.Add(MaxLegacyWindow), true},
		{t0.Add(MaxLegacyWindow + time.Second), false},
		{t0.AddDate(50, 0, 0), false},
		{t0.Add(-24 * time.Hour), true},
	} {
		_, err := NewNative(ring, NativeOptions{Clock: at, Legacy: []LegacyReader{flask}, LegacyUntil: tc.until})
		if (err == nil) != tc.ok {
			t.Errorf("LegacyUntil %v after now: NewNative gave %v, want ok %v", tc.until.Sub(t0), err, tc.ok)
		}
	}
	until := t0.Add(time.Hour)
	for _, mode := range allModes {
		counting := &countingReader{r: flask}
		n, clk := newTestNative(t, mode, NativeOptions{Legacy: []LegacyReader{counting}, LegacyUntil: until})
		native, _, err := n.EncodeSession("session", map[string]any{"u": "v"}, Meta{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			at         time.Time
			open       bool
			wantOffers int
		}{
			{until.Add(-time.Nanosecond), true, 1},
			{until, false, 1},
			{until.Add(24 * time.Hour), false, 1},
		} {
			clk.t = tc.at
			_, m, err := n.DecodeSession("session", old, 0)
			switch {
			case tc.open && (err != nil || m.Format != "flask" || m.KeyID != "flask SecretKey"):
				t.Errorf("%v at %v (before LegacyUntil): %+v, %v; want the Flask reader's session", mode, tc.at, m, err)
			case !tc.open && (!errors.Is(err, ErrLegacyClosed) || !errors.Is(err, ErrMalformed) || Reason(err) != "legacy_closed" || !strings.Contains(fmt.Sprint(err), "LegacyUntil")):
				t.Errorf("%v at %v (LegacyUntil passed): %v (reason %q), want ErrLegacyClosed (ErrMalformed) naming LegacyUntil", mode, tc.at, err, Reason(err))
			}
			if counting.offered != tc.wantOffers {
				t.Errorf("%v at %v: the Legacy reader was offered %d cookies in all, want %d", mode, tc.at, counting.offered, tc.wantOffers)
			}
			if _, _, err := n.DecodeSession("session", native, 0); err != nil {
				t.Errorf("%v at %v: a native cookie gave %v", mode, tc.at, err)
			}
		}
	}
}

// countingReader passes cookies to r and counts them.
type countingReader struct {
	r       LegacyReader
	offered int
}

func (c *countingReader) DecodeSession(name, value string, maxSize int) (any, Meta, error) {
	c.offered++
	return c.r.DecodeSession(name, value, maxSize)
}

// TestFlaskAlsoRead: a Flask codec with AlsoRead reads the other format's
// cookies (the first step of a move to the native format) and still
// writes Flask's. Only cookies that are not Flask cookies at all are
// offered: a Flask cookie with a bad signature stays ErrSignature, and
// what neither format reads stays ErrMalformed.
func TestFlaskAlsoRead(t *testing.T) {
	_, old := oldFlaskCookie(t)
	n, _ := newTestNative(t, XChaCha20Poly1305, NativeOptions{})
	native, _, err := n.EncodeSession("session", map[string]any{"user_id": int64(8)}, Meta{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	counting := &countingReader{r: n}
	f, err := NewFlask(FlaskOptions{SecretKey: []byte("the old flask secret"), Clock: func() time.Time { return t0 }, AlsoRead: []LegacyReader{counting}})
	if err != nil {
		t.Fatal(err)
	}
	if v, m, err := f.DecodeSession("session", native, 0); err != nil || m.Format != "native" || v.(map[string]any)["user_id"] != int64(8) {
		t.Errorf("native cookie: %v, %+v, %v; want its session", v, m, err)
	}
	if v, m, err := f.DecodeSession("session", old, 0); err != nil || m.Format != "flask" || v.(map[string]any)["user_id"] != int64(7) {
		t.Errorf("Flask cookie: %v, %+v, %v", v, m, err)
	}
	offered := counting.offered
	tampered := old[:len(old)-2] + "AA"
	if _, _, err := f.DecodeSession("session", tampered, 0); !errors.Is(err, ErrSignature) || counting.offered != offered {
		t.Errorf("tampered Flask cookie: %v (offered %d more); want ErrSignature, not offered", err, counting.offered-offered)
	}
	if _, _, err := f.DecodeSession("session", "garbage", 0); !errors.Is(err, ErrMalformed) {
		t.Errorf("garbage: %v, want ErrMalformed", err)
	}
	out, _, err := f.EncodeSession("session", map[string]any{"user_id": int64(8)}, Meta{}, 0)
	if err != nil || !strings.Contains(out, ".") {
		t.Errorf("encoding: %q, %v; want a Flask cookie", out, err)
	}
}
