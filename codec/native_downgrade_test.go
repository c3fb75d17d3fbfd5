package codec

import (
	"errors"
	"testing"
	"time"
)

// TestNativeRefusesFlaskUnlessLegacy: a native codec never reads a Flask
// cookie, even a validly signed one, unless the application lists a Flask
// codec among its Legacy readers; then it reads exactly what that codec
// accepts and reports it past the ring's keys, for re-issue.
func TestNativeRefusesFlaskUnlessLegacy(t *testing.T) {
	flask, old := oldFlaskCookie(t)
	for _, mode := range allModes {
		plain, _ := newTestNative(t, mode, NativeOptions{})
		if _, _, err := plain.DecodeSession("session", old, 0); !errors.Is(err, ErrMalformed) {
			t.Errorf("%v without Legacy: a Flask cookie gave %v, want ErrMalformed", mode, err)
		}
		migrating, _ := newTestNative(t, mode, NativeOptions{Legacy: []LegacyReader{flask}, LegacyUntil: t0.Add(time.Hour)})
		v, m, err := migrating.DecodeSession("session", old, 0)
		if err != nil || m.Format != "flask" || m.KeyIndex != 1 || v.(map[string]any)["user_id"] != int64(7) {
			t.Errorf("%v with Legacy: %v %+v %v", mode, v, m, err)
		}
		forged := old[:len(old)-1] + map[bool]string{true: "B", false: "A"}[old[len(old)-1] == 'A']
		if _, _, err := migrating.DecodeSession("session", forged, 0); !errors.Is(err, ErrSignature) {
			t.Errorf("%v with Legacy: a forged Flask cookie gave %v, want ErrSignature", mode, err)
		}
	}
}

// TestNativeLegacyListIsCopied checks that NewNative keeps its own copy of
// NativeOptions.Legacy: storing into the caller's slice afterwards neither
// changes which readers run nor can make the codec its own Legacy reader,
// which recursed without end on every cookie that is not native.
func TestNativeLegacyListIsCopied(t *testing.T) {
	flask, old := oldFlaskCookie(t)
	readers := []LegacyReader{flask}
	n, _ := newTestNative(t, XChaCha20Poly1305, NativeOptions{Legacy: readers, LegacyUntil: t0.Add(time.Hour)})
	readers[0] = n
	if _, m, err := n.DecodeSession("session", old, 0); err != nil || m.Format != "flask" {
		t.Fatalf("after the caller's slice changed: %+v, %v; want the Flask reader's session", m, err)
	}
}

// oldFlaskCookie returns a Flask codec and a session cookie it made.
func oldFlaskCookie(t *testing.T) (*Flask, string) {
	t.Helper()
	flask, err := NewFlask(FlaskOptions{SecretKey: []byte("the old flask secret"), Clock: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	old, _, err := flask.EncodeSession("session", map[string]any{"user_id": int64(7)}, Meta{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	return flask, old
}
