package fuzz

import (
	"errors"
	"testing"

	"github.com/cookiecodec/cookiecodec/codec"
)

// TestNativeRejectsLineBreaks is the regression test of the first finding
// of FuzzNativeOpen (testdata/fuzz/FuzzNativeOpen/c075ae6ae638ad8d): the
// native codec decoded cookies with encoding/base64, which skips '\r' and
// '\n' even in Strict mode, so a genuine cookie with line breaks inserted
// was accepted although FORMAT.md and DecodeSession promise canonical
// base64url only (one accepted text per envelope). Inspect had the same
// leniency.
func TestNativeRejectsLineBreaks(t *testing.T) {
	for _, e := range nativeEnvs(t)[:3] {
		cookie := e.cookies[0]
		for _, ins := range []string{"\n", "\r", "\r\n", "\r\r"} {
			for _, at := range []int{0, 1, len(cookie) / 2, len(cookie) - 1, len(cookie)} {
				mut := cookie[:at] + ins + cookie[at:]
				_, _, err := e.c.DecodeSession(e.name, mut, 0)
				if !errors.Is(err, codec.ErrMalformed) {
					t.Errorf("%s: %q inserted at %d: got %v, want ErrMalformed", e.desc, ins, at, err)
				}
				if _, err := codec.Inspect(mut); !errors.Is(err, codec.ErrMalformed) {
					t.Errorf("Inspect: %q inserted at %d: got %v, want ErrMalformed", ins, at, err)
				}
			}
		}
	}
}
