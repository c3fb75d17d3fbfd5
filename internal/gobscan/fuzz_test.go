package gobscan

import (
	"bytes"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"testing"
	"time"
)

// FuzzCheck: Check never panics, an error is always an *Error with an
// offset inside the stream, whatever Check accepts Walk reads, and gob
// decodes into a map[any]any within the allocation bound (a gob panic, which the readers
// recover, counts as a decode).
func FuzzCheck(f *testing.F) {
	for _, data := range encoderOutput(f) {
		f.Add(data)
	}
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(map[any]any{"acct": account{Extra: map[string]any{"m": map[string]any{"p": []pair{{1, 2}}}}}}); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	for _, h := range []string{nilSkipsToMap, nilSkipsToAccount, nilSkipsToLoop, truncatedTypeID} {
		data, err := hex.DecodeString(h)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 8<<10 {
			return
		}
		err := Check(data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Offset < 0 || e.Offset > len(data) {
				t.Fatalf("Check: %#v", err)
			}
			return
		}
		// Walk reads whatever Check accepts.
		if _, err := Walk(data); err != nil {
			t.Fatalf("Walk refuses a stream Check accepts: %v", err)
		}
		// A decode that never ends is a finding too: fail it rather than
		// hang the worker.
		done := make(chan uint64, 1)
		go func() { done <- bytesAllocatedBy(func() { _ = decodeAs("", data) }) }()
		select {
		case a := <-done:
			if a > allocationBound(len(data)) {
				t.Fatalf("gob allocated %d bytes for an accepted %d-byte stream", a, len(data))
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("gob has not finished decoding an accepted %d-byte stream after 5 s", len(data))
		}
	})
}
