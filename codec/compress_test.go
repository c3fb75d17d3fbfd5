package codec

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestZlibRoundTrip(t *testing.T) {
	for _, size := range []int{0, 1, 100, 4096, 64 << 10} {
		src := bytes.Repeat([]byte("session-data "), size/13+1)[:size]
		z := flaskDeflater.compress(nil, src)
		if len(z) < 2 || z[0] != 0x78 {
			t.Fatalf("size %d: not a zlib stream: % x", size, z[:min(len(z), 4)])
		}
		got, err := zlibDecompress(nil, z, DefaultMaxDecompressed, false)
		if err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		if !bytes.Equal(got, src) {
			t.Fatalf("size %d: round trip changed the data", size)
		}
	}
}

func TestZlibDecompressLimit(t *testing.T) {
	bomb := flaskDeflater.compress(nil, make([]byte, 10<<20)) // 10 MiB of zeros, ~10 KB compressed
	if len(bomb) > 20<<10 {
		t.Fatalf("bomb is %d bytes, expected a small stream", len(bomb))
	}
	_, err := zlibDecompress(nil, bomb, 64<<10, true)
	var tl *TooLargeError
	if !errors.As(err, &tl) || !errors.Is(err, ErrTooLarge) {
		t.Fatalf("bomb: got %v, want *TooLargeError", err)
	}
	if tl.Limit != 64<<10 || tl.Size <= tl.Limit || !tl.Partial {
		t.Fatalf("bomb: error carries size %d limit %d partial %v", tl.Size, tl.Limit, tl.Partial)
	}
	// The 10 MiB are never measured: the message must not claim a size.
	if want := "decompressed payload is over the limit of 65536 bytes (measuring stopped there)"; !strings.Contains(err.Error(), want) {
		t.Fatalf("bomb: message %q lacks %q", err, want)
	}

	// Exactly at the limit passes; one byte over fails.
	exact := flaskDeflater.compress(nil, make([]byte, 1000))
	if out, err := zlibDecompress(nil, exact, 1000, false); err != nil || len(out) != 1000 {
		t.Fatalf("at limit: len %d err %v", len(out), err)
	}
	if _, err := zlibDecompress(nil, exact, 999, false); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("one over limit: got %v, want ErrTooLarge", err)
	}
}

func TestZlibDecompressCorrupt(t *testing.T) {
	good := flaskDeflater.compress(nil, []byte(`{"user":"alice","cart":["a","b","c","a","b","c"]}`))
	badSum := bytes.Clone(good)
	badSum[len(badSum)-1] ^= 1
	raw := good[2 : len(good)-4] // raw deflate, no zlib container
	// The same stream with the preset-dictionary flag and the id of the
	// empty dictionary (Adler-32 of nothing is 1), which compress/zlib
	// accepts with a nil dictionary and Python's zlib refuses.
	presetDict := append([]byte{0x78, 0x20, 0, 0, 0, 1}, good[2:]...)
	cases := map[string][]byte{
		"preset dictionary": presetDict,
		"empty":             {},
		"not zlib":          []byte("hello world"),
		"truncated":         good[:len(good)/2],
		"no checksum":       good[:len(good)-4],
		"wrong checksum":    badSum,
		"raw deflate":       raw,
	}
	for name, in := range cases {
		_, err := zlibDecompress(nil, in, DefaultMaxDecompressed, true)
		if !errors.Is(err, ErrPayload) {
			t.Errorf("%s: got %v, want ErrPayload", name, err)
		}
	}
}

func TestZlibTrailingData(t *testing.T) {
	z := append(flaskDeflater.compress(nil, []byte("payload")), "junk"...)
	got, err := zlibDecompress(nil, z, DefaultMaxDecompressed, true)
	if err != nil || string(got) != "payload" {
		t.Fatalf("allowTrailing: got %q, %v", got, err)
	}
	_, err = zlibDecompress(nil, z, DefaultMaxDecompressed, false)
	if !errors.Is(err, ErrPayload) || !strings.Contains(err.Error(), "after the end") {
		t.Fatalf("strict: got %v, want trailing-data ErrPayload", err)
	}
}

// Python's zlib and Go's compress/zlib emit different bytes; what matters is
// that each reads the other's streams. This stream was made by CPython's
// zlib.compress(b'{"a":1}') (zlib 1.2.13).
func TestZlibReadsCPythonStream(t *testing.T) {
	py := []byte{0x78, 0x9c, 0xab, 0x56, 0x4a, 0x54, 0xb2, 0x32, 0xac, 0x05, 0x00, 0x08, 0x2a, 0x02, 0x09}
	got, err := zlibDecompress(nil, py, DefaultMaxDecompressed, false)
	if err != nil || string(got) != `{"a":1}` {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestCompressionPolicies(t *testing.T) {
	short := []byte(`{"a":1}`)
	long := bytes.Repeat([]byte(`"sku-000",`), 40)
	cases := []struct {
		policy     Compression
		in         []byte
		compressed bool
	}{
		{CompressNever(), long, false},
		{Compression{}, long, false}, // default resolves to never at this layer
		{CompressWhenSmaller(), short, false},
		{CompressWhenSmaller(), long, true},
		{CompressAbove(1000), long, false},
		{CompressAbove(100), long, true},
		{CompressAlways(), short, true},
	}
	for _, c := range cases {
		out, compressed := c.policy.apply(flaskDeflater, nil, c.in)
		if compressed != c.compressed {
			t.Errorf("%v on %d bytes: compressed=%v, want %v", c.policy, len(c.in), compressed, c.compressed)
			continue
		}
		if !compressed && !bytes.Equal(out, c.in) {
			t.Errorf("%v: uncompressed output differs from input", c.policy)
		}
		if compressed {
			back, err := zlibDecompress(nil, out, DefaultMaxDecompressed, false)
			if err != nil || !bytes.Equal(back, c.in) {
				t.Errorf("%v: compressed output does not inflate back: %v", c.policy, err)
			}
		}
	}
	if !(Compression{}).IsDefault() || CompressNever().IsDefault() {
		t.Error("IsDefault wrong")
	}
	if got := CompressAbove(512).String(); got != "above 512 bytes" {
		t.Errorf("String = %q", got)
	}
}

// The 2-byte rule at its boundary, with a stream whose saving is known.
func TestCompressWhenSmallerBoundary(t *testing.T) {
	for n := 1; n < 200; n++ {
		in := bytes.Repeat([]byte("a"), n)
		z := flaskDeflater.compress(nil, in)
		_, compressed := CompressWhenSmaller().apply(flaskDeflater, nil, in)
		want := len(z) < len(in)-1
		if compressed != want {
			t.Fatalf("n=%d zlen=%d: compressed=%v want %v", n, len(z), compressed, want)
		}
	}
}

func TestZlibReaderPoolReuse(t *testing.T) {
	// A pooled reader must not carry state from one stream to the next.
	a := flaskDeflater.compress(nil, []byte("first stream"))
	b := flaskDeflater.compress(nil, []byte("second"))
	for i := 0; i < 10; i++ {
		for _, tc := range []struct {
			z    []byte
			want string
		}{{a, "first stream"}, {b, "second"}} {
			got, err := zlibDecompress(nil, tc.z, 100, false)
			if err != nil || string(got) != tc.want {
				t.Fatalf("round %d: got %q %v", i, got, err)
			}
		}
	}
}
