package fuzz

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/serializer"
)

var (
	// flaskSer is Flask's serializer with the default limits.
	flaskSer = &serializer.Serializer{}
	// nativeSer is the native envelope's serializer (time with nanoseconds
	// and offset under " dn").
	nativeSer = &serializer.Serializer{NativeTime: true}
	// tightSer has small limits, so that fuzz inputs of a few KiB reach
	// every one of them.
	tightSer = &serializer.Serializer{MaxDepth: 12, MaxInput: 2048, MaxNumberDigits: 40}
)

var serializerSentinels = []error{serializer.ErrSyntax, serializer.ErrTooDeep, serializer.ErrTooLarge, serializer.ErrBadTag}

// serializerSeeds adds every tagged-JSON text of the public Flask vectors,
// every payload of codec/testdata/native and every string literal of
// serializer's unit tests.
func serializerSeeds(f *testing.F) {
	for _, v := range flaskVectors(f) {
		if v.PayloadTaggedJSON != nil {
			f.Add([]byte(*v.PayloadTaggedJSON))
		}
	}
	for _, s := range testStrings(f, "../serializer", "../internal/flaskvectors") {
		f.Add([]byte(s))
	}
	// The payloads of the native vectors as tagged JSON (native time
	// included).
	for _, v := range readNativeVectors(f) {
		if text := v.get("payload-json"); text != "" {
			f.Add([]byte(text))
		}
	}
}

// FuzzUnmarshal decodes arbitrary bytes with Flask's serializer, the native
// serializer and one with small limits. It asserts that decoding never
// panics; that every error wraps exactly one sentinel; that the limits hold
// (input size, depth, integer digits); and that a decoded value re-encodes,
// decodes back to the same value (times may move to UTC: " d" is written in
// GMT, as Flask does) and that the text is stable after that one round; and
// that UnmarshalString, which decodes without copying its input, agrees
// with Unmarshal on every input; and that Assign, which converts a decoded
// value into Go types (cookiesession.Get[T] uses it on cookies), fits it
// or reports a type mismatch, never panics.
func FuzzUnmarshal(f *testing.F) {
	serializerSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		// The limits, checked on the tight serializer.
		v, err := tightSer.Unmarshal(data)
		if err != nil {
			if !wrapsExactlyOne(err, serializerSentinels...) {
				t.Fatalf("tight: error %v wraps not exactly one sentinel", err)
			}
		} else {
			if len(data) > tightSer.MaxInput {
				t.Fatalf("tight: accepted %d bytes, limit %d", len(data), tightSer.MaxInput)
			}
			if d := valueDepth(v); d > tightSer.MaxDepth {
				t.Fatalf("tight: value nests %d deep, limit %d", d, tightSer.MaxDepth)
			}
			if d := maxIntDigits(v); d > tightSer.MaxNumberDigits {
				t.Fatalf("tight: integer of %d digits, limit %d", d, tightSer.MaxNumberDigits)
			}
		}
		for _, s := range []*serializer.Serializer{flaskSer, nativeSer} {
			v, err := s.Unmarshal(data)
			if err != nil {
				if !wrapsExactlyOne(err, serializerSentinels...) {
					t.Fatalf("error %v wraps not exactly one sentinel", err)
				}
				continue
			}
			if d := valueDepth(v); d > serializer.DefaultMaxDepth {
				t.Fatalf("value nests %d deep, limit %d", d, serializer.DefaultMaxDepth)
			}
			checkStableRound(t, s, v, data)
		}
		// UnmarshalString decodes the same text without a copy of it: it
		// must give the same value, or the same error.
		viaBytes, errBytes := flaskSer.Unmarshal(data)
		viaString, errString := flaskSer.UnmarshalString(string(data))
		switch {
		case (errBytes == nil) != (errString == nil):
			t.Fatalf("Unmarshal error %v, UnmarshalString error %v", errBytes, errString)
		case errBytes != nil && errBytes.Error() != errString.Error():
			t.Fatalf("Unmarshal error %q, UnmarshalString error %q", errBytes, errString)
		case errBytes == nil:
			if d := valueDiff("$", viaBytes, viaString, sameZone); d != "" {
				t.Fatalf("Unmarshal and UnmarshalString differ: %s", d)
			}
			checkAssign(t, viaBytes)
		}
		// What the tight serializer accepts, the default one accepts too,
		// with the same value.
		if err == nil {
			w, err := flaskSer.Unmarshal(data)
			if err != nil {
				t.Fatalf("accepted with small limits, refused with the defaults: %v", err)
			}
			if d := valueDiff("$", v, w, sameZone); d != "" {
				t.Fatalf("limits changed the value: %s", d)
			}
		}
	})
}

// assignTarget is a Go type a handler might read a session into, with a
// field of each kind Assign converts.
type assignTarget struct {
	ID      int64             `json:"id"`
	Name    string            `json:"name"`
	Roles   []string          `json:"roles"`
	Prefs   map[string]string `json:"prefs"`
	Pair    [2]int8           `json:"pair"`
	When    *time.Time        `json:"when"`
	Ratio   float32           `json:"ratio"`
	TTL     time.Duration     `json:"ttl"`
	Raw     []byte            `json:"raw"`
	Any     any               `json:"any"`
	Tuple   serializer.Tuple  `json:"tuple"`
	Markup  serializer.Markup `json:"markup"`
	Self    *assignTarget     `json:"self"`
	Numbers map[string][]uint `json:"numbers"`
}

// checkAssign converts v into each target type: the result is a fit or
// an error wrapping ErrTypeMismatch.
func checkAssign(t *testing.T, v any) {
	t.Helper()
	for _, dst := range []any{
		new(assignTarget), new(*assignTarget), new([]assignTarget), new(map[string]assignTarget),
		new([]string), new(map[string]string), new(map[int]string), new([3]uint16),
		new(float32), new(time.Duration), new(time.Time), new(string), new(bool), new(any),
		new(chan int), new(func()),
	} {
		if err := serializer.Assign(v, dst); err != nil && !errors.Is(err, serializer.ErrTypeMismatch) {
			t.Fatalf("Assign(%T) into %T: %v, not a type mismatch", v, dst, err)
		}
	}
}

// checkStableRound re-encodes a decoded value v and requires the text to
// decode to the same value (up to the time zone) and to be stable.
func checkStableRound(t *testing.T, s *serializer.Serializer, v any, input []byte) {
	t.Helper()
	text1, err := s.Marshal(v)
	if err != nil {
		t.Fatalf("decoded %q but cannot re-encode %#v: %v", input, v, err)
	}
	if len(text1) > serializer.DefaultMaxInput {
		return // a legitimately longer re-encoding (escapes) past the input limit
	}
	v2, err := s.Unmarshal(text1)
	if err != nil {
		t.Fatalf("re-encoded text %q of input %q does not decode: %v", text1, input, err)
	}
	if d := valueDiff("$", v, v2, anyZone); d != "" {
		t.Fatalf("value changed in a round trip of %q via %q: %s", input, text1, d)
	}
	text2, err := s.Marshal(v2)
	if err != nil {
		t.Fatalf("second Marshal: %v", err)
	}
	if !bytes.Equal(text1, text2) {
		t.Fatalf("text not stable after one round:\n input %q\n first %q\nsecond %q", input, text1, text2)
	}
}

// FuzzRoundTrip builds a value from the fuzz input across every type and
// tag the serializer writes (see valueGen) and requires Marshal
// then Unmarshal to give back the value, as Flask's serializer would (whole
// seconds in UTC for times) and as the native serializer would (nanoseconds
// and offset kept), and the text to be stable.
func FuzzRoundTrip(f *testing.F) {
	for _, s := range testStrings(f, "../serializer") {
		f.Add([]byte(s))
	}
	f.Add([]byte{})
	f.Add(bytes.Repeat([]byte{12, 3, 0xff}, 30))
	f.Fuzz(func(t *testing.T, data []byte) {
		g := &valueGen{data: data}
		v := g.session()
		for _, c := range []struct {
			name   string
			s      *serializer.Serializer
			native bool
		}{{"flask", flaskSer, false}, {"native", nativeSer, true}} {
			text, err := c.s.Marshal(v)
			if err != nil {
				t.Fatalf("%s: Marshal(%#v): %v", c.name, v, err)
			}
			back, err := c.s.Unmarshal(text)
			if err != nil {
				t.Fatalf("%s: Unmarshal(%s): %v", c.name, text, err)
			}
			want := expected(v, c.native)
			if d := valueDiff("$", want, back, sameZone); d != "" {
				t.Fatalf("%s: %s came back different: %s", c.name, text, d)
			}
			again, err := c.s.Marshal(back)
			if err != nil {
				t.Fatalf("%s: second Marshal: %v", c.name, err)
			}
			if !bytes.Equal(text, again) {
				t.Fatalf("%s: text not stable\n first %s\nsecond %s", c.name, text, again)
			}
		}
		// Invalid UTF-8 in a Go string is written as U+FFFD, never as raw
		// bytes: the text is ASCII and decodes to valid UTF-8.
		if len(data) > 0 {
			text, err := flaskSer.Marshal(map[string]any{string(data): string(data)})
			if err != nil {
				t.Fatalf("Marshal of a raw string: %v", err)
			}
			for _, c := range text {
				if c >= 0x80 {
					t.Fatalf("non-ASCII byte %#x in %q", c, text)
				}
			}
			if _, err := flaskSer.Unmarshal(text); err != nil {
				t.Fatalf("raw string text %q does not decode: %v", text, err)
			}
		}
	})
}
