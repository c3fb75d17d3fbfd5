package codec

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/codec/internal/cborjson"
	"github.com/cookiecodec/cookiecodec/codec/internal/envelope"
)

// TestNativeHostileCookies: inputs from shared/spec/field-notes.md that are
// rejected before any key is involved.
func TestNativeHostileCookies(t *testing.T) {
	n, _ := newTestNative(t, XChaCha20Poly1305, NativeOptions{})
	valid, _, _ := n.EncodeSession("s", 1, Meta{}, 0)
	for _, tc := range []struct {
		name, value string
		want        error
	}{
		{"empty", "", ErrMalformed},
		{"only separators", "....||||", ErrMalformed},
		{"dots", strings.Repeat(".", 100), ErrMalformed},
		// 1 MiB of characters that are not even base64: the size check must
		// answer before base64 decoding would.
		{"1 MiB", strings.Repeat("!", 1<<20), ErrTooLarge},
		{"4097 with name", strings.Repeat("A", 4096), ErrTooLarge},
		{"padded base64", valid + "=", ErrMalformed},
		{"standard base64 alphabet", strings.ReplaceAll(strings.ReplaceAll(valid, "-", "+"), "_", "/") + "+", ErrMalformed},
		{"space", " " + valid, ErrMalformed},
		{"line feed inside", valid[:20] + "\n" + valid[20:], ErrMalformed},
		{"carriage return at the end", valid + "\r", ErrMalformed},
		{"only header", valid[:47], ErrMalformed},
		{"flask cookie", ".eJyrVkrLz1eyUkpKLFKqBQAbmQQZ.ZjI0AA.abc", ErrMalformed},
		{"gorilla cookie", "MTcxNDU2Nzg5MHxEdi1CQkFFQ180SUFBUkFCRUFBQUJmX2dnQUF8", ErrMalformed},
	} {
		_, _, err := n.DecodeSession("s", tc.value, 0)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
		requireTyped(t, err, tc.name)
	}
	var tl *TooLargeError
	_, _, err := n.DecodeSession("session", strings.Repeat("A", 1<<20), 0)
	if !errors.As(err, &tl) || tl.Size != 1<<20+7 || tl.Limit != 4096 || tl.What != "cookie" {
		t.Fatalf("TooLargeError = %+v", tl)
	}
	// Every unknown version byte.
	raw := []byte{0: 0}
	for v := range 256 {
		if v == envelope.Version {
			continue
		}
		raw[0] = byte(v)
		env := append(append([]byte(nil), raw...), make([]byte, 100)...)
		_, _, err := n.DecodeSession("s", base64.RawURLEncoding.EncodeToString(env), 0)
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "unknown version") {
			t.Fatalf("version %d: %v", v, err)
		}
	}
}

func zlibBytes(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	w, _ := zlib.NewWriterLevel(&buf, zlib.BestSpeed)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// TestNativeHostilePayloads: validly sealed cookies (as after a key leak)
// with hostile content get a typed error, or a value, never a panic, with
// memory bounded by MaxDecompressed and the serializer's limits. Payloads
// are in the binary form (codec/internal/cborjson), written byte by byte
// where the converter would refuse to write them.
func TestNativeHostilePayloads(t *testing.T) {
	const C, P = envelope.FlagCompressed, envelope.FlagPadded
	bomb := zlibBytes(t, bytes.Repeat([]byte{'a'}, 1<<20)) // 1 MiB of 'a', 16x the cap
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	rep := func(b byte, n int) []byte { return bytes.Repeat([]byte{b}, n) }
	// A bignum of 2077 bytes: an integer of about 5000 digits (limit 4300).
	bignum5000 := cat([]byte{0xc2, 0x59, 0x08, 0x1d}, rep(0xff, 2077))
	for _, tc := range []struct {
		name  string
		flags envelope.Flags
		body  []byte
		want  error // nil: must decode
	}{
		{"zlib bomb 1 MiB", C, bomb, ErrTooLarge},
		{"zlib garbage", C, []byte("not zlib at all"), ErrPayload},
		{"zlib truncated", C, zlibBytes(t, binPayload(t, `{"a":1}`))[:8], ErrPayload},
		{"zlib trailing garbage", C, append(zlibBytes(t, binPayload(t, `{"a":1}`)), "xx"...), ErrPayload},
		{"nesting 30k deep (compressed)", C, zlibBytes(t, cat(rep(0x81, 30000), []byte{0})), ErrPayload},
		{"nesting 100k deep over the cap", C, zlibBytes(t, rep(0x81, 100000)), ErrTooLarge},
		{"5000-digit integer", C, zlibBytes(t, bignum5000), ErrPayload},
		{"float64 infinity", 0, binPayload(t, `Infinity`), nil},
		{"200k-element array", C, zlibBytes(t, cat([]byte{0x9a, 0x00, 0x03, 0x0d, 0x40}, rep(0, 200000))), ErrTooLarge},
		{"30k-element array", C, zlibBytes(t, cat([]byte{0x99, 0x75, 0x30}, rep(0, 30000))), nil},
		{"50k keys", C, zlibBytes(t, binPayload(t, manyKeys(50000))), ErrTooLarge},
		{"count far beyond the payload", 0, []byte{0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0}, ErrPayload},
		{"text longer than the payload", 0, []byte{0x7b, 0, 0, 0, 1, 0, 0, 0, 0, 'a'}, ErrPayload},
		{"indefinite-length array", 0, []byte{0x9f, 0x01, 0xff}, ErrPayload},
		{"head not in its shortest form", 0, []byte{0x18, 0x17}, ErrPayload},
		{"tag other than a bignum", 0, []byte{0xc1, 0x1a, 0x66, 0x32, 0x34, 0x00}, ErrPayload},
		{"float16", 0, []byte{0xf9, 0x3c, 0x00}, ErrPayload},
		{"undefined", 0, []byte{0xf7}, ErrPayload},
		{"byte string", 0, []byte{0x41, 0x61}, ErrPayload},
		{"map key not a string", 0, []byte{0xa1, 0x01, 0x01}, ErrPayload},
		{"UTF-8 of a lone surrogate", 0, []byte{0xa1, 0x61, 'a', 0x63, 0xed, 0xa0, 0x80}, ErrPayload},
		{"invalid utf-8", 0, []byte{0xa1, 0x61, 'a', 0x62, 0xff, 0xfe}, ErrPayload},
		{"control character in a string", 0, binPayload(t, `{"a":"\u0001"}`), nil},
		{"trailing garbage", 0, append(binPayload(t, `{"a":1}`), 'x'), ErrPayload},
		{"bad tag content", 0, binPayload(t, `{" u":"not a uuid"}`), ErrPayload},
		{"bad date tag", 0, binPayload(t, `{" d":12}`), ErrPayload},
		{"empty payload", 0, nil, ErrPayload},
		{"bad padding", P, []byte{0xa0, 0x81, 0x00}, ErrMalformed},
		{"padding without marker", P, []byte{0xa0, 0x00, 0x00}, ErrMalformed},
		{"good padding", P, []byte{0xa0, 0x80, 0x00, 0x00}, nil},
	} {
		for _, mode := range allModes {
			n, _ := newTestNative(t, mode, NativeOptions{})
			c := sealRaw(t, n, "s", tc.flags, tc.body, t0, t0, t0.Add(time.Hour))
			if len(c) > 4096 {
				n, _ = newTestNative(t, mode, NativeOptions{MaxCookieSize: len(c) + 1})
				c = sealRaw(t, n, "s", tc.flags, tc.body, t0, t0, t0.Add(time.Hour))
			}
			_, _, err := n.DecodeSession("s", c, 0)
			if tc.want == nil {
				if err != nil {
					t.Errorf("%s (%v): %v", tc.name, mode, err)
				}
				continue
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("%s (%v): err = %v, want %v", tc.name, mode, err, tc.want)
				continue
			}
			requireTyped(t, err, tc.name)
		}
	}
}

// binPayload converts JSON text to the binary payload form.
func binPayload(t testing.TB, text string) []byte {
	t.Helper()
	b, err := cborjson.FromJSON(nil, []byte(text), cborjson.Limits{MaxDepth: 256, MaxBignumBytes: 1786})
	if err != nil {
		t.Fatalf("binPayload(%.40q): %v", text, err)
	}
	return b
}

func manyKeys(n int) string {
	var b strings.Builder
	b.WriteByte('{')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"k` + itoa(i) + `":0`)
	}
	b.WriteByte('}')
	return b.String()
}

// TestNativeFalseCountsBounded: a sealed cookie of about 1 KB whose
// payload, 64 KiB once inflated, nests 300 arrays that each claim every
// byte left as an item (as after a key leak). The codec must refuse it
// with ErrPayload and allocate a bounded amount on the way: the direct
// decoder once preallocated 268 MB for it.
func TestNativeFalseCountsBounded(t *testing.T) {
	const size = 64 << 10
	payload := make([]byte, size)
	for level := range 300 {
		at := 3 * level
		payload[at] = 0x99 // an array with a 2-byte count
		binary.BigEndian.PutUint16(payload[at+1:], uint16(size-at-3))
	}
	n, _ := newTestNative(t, XChaCha20Poly1305, NativeOptions{})
	c := sealRaw(t, n, "s", envelope.FlagCompressed, zlibBytes(t, payload), t0, t0, t0.Add(time.Hour))
	if len(c) > 4096 {
		t.Fatalf("the cookie is %d bytes: it should fit one cookie", len(c))
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, _, err := n.DecodeSession("s", c, 0)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrPayload) {
		t.Fatalf("err = %v, want ErrPayload", err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 16<<20 {
		t.Errorf("%d MB allocated to refuse a %d-byte cookie", got>>20, len(c))
	}
}
