package cborjson

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
)

// FuzzToJSON: arbitrary data never panics, and data that converts is the
// one binary form of its JSON text (FromJSON gives the same bytes back).
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
