package main

import (
	"strconv"
	"strings"
	"testing"
)

// TestSignWarnsKeyNewline: sign warns, as verify hints, when its key ends
// with a newline (echo dev > key), which is part of the key and makes a
// cookie the app rejects; the cookie is still printed, exit 0.
func TestSignWarnsKeyNewline(t *testing.T) {
	t.Setenv("NLKEY", "dev\n")
	t.Setenv("KEY", "dev")
	const warn = "ends with a newline"
	for _, tt := range []struct {
		args []string
		warn bool
	}{
		{[]string{"--key-file", writeFile(t, "echoed.key", []byte("dev\n"))}, true},
		{[]string{"--key-file", writeFile(t, "crlf.key", []byte("dev\r\n"))}, true},
		{[]string{"--key-env", "NLKEY"}, true},
		{[]string{"--key-file", writeFile(t, "ok.key", []byte("dev"))}, false},
		{[]string{"--key-env", "KEY"}, false},
	} {
		args := append([]string{"sign", "--now", devNow}, tt.args...)
		code, stdout, stderr := runCLI(t, `{"user": "alice"}`, args...)
		if code != exitOK || !strings.Contains(stdout, ".") || strings.Contains(stderr, warn) != tt.warn {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want warning: %v", args, code, stdout, stderr, tt.warn)
		}
	}
}

// TestSignWarnsTimestamp: sign warns when --timestamp makes a cookie Flask
// refuses: issued in the future, or before 2011 (long expired; the warning
// says what it means for itsdangerous < 1.0, whose epoch is 2011).
func TestSignWarnsTimestamp(t *testing.T) {
	key := writeFile(t, "k", []byte("dev"))
	now, _ := strconv.ParseInt(devNow, 10, 64)
	for _, tt := range []struct {
		ts   int64
		want []string
		none bool
	}{
		{ts: now + 3600, want: []string{"--timestamp is 1h in the future", "Flask refuses"}},
		{ts: 1000, want: []string{"--timestamp 1000 is 1970-01-01 00:16:40 UTC", "Flask refuses it", "it means 2011-01-01 00:16:40 UTC, also past max-age"}},
		{ts: now - legacyEpoch - 60, want: []string{"expired long ago", "within max-age"}},
		{ts: now - 32*24*3600, want: []string{"more than max-age 31d ago", "already expired"}},
		{ts: now - 31*24*3600, none: true}, // exactly max-age old: still valid
		{ts: now, none: true},
		{ts: now - 3600, none: true},
	} {
		code, stdout, stderr := runCLI(t, `{"user": "alice"}`, "sign", "--key-file", key, "--now", devNow, "--timestamp", strconv.FormatInt(tt.ts, 10))
		if code != exitOK || !strings.Contains(stdout, ".") {
			t.Errorf("--timestamp %d: exit %d, stdout %q", tt.ts, code, stdout)
		}
		if tt.none && strings.Contains(stderr, "warning") {
			t.Errorf("--timestamp %d: %s", tt.ts, stderr)
		}
		for _, w := range tt.want {
			if !strings.Contains(stderr, "cookiecodec: warning: ") || !strings.Contains(stderr, w) {
				t.Errorf("--timestamp %d: stderr %q lacks %q", tt.ts, stderr, w)
			}
		}
	}
}
