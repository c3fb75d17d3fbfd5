package main

import (
	"strings"
	"testing"
)

// TestSetCookieLinesLastWins: bare Set-Cookie lines follow the response
// rules, as a transcript does: the last Set-Cookie of the name counts,
// and a deletion is reported (kind "deleted"), while Cookie lines keep
// the request rule (the first cookie of the name).
func TestSetCookieLinesLastWins(t *testing.T) {
	t.Setenv("KEY", "dev")
	other := strings.Replace(devCookie, "QehH", "AAAA", 1)
	login := "Set-Cookie: session=" + devCookie + "; HttpOnly; Path=/"
	logout := "Set-Cookie: session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/"
	cases := []struct {
		name, input string
		valid       bool
		kind        string
	}{
		{"login then logout", login + "\n" + logout + "\n", false, "deleted"},
		{"logout then login", logout + "\r\n" + login + "\r\n", true, ""},
		{"rotation: the last counts", "Set-Cookie: session=" + other + "; Path=/\n" + login, true, ""},
		{"rotation: the last counts, bad", login + "\nSet-Cookie: session=" + other + "; Path=/", false, "signature"},
		{"Cookie lines: the first counts", "Cookie: session=" + devCookie + "\nCookie: session=" + other, true, ""},
		{"header block, response", "content-type: text/html\n" + strings.ToLower(login[:10]) + login[10:] + "\nx-frame-options: DENY\n" + logout, false, "deleted"},
	}
	for _, tc := range cases {
		code, out, _ := runCLI(t, tc.input, "verify", "--json", "--key-env", "KEY", "--now", devNow, "-")
		m := jsonOut(t, out)
		if tc.valid != (code == exitOK) || errKind(m) != tc.kind {
			t.Errorf("%s: exit %d, kind %q, want %q: %s", tc.name, code, errKind(m), tc.kind, out)
		}
		if strings.HasPrefix(tc.input, "Set-Cookie") && strings.Contains(hintsOf(m), "the first was checked") {
			t.Errorf("%s: Cookie-header hint for Set-Cookie lines: %s", tc.name, out)
		}
	}
}

// TestCIContract: with --json a usage error still prints one JSON object
// (kind "usage", exit 2); "no cookie of that name" and "the response
// deletes it" have kinds of their own; decode and verify exit 3 when they
// could not check (a key file, --url); --key-file - reads the key on
// standard input when INPUT does not.
func TestCIContract(t *testing.T) {
	t.Setenv("KEY", "dev")
	for _, args := range [][]string{
		{"verify", "--json", "--key-env", "NOT_SET_IN_CI_XYZ", devCookie},
		{"verify", "--json", "--nope", devCookie},
		{"decode", "--json", devCookie, devCookie},
		{"audit", "--json", "--workers", "-1", devCookie},
		{"sign", "--json", "--format", "nope", "--key-env", "KEY", "{}"},
		{"keygen", "--json", "extra"},
		{"verify", "--json", "--key-file", "-", "-"},
	} {
		code, out, stderr := runCLI(t, "", args...)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want 2", args, code)
			continue
		}
		m := jsonOut(t, out)
		e, _ := m["error"].(map[string]any)
		if errKind(m) != "usage" || e["message"] == "" || !strings.Contains(stderr, "cookiecodec: error:") {
			t.Errorf("%v: %s", args, out)
		}
		if args[0] == "verify" && m["valid"] != false {
			t.Errorf("%v: valid is %v", args, m["valid"])
		}
	}
	kinds := []struct {
		input, kind string
	}{
		{"Cookie: other=1; theme=dark", "not_found"},
		{"HTTP/1.1 200 OK\nSet-Cookie: session=; Max-Age=0\n", "deleted"},
		{"\n", "empty"},
	}
	for _, k := range kinds {
		code, out, _ := runCLI(t, k.input, "verify", "--json", "--key-env", "KEY", "-")
		if m := jsonOut(t, out); code != exitFailed || errKind(m) != k.kind {
			t.Errorf("%q: exit %d, kind %q, want 1, %s", k.input, code, errKind(m), k.kind)
		}
	}
	// Could not check: exit 3, for a key file and for --url.
	for _, args := range [][]string{
		{"verify", "--json", "--key-file", "/nonexistent/key", devCookie},
		{"decode", "--json", "--url", "http://127.0.0.1:1/"},
		{"verify", "--json", "--key-env", "KEY", "--url", "http://127.0.0.1:1/"},
	} {
		code, out, _ := runCLI(t, "", args...)
		if m := jsonOut(t, out); code != exitAuditFailed || (errKind(m) != "file" && errKind(m) != "fetch") {
			t.Errorf("%v: exit %d: %s", args, code, out)
		}
	}
	// --key-file - and --fallback-key-file -.
	code, out, _ := runCLI(t, "dev", "verify", "--json", "--key-file", "-", "--now", devNow, devCookie)
	if m := jsonOut(t, out); code != exitOK || m["valid"] != true {
		t.Errorf("--key-file -: exit %d: %s", code, out)
	}
	other := writeFile(t, "other.key", []byte("other"))
	code, out, _ = runCLI(t, "dev", "verify", "--json", "--key-file", other, "--fallback-key-file", "-", "--now", devNow, devCookie)
	if m := jsonOut(t, out); code != exitOK || m["key"] != "fallback 1" {
		t.Errorf("--fallback-key-file -: exit %d: %s", code, out)
	}
	code, _, stderr := runCLI(t, "dev", "verify", "--key-file", "-", "--fallback-key-file", "-", devCookie)
	if code != exitUsage || !strings.Contains(stderr, "standard input is read once") {
		t.Errorf("two flags on stdin: exit %d: %s", code, stderr)
	}
}

// TestSchemaVersion checks that every kind of JSON object the command
// prints carries "schema_version": 1: results of decode, verify (with
// and without --lines), sign, keygen and audit, failures, and usage
// errors.
func TestSchemaVersion(t *testing.T) {
	t.Setenv("KEY", "dev")
	runs := [][]string{
		{"decode", "--json", "--now", devNow, devCookie},
		{"verify", "--json", "--key-env", "KEY", "--now", devNow, devCookie},
		{"verify", "--json", "--key-env", "KEY", "garbage"},
		{"verify", "--json", "--key-file", "/nonexistent", devCookie},
		{"verify", "--json", "--bogus", devCookie},
		{"sign", "--json", "--key-env", "KEY", `{"a":1}`},
		{"keygen", "--json"},
		{"keygen", "--json", "extra"},
		{"audit", "--json", "--workers", "1", devCookie},
		{"audit", "--json", "garbage"},
	}
	for _, args := range runs {
		_, stdout, _ := runCLI(t, "", args...)
		jsonOut(t, stdout) // checks schema_version
	}
	_, stdout, _ := runCLI(t, devCookie+"\nnope\n", "verify", "--json", "--lines", "-", "--key-env", "KEY", "--now", devNow)
	for _, line := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
		if !strings.HasPrefix(line, `{"line":`) || !strings.Contains(line, `,"schema_version":1,`) {
			t.Errorf("--lines object without schema_version after line: %s", line)
		}
	}
}
