package main

import (
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestURLEncodedCookieNamed: a whole cookie written with %XX escapes
// (its '.' as %2E) is named as URL-encoded, not shown as a lone payload
// segment; a payload segment alone is still shown.
func TestURLEncodedCookieNamed(t *testing.T) {
	enc := strings.ReplaceAll(devCookie, ".", "%2E")
	for _, tt := range []struct {
		args []string
		code int
	}{
		{[]string{"decode", "--json", enc}, exitFailed},
		{[]string{"decode", "--json", "session=" + enc}, exitFailed},
		{[]string{"verify", "--json", "--secret", "dev", enc}, exitFailed},
		{[]string{"audit", "--json", enc}, exitAuditFailed},
	} {
		code, stdout, stderr := runCLI(t, "", tt.args...)
		m := jsonOut(t, stdout)
		if code != tt.code || errKind(m) != "malformed" || !strings.Contains(stdout, "the value is URL-encoded") || !strings.Contains(stdout, "a whole flask cookie") || strings.Contains(stdout, "only the payload segment") {
			t.Errorf("%q: exit %d\n%s%s", tt.args, code, stdout, stderr)
		}
	}
}

// TestFileNameAsInput: INPUT that names an existing file gets a hint to
// read the file on standard input, on every failure; a cookie that
// decodes gets none.
func TestFileNameAsInput(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile("alltags.cookie", []byte(devCookie+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("c1", []byte(devCookie+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	const hint = "a file named %s exists: to read the cookie from it, give - < %s"
	for _, tt := range []struct {
		args []string
		file string
		code int
	}{
		{[]string{"decode", "alltags.cookie"}, "alltags.cookie", exitFailed},
		{[]string{"decode", "c1"}, "c1", exitFailed},
		{[]string{"verify", "--secret", "dev", "c1"}, "c1", exitFailed},
		{[]string{"audit", "alltags.cookie"}, "alltags.cookie", exitAuditFailed},
		{[]string{"audit", "--json", "c1"}, "c1", exitAuditFailed},
	} {
		code, stdout, stderr := runCLI(t, "", tt.args...)
		want := strings.ReplaceAll(hint, "%s", tt.file)
		if code != tt.code || !strings.Contains(stdout+stderr, want) {
			t.Errorf("%q: exit %d, want %d and %q\n%s%s", tt.args, code, tt.code, want, stdout, stderr)
		}
		if strings.Contains(stderr, "canonical spelling was audited") {
			t.Errorf("%q: claims an audit that did not run:\n%s", tt.args, stderr)
		}
	}
	code, _, stderr := runCLI(t, devCookie+"\n", "decode", "--now", devNow, "-")
	if code != exitOK || strings.Contains(stderr, "a file named") {
		t.Errorf("decode -: exit %d\n%s", code, stderr)
	}
}

// TestNotFoundNamesTheSessionCookie: when no cookie has the wanted name
// and only one of several looks like a session cookie (an app with its
// own SESSION_COOKIE_NAME), the hint names it, for decode, verify and
// audit, from a header and from --url.
func TestNotFoundNamesTheSessionCookie(t *testing.T) {
	header := "Cookie: tracking=GA1.2.345.678; csrftoken=0123abcd; theme=dark; mysess=" + devCookie
	const want = `pick the cookie with --name NAME: of these cookies, only "mysess" looks like a session cookie (flask): to take it, give --name mysess`
	url := fetchServer(t, map[string]http.HandlerFunc{"/multi": setCookies("", "tracking=GA1.2.345.678", "csrftoken=0123abcd", "mysess="+devCookie)})
	for _, args := range [][]string{
		{"decode", header},
		{"verify", "--secret", "dev", header},
		{"audit", header},
		{"decode", "--url", url + "/multi"},
		{"audit", "--url", url + "/multi"},
	} {
		_, _, stderr := runCLI(t, "", args...)
		if !strings.Contains(stderr, want) {
			t.Errorf("%q:\n%s", args, stderr)
		}
	}
	// Two lookalikes: no guess.
	_, _, stderr := runCLI(t, "", "decode", header+"; other="+devCookie)
	if strings.Contains(stderr, "looks like a session cookie") || !strings.Contains(stderr, "pick the cookie with --name NAME") {
		t.Errorf("two candidates:\n%s", stderr)
	}
}

// TestSmallFrictions covers cheap fixes of small frictions: --url without
// a scheme, "help VERB", audit -w, the flag package's one-dash flag names
// and --wordlist - (standard input).
func TestSmallFrictions(t *testing.T) {
	for _, tc := range []cliCase{
		{name: "url without scheme", args: []string{"decode", "--url", "127.0.0.1:18001/"}, code: exitUsage,
			stderr: []string{"--url 127.0.0.1:18001/ has no scheme: give --url http://127.0.0.1:18001/ (or https://)"}, notStderr: []string{"first path segment"}},
		{name: "url without scheme, host name", args: []string{"audit", "--url", "localhost:5000"}, code: exitUsage,
			stderr: []string{"give --url http://localhost:5000 (or https://)"}},
		{name: "help audit", args: []string{"help", "audit"}, code: exitOK, stdout: []string{"Usage: cookiecodec audit", "--wordlist PATH"}},
		{name: "audit -w", args: []string{"audit", "-w", "words.txt", devCookie}, code: exitUsage, stderr: []string{"audit takes no flag -w", "hint: --wordlist PATH"}},
		{name: "two dashes in flag errors", args: []string{"audit", "--workers", "abc", devCookie}, code: exitUsage,
			stderr: []string{`invalid value "abc" for flag --workers`}},
		{name: "wordlist on stdin", args: []string{"audit", "--wordlist", "-", "eyJ1c2VyIjoiZXZlIn0.ZVPxAA.sNmLevKUab0kZ7Ah8HKgTEwfU7I"}, stdin: "a\nb\nTr0ub4dor&3\n", code: exitFailed,
			stdout: []string{"line 3 of the wordlist"}},
		{name: "wordlist and cookie both on stdin", args: []string{"audit", "--wordlist", "-"}, stdin: devCookie, code: exitUsage,
			stderr: []string{"--wordlist - reads the wordlist on standard input: give the cookie as INPUT or with --url"}},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.check(t) })
	}
}

// TestMoreFrictions: curl's short flags and sign -c get targeted hints;
// audit --json of what is not a Flask cookie does not call it "flask";
// audit of a cookie with an itsdangerous < 1.0 timestamp says how to
// forge for that app.
func TestMoreFrictions(t *testing.T) {
	for _, tc := range []cliCase{
		{name: "curl -X", args: []string{"decode", "-X", "PUT", "--url", "http://127.0.0.1:1/"}, code: exitUsage, stderr: []string{"hint: --request METHOD (curl's -X)"}},
		{name: "curl -d", args: []string{"decode", "-d", "a=b", "--url", "http://127.0.0.1:1/"}, code: exitUsage, stderr: []string{"hint: --data BODY (curl's -d)"}},
		{name: "curl -H", args: []string{"audit", "-H", "A: b", "--url", "http://127.0.0.1:1/"}, code: exitUsage, stderr: []string{"hint: --header 'Name: value' (curl's -H)"}},
		{name: "sign -c", args: []string{"sign", "-c", "{}"}, code: exitUsage, stderr: []string{"hint: give the session (JSON, or a Python literal with --python)"}},
		{name: "audit json of garbage", args: []string{"audit", "--json", "garbage"}, code: exitAuditFailed, stdout: []string{`"format":""`}},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.check(t) })
	}
	now, _ := strconv.ParseInt(devNow, 10, 64)
	legacy := signFlask(t, []byte("dev"), `{"user":"eve"}`, "--timestamp", strconv.FormatInt(now-legacyEpoch-60, 10))
	const want = "it counts from 2011-01-01 (itsdangerous < 1.0, Flask <= 1.0), so it was issued 2023-11-14 23:12:20 UTC; a cookie forged for this app needs the same epoch: sign --timestamp $(( $(date +%s) - 1293840000 ))"
	if code, _, stderr := runCLI(t, "", "audit", legacy); code != exitFailed || !strings.Contains(stderr, want) {
		t.Errorf("legacy audit: exit %d\n%s", code, stderr)
	}
	if _, _, stderr := runCLI(t, "", "audit", devCookie); strings.Contains(stderr, "2011-01-01") {
		t.Errorf("audit of a 1970-epoch cookie:\n%s", stderr)
	}
}
