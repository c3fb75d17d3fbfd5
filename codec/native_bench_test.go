package codec

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/gob"
	"fmt"
	"testing"

	"github.com/cookiecodec/cookiecodec/serializer"
	"github.com/gorilla/securecookie"
	"golang.org/x/crypto/chacha20poly1305"
)

// Benchmarks of the native codec against its peers on sessions S and L of
// shared/bench/sessions.md. Compare with benchstat; quote ratios from one run.

func sessionL() map[string]any {
	m := sessionS()
	cart := make([]any, 40)
	for i := range cart {
		cart[i] = map[string]any{"id": int64(i + 1), "sku": fmt.Sprintf("SKU-%06d", 1000+i*7), "name": fmt.Sprintf("Widget %02d", i), "qty": int64(i%5 + 1), "price": fmt.Sprintf("%d.%02d", 3+i%17, (i*37)%100)}
	}
	m["cart"] = cart
	return m
}

var benchSessions = []struct {
	name  string
	value func() map[string]any
}{{"S", sessionS}, {"L", sessionL}}

func BenchmarkNativeEncode(b *testing.B) {
	for _, mode := range allModes {
		for _, s := range benchSessions {
			b.Run(mode.String()+"/"+s.name, func(b *testing.B) {
				n, _ := newTestNative(b, mode, NativeOptions{MaxCookieSize: 1 << 16})
				v := s.value()
				c, _, err := n.EncodeSession("session", v, Meta{}, 0)
				if err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(len(c)))
				b.ReportAllocs()
				for b.Loop() {
					if _, _, err := n.EncodeSession("session", v, Meta{}, 0); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkNativeDecode(b *testing.B) {
	for _, mode := range allModes {
		for _, s := range benchSessions {
			b.Run(mode.String()+"/"+s.name, func(b *testing.B) {
				n, _ := newTestNative(b, mode, NativeOptions{MaxCookieSize: 1 << 16})
				c, _, err := n.EncodeSession("session", s.value(), Meta{}, 0)
				if err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(len(c)))
				b.ReportAllocs()
				for b.Loop() {
					if _, _, err := n.DecodeSession("session", c, 0); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// gorillaCodec is securecookie configured as gorilla/sessions apps do, with
// an AES-256 block key and either JSONEncoder or the default gob.
func gorillaCodec(json bool) *securecookie.SecureCookie {
	s := securecookie.New([]byte("hash key of 32 bytes for gorilla"), []byte("block key of 32 bytes for gorill"))
	s.MaxLength(1 << 16)
	if json {
		s.SetSerializer(securecookie.JSONEncoder{})
	}
	return s
}

func init() { gob.Register(map[string]any{}); gob.Register([]any{}) }

func BenchmarkGorilla(b *testing.B) {
	for _, enc := range []string{"json", "gob"} {
		for _, s := range benchSessions {
			sc := gorillaCodec(enc == "json")
			v := s.value()
			b.Run("encode/"+enc+"/"+s.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := sc.Encode("session", v); err != nil {
						b.Fatal(err)
					}
				}
			})
			c, err := sc.Encode("session", v)
			if err != nil {
				b.Fatal(err)
			}
			b.Run("decode/"+enc+"/"+s.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					var dst map[string]any
					if err := sc.Decode("session", c, &dst); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkFloor is the cost no codec can go below: XChaCha20-Poly1305 and
// base64url on pre-serialized bytes, a fresh nonce and result per call.
func BenchmarkFloor(b *testing.B) {
	aead, err := chacha20poly1305.NewX(make([]byte, 32))
	if err != nil {
		b.Fatal(err)
	}
	for _, s := range benchSessions {
		payload, err := serializer.Marshal(s.value())
		if err != nil {
			b.Fatal(err)
		}
		ad := []byte("session")
		b.Run("seal/"+s.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				buf := make([]byte, 24, 24+len(payload)+16)
				rand.Read(buf)
				buf = aead.Seal(buf, buf, payload, ad)
				_ = base64.RawURLEncoding.EncodeToString(buf)
			}
		})
		nonce := make([]byte, 24)
		cookie := base64.RawURLEncoding.EncodeToString(aead.Seal(nonce, nonce, payload, ad))
		b.Run("open/"+s.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				raw, _ := base64.RawURLEncoding.DecodeString(cookie)
				if _, err := aead.Open(raw[24:24], raw[:24], raw[24:], ad); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("marshal/"+s.name, func(b *testing.B) {
			v := s.value()
			buf := make([]byte, 0, 4096)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := serializer.AppendMarshal(buf[:0], v); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("unmarshal/"+s.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := serializer.Unmarshal(payload); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
