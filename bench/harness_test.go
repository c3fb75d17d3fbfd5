package bench

import (
	"encoding/json"
	"fmt"
	"testing"
)

// cookieName is the cookie name every codec binds its cookies to.
const cookieName = "session"

// A cookieSubject is one cookie implementation prepared for one session
// value: encode makes a cookie value of it, decode reads one back.
type cookieSubject struct {
	encode func() (string, error)
	decode func(cookie string) (any, error)
}

// A cookieMaker prepares a cookieSubject for the value v. It fails tb when
// the implementation cannot be set up.
type cookieMaker func(tb testing.TB, v map[string]any) cookieSubject

// A bytesSubject is one serializer prepared for one session value.
type bytesSubject struct {
	// encode appends the serialized value to dst.
	encode func(dst []byte) ([]byte, error)
	decode func(data []byte) (any, error)
}

// A bytesMaker prepares a bytesSubject for the value v.
type bytesMaker func(tb testing.TB, v map[string]any) bytesSubject

// namedSession is a session value with its benchmark name.
type namedSession struct {
	name  string
	value func() map[string]any
}

// sessions are the sessions of the main benchmarks.
var sessions = []namedSession{{"S", S}, {"L", L}}

// scaling are the sessions of the scaling series.
var scaling = func() []namedSession {
	var out []namedSession
	for _, n := range ScalingSizes {
		out = append(out, namedSession{fmt.Sprintf("%dB", n), func() map[string]any { return Payload(n) }})
	}
	return out
}()

// jsonSize is the size of v as compact sorted JSON, the byte count every
// benchmark reports with b.SetBytes so that MB/s compares across subjects.
func jsonSize(tb testing.TB, v any) int64 {
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return int64(len(b))
}

// benchCookie runs encode and decode sub-benchmarks of mk for every session
// in list. Encode reports the cookie length as the metric "cookie-bytes".
func benchCookie(b *testing.B, mk cookieMaker, list []namedSession) {
	for _, s := range list {
		v := s.value()
		size := jsonSize(b, v)
		b.Run(s.name+"/encode", func(b *testing.B) {
			sub := mk(b, v)
			cookie, err := sub.encode()
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				cookie, err = sub.encode()
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(cookie)), "cookie-bytes")
		})
		b.Run(s.name+"/decode", func(b *testing.B) {
			sub := mk(b, v)
			cookie, err := sub.encode()
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := sub.decode(cookie); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchBytes runs encode and decode sub-benchmarks of mk for every session
// in list.
func benchBytes(b *testing.B, mk bytesMaker, list []namedSession) {
	for _, s := range list {
		v := s.value()
		size := jsonSize(b, v)
		b.Run(s.name+"/encode", func(b *testing.B) {
			sub := mk(b, v)
			var buf []byte
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				var err error
				buf, err = sub.encode(buf[:0])
				if err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(s.name+"/decode", func(b *testing.B) {
			sub := mk(b, v)
			data, err := sub.encode(nil)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := sub.decode(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// sameJSON fails t unless got and want have the same JSON text, which
// compares values across implementations that decode numbers differently
// (int, int64, float64).
func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatalf("%s: result does not marshal: %v", what, err)
	}
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Errorf("%s: round trip changed the value:\n got %s\nwant %s", what, g, w)
	}
}

// checkCookieRoundTrip verifies that mk decodes its own cookies back to the
// value on every main and scaling session, so that no benchmark measures a
// broken implementation.
func checkCookieRoundTrip(t *testing.T, name string, mk cookieMaker) {
	t.Helper()
	for _, s := range append(append([]namedSession{}, sessions...), scaling...) {
		v := s.value()
		sub := mk(t, v)
		cookie, err := sub.encode()
		if err != nil {
			t.Fatalf("%s/%s: encode: %v", name, s.name, err)
		}
		got, err := sub.decode(cookie)
		if err != nil {
			t.Fatalf("%s/%s: decode: %v", name, s.name, err)
		}
		// Compare before decoding again: the floors reuse their buffer.
		sameJSON(t, name+"/"+s.name, got, v)
		if _, err := sub.decode(tamper(cookie)); err == nil {
			t.Errorf("%s/%s: decode accepted a tampered cookie", name, s.name)
		}
	}
}

// checkBytesRoundTrip is checkCookieRoundTrip for serializers.
func checkBytesRoundTrip(t *testing.T, name string, mk bytesMaker) {
	t.Helper()
	for _, s := range append(append([]namedSession{}, sessions...), scaling...) {
		v := s.value()
		sub := mk(t, v)
		data, err := sub.encode(nil)
		if err != nil {
			t.Fatalf("%s/%s: encode: %v", name, s.name, err)
		}
		got, err := sub.decode(data)
		if err != nil {
			t.Fatalf("%s/%s: decode: %v", name, s.name, err)
		}
		sameJSON(t, name+"/"+s.name, got, v)
	}
}

// tamper returns cookie with its middle character replaced by another
// base64url character, which changes six bits inside the signed data.
func tamper(cookie string) string {
	i := len(cookie) / 2
	c := byte('A')
	if cookie[i] == 'A' {
		c = 'B'
	}
	return cookie[:i] + string(c) + cookie[i+1:]
}
