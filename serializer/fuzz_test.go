package serializer_test

import (
	"encoding/json"
	"errors"
	"net/netip"
	"testing"

	"github.com/cookiecodec/cookiecodec/internal/flaskvectors"
	"github.com/cookiecodec/cookiecodec/serializer"
)

// FuzzUnmarshal checks that no input panics and that whatever decodes also
// encodes, to a text that decodes and encodes to itself (a fixed point).
// It is seeded with every vector payload and the hand-written cases.
func FuzzUnmarshal(f *testing.F) {
	if file, err := flaskvectors.Load(); err == nil {
		for _, v := range file.Vectors {
			if v.PayloadTaggedJSON != nil {
				f.Add([]byte(*v.PayloadTaggedJSON))
			}
		}
	}
	for _, c := range valueCases {
		f.Add([]byte(c.in))
	}
	for _, c := range rejectCases {
		f.Add([]byte(c.in))
	}
	s := &serializer.Serializer{MaxDepth: 64, MaxInput: 1 << 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := s.Unmarshal(data)
		if err != nil {
			return
		}
		text, err := s.Marshal(v)
		if err != nil {
			t.Fatalf("decoded %q but cannot encode %#v: %v", data, v, err)
		}
		v2, err := s.Unmarshal(text)
		if err != nil {
			t.Fatalf("own text %q does not decode: %v", text, err)
		}
		text2, err := s.Marshal(v2)
		if err != nil || string(text2) != string(text) {
			t.Fatalf("not a fixed point:\n%q\n%q (%v)", text, text2, err)
		}
	})
}

// intoNode is a recursive destination: depth is bounded by the decoder's
// MaxDepth, not by the type.
type intoNode struct {
	Name string      `json:"name"`
	Kids []*intoNode `json:"kids"`
	Next *intoNode   `json:"next"`
}

// intoEmbedded promotes the fields of an embedded pointer, which
// UnmarshalInto allocates when a key names one of them.
type intoEmbedded struct {
	*address
	Name  string `json:"name"`
	Count uint16
}

// intoMethods has fields read through their own methods: UnmarshalText
// (netip.Addr), UnmarshalJSON (json.RawMessage), and a json.Number.
type intoMethods struct {
	Addr netip.Addr      `json:"addr"`
	Raw  json.RawMessage `json:"raw"`
	N    json.Number     `json:"n"`
}

// intoTargets make the destinations FuzzUnmarshalInto decodes into: every
// conversion rule of UnmarshalInto is reached from at least one of them.
var intoTargets = []func() any{
	func() any { return new(session) },
	func() any { return new(intoNode) },
	func() any { return new(intoEmbedded) },
	func() any { return new(intoMethods) },
	func() any { return new(map[string]int) },
	func() any { return new(map[string][]*address) },
	func() any { return new([]string) },
	func() any { return new([2]float32) },
	func() any { return new(any) },
	func() any { return new(*int8) },
}

// FuzzUnmarshalInto checks the typed decode that cookiesession.Get uses
// on session values, on arbitrary text: no input panics; every error
// wraps one of the package's sentinels; the same input always gives the
// same value or the same error (Go's map order must not leak into the
// result); what decodes into a type also decodes untyped; and what
// decodes into a type encodes, and that text decodes into the type again
// to a value that encodes to the same text.
func FuzzUnmarshalInto(f *testing.F) {
	for _, c := range valueCases {
		f.Add([]byte(c.in))
	}
	f.Add([]byte(`{"NAME":"c","Name":"a","name":"b","city":"x","count":7}`))
	f.Add([]byte(`{"name":"a","kids":[{"name":"b","next":{"name":"c"}}]}`))
	f.Add([]byte(`{"a":[{"city":"x"},null],"b":[]}`))
	f.Add([]byte(`{"addr":"192.0.2.1","raw":{"b":[1,{" t":[2]}],"a":null},"n":1e+16}`))
	f.Add([]byte(`{"user_id":1,"roles":["x"],"prefs":{"a":"b"},"pair":{" t":[1,2]},"avatar":{" b":"AQI="},"big":18446744073709551616}`))
	s := &serializer.Serializer{MaxDepth: 64, MaxInput: 1 << 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, untypedErr := s.Unmarshal(data)
		for _, target := range intoTargets {
			dst := target()
			err := s.UnmarshalInto(data, dst)
			again := target()
			errAgain := s.UnmarshalInto(data, again)
			if errText(err) != errText(errAgain) {
				t.Fatalf("%T from %q: errors differ between two runs: %v / %v", dst, data, err, errAgain)
			}
			if err != nil {
				if !isSentinel(err) {
					t.Fatalf("%T from %q: error %v wraps no sentinel", dst, data, err)
				}
				continue
			}
			if untypedErr != nil {
				t.Fatalf("%T from %q: decoded typed but not untyped (%v)", dst, data, untypedErr)
			}
			text, err := s.Marshal(dst)
			if err != nil {
				t.Fatalf("%T from %q: decoded %+v but cannot encode it: %v", dst, data, dst, err)
			}
			if textAgain, _ := s.Marshal(again); string(textAgain) != string(text) {
				t.Fatalf("%T from %q: two runs differ:\n%s\n%s", dst, data, text, textAgain)
			}
			round := target()
			if err := s.UnmarshalInto(text, round); err != nil {
				t.Fatalf("%T: own text %s does not decode into it: %v", dst, text, err)
			}
			if textRound, err := s.Marshal(round); err != nil || string(textRound) != string(text) {
				t.Fatalf("%T: round trip of %s gave %s (%v)", dst, text, textRound, err)
			}
		}
	})
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func isSentinel(err error) bool {
	for _, s := range []error{serializer.ErrSyntax, serializer.ErrTooDeep, serializer.ErrTooLarge,
		serializer.ErrUnsupportedType, serializer.ErrBadTag, serializer.ErrTypeMismatch} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}
