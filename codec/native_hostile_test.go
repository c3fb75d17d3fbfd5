package codec

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

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
// memory bounded by MaxDecompressed and the serializer's limits.
func TestNativeHostilePayloads(t *testing.T) {
	const C, P = envelope.FlagCompressed, envelope.FlagPadded
	bomb := zlibBytes(t, bytes.Repeat([]byte{'a'}, 1<<20)) // 1 MiB of 'a', 16x the cap
	for _, tc := range []struct {
		name  string
		flags envelope.Flags
		body  []byte
		want  error // nil: must decode
	}{
		{"zlib bomb 1 MiB", C, bomb, ErrTooLarge},
		{"zlib garbage", C, []byte("not zlib at all"), ErrPayload},
		{"zlib truncated", C, zlibBytes(t, []byte(`{"a":1}`))[:8], ErrPayload},
		{"zlib trailing garbage", C, append(zlibBytes(t, []byte(`{"a":1}`)), "xx"...), ErrPayload},
		{"nesting 30k deep (compressed)", C, zlibBytes(t, []byte(strings.Repeat("[", 30000)+strings.Repeat("]", 30000))), ErrPayload},
		{"nesting 100k deep over the cap", C, zlibBytes(t, []byte(strings.Repeat("[", 100000))), ErrTooLarge},
		{"5000-digit integer", C, zlibBytes(t, []byte(strings.Repeat("9", 5000))), ErrPayload},
		{"1e999999", 0, []byte(`1e999999`), nil},
		{"200k-element array", C, zlibBytes(t, []byte("["+strings.Repeat("0,", 200000)+"0]")), ErrTooLarge},
		{"30k-element array", C, zlibBytes(t, []byte("["+strings.Repeat("0,", 30000)+"0]")), nil},
		{"50k keys", C, zlibBytes(t, []byte(manyKeys(50000))), ErrTooLarge},
		{"lone surrogate", 0, []byte(`{"a":"\ud800"}`), nil},
		{"invalid utf-8", 0, []byte("{\"a\":\"\xff\xfe\"}"), ErrPayload},
		{"raw control character", 0, []byte("{\"a\":\"\x01\"}"), ErrPayload},
		{"trailing garbage", 0, []byte(`{"a":1} x`), ErrPayload},
		{"bad tag content", 0, []byte(`{" u":"not a uuid"}`), ErrPayload},
		{"bad date tag", 0, []byte(`{" d":12}`), ErrPayload},
		{"empty payload", 0, nil, ErrPayload},
		{"bad padding", P, []byte(`{}` + "\x81\x00"), ErrMalformed},
		{"padding without marker", P, []byte(`{}` + "\x00\x00"), ErrMalformed},
		{"good padding", P, []byte(`{}` + "\x80\x00\x00"), nil},
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
