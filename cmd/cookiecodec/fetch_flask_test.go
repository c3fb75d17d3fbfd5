package main

import (
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec/internal/pyflask"
)

// TestFetchFlask logs in to a real Flask app (testdata/flasklogin.py, on
// 127.0.0.1) with verify --url: Flask sets the session on the 302 of
// /login, and the CLI verifies it with Flask's key. Flask's deletion of
// the session on /logout is reported.
func TestFetchFlask(t *testing.T) {
	const secret = "live --url secret"
	base := pyflask.StartApp(t, "testdata/flasklogin.py", secret)
	key := writeFile(t, "flask.key", []byte(secret))

	code, stdout, stderr := runCLI(t, "", "verify", "--key-file", key, "--url", base+"/login")
	if code != exitOK || !strings.Contains(stdout, "input:      Set-Cookie header from GET "+base+"/login (302 FOUND, response 1 of 2), cookie \"session\"\n") ||
		!strings.Contains(stdout, "VALID") || !strings.Contains(stdout, `"roles": ("admin", "dev")`) {
		t.Errorf("verify --url /login: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI(t, "", "verify", "--json", "--key-file", key, "--url", base+"/login")
	m := jsonOut(t, stdout)
	p, _ := m["payload"].(map[string]any)
	if code != exitOK || m["valid"] != true || p["user"] != "alice" || p["n"] != float64(3) {
		t.Errorf("verify --json --url /login: exit %d\n%s%s", code, stdout, stderr)
	}
	code, _, stderr = runCLI(t, "", "verify", "--key-file", writeFile(t, "other.key", []byte("other")), "--url", base+"/login")
	if code != exitFailed || !strings.Contains(stderr, "invalid signature") {
		t.Errorf("verify --url /login with another key: exit %d\n%s", code, stderr)
	}
	code, stdout, stderr = runCLI(t, "", "decode", "--url", base+"/logout")
	if code != exitFailed || !strings.Contains(stderr, "the Set-Cookie header of GET "+base+"/logout (302 FOUND, response 1 of 2) deletes cookie \"session\"") {
		t.Errorf("decode --url /logout: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
}
