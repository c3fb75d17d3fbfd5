package codec

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/internal/flaskvectors"
	"github.com/cookiecodec/cookiecodec/serializer"
)

// loadVectors loads the public Flask vectors (made by the real Flask 2.2.2).
func loadVectors(t testing.TB) []flaskvectors.Vector {
	t.Helper()
	f, err := flaskvectors.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Vectors) != 67 {
		t.Fatalf("got %d vectors, want 67", len(f.Vectors))
	}
	return f.Vectors
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func vectorParams(v flaskvectors.Vector) Params {
	return Params{Salt: v.Salt, Derivation: Derivation(v.KeyDerivation), Digest: Digest(v.Digest)}
}

func vectorKeys(t testing.TB, v flaskvectors.Vector) (secret []byte, fallbacks [][]byte) {
	for _, f := range v.FallbackKeys {
		fallbacks = append(fallbacks, mustHex(t, f.Hex))
	}
	return mustHex(t, v.SecretKeyHex), fallbacks
}

// sentinelFor maps what itsdangerous raised (class and message) to the
// sentinel this package returns for the same cookie. This is the documented
// correspondence of the package doc.
func sentinelFor(result, message string) error {
	switch {
	case result == "ok":
		return nil
	case result == "SignatureExpired" && strings.Contains(message, "< 0 seconds"):
		return ErrFuture
	case result == "SignatureExpired":
		return ErrExpired
	case result == "BadPayload":
		return ErrPayload
	case strings.Contains(message, "does not match"):
		return ErrSignature
	case strings.HasPrefix(message, "No b'.' found"),
		message == "timestamp missing",
		strings.Contains(message, "Malformed timestamp"):
		return ErrMalformed
	}
	return errors.New("unmapped itsdangerous outcome " + result + ": " + message)
}

// quirkSentinel is this package's deliberate answer for the quirk vectors
// where it differs from Python (see doc.go, "Deliberate differences").
var quirkSentinel = map[string]error{
	"signature_trailing_equals":        ErrSignature,
	"signature_noncanonical_last_char": ErrSignature,
}

func TestVectorsDerivedKeys(t *testing.T) {
	for _, v := range loadVectors(t) {
		secret, fallbacks := vectorKeys(t, v)
		candidates := append([][]byte{secret}, fallbacks...)
		want := mustHex(t, v.DerivedKeyHex)
		found := false
		for _, k := range candidates {
			if string(vectorParams(v).DeriveKey(k)) == string(want) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no configured key derives %s", v.Name, v.DerivedKeyHex)
		}
	}
}

// TestVectorsSignerByteExact signs every byte_exact vector's tagged text at
// its timestamp and compares the cookie byte for byte. The vectors whose
// compressed bytes need C zlib are checked for their uncompressed parts and
// for a correct compress decision only where Go's deflate agrees.
func TestVectorsSignerByteExact(t *testing.T) {
	n := 0
	for _, v := range loadVectors(t) {
		if v.EncodeExpectation != "byte_exact" {
			continue
		}
		n++
		secret, fallbacks := vectorKeys(t, v)
		s, err := NewSigner(vectorParams(v), secret, fallbacks...)
		if err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		got, err := s.SignPayload([]byte(*v.PayloadTaggedJSON), time.Unix(*v.Timestamp, 0), CompressWhenSmaller())
		if err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		if got != v.Cookie {
			t.Errorf("%s:\n got %s\nwant %s", v.Name, got, v.Cookie)
		}
		if v.Segments != nil && v.SignedText != v.Segments.Payload+"."+v.Segments.Timestamp {
			t.Errorf("%s: signed_text disagrees with segments", v.Name)
		}
	}
	if n < 30 {
		t.Fatalf("only %d byte_exact vectors", n)
	}
	t.Logf("%d byte_exact vectors signed identically", n)
}

// TestVectorsSignerChecks runs every check of every vector through the
// signer layer (signature, timestamp, age, base64 and zlib). Outcomes that
// need the serializer (invalid JSON) are "ok" at this layer and are checked
// in flask_vectors_test.go.
func TestVectorsSignerChecks(t *testing.T) {
	total := 0
	for _, v := range loadVectors(t) {
		secret, fallbacks := vectorKeys(t, v)
		s, err := NewSigner(vectorParams(v), secret, fallbacks...)
		if err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		limits := PayloadLimits{}
		if len(v.Cookie) > DefaultMaxCookieSize {
			// Deliberate: Flask sends (and reads) cookies browsers drop;
			// the default limit refuses them before any crypto. With the
			// limit lifted the outcomes are Python's.
			var tl *TooLargeError
			if _, _, _, err := s.UnsignPayload(v.Cookie, PayloadLimits{}); !errors.As(err, &tl) || tl.Size != len(v.Cookie) {
				t.Errorf("%s: default limit: got %v, want *TooLargeError", v.Name, err)
			}
			limits.MaxSize = -1
		}
		for _, c := range v.Checks {
			total++
			want := sentinelFor(c.Result, c.Message)
			if q, ok := quirkSentinel[v.Name]; ok {
				want = q
			}
			maxAge := NoMaxAge
			if c.MaxAge != nil {
				maxAge = time.Duration(*c.MaxAge) * time.Second
			}
			data, _, u, err := s.UnsignPayload(v.Cookie, limits)
			if err == nil {
				err = CheckAge(u.Timestamp, time.Unix(c.Now, 0), maxAge, 0)
			}
			if want == ErrPayload && err == nil && v.Name == "invalid_json_valid_signature" {
				if _, err := serializer.Unmarshal(data); err == nil {
					t.Errorf("%s: payload %q unexpectedly valid JSON", v.Name, data)
				}
				continue
			}
			if !errors.Is(err, want) || (want == nil) != (err == nil) {
				t.Errorf("%s at now=%d max_age=%v: got %v, want %v (python %s %q)", v.Name, c.Now, c.MaxAge, err, want, c.Result, c.Message)
			}
			if err == nil && v.PayloadTaggedJSON != nil && string(data) != *v.PayloadTaggedJSON {
				t.Errorf("%s: payload %q, want %q", v.Name, data, *v.PayloadTaggedJSON)
			}
			if err == nil && v.SignedWithKeyHex != "" {
				idx := -1
				for i, f := range fallbacks {
					if hex.EncodeToString(f) == v.SignedWithKeyHex {
						idx = i + 1
					}
				}
				if u.KeyIndex != idx {
					t.Errorf("%s: KeyIndex %d, want %d", v.Name, u.KeyIndex, idx)
				}
			}
		}
	}
	t.Logf("%d checks", total)
}
