package main

import (
	"slices"
	"strings"
	"testing"
)

// TestEmptyKeyRefused checks that sign and verify refuse an empty key,
// naming where it came from: Flask has no session without a secret.
func TestEmptyKeyRefused(t *testing.T) {
	empty := writeFile(t, "empty.key", nil)
	good := writeFile(t, "k", []byte("secret"))
	t.Setenv("COOKIECODEC_EMPTY_KEY", "")
	cookie := signFlask(t, []byte("secret"), `{"a":1}`)
	for _, verb := range []string{"sign", "verify"} {
		input := cookie
		if verb == "sign" {
			input = `{"a":1}`
		}
		for _, tc := range []struct {
			flags []string
			want  string
		}{
			{[]string{"--key-env", "COOKIECODEC_EMPTY_KEY"}, "--key-env COOKIECODEC_EMPTY_KEY: the environment variable is empty"},
			{[]string{"--key-env", "COOKIECODEC_UNSET_KEY"}, "--key-env COOKIECODEC_UNSET_KEY: the environment variable is not set"},
			{[]string{"--key-file", empty}, "--key-file " + empty + ": the file is empty"},
			{[]string{"--secret", ""}, "--secret is empty"},
			{[]string{"--key-file", good, "--fallback-key-file", empty}, "--fallback-key-file " + empty + ": the file is empty"},
		} {
			if verb == "sign" && slices.Contains(tc.flags, "--fallback-key-file") {
				continue // sign takes no fallback key
			}
			args := append([]string{verb, "--format", "flask", "--json"}, tc.flags...)
			code, stdout, stderr := runCLI(t, input, args...)
			// With --json, a usage error is also the one JSON object,
			// of kind "usage".
			if code != exitUsage || !strings.Contains(stderr, tc.want) {
				t.Errorf("%v: exit %d, stdout %q, stderr:\n%s", args, code, stdout, stderr)
			}
			if m := jsonOut(t, stdout); errKind(m) != "usage" {
				t.Errorf("%v: stdout %q, want error kind usage", args, stdout)
			}
		}
	}
}

// TestUnreadableFileKind checks that a file a flag names that cannot be
// read is error kind "file", not a malformed cookie, for verify, sign,
// decode's --data and audit's --wordlist, with exit status 3 (could not
// check) but for sign (1).
func TestUnreadableFileKind(t *testing.T) {
	missing := t.TempDir() + "/nonexistent"
	cookie := signFlask(t, []byte("secret"), `{"a":1}`)
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"verify", "--json", "--key-file", missing, cookie}, exitAuditFailed},
		{[]string{"verify", "--json", "--key-file", writeFile(t, "k", []byte("secret")), "--fallback-key-file", missing, cookie}, exitAuditFailed},
		{[]string{"sign", "--json", "--key-file", missing, `{"a":1}`}, exitFailed},
		{[]string{"audit", "--json", "--wordlist", missing, cookie}, exitAuditFailed},
		{[]string{"decode", "--json", "--url", "http://127.0.0.1:1/", "--data", "@" + missing}, exitAuditFailed},
	} {
		code, stdout, stderr := runCLI(t, "", tc.args...)
		if code != tc.code {
			t.Errorf("%v: exit %d, want %d: %s", tc.args, code, tc.code, stderr)
		}
		m := jsonOut(t, stdout)
		if k := errKind(m); k != "file" {
			t.Errorf("%v: error kind %q, want file: %v", tc.args, k, m)
		}
	}
}
