package bench

import (
	"encoding/gob"
	"testing"

	"github.com/gorilla/securecookie"
)

// Fixed keys keep runs comparable; the benchmarks measure cost, not secrecy.
var (
	hashKey  = []byte("0123456789abcdef0123456789abcdef") // 32 bytes, HMAC-SHA256
	blockKey = []byte("fedcba9876543210fedcba9876543210") // 32 bytes, AES-256
)

func init() {
	// gob needs the concrete types behind the interfaces of a session map.
	gob.Register(map[string]any{})
	gob.Register([]any{})
}

// gorilla returns a maker for gorilla/securecookie v1.1.2 with an HMAC-SHA256
// hash key and an AES-256 block key (CTR mode, its only cipher) and the
// given serializer. Its 4096-byte length limit is lifted so that L and the
// scaling series can be measured; the cookie-bytes metric shows where a real
// browser would refuse the cookie.
func gorilla(enc securecookie.Serializer) cookieMaker {
	return func(tb testing.TB, v map[string]any) cookieSubject {
		sc := securecookie.New(hashKey, blockKey).MaxLength(0)
		if enc != nil {
			sc.SetSerializer(enc)
		}
		return cookieSubject{
			encode: func() (string, error) { return sc.Encode(cookieName, v) },
			decode: func(cookie string) (any, error) {
				var out map[string]any
				err := sc.Decode(cookieName, cookie, &out)
				return out, err
			},
		}
	}
}

var (
	gorillaJSON = gorilla(securecookie.JSONEncoder{})
	gorillaGob  = gorilla(nil) // its default, securecookie.GobEncoder
)

func TestGorillaRoundTrip(t *testing.T) {
	checkCookieRoundTrip(t, "GorillaJSON", gorillaJSON)
	checkCookieRoundTrip(t, "GorillaGob", gorillaGob)
}

func BenchmarkGorillaJSON(b *testing.B)      { benchCookie(b, gorillaJSON, sessions) }
func BenchmarkGorillaGob(b *testing.B)       { benchCookie(b, gorillaGob, sessions) }
func BenchmarkScaleGorillaJSON(b *testing.B) { benchCookie(b, gorillaJSON, scaling) }
