package bench

import (
	"testing"

	"github.com/cookiecodec/cookiecodec/codec"
)

// flaskSecret is the SECRET_KEY of the Flask benchmarks; the Python script
// uses the same one, so both sides sign equally long keys.
const flaskSecret = "cookiecodec benchmark key, not a secret"

// flaskCodec returns a maker for the Flask-compatible codec with Flask's
// defaults (salt "cookie-session", hmac key derivation, SHA-1, 31-day
// max-age) and the given compression policy, through the SessionCodec
// methods the middleware uses. The 4096-byte cookie limit is lifted so that
// L can be measured.
func flaskCodec(c codec.Compression) cookieMaker {
	return func(tb testing.TB, v map[string]any) cookieSubject {
		f, err := codec.NewFlask(codec.FlaskOptions{SecretKey: []byte(flaskSecret), Compression: c, MaxCookieSize: -1})
		if err != nil {
			tb.Fatal(err)
		}
		return cookieSubject{
			encode: func() (string, error) {
				s, _, err := f.EncodeSession(cookieName, v, codec.Meta{}, 0)
				return s, err
			},
			decode: func(cookie string) (any, error) {
				v, _, err := f.DecodeSession(cookieName, cookie, 0)
				return v, err
			},
		}
	}
}

var (
	// flaskRaw never compresses: the payload is base64 of the JSON, the
	// peer of Python Flask with compression off.
	flaskRaw = flaskCodec(codec.CompressNever())
	// flaskZlib compresses when it saves two bytes, as Flask does.
	flaskZlib = flaskCodec(codec.CompressWhenSmaller())
)

func TestFlaskRoundTrip(t *testing.T) {
	checkCookieRoundTrip(t, "Flask", flaskRaw)
	checkCookieRoundTrip(t, "FlaskZlib", flaskZlib)
	// The uncompressed cookie of S is what Python Flask makes without zlib:
	// base64 of 255 bytes (340), ".", a 6-character timestamp, ".", and 27
	// characters of SHA-1 signature.
	c, err := flaskRaw(t, S()).encode()
	if err != nil {
		t.Fatal(err)
	}
	if len(c) != 375 || c[0] == '.' {
		t.Errorf("uncompressed Flask cookie of S is %d bytes (%.10q...), want 375, not compressed", len(c), c)
	}
	z, _ := flaskZlib(t, S()).encode()
	if z[0] != '.' {
		t.Errorf("Flask cookie of S with Flask's rule is not compressed: %.20q", z)
	}
}

func BenchmarkFlask(b *testing.B)     { benchCookie(b, flaskRaw, sessions) }
func BenchmarkFlaskZlib(b *testing.B) { benchCookie(b, flaskZlib, sessions) }
