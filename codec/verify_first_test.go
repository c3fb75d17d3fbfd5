package codec

import (
	"bytes"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/codec/internal/envelope"
)

// bytesPerDecode returns the bytes allocated by one call of decode, on
// average over several calls.
func bytesPerDecode(decode func()) uint64 {
	const runs = 20
	decode() // warm the pools
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range runs {
		decode()
	}
	runtime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) / runs
}

// TestVerifyBeforeInflate: a zlib bomb behind a tag or signature that does
// not verify is rejected with ErrSignature without being inflated. Each
// case first shows that the same bomb, authentic, costs at least the inflate
// limit, so that a codec which inflated before verifying would fail here.
func TestVerifyBeforeInflate(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes allocation counts")
	}
	const limit = DefaultMaxDecompressed
	bomb := zlibBytes(t, bytes.Repeat([]byte{'a'}, 1<<20))
	check := func(t *testing.T, authentic, forged func() error) {
		t.Helper()
		if err := authentic(); !errors.Is(err, ErrTooLarge) {
			t.Fatalf("authentic bomb: %v, want ErrTooLarge", err)
		}
		if err := forged(); !errors.Is(err, ErrSignature) {
			t.Fatalf("forged bomb: %v, want ErrSignature", err)
		}
		inflated := bytesPerDecode(func() { _ = authentic() })
		rejected := bytesPerDecode(func() { _ = forged() })
		if inflated < limit {
			t.Fatalf("the authentic bomb allocated %d bytes, less than the %d-byte limit: this test cannot tell", inflated, limit)
		}
		if rejected > limit/8 {
			t.Errorf("a forged bomb allocated %d bytes per decode (an authentic one %d): inflated before verifying", rejected, inflated)
		}
	}
	for _, mode := range allModes {
		t.Run("native "+mode.String(), func(t *testing.T) {
			n, _ := newTestNative(t, mode, NativeOptions{})
			c := sealRaw(t, n, "s", envelope.FlagCompressed, bomb, t0, t0, t0.Add(time.Hour))
			check(t,
				func() error { _, _, err := n.DecodeSession("s", c, 0); return err },
				// Another cookie name: the tag does not verify.
				func() error { _, _, err := n.DecodeSession("t", c, 0); return err })
		})
	}
	t.Run("flask", func(t *testing.T) {
		o := FlaskOptions{SecretKey: hostileSecret, Clock: func() time.Time { return time.Unix(hostileTime+1, 0) }}
		f, err := NewFlask(o)
		if err != nil {
			t.Fatal(err)
		}
		c := signRawZlib(t, bomb)
		// The same signature length, another signature.
		i := strings.LastIndexByte(c, '.')
		forged := c[:i+1] + strings.Repeat("A", len(c)-i-1)
		check(t,
			func() error { _, _, err := f.DecodeSession("s", c, 0); return err },
			func() error { _, _, err := f.DecodeSession("s", forged, 0); return err })
	})
}
