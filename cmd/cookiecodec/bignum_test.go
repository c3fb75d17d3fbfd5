package main

import (
	"encoding/base64"
	"strings"
	"testing"
)

// TestDecodeHintsOverLimitInteger: decode shows a payload holding an
// integer over 4300 digits, which verify, the library and Flask refuse,
// with a hint saying so, as it does for a payload nested too deep; one of
// 4300 digits gets no such hint.
func TestDecodeHintsOverLimitInteger(t *testing.T) {
	cookie := func(digits int) string {
		p := base64.RawURLEncoding.EncodeToString([]byte(`{"n":1` + strings.Repeat("0", digits-1) + `}`))
		return p + ".ZVPxAA.QehH-05txOR6UWU1Sr2AbjfnV0w"
	}
	code, stdout, h := runCLI(t, "", "decode", "--now", devNow, cookie(5000))
	if code != exitOK || !strings.Contains(stdout, `"n": 1000`) || !strings.Contains(h, "verify fails on this payload whatever the key") || !strings.Contains(h, "an integer of 5000 digits, over Python's limit of 4300") {
		t.Errorf("5000 digits: exit %d, hints %q", code, h)
	}
	code, _, h = runCLI(t, "", "decode", "--now", devNow, cookie(4300))
	if code != exitOK || strings.Contains(h, "4300") {
		t.Errorf("4300 digits: exit %d, hints %q", code, h)
	}
}
