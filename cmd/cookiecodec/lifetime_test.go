package main

import (
	"strings"
	"testing"
)

// TestSetCookieLifetimeHint: when the input holds the Set-Cookie of a
// Flask cookie with an Expires or Max-Age shorter than the max-age used,
// decode and verify hint at the app's lifetime, and say when the cookie
// is past it; an Expires that matches the max-age gets no hint.
func TestSetCookieLifetimeHint(t *testing.T) {
	t.Setenv("KEY", "dev")
	// devCookie was issued at 1700000000, 2023-11-14 22:13:20 UTC.
	tenMin := "Set-Cookie: session=" + devCookie + "; Expires=Tue, 14 Nov 2023 22:23:19 GMT; HttpOnly; Path=/"
	maxAge := "HTTP/1.1 200 OK\nSet-Cookie: session=" + devCookie + "; Max-Age=600; Path=/\n"
	month := "Set-Cookie: session=" + devCookie + "; Expires=Fri, 15 Dec 2023 22:13:20 GMT; Path=/"
	for _, tc := range []struct {
		name, input, want string
	}{
		{"expires", tenMin, "the Set-Cookie sets Expires 10m after the cookie was issued: the app's lifetime (Flask: PERMANENT_SESSION_LIFETIME) is probably 10m, shorter than the max-age 31d used here; try --max-age 10m (by that lifetime, the cookie expired 50m ago, and the app rejects it)"},
		{"max-age", maxAge, "the Set-Cookie sets Max-Age=600 (10m)"},
		{"month", month, ""},
		{"no set-cookie", devCookie, ""},
	} {
		for _, verb := range []string{"verify", "decode"} {
			args := []string{verb, "--json", "--now", devNow, "-"}
			if verb == "verify" {
				args = append(args, "--key-env", "KEY")
			}
			code, out, _ := runCLI(t, tc.input, args...)
			h := hintsOf(jsonOut(t, out))
			if code != exitOK || tc.want == "" && strings.Contains(h, "Set-Cookie sets") || !strings.Contains(h, tc.want) {
				t.Errorf("%s, %s: exit %d, hints:\n%s", tc.name, verb, code, h)
			}
		}
	}
	// Within the lifetime: the hint, without "expired".
	code, out, _ := runCLI(t, tenMin, "verify", "--json", "--key-env", "KEY", "--now", "1700000300", "-")
	if h := hintsOf(jsonOut(t, out)); code != exitOK || !strings.Contains(h, "try --max-age 10m") || strings.Contains(h, "expired") {
		t.Errorf("within the lifetime: exit %d: %s", code, h)
	}
}
