package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

// failingWriter fails every write, as a full disk does.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, syscall.ENOSPC }

// TestStdoutWriteErrors: when standard output cannot be written, every
// command says so on stderr and exits non-zero (3 for decode, verify and
// audit, "could not check"; 1 for the others), instead of 0 with nothing
// written.
func TestStdoutWriteErrors(t *testing.T) {
	t.Setenv("KEY", "dev")
	tests := []struct {
		args  []string
		stdin string
		code  int
	}{
		{[]string{"keygen"}, "", exitFailed},
		{[]string{"keygen", "--json"}, "", exitFailed},
		{[]string{"sign", "--key-env", "KEY", `{"a":1}`}, "", exitFailed},
		{[]string{"decode", "--now", devNow, devCookie}, "", exitAuditFailed},
		{[]string{"verify", "--json", "--key-env", "KEY", "--now", devNow, devCookie}, "", exitAuditFailed},
		{[]string{"verify", "--json", "--key-env", "KEY", "--lines", "-"}, devCookie + "\n", exitAuditFailed},
		{[]string{"audit", "--json", devCookie}, "", exitAuditFailed},
		{[]string{"--help"}, "", exitFailed},
		{[]string{"--version"}, "", exitFailed},
	}
	for _, tc := range tests {
		var errOut bytes.Buffer
		code := run(tc.args, strings.NewReader(tc.stdin), failingWriter{}, &errOut)
		if code != tc.code || !strings.Contains(errOut.String(), "cookiecodec: error: writing standard output: no space left on device") {
			t.Errorf("%v: exit %d, want %d; stderr:\n%s", tc.args, code, tc.code, errOut.String())
		}
	}
	// A real process writing to /dev/full.
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full:", err)
	}
	defer full.Close()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), self, "keygen")
	cmd.Env = append(os.Environ(), runCLIEnvVar+"=1")
	var errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = full, &errOut
	err = cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != exitFailed || !strings.Contains(errOut.String(), "writing standard output") {
		t.Errorf("keygen > /dev/full: %v; stderr:\n%s", err, errOut.String())
	}
}
