package bench

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"testing"

	"golang.org/x/crypto/chacha20poly1305"
)

// The floor is the cost below which no cookie codec can go: the same crypto
// as the native format plus base64url, on bytes serialized once, outside the
// loop. Each call still draws a fresh random nonce and allocates the cookie
// string, as any codec must; everything else reuses one buffer per subject
// (safe because a benchmark calls it from one goroutine), so the floor is a
// true lower bound. The difference between a codec and its floor is the
// cost of everything else (serialization, envelope, checks).

var floorKey = []byte("a 32-byte key for the floor only")

var errFloorAuth = errors.New("bench: floor: authentication failed")

// floorAEAD returns a floor maker for the AEAD that newAEAD builds.
func floorAEAD(newAEAD func(key []byte) (cipher.AEAD, error)) cookieMaker {
	return func(tb testing.TB, v map[string]any) cookieSubject {
		aead, err := newAEAD(floorKey)
		if err != nil {
			tb.Fatal(err)
		}
		payload, err := json.Marshal(v)
		if err != nil {
			tb.Fatal(err)
		}
		ad := []byte(cookieName)
		ns := aead.NonceSize()
		var buf []byte
		return cookieSubject{
			encode: func() (string, error) {
				buf = append(buf[:0], make([]byte, ns)...)
				if _, err := rand.Read(buf); err != nil {
					return "", err
				}
				buf = aead.Seal(buf, buf, payload, ad)
				return base64.RawURLEncoding.EncodeToString(buf), nil
			},
			decode: func(cookie string) (any, error) {
				raw, err := base64.RawURLEncoding.AppendDecode(buf[:0], []byte(cookie))
				buf = raw
				if err != nil {
					return nil, err
				}
				if len(raw) < ns+aead.Overhead() {
					return nil, errFloorAuth
				}
				plain, err := aead.Open(raw[ns:ns], raw[:ns], raw[ns:], ad)
				return json.RawMessage(plain), err
			},
		}
	}
}

func newAESGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// floorHMAC is the floor of the signed-only mode: payload || HMAC-SHA256
// over the cookie name and payload, base64url. One keyed hash is reused
// (Reset) so that the floor pays for hashing only; that is safe here because
// a benchmark calls it from one goroutine.
func floorHMAC(tb testing.TB, v map[string]any) cookieSubject {
	payload, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	h := hmac.New(sha256.New, floorKey)
	var buf []byte
	mac := func(dst, msg []byte) []byte {
		h.Reset()
		h.Write([]byte(cookieName))
		h.Write(msg)
		return h.Sum(dst)
	}
	return cookieSubject{
		encode: func() (string, error) {
			buf = append(buf[:0], payload...)
			buf = mac(buf, payload)
			return base64.RawURLEncoding.EncodeToString(buf), nil
		},
		decode: func(cookie string) (any, error) {
			raw, err := base64.RawURLEncoding.AppendDecode(buf[:0], []byte(cookie))
			buf = raw
			if err != nil {
				return nil, err
			}
			if len(raw) < sha256.Size {
				return nil, errFloorAuth
			}
			body, tag := raw[:len(raw)-sha256.Size], raw[len(raw)-sha256.Size:]
			var sum [sha256.Size]byte
			if !hmac.Equal(mac(sum[:0], body), tag) {
				return nil, errFloorAuth
			}
			return json.RawMessage(body), nil
		},
	}
}

var (
	floorXChaCha20 = floorAEAD(chacha20poly1305.NewX)
	floorAESGCM    = floorAEAD(newAESGCM)
)

func TestFloorRoundTrip(t *testing.T) {
	checkCookieRoundTrip(t, "FloorXChaCha20", floorXChaCha20)
	checkCookieRoundTrip(t, "FloorAESGCM", floorAESGCM)
	checkCookieRoundTrip(t, "FloorHMAC", floorHMAC)
}

func BenchmarkFloorXChaCha20(b *testing.B)      { benchCookie(b, floorXChaCha20, sessions) }
func BenchmarkFloorAESGCM(b *testing.B)         { benchCookie(b, floorAESGCM, sessions) }
func BenchmarkFloorHMAC(b *testing.B)           { benchCookie(b, floorHMAC, sessions) }
func BenchmarkScaleFloorXChaCha20(b *testing.B) { benchCookie(b, floorXChaCha20, scaling) }
