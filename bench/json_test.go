package bench

import (
	"encoding/json"
	"testing"
)

// encodingJSON is the standard library's encoding/json on map[string]any,
// the peer of the serializer package.
func encodingJSON(_ testing.TB, v map[string]any) bytesSubject {
	return bytesSubject{
		// encoding/json cannot append, so dst is ignored.
		encode: func([]byte) ([]byte, error) { return json.Marshal(v) },
		decode: func(data []byte) (any, error) {
			var out map[string]any
			err := json.Unmarshal(data, &out)
			return out, err
		},
	}
}

func TestEncodingJSONRoundTrip(t *testing.T) { checkBytesRoundTrip(t, "EncodingJSON", encodingJSON) }

func BenchmarkEncodingJSON(b *testing.B)      { benchBytes(b, encodingJSON, sessions) }
func BenchmarkScaleEncodingJSON(b *testing.B) { benchBytes(b, encodingJSON, scaling) }
