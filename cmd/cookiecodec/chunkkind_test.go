package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec/codec"
)

// chunkedSession returns a native key file and two sessions sealed with
// it, each split into 3 chunks as cookiesession writes them.
func chunkedSession(t *testing.T) (keyFile string, a, b [3]string) {
	t.Helper()
	keyFile, _ = newNativeKey(t)
	n := nativeFromKeyFile(t, keyFile, codec.NativeOptions{MaxCookieSize: 64 << 10})
	split := func(blob string) [3]string {
		v, _, err := n.EncodeSession("session", map[string]any{"blob": blob}, codec.Meta{}, 64<<10)
		if err != nil {
			t.Fatal(err)
		}
		third := len(v) / 3
		return [3]string{"~3~" + v[:third], v[third : 2*third], v[2*third:]}
	}
	return keyFile, split(strings.Repeat("x", 9000)), split(strings.Repeat("y", 9000))
}

// TestChunkKindAndFormat: every incomplete chunk set is error kind
// "chunk" with format "native", however it is spelled (name=value, a
// Cookie header, Set-Cookie lines, chunks 1 and 2 without 3); and a chunk
// from another write of the session gets a hint about mixed responses,
// not one that blames the key.
func TestChunkKindAndFormat(t *testing.T) {
	keyFile, a, b := chunkedSession(t)
	inputs := map[string]string{
		"pair":              "session=" + a[0],
		"header chunk 1":    "Cookie: session=" + a[0],
		"header chunks 1 2": fmt.Sprintf("Cookie: session=%s; session.2=%s", a[0], a[1]),
		"set-cookie 1 2":    fmt.Sprintf("Set-Cookie: session=%s; Path=/\nSet-Cookie: session.2=%s; Path=/", a[0], a[1]),
		"raw chunk 1":       a[0],
		"chunk 2 alone":     "Cookie: session.2=" + a[1],
	}
	for name, input := range inputs {
		for _, verb := range []string{"decode", "verify"} {
			args := []string{verb, "--json", "-"}
			if verb == "verify" {
				args = append(args, "--key-file", keyFile)
			}
			code, out, _ := runCLI(t, input, args...)
			m := jsonOut(t, out)
			if code != exitFailed || errKind(m) != "chunk" || m["format"] != "native" {
				t.Errorf("%s, %s: exit %d, kind %q, format %v, want 1, chunk, native: %s", name, verb, code, errKind(m), m["format"], out)
			}
		}
		// The human decode shows no header block for a cookie it could
		// not read.
		if _, out, _ := runCLI(t, input, "decode", "-"); out != "" {
			t.Errorf("%s: decode prints %q", name, out)
		}
	}
	mixed := fmt.Sprintf("Cookie: session=%s; session.2=%s; session.3=%s", a[0], b[1], a[2])
	code, out, _ := runCLI(t, mixed, "verify", "--json", "--key-file", keyFile, "-")
	m := jsonOut(t, out)
	h := hintsOf(m)
	if code != exitFailed || errKind(m) != "signature" || !strings.Contains(h, "reassembled from 3 chunks: one of them may come from another response") || strings.Contains(h, "another key") {
		t.Errorf("mixed chunks: exit %d: %s", code, out)
	}
}
