package codec

import (
	"errors"
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
		n, _ := newTestNative(t, mode, NativeOptions{Legacy: []LegacyReader{legacy}})
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
