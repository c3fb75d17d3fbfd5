package main

import (
	"strings"
	"testing"
)

// TestMoreCIFrictions: decode --json says whether the cookie expired; the
// key hints speak of the variable when the key came from --key-env (its
// quotes, its newline), and a Flask key of several words ("NEW OLD", a
// native key ring's syntax) is tried word by word; document.cookie input
// without the session gets the HttpOnly advice.
func TestMoreCIFrictions(t *testing.T) {
	_, out, _ := runCLI(t, "", "decode", "--json", "--now", "1702960000", devCookie)
	if m := jsonOut(t, out); m["expired"] != true {
		t.Errorf("decode, expired: %s", out)
	}
	_, out, _ = runCLI(t, "", "decode", "--json", "--now", devNow, devCookie)
	if m := jsonOut(t, out); m["expired"] != false {
		t.Errorf("decode, not expired: %s", out)
	}
	for _, tc := range []struct{ key, want string }{
		{`"dev"`, "the variable KEY is used as its exact bytes, quotes included"},
		{"dev\n", "the variable KEY is used as its exact bytes: store the secret without the newline"},
		{"new dev", "using only word 2 of the primary key"},
	} {
		t.Setenv("KEY", tc.key)
		_, out, _ := runCLI(t, "", "verify", "--json", "--key-env", "KEY", "--now", devNow, devCookie)
		if h := hintsOf(jsonOut(t, out)); !strings.Contains(h, tc.want) || strings.Contains(h, "key file") && tc.key != "new dev" {
			t.Errorf("key %q: hints:\n%s", tc.key, h)
		}
	}
	for _, input := range []string{"theme=dark", "theme=dark; lang=en"} {
		_, out, _ := runCLI(t, input, "decode", "--json", "-")
		if h := hintsOf(jsonOut(t, out)); !strings.Contains(h, "HttpOnly") || !strings.Contains(h, "document.cookie") {
			t.Errorf("%q: hints:\n%s", input, h)
		}
	}
}
