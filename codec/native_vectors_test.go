package codec

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// nativeVector is one file of testdata/native, written by
// gen_native_vectors.go (see its doc comment for the format).
type nativeVector struct {
	fields map[string][]string
}

func (v nativeVector) one(t *testing.T, k string) string {
	t.Helper()
	vals := v.fields[k]
	if len(vals) != 1 {
		t.Fatalf("field %q appears %d times", k, len(vals))
	}
	return vals[0]
}

func (v nativeVector) seconds(t *testing.T, k string) time.Duration {
	n, err := strconv.ParseInt(v.one(t, k), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return time.Duration(n) * time.Second
}

func readNativeVector(t testing.TB, path string) nativeVector {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v := nativeVector{fields: map[string][]string{}}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		k, val, ok := strings.Cut(sc.Text(), ": ")
		if !ok {
			k, val, ok = strings.Cut(sc.Text(), ":")
		}
		if !ok {
			t.Fatalf("bad line %q", sc.Text())
		}
		v.fields[k] = append(v.fields[k], val)
	}
	return v
}

var vectorErrors = map[string]error{
	"signature":   ErrSignature,
	"unknown key": ErrUnknownKey,
	"malformed":   ErrMalformed,
	"expired":     ErrExpired,
	"future":      ErrFuture,
	"payload":     ErrPayload,
	"too large":   ErrTooLarge,
}

// vectorMaxAlloc bounds the memory one vector's decode may allocate. The
// honest vectors cost at most about 350 KB (inflating 65536 bytes); the
// item budget lets the false-count vectors cost 2 to 3 MB, against 0.6 to
// 1.2 GB for a reader that sizes containers by their claimed counts. The
// figures hold under the race detector too.
const vectorMaxAlloc = 8 << 20

// TestNativeVectors replays every vector file: it configures a decoder from
// the file alone and checks the outcome, the payload bytes and the key
// index.
func TestNativeVectors(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "native", "*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 40 {
		t.Fatalf("only %d vector files", len(files))
	}
	seen := map[string]int{}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			v := readNativeVector(t, f)
			key, err := ParseKey(v.one(t, "key"))
			if err != nil {
				t.Fatal(err)
			}
			var fallbacks []Key
			for _, text := range v.fields["fallback"] {
				k, err := ParseKey(text)
				if err != nil {
					t.Fatal(err)
				}
				fallbacks = append(fallbacks, k)
			}
			ring, err := NewKeyRing(key, fallbacks...)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range v.fields["retired"] {
				if err := ring.Retire(id); err != nil {
					t.Fatal(err)
				}
			}
			mode := map[string]Mode{"xchacha20poly1305": XChaCha20Poly1305, "aes256gcm": AES256GCM, "hmacsha256": HMACSHA256}[v.one(t, "mode")]
			now, err := time.Parse(time.RFC3339Nano, v.one(t, "now"))
			if err != nil {
				t.Fatal(err)
			}
			n, err := NewNative(ring, NativeOptions{
				Mode:        mode,
				Purpose:     v.one(t, "purpose"),
				Lifetime:    v.seconds(t, "lifetime"),
				IdleTimeout: v.seconds(t, "idle"),
				Skew:        v.seconds(t, "skew"),
				Clock:       func() time.Time { return now },
			})
			if err != nil {
				t.Fatal(err)
			}
			name, cookie := v.one(t, "name"), v.one(t, "cookie")
			expect := v.one(t, "expect")
			seen[expect]++
			buf := &nativeBuf{}
			payload, meta, openErr := n.open(buf, name, cookie, 0)
			_, _, decErr := n.DecodeSession(name, cookie, 0)
			// Whatever the outcome, a decode costs little memory: the
			// vectors include payloads made to make a careless reader
			// allocate gigabytes (payload-false-counts-*).
			if got := bytesPerDecode(func() { n.DecodeSession(name, cookie, 0) }); got > vectorMaxAlloc {
				t.Errorf("one decode allocates %d KB (at most %d KB expected)", got>>10, vectorMaxAlloc>>10)
			}
			if expect == "success" {
				if openErr != nil || decErr != nil {
					t.Fatalf("open: %v, decode: %v", openErr, decErr)
				}
				want, _ := hex.DecodeString(v.one(t, "payload-hex"))
				if !bytes.Equal(payload, want) {
					t.Fatalf("payload\n got %q\nwant %q", payload, want)
				}
				text, err := n.payloadText(buf, payload)
				if err != nil || string(text) != v.one(t, "payload-json") {
					t.Fatalf("payload as JSON\n got %s (%v)\nwant %s", text, err, v.one(t, "payload-json"))
				}
				if idx := v.one(t, "key-index"); strconv.Itoa(meta.KeyIndex) != idx {
					t.Fatalf("key index %d, want %s", meta.KeyIndex, idx)
				}
				return
			}
			want, ok := vectorErrors[expect]
			if !ok {
				t.Fatalf("unknown expectation %q", expect)
			}
			if !errors.Is(decErr, want) {
				t.Fatalf("err = %v, want %v", decErr, want)
			}
			requireTyped(t, decErr, expect)
			if reason := v.fields["reason"]; reason != nil {
				var ee *ExpiredError
				if !errors.As(decErr, &ee) || ee.Reason != reason[0] {
					t.Fatalf("err = %v, want reason %q", decErr, reason[0])
				}
			}
		})
	}
	// Every outcome has vectors.
	for _, k := range []string{"success", "signature", "unknown key", "malformed", "expired", "future", "payload", "too large"} {
		if seen[k] == 0 {
			t.Errorf("no vector expects %q", k)
		}
	}
}
