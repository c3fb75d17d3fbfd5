package bench

import (
	"testing"

	"github.com/cookiecodec/cookiecodec/serializer"
)

// ourSerializer is package serializer's default configuration (Flask's
// tagged JSON): AppendMarshal into a reused buffer and Unmarshal.
func ourSerializer(_ testing.TB, v map[string]any) bytesSubject {
	return bytesSubject{
		encode: func(dst []byte) ([]byte, error) { return serializer.AppendMarshal(dst, v) },
		decode: serializer.Unmarshal,
	}
}

func TestSerializerRoundTrip(t *testing.T) { checkBytesRoundTrip(t, "Serializer", ourSerializer) }

// TestSerializerMatchesJSON checks that the serializer writes S and L as
// the same bytes as encoding/json (sorted keys, compact), so that both
// sides of the comparison do the same work.
func TestSerializerMatchesJSON(t *testing.T) {
	for _, s := range sessions {
		got, err := serializer.Marshal(s.value())
		if err != nil {
			t.Fatal(err)
		}
		want, _ := encodingJSON(t, s.value()).encode(nil)
		if string(got) != string(want) {
			t.Errorf("%s: serializer and encoding/json differ:\n%s\n%s", s.name, got, want)
		}
	}
}

func BenchmarkSerializer(b *testing.B)      { benchBytes(b, ourSerializer, sessions) }
func BenchmarkScaleSerializer(b *testing.B) { benchBytes(b, ourSerializer, scaling) }
