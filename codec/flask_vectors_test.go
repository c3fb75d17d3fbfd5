package codec

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/internal/flaskvectors"
	"github.com/cookiecodec/cookiecodec/internal/pyflask"
)

// vectorCodec returns a Flask codec configured as the vector's verifier,
// with the clock at *now and the given max-age in seconds (nil: none).
func vectorCodec(t testing.TB, v flaskvectors.Vector, now *int64, maxAge *int64, c Compression) *Flask {
	t.Helper()
	secret, fallbacks := vectorKeys(t, v)
	o := FlaskOptions{
		SecretKey:     secret,
		FallbackKeys:  fallbacks,
		Salt:          v.Salt,
		KeyDerivation: Derivation(v.KeyDerivation),
		Digest:        Digest(v.Digest),
		Clock:         func() time.Time { return time.Unix(*now, 0) },
		MaxAge:        NoMaxAge,
		Compression:   c,
	}
	if maxAge != nil {
		o.MaxAge = time.Duration(*maxAge) * time.Second
	}
	if len(v.Cookie) > DefaultMaxCookieSize {
		o.MaxCookieSize = -1 // see TestVectorsFlaskOversize
	}
	f, err := NewFlask(o)
	if err != nil {
		t.Fatalf("%s: %v", v.Name, err)
	}
	return f
}

// describeDecoded checks a decoded value against the description of what
// Python's loads returned.
func describeDecoded(t *testing.T, label string, got any, want *flaskvectors.Desc) {
	t.Helper()
	if want == nil {
		t.Errorf("%s: decoded but the vector has no value", label)
		return
	}
	d, err := flaskvectors.Describe(got)
	if err != nil {
		t.Errorf("%s: describe %#v: %v", label, got, err)
		return
	}
	if diff := flaskvectors.Diff(*want, d); diff != "" {
		t.Errorf("%s: decoded value differs from Python's: %s", label, diff)
	}
}

// TestVectorsFlaskChecks decodes every vector's cookie at every clock and
// max-age of its checks list (and its expect outcome), and compares the
// error class or the decoded value with what the real Flask did.
func TestVectorsFlaskChecks(t *testing.T) {
	passed := 0
	for _, v := range loadVectors(t) {
		checks := append([]flaskvectors.Check(nil), v.Checks...)
		at := v.VerifyAtTime
		if at == nil {
			at = v.ValidAtTime
		}
		if at != nil && !hasCheck(v.Checks, *at, v.MaxAge) {
			// The expect outcome, when no check already covers it.
			checks = append(checks, flaskvectors.Check{Now: *at, MaxAge: v.MaxAge, Result: v.Expect})
		}
		for _, c := range checks {
			now := c.Now
			f := vectorCodec(t, v, &now, c.MaxAge, Compression{})
			label := fmt.Sprintf("%s at now=%d max_age=%v", v.Name, c.Now, ptrString(c.MaxAge))
			want := sentinelFor(c.Result, c.Message)
			if c.Message == "" && c.Result == "SignatureExpired" {
				// The expect entry has no message: the clock tells.
				if v.Timestamp != nil && c.Now < *v.Timestamp {
					want = ErrFuture
				}
			}
			if q, ok := quirkSentinel[v.Name]; ok {
				want = q
			}
			got, m, err := f.DecodeSession("session", v.Cookie, 0)
			if !errors.Is(err, want) || (err == nil) != (want == nil) {
				t.Errorf("%s: got %v, want %v (python %s %q)", label, err, want, c.Result, c.Message)
				continue
			}
			if err == nil {
				describeDecoded(t, label, got, v.Decoded())
				if v.Timestamp != nil && m.Issued.Unix() != *v.Timestamp {
					t.Errorf("%s: Issued %v, want %d", label, m.Issued.Unix(), *v.Timestamp)
				}
				if v.Compressed != nil && m.Compressed != *v.Compressed {
					t.Errorf("%s: Compressed %v", label, m.Compressed)
				}
			}
			passed++
		}
	}
	t.Logf("%d vector outcomes as Python's (quirks as decided)", passed)
}

func hasCheck(cs []flaskvectors.Check, now int64, maxAge *int64) bool {
	for _, c := range cs {
		if c.Now == now && (c.MaxAge == nil) == (maxAge == nil) && (c.MaxAge == nil || *c.MaxAge == *maxAge) {
			return true
		}
	}
	return false
}

func ptrString(p *int64) string {
	if p == nil {
		return "none"
	}
	return fmt.Sprint(*p)
}

// TestVectorsFlaskOpenSession checks what Flask's open_session did: a
// loaded session decodes to the same value, an exception (HTTP 500) is
// ErrPayload, a rejection (new empty session) is one of the
// signature-family errors.
func TestVectorsFlaskOpenSession(t *testing.T) {
	for _, v := range loadVectors(t) {
		o := v.FlaskOpenSession
		if o == nil {
			continue
		}
		at := v.ValidAtTime
		if at == nil {
			at = v.VerifyAtTime
		}
		now := *at
		maxAge := int64(DefaultFlaskMaxAge / time.Second)
		got, _, err := vectorCodec(t, v, &now, &maxAge, Compression{}).DecodeSession("session", v.Cookie, 0)
		if _, quirk := quirkSentinel[v.Name]; quirk {
			if !errors.Is(err, ErrSignature) {
				t.Errorf("%s: quirk decided as rejection, got %v", v.Name, err)
			}
			continue
		}
		switch o.Result {
		case "loaded":
			if err != nil {
				t.Errorf("%s: %v", v.Name, err)
				continue
			}
			describeDecoded(t, v.Name, got, o.Session)
		case "exception":
			if !errors.Is(err, ErrPayload) {
				t.Errorf("%s: Flask raised %s, we returned %v", v.Name, o.Exception, err)
			}
		case "rejected_new_empty_session":
			if err == nil || errors.Is(err, ErrPayload) || errors.Is(err, ErrTooLarge) {
				t.Errorf("%s: Flask rejected (%s), we returned %v", v.Name, o.Because, err)
			}
		default:
			t.Errorf("%s: unknown open_session result %q", v.Name, o.Result)
		}
	}
}

// TestVectorsFlaskByteExact encodes the typed value of every byte_exact
// vector with the Flask codec (serializer included) at the vector's
// timestamp and compares the cookie byte for byte.
func TestVectorsFlaskByteExact(t *testing.T) {
	n := 0
	for _, v := range loadVectors(t) {
		if v.EncodeExpectation != "byte_exact" {
			continue
		}
		value, err := flaskvectors.Value(*v.PayloadDescription)
		if err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		now := *v.Timestamp
		f := vectorCodec(t, v, &now, nil, Compression{})
		got, m, err := f.EncodeSession("session", value, Meta{}, 0)
		if err != nil {
			t.Errorf("%s: %v", v.Name, err)
			continue
		}
		if got != v.Cookie {
			t.Errorf("%s:\n got %s\nwant %s", v.Name, got, v.Cookie)
		}
		if m.Issued.Unix() != now || m.Format != "flask" || m.KeyIndex != 0 {
			t.Errorf("%s: meta %+v", v.Name, m)
		}
		n++
	}
	t.Logf("%d byte_exact vectors encoded identically", n)
	if n != 36 {
		t.Errorf("expected 36 byte_exact vectors, ran %d", n)
	}
}

// TestVectorsFlaskZlibVectors covers the byte_exact_requires_zlib_deflate
// vectors: without compression our text and timestamp are Flask's exactly;
// with Flask's rule and with forced compression our (Go-deflated) cookies
// load in real Flask to the vector's value.
func TestVectorsFlaskZlibVectors(t *testing.T) {
	var zv []flaskvectors.Vector
	for _, v := range loadVectors(t) {
		if v.EncodeExpectation == "byte_exact_requires_zlib_deflate" {
			zv = append(zv, v)
		}
	}
	if len(zv) == 0 {
		t.Fatal("no zlib vectors")
	}
	o := pyflask.Require(t)
	loaded := 0
	for _, v := range zv {
		value, err := flaskvectors.Value(*v.PayloadDescription)
		if err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		now := *v.Timestamp
		plain, _, err := vectorCodec(t, v, &now, nil, CompressNever()).EncodeSession("session", value, Meta{}, 0)
		if err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		parts := strings.Split(plain, ".")
		text, ok := appendB64Decode(nil, parts[0])
		if !ok || string(text) != *v.PayloadTaggedJSON || parts[1] != v.Segments.Timestamp {
			t.Errorf("%s: uncompressed text %q / timestamp %q differ from Flask's", v.Name, text, parts[1])
		}
		cfg := pyflask.Config{SecretHex: v.SecretKeyHex, Salt: v.Salt, KeyDerivation: v.KeyDerivation, Digest: v.Digest}
		for _, c := range []Compression{{}, CompressAlways()} {
			cookie, m, err := vectorCodec(t, v, &now, nil, c).EncodeSession("session", value, Meta{}, 0)
			if err != nil {
				t.Fatalf("%s: %v", v.Name, err)
			}
			if c == CompressAlways() && (!m.Compressed || cookie[0] != '.') {
				t.Fatalf("%s: not compressed", v.Name)
			}
			res, err := o.Loads(cfg, cookie, now, nil)
			if err != nil || res.Result != "ok" {
				t.Errorf("%s (%v): Flask loads %s: %+v %v", v.Name, c, cookie, res, err)
				continue
			}
			var d flaskvectors.Desc
			if err := d.UnmarshalJSON(res.Desc); err != nil {
				t.Fatal(err)
			}
			if diff := flaskvectors.Diff(*v.Decoded(), d); diff != "" {
				t.Errorf("%s (%v): Flask loaded another value: %s", v.Name, c, diff)
			}
			loaded++
		}
	}
	t.Logf("%d Go-compressed cookies of %d zlib vectors loaded by real Flask", loaded, len(zv))
}

// TestVectorsFlaskOversize pins the decision on the oversize vector: Flask
// writes and reads a cookie browsers drop; by default we refuse both ways.
func TestVectorsFlaskOversize(t *testing.T) {
	for _, v := range loadVectors(t) {
		if len(v.Cookie) <= DefaultMaxCookieSize {
			continue
		}
		secret, _ := vectorKeys(t, v)
		f, _ := NewFlask(FlaskOptions{SecretKey: secret, Clock: func() time.Time { return time.Unix(*v.Timestamp, 0) }})
		var tl *TooLargeError
		if _, _, err := f.DecodeSession("session", v.Cookie, 0); !errors.As(err, &tl) || tl.Limit != DefaultMaxCookieSize {
			t.Errorf("%s: decode: %v", v.Name, err)
		}
		value, _ := flaskvectors.Value(*v.PayloadDescription)
		if _, _, err := f.EncodeSession("session", value, Meta{}, 0); !errors.As(err, &tl) {
			t.Errorf("%s: encode: %v", v.Name, err)
		}
		return
	}
	t.Fatal("no oversize vector")
}
