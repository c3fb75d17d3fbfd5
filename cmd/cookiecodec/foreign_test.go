package main

import (
	"strings"
	"testing"
)

// jwtHS256 is jwt.io's example token (secret "your-256-bit-secret").
const jwtHS256 = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"

// TestJWTIsNamed checks that a JWT, pasted instead of the session cookie,
// is named as such and fails as a cookie of no format cookiecodec reads:
// error kind malformed, exit 1 for decode and verify and 3 for audit
// (which used to answer "no match", exit 0, and decode showed the JWT's
// header as the session).
func TestJWTIsNamed(t *testing.T) {
	t.Setenv("JWTKEY", "your-256-bit-secret")
	for _, tt := range []struct {
		args []string
		code int
	}{
		{[]string{"decode", "--json", jwtHS256}, exitFailed},
		{[]string{"decode", "--json", "Cookie: token=x; session=" + jwtHS256}, exitFailed},
		{[]string{"verify", "--json", "--key-env", "JWTKEY", jwtHS256}, exitFailed},
		{[]string{"audit", "--json", jwtHS256}, exitAuditFailed},
	} {
		code, stdout, stderr := runCLI(t, "", tt.args...)
		if code != tt.code {
			t.Errorf("%q: exit %d, want %d\n%s%s", tt.args, code, tt.code, stdout, stderr)
			continue
		}
		m := jsonOut(t, stdout)
		msg, _ := m["error"].(map[string]any)["message"].(string)
		if errKind(m) != "malformed" || !strings.Contains(msg, `this is a JWT (JSON Web Token, alg "HS256"), not a session cookie`) {
			t.Errorf("%q: %s", tt.args, stdout)
		}
		if m["payload"] != nil {
			t.Errorf("%q: shows a payload: %s", tt.args, stdout)
		}
	}
	// Human audit: the error and a pointer to a JWT cracker, exit 3.
	code, _, stderr := runCLI(t, "", "audit", jwtHS256)
	if code != exitAuditFailed || !strings.Contains(stderr, "this is a JWT") || !strings.Contains(stderr, "hashcat -m 16500") {
		t.Errorf("audit: exit %d\n%s", code, stderr)
	}
	// --format flask still reads it the old way, as asked.
	if code, _, _ := runCLI(t, "", "decode", "--format", "flask", jwtHS256); code != exitOK {
		t.Errorf("decode --format flask: exit %d", code)
	}
}

// TestJWTLookalikeFlaskCookie checks that a real Flask cookie whose
// session holds "alg" is not taken for a JWT: its middle segment is a
// timestamp.
func TestJWTLookalikeFlaskCookie(t *testing.T) {
	t.Setenv("K", "dev")
	code, cookie, stderr := runCLI(t, "", "sign", "--key-env", "K", "--now", devNow, `{"alg": "HS256", "typ": "JWT"}`)
	if code != exitOK {
		t.Fatalf("sign: exit %d\n%s", code, stderr)
	}
	cookie = strings.TrimSpace(cookie)
	if _, ok := jwtAlg(cookie); ok {
		t.Fatalf("%s taken for a JWT", cookie)
	}
	if code, stdout, stderr := runCLI(t, "", "verify", "--key-env", "K", "--now", devNow, cookie); code != exitOK || !strings.Contains(stdout, `"alg": "HS256"`) {
		t.Errorf("verify: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, _, stderr := runCLI(t, "", "audit", cookie); code != exitFailed {
		t.Errorf("audit: exit %d, want 1 (secret dev)\n%s", code, stderr)
	}
}

// TestExpressCookieSessionIsNamed checks that an Express cookie-session
// pair (NAME and NAME.sig) is named, not shown as a Flask payload segment.
func TestExpressCookieSessionIsNamed(t *testing.T) {
	in := "Cookie: session=eyJ1c2VyIjoiYm9iIn0=; session.sig=Zk9ZbmNVZk9ZbmNVZk9ZbmNVZk9ZbmM"
	code, stdout, stderr := runCLI(t, "", "decode", "--json", in)
	m := jsonOut(t, stdout)
	if code != exitFailed || errKind(m) != "malformed" || !strings.Contains(stdout, "Express cookie-session cookie") || !strings.Contains(stdout, `\"session.sig\"`) {
		t.Errorf("decode: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, _, stderr := runCLI(t, "", "audit", in); code != exitAuditFailed || !strings.Contains(stderr, "Express cookie-session") {
		t.Errorf("audit: exit %d\n%s", code, stderr)
	}
	// The same value alone is still a Flask payload segment, as before.
	if code, stdout, _ := runCLI(t, "", "decode", "eyJ1c2VyIjoiYm9iIn0"); code != exitOK || !strings.Contains(stdout, `"user": "bob"`) {
		t.Errorf("bare payload: exit %d\n%s", code, stdout)
	}
}
