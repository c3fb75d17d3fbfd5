package envelope

import (
	"bytes"
	"encoding/base64"
	"math/rand/v2"
	"testing"
)

// TestBase64MatchesStdlib: every length from 0 to 600 with random bytes
// encodes as encoding/base64.RawURLEncoding does and decodes back.
func TestBase64MatchesStdlib(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 600 {
		src := make([]byte, n)
		for i := range src {
			src[i] = byte(r.Uint32())
		}
		want := base64.RawURLEncoding.EncodeToString(src)
		got := AppendEncode([]byte("prefix"), src)
		if string(got) != "prefix"+want || EncodedLen(n) != len(want) {
			t.Fatalf("n=%d: AppendEncode = %q, want %q", n, got, want)
		}
		back, ok := AppendDecode([]byte("p"), want)
		if !ok || !bytes.Equal(back[1:], src) || back[0] != 'p' {
			t.Fatalf("n=%d: AppendDecode failed", n)
		}
	}
}

// TestBase64DecodeCanonicalOnly: everything encoding/base64's strict
// decoder rejects is rejected, and so are line breaks, which it skips. The
// strings run to 24 characters, so that the eight-character loop runs, and
// about one character in sixteen is junk, so that both valid strings and a
// bad byte at every position are common.
func TestBase64DecodeCanonicalOnly(t *testing.T) {
	strict := base64.RawURLEncoding.Strict()
	r := rand.New(rand.NewPCG(3, 4))
	const junk = "+/=. \r\n\x00\xff"
	for range 200000 {
		b := make([]byte, r.IntN(25))
		for i := range b {
			b[i] = alphabet[r.IntN(64)]
			if r.IntN(16) == 0 {
				b[i] = junk[r.IntN(len(junk))]
			}
		}
		s := string(b)
		got, ok := AppendDecode(nil, s)
		want, err := strict.DecodeString(s)
		stdOK := err == nil && !bytes.ContainsAny(b, "\r\n")
		if ok != stdOK || ok && !bytes.Equal(got, want) {
			t.Fatalf("%q: ours %v %x, strict stdlib %v %x", s, ok, got, err, want)
		}
	}
	for _, bad := range []string{"A", "AB=", "AB\n", "\rAB", "AB C", "AR", "ABD"} {
		if out, ok := AppendDecode([]byte("x"), bad); ok || string(out) != "x" {
			t.Errorf("%q accepted or dst changed", bad)
		}
	}
}

func BenchmarkBase64(b *testing.B) {
	src := make([]byte, 330) // session S sealed with XChaCha20-Poly1305
	text := base64.RawURLEncoding.EncodeToString(src)
	dst := make([]byte, 0, 512)
	b.Run("encode", func(b *testing.B) {
		for b.Loop() {
			dst = AppendEncode(dst[:0], src)
		}
	})
	b.Run("encode-stdlib", func(b *testing.B) {
		for b.Loop() {
			dst = base64.RawURLEncoding.AppendEncode(dst[:0], src)
		}
	})
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			dst, _ = AppendDecode(dst[:0], text)
		}
	})
	b.Run("decode-stdlib", func(b *testing.B) {
		for b.Loop() {
			dst, _ = base64.RawURLEncoding.Strict().AppendDecode(dst[:0], []byte(text))
		}
	})
}
