package main

import (
	"strings"
	"testing"
)

// TestQuiet checks --quiet (-q) of decode, verify and audit: nothing on
// stdout, no verdict or hints on stderr, the exit status as without it;
// errors of statuses 2 and 3 and warnings still on stderr.
func TestQuiet(t *testing.T) {
	devKey := writeFile(t, "dev.key", []byte("dev"))
	t.Setenv("KEY", "dev")
	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stderr string // "" for an empty stderr, else a substring
	}{
		{"valid", "", []string{"verify", "-q", "--key-file", devKey, "--now", devNow, devCookie}, exitOK, ""},
		{"long flag", "", []string{"verify", "--quiet", "--key-file", devKey, "--now", devNow, devCookie}, exitOK, ""},
		{"expired", "", []string{"verify", "-q", "--key-file", devKey, "--now", "1702960000", devCookie}, exitFailed, ""},
		{"hinted rejection", "", []string{"verify", "-q", "--key-file", devKey, "--salt", "x", "--now", devNow, devCookie}, exitFailed, ""},
		{"decode", "", []string{"decode", "-q", "--now", devNow, devCookie}, exitOK, ""},
		{"decode junk", "", []string{"decode", "-q", "junk"}, exitFailed, ""},
		{"stdin", devCookie, []string{"verify", "-q", "--key-env", "KEY", "--now", devNow, "-"}, exitOK, ""},
		{"lines", devCookie + "\n\n" + devCookie + "\n", []string{"verify", "-q", "--key-env", "KEY", "--now", devNow, "--lines", "-"}, exitOK, ""},
		{"lines rejected", devCookie + "\nnope\n", []string{"verify", "-q", "--key-env", "KEY", "--now", devNow, "--lines", "-"}, exitFailed, ""},
		{"key file missing", "", []string{"verify", "-q", "--key-file", "/nonexistent/key", devCookie}, exitAuditFailed, "cookiecodec: error: --key-file"},
		{"unset variable", "", []string{"verify", "-q", "--key-env", "COOKIECODEC_TEST_UNSET", devCookie}, exitUsage, "COOKIECODEC_TEST_UNSET"},
		{"warning", "", []string{"verify", "-q", "--secret", "dev", "--now", devNow, devCookie}, exitOK, "cookiecodec: warning: --secret"},
		{"with json", "", []string{"verify", "-q", "--json", "--key-env", "KEY", devCookie}, exitUsage, "--quiet prints nothing"},
		{"audit weak", "", []string{"audit", "-q", "--workers", "1", devCookie}, exitFailed, ""},
		{"audit not a cookie", "", []string{"audit", "-q", "junk"}, exitAuditFailed, "cookiecodec: error: not a Flask"},
		{"audit reveal", "", []string{"audit", "-q", "--reveal", devCookie}, exitUsage, "--quiet prints nothing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tc.stdin, tc.args...)
			if tc.name == "with json" && errKind(jsonOut(t, stdout)) == "usage" {
				stdout = "" // --json keeps its promise of one object
			}
			if code != tc.code || stdout != "" {
				t.Errorf("exit %d, want %d; stdout %q", code, tc.code, stdout)
			}
			if tc.stderr == "" && stderr != "" || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr %q, want %q", stderr, tc.stderr)
			}
			if tc.stderr == "cookiecodec: warning: --secret" && strings.Count(stderr, "\n") != 1 {
				t.Errorf("stderr holds more than the warning: %q", stderr)
			}
		})
	}
}
