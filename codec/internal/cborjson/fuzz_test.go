package cborjson

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/cookiecodec/cookiecodec/serializer"
)

var fuzzSerializer = &serializer.Serializer{NativeTime: true}

// FuzzToJSON: arbitrary data never panics, and data that converts is the
// one binary form of its JSON text (FromJSON gives the same bytes back);
// where the direct decoder accepts data, it returns what the serializer
// reads from that text, and the direct encoder writes that value as the
// text path does.
func FuzzToJSON(f *testing.F) {
	for _, ex := range rfcExamples {
		b, _ := hex.DecodeString(ex.hex)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lim := Limits{MaxDepth: 64, MaxOutput: 1 << 16, MaxBignumBytes: 64}
		text, err := ToJSON(nil, data, lim)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("ToJSON(%x): untyped error %v", data, err)
			}
			return
		}
		again, err := FromJSON(nil, text, lim)
		if err != nil {
			t.Fatalf("FromJSON(ToJSON(%x) = %s): %v", data, text, err)
		}
		if !bytes.Equal(again, data) {
			t.Fatalf("%x converts to %s, which converts to %x", data, text, again)
		}
		// The direct decoder, when it accepts data, agrees with the
		// serializer reading the text.
		if v, ok := DecodeValue(data, lim); ok {
			want, err := fuzzSerializer.Unmarshal(text)
			if err != nil || !sameValue(v, want) {
				t.Fatalf("%x: direct decode %#v, serializer %#v (%v)", data, v, want, err)
			}
			// The direct encoder, when it accepts that value, writes what
			// the text path writes: the binary form of Marshal's text
			// (keys sorted, whatever their order in data).
			var enc Encoder
			if got, ok := enc.AppendValue(nil, v, lim.MaxDepth); ok {
				mtext, err := fuzzSerializer.Marshal(v)
				if err != nil {
					t.Fatalf("%x: Marshal(%#v): %v", data, v, err)
				}
				want, err := FromJSON(nil, mtext, lim)
				if err != nil || !bytes.Equal(got, want) {
					t.Fatalf("%#v: direct encode %x, via text %x (%v)", v, got, want, err)
				}
			}
		}
	})
}

// FuzzFromJSON: arbitrary text never panics, and what converts comes back
// from ToJSON and converts to the same bytes again.
func FuzzFromJSON(f *testing.F) {
	for _, ex := range rfcExamples {
		f.Add([]byte(ex.json))
	}
	f.Add([]byte(`{" t":["a",{" b":"AAE="}],"x":[1.5,-2,{" di":{" t":1}}]}`))
	f.Fuzz(func(t *testing.T, text []byte) {
		lim := Limits{MaxDepth: 64, MaxOutput: 1 << 20, MaxBignumBytes: 64}
		bin, err := FromJSON(nil, text, lim)
		if err != nil {
			return
		}
		back, err := ToJSON(nil, bin, lim)
		if err != nil {
			t.Fatalf("ToJSON(FromJSON(%q) = %x): %v", text, bin, err)
		}
		again, err := FromJSON(nil, back, lim)
		if err != nil || !bytes.Equal(again, bin) {
			t.Fatalf("%q -> %x -> %s -> %x, %v", text, bin, back, again, err)
		}
	})
}
