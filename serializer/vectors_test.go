package serializer_test

import (
	"testing"

	"github.com/cookiecodec/cookiecodec/internal/flaskvectors"
	"github.com/cookiecodec/cookiecodec/serializer"
)

// TestFlaskVectors checks every vector of shared/vectors/flask/public.json
// that carries a payload: its tagged JSON decodes to what Python's loads gave
// (decoded_description, or payload_description when nothing was lossy); the
// stored value, built from payload_description, encodes to the exact bytes
// Flask wrote wherever json_mode is flask_request; and re-encoding the
// decoded value gives the same bytes too.
func TestFlaskVectors(t *testing.T) {
	f, err := flaskvectors.Load()
	if err != nil {
		t.Fatal(err)
	}
	decoded, encoded := 0, 0
	for _, v := range f.Vectors {
		if v.PayloadTaggedJSON == nil || v.PayloadDescription == nil {
			continue
		}
		text := *v.PayloadTaggedJSON
		got, err := serializer.Unmarshal([]byte(text))
		if err != nil {
			t.Errorf("%s: Unmarshal: %v", v.Name, err)
			continue
		}
		gotDesc, err := flaskvectors.Describe(got)
		if err != nil {
			t.Errorf("%s: %v", v.Name, err)
			continue
		}
		if d := flaskvectors.Diff(*v.Decoded(), gotDesc); d != "" {
			t.Errorf("%s: decoded value differs from Python's: %s", v.Name, d)
			continue
		}
		decoded++
		if v.JSONMode != "flask_request" {
			continue
		}
		stored, err := flaskvectors.Value(*v.PayloadDescription)
		if err != nil {
			t.Errorf("%s: %v", v.Name, err)
			continue
		}
		out, err := serializer.Marshal(stored)
		if err != nil {
			t.Errorf("%s: Marshal: %v", v.Name, err)
			continue
		}
		if string(out) != text {
			t.Errorf("%s: Marshal of the stored value\n got %s\nwant %s", v.Name, out, text)
			continue
		}
		again, err := serializer.Marshal(got)
		if err != nil || string(again) != text {
			t.Errorf("%s: re-encoding the decoded value\n got %s (%v)\nwant %s", v.Name, again, err, text)
			continue
		}
		encoded++
	}
	t.Logf("%d vectors decoded as Python did, %d encoded byte for byte", decoded, encoded)
	if decoded < 40 || encoded < 40 {
		t.Errorf("too few vectors checked: %d decoded, %d encoded", decoded, encoded)
	}
}
