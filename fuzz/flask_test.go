package fuzz

import (
	"bytes"
	"compress/zlib"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
)

// The Flask target's fixed configuration: Flask's defaults with a primary
// and one fallback key, at a fixed clock.
var (
	flaskKey      = []byte("fuzz: the Flask SECRET_KEY")
	flaskFallback = []byte("fuzz: an older key")
	flaskNow      = time.Unix(1_700_000_000, 0)
	flaskIssued   = flaskNow.Add(-90 * time.Second)
)

var codecSentinels = []error{codec.ErrSignature, codec.ErrUnknownKey, codec.ErrMalformed, codec.ErrExpired, codec.ErrFuture, codec.ErrPayload, codec.ErrTooLarge}

func newFlaskCodec(tb testing.TB) *codec.Flask {
	tb.Helper()
	c, err := codec.NewFlask(codec.FlaskOptions{
		SecretKey:    flaskKey,
		FallbackKeys: [][]byte{flaskFallback},
		Clock:        func() time.Time { return flaskNow },
	})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// refMAC is an independent itsdangerous signature: HMAC-SHA1 under the key
// derived as HMAC-SHA1(secret, "cookie-session") (itsdangerous' "hmac"
// derivation), as unpadded base64url. It shares no code with package codec.
func refMAC(secret []byte, signed string) string {
	d := hmac.New(sha1.New, secret)
	d.Write([]byte(codec.FlaskSalt))
	m := hmac.New(sha1.New, d.Sum(nil))
	m.Write([]byte(signed))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// refTimestamp is itsdangerous' timestamp segment: the big-endian bytes of
// the Unix time without leading zeros, as unpadded base64url.
func refTimestamp(t time.Time) string {
	return base64.RawURLEncoding.EncodeToString(big.NewInt(t.Unix()).Bytes())
}

// refSign signs payload bytes as Flask would (compressed: '.' + base64url of
// the zlib stream), with the independent signature.
func refSign(secret, payload []byte, compress bool, issued time.Time) string {
	var seg string
	if compress {
		var z bytes.Buffer
		w := zlib.NewWriter(&z)
		w.Write(payload)
		w.Close()
		seg = "." + base64.RawURLEncoding.EncodeToString(z.Bytes())
	} else {
		seg = base64.RawURLEncoding.EncodeToString(payload)
	}
	signed := seg + "." + refTimestamp(issued)
	return signed + "." + refMAC(secret, signed)
}

// refKeyIndex returns which key an independent HMAC says signed cookie: 0
// for the primary, 1 for the fallback, -1 for none.
func refKeyIndex(cookie string) int {
	i := strings.LastIndexByte(cookie, '.')
	if i < 0 {
		return -1
	}
	for k, secret := range [][]byte{flaskKey, flaskFallback} {
		if cookie[i+1:] == refMAC(secret, cookie[:i]) {
			return k
		}
	}
	return -1
}

// FuzzFlaskVerify gives arbitrary text to a Flask codec with fixed keys.
// It asserts that decoding never panics and fails with exactly one
// sentinel; that a cookie is accepted only when an independent HMAC of its
// signed part under one of the keys reproduces its signature, with
// Meta.KeyIndex naming that key; and, signing the fuzz input itself as a
// payload (plain and zlib), that such a genuine cookie always passes the
// signature check and is accepted exactly when the serializer accepts the
// payload, with the same value.
func FuzzFlaskVerify(f *testing.F) {
	for _, v := range flaskVectors(f) {
		f.Add(v.Cookie)
		if v.PayloadTaggedJSON != nil {
			f.Add(*v.PayloadTaggedJSON)
			f.Add(refSign(flaskKey, []byte(*v.PayloadTaggedJSON), false, flaskIssued))
			f.Add(refSign(flaskFallback, []byte(*v.PayloadTaggedJSON), true, flaskIssued))
		}
	}
	for _, s := range testStrings(f, "../codec") {
		f.Add(s)
	}
	c := newFlaskCodec(f)
	f.Fuzz(func(t *testing.T, in string) {
		checkFlaskCookie(t, c, in)
		for _, compress := range []bool{false, true} {
			cookie := refSign(flaskKey, []byte(in), compress, flaskIssued)
			v, m, err := c.DecodeSession("session", cookie, 0)
			want, werr := flaskSer.Unmarshal([]byte(in))
			switch {
			case len(cookie) > codec.DefaultMaxCookieSize:
				if !errors.Is(err, codec.ErrTooLarge) {
					t.Fatalf("%d-byte cookie: got %v, want ErrTooLarge", len(cookie), err)
				}
			case compress && len(in) > codec.DefaultMaxDecompressed:
				if !errors.Is(err, codec.ErrTooLarge) {
					t.Fatalf("inflates to %d bytes: got %v, want ErrTooLarge", len(in), err)
				}
			case werr != nil:
				if !errors.Is(err, codec.ErrPayload) || !wrapsExactlyOne(err, codecSentinels...) {
					t.Fatalf("genuine cookie with payload %q (serializer: %v): got %v, want ErrPayload", in, werr, err)
				}
			default:
				if err != nil {
					t.Fatalf("genuine cookie %q with a valid payload refused: %v", cookie, err)
				}
				if d := valueDiff("$", want, v, sameZone); d != "" {
					t.Fatalf("payload %q decoded differently by the codec: %s", in, d)
				}
				if m.KeyIndex != 0 || !m.Issued.Equal(flaskIssued) || m.Compressed != compress {
					t.Fatalf("meta %+v for a cookie signed by the primary at %v (compressed %v)", m, flaskIssued, compress)
				}
			}
		}
	})
}

// checkFlaskCookie decodes one arbitrary cookie and checks the outcome
// against the independent signature.
func checkFlaskCookie(t *testing.T, c *codec.Flask, in string) {
	t.Helper()
	_, m, err := c.DecodeSession("session", in, 0)
	if err != nil {
		if !wrapsExactlyOne(err, codecSentinels...) {
			t.Fatalf("error %v wraps not exactly one sentinel", err)
		}
		if errors.Is(err, codec.ErrSignature) && len(in) <= codec.DefaultMaxCookieSize && refKeyIndex(in) >= 0 {
			t.Fatalf("%q carries a genuine signature but was refused as a bad signature: %v", in, err)
		}
		return
	}
	k := refKeyIndex(in)
	if k < 0 {
		t.Fatalf("accepted %q, which no configured key signed", in)
	}
	if m.KeyIndex != k {
		t.Fatalf("accepted %q with KeyIndex %d, but key %d signed it", in, m.KeyIndex, k)
	}
}

// TestFlaskVectorsThroughOracle runs the Flask target's checks on every
// public vector cookie (with its own key), so the oracle itself is tested
// against cookies real Flask made.
func TestFlaskVectorsThroughOracle(t *testing.T) {
	accepted := 0
	for _, v := range flaskVectors(t) {
		if v.KeyDerivation != "hmac" || v.Digest != "sha1" || v.Salt != codec.FlaskSalt || v.Expect != "ok" {
			continue
		}
		secret, err := hex.DecodeString(v.SecretKeyHex)
		if err != nil {
			t.Fatal(err)
		}
		i := strings.LastIndexByte(v.Cookie, '.')
		if v.Cookie[i+1:] != refMAC(secret, v.Cookie[:i]) {
			continue // a quirk vector: non-canonical signature spelling
		}
		accepted++
		// No size limit: Flask has none (the oversize vector is 4395 bytes).
		c, err := codec.NewFlask(codec.FlaskOptions{SecretKey: secret, MaxAge: codec.NoMaxAge, MaxCookieSize: -1})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.DecodeSession("session", v.Cookie, 0); err != nil {
			t.Errorf("%s: real Flask's cookie refused: %v", v.Name, err)
		}
	}
	if accepted < 20 {
		t.Fatalf("only %d vectors are valid canonical Flask cookies; the filter is wrong", accepted)
	}
	t.Logf("%d real Flask cookies accepted", accepted)
}
