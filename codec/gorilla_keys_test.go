package codec

import (
	"strings"
	"testing"
	"time"

	"github.com/gorilla/securecookie"
)

// TestNonStringKeyErrorsDeterministic: a gorilla session map with several
// keys that are not strings is refused naming the least of them, and of
// several nested maps that fail, the error is the one under the least key,
// on every run. The errors used to name whichever key Go's random map
// order gave first (a review found 3 different messages in 50 runs).
func TestNonStringKeyErrorsDeterministic(t *testing.T) {
	f, err := NewFlask(FlaskOptions{SecretKey: []byte("k")})
	if err != nil {
		t.Fatal(err)
	}
	ring, err := NewKeyRing(fixedKey(t, 1))
	if err != nil {
		t.Fatal(err)
	}
	n, err := NewNative(ring, NativeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cookie, err := securecookie.New(oldHash, nil).Encode("session", map[any]any{3: "c", 2: "b", 1: "a", 1.5: "x"})
	if err != nil {
		t.Fatal(err)
	}
	mig, err := NewGorillaMigration(GorillaOptions{KeyPairs: [][]byte{oldHash, nil}, Clock: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	flat := map[any]any{3: "c", 2: "b", 1: "a", "ok": 1, 1.5: "x"}
	nested := map[any]any{"b": map[string]any{"y": map[any]any{2: 2}}, "a": map[string]any{"z": map[any]any{4: 4}, "x": map[any]any{3: 3}}}
	cases := []struct {
		name string
		run  func() error
		want string
	}{
		{"Flask.Encode", func() error { _, err := f.Encode("session", flat); return err }, "session key 1.5 of type float64"},
		{"Flask.Encode nested", func() error { _, err := f.Encode("session", nested); return err }, "session key 3 of type int"},
		{"Native.Encode", func() error { _, err := n.Encode("session", flat); return err }, "session key 1.5 of type float64"},
		{"GorillaMigration.DecodeSession", func() error { _, _, err := mig.DecodeSession("session", cookie, 0); return err }, "session key 1.5 of type float64"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for range 50 {
				if err := c.run(); err == nil || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("err = %v, want one naming %q", err, c.want)
				}
			}
		})
	}
}
