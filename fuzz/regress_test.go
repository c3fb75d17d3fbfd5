package fuzz

import (
	"errors"
	"testing"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/cookiecodec/cookiecodec/serializer"
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

// TestHTTPDateNeedsSpaces is the regression test of the first finding of
// TestDifferentialFlask: the serializer read " d" text without the spaces
// between its fields ("Thu, 18 Dec 1417 03:01:13GMT") as a datetime, where
// Flask (werkzeug parse_date, which splits on whitespace) reads None. Such
// text must be ErrBadTag, the serializer's documented answer to a " d" that
// Python cannot parse; the spellings Python accepts still parse.
func TestHTTPDateNeedsSpaces(t *testing.T) {
	for _, s := range []string{
		"Thu, 18 Dec 1417 03:01:13GMT", "18Dec 1417 03:01:13 GMT", "18 Dec1417 03:01:13 GMT", "18 Dec 141703:01:13 GMT",
	} {
		_, err := serializer.Unmarshal([]byte(`{"a":{" d":"` + s + `"}}`))
		if !errors.Is(err, serializer.ErrBadTag) {
			t.Errorf("%q: got %v, want ErrBadTag (Python: None)", s, err)
		}
	}
	for _, s := range []string{"Thu, 18 Dec 1417 03:01:13 GMT", "Thu,18 Dec 1417 03:01:13 GMT", "18 Dec 1417 03:01:13 +0100"} {
		if _, err := serializer.Unmarshal([]byte(`{"a":{" d":"` + s + `"}}`)); err != nil {
			t.Errorf("%q: %v (Python parses it)", s, err)
		}
	}
}
