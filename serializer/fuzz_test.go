package serializer_test

import (
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
