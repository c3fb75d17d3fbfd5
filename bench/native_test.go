package bench

import (
	"testing"

	"github.com/cookiecodec/cookiecodec/codec"
)

// nativeSecret derives the benchmark key; it must be at least 32 bytes.
const nativeSecret = "cookiecodec benchmark secret, 32+ bytes, not a secret"

// newNative returns a native codec in mode with the recommended defaults,
// except a 1 MiB cookie limit so that L and the scaling series (up to
// 16 KiB) can be measured.
func newNative(tb testing.TB, mode codec.Mode) *codec.Native {
	key, err := codec.DeriveKey([]byte(nativeSecret), "00000001")
	if err != nil {
		tb.Fatal(err)
	}
	ring, err := codec.NewKeyRing(key)
	if err != nil {
		tb.Fatal(err)
	}
	n, err := codec.NewNative(ring, codec.NativeOptions{Mode: mode, MaxCookieSize: 1 << 20})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// native returns a maker for the native codec in mode, through the
// SessionCodec methods the middleware uses. Every encode is a new session
// (fresh session id and nonce), as in the floor.
func native(mode codec.Mode) cookieMaker {
	return func(tb testing.TB, v map[string]any) cookieSubject {
		n := newNative(tb, mode)
		return cookieSubject{
			encode: func() (string, error) {
				s, _, err := n.EncodeSession(cookieName, v, codec.Meta{}, 0)
				return s, err
			},
			decode: func(cookie string) (any, error) {
				v, _, err := n.DecodeSession(cookieName, cookie, 0)
				return v, err
			},
		}
	}
}

var (
	nativeXChaCha20 = native(codec.XChaCha20Poly1305)
	nativeAESGCM    = native(codec.AES256GCM)
	nativeHMAC      = native(codec.HMACSHA256)
)

func TestNativeRoundTrip(t *testing.T) {
	checkCookieRoundTrip(t, "NativeXChaCha20", nativeXChaCha20)
	checkCookieRoundTrip(t, "NativeAESGCM", nativeAESGCM)
	checkCookieRoundTrip(t, "NativeHMAC", nativeHMAC)
}

func BenchmarkNativeXChaCha20(b *testing.B)      { benchCookie(b, nativeXChaCha20, sessions) }
func BenchmarkNativeAESGCM(b *testing.B)         { benchCookie(b, nativeAESGCM, sessions) }
func BenchmarkNativeHMAC(b *testing.B)           { benchCookie(b, nativeHMAC, sessions) }
func BenchmarkScaleNativeXChaCha20(b *testing.B) { benchCookie(b, nativeXChaCha20, scaling) }
