package codec

import (
	"errors"
	"sync"
	"testing"

	"github.com/cookiecodec/cookiecodec/serializer"
	"github.com/google/go-cmp/cmp"
)

// TestNativeConcurrent encodes and decodes from many goroutines while a
// fallback key is retired; run with -race.
func TestNativeConcurrent(t *testing.T) {
	primary, fallback := fixedKey(t, 1), fixedKey(t, 2)
	old, clk := newTestNative(t, XChaCha20Poly1305, NativeOptions{}, fallback)
	oldCookie, _, err := old.EncodeSession("s", "old", Meta{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	ring, _ := NewKeyRing(primary, fallback)
	n, err := NewNative(ring, NativeOptions{Clock: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				v := map[string]any{"g": int64(g), "i": int64(i)}
				c, _, err := n.EncodeSession("s", v, Meta{}, 0)
				if err != nil {
					t.Error(err)
					return
				}
				got, _, err := n.DecodeSession("s", c, 0)
				if err != nil || !cmp.Equal(got, any(v)) {
					t.Errorf("goroutine %d: %v %v", g, got, err)
					return
				}
				if _, _, err := n.DecodeSession("s", oldCookie, 0); err != nil && !errors.Is(err, ErrUnknownKey) {
					t.Error(err)
					return
				}
			}
		}()
	}
	if err := ring.Retire(fallback.ID()); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if _, _, err := n.DecodeSession("s", oldCookie, 0); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("after retire: %v", err)
	}
}

// TestNativeDecodedValuesDoNotAliasBuffers: the scratch buffers go back to a
// pool; decoded values must not point into them.
func TestNativeDecodedValuesDoNotAliasBuffers(t *testing.T) {
	for _, opts := range []NativeOptions{{}, {Compression: CompressAlways()}} {
		n, _ := newTestNative(t, HMACSHA256, opts)
		want := map[string]any{"s": "a string value", "b": []byte("some bytes"), "m": serializer.Markup("<i>x</i>"), "t": serializer.Tuple{"x", "y"}}
		c, _, err := n.EncodeSession("s", want, Meta{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := n.DecodeSession("s", c, 0)
		if err != nil {
			t.Fatal(err)
		}
		// Reuse the pooled buffers with other content.
		for range 50 {
			c2, _, _ := n.EncodeSession("s", map[string]any{"s": "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"}, Meta{}, 0)
			n.DecodeSession("s", c2, 0)
		}
		if diff := cmp.Diff(any(want), got); diff != "" {
			t.Fatalf("decoded value changed after buffer reuse (-want +got):\n%s", diff)
		}
	}
}
