package main

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

// TestVersion checks --version (and its spellings): the module version
// and the Go version on stdout, exit 0.
func TestVersion(t *testing.T) {
	info, ok := debug.ReadBuildInfo()
	want := versionText(info, ok)
	for _, arg := range []string{"--version", "-version", "version"} {
		code, stdout, stderr := runCLI(t, "", arg)
		if code != exitOK || stdout != want || stderr != "" || !strings.HasPrefix(stdout, "cookiecodec ") || !strings.Contains(stdout, runtime.Version()) {
			t.Errorf("%s: exit %d, stdout %q (want %q), stderr %q", arg, code, stdout, want, stderr)
		}
	}
	if code, _, _ := runCLI(t, "", "--version", "x"); code != exitUsage {
		t.Errorf("--version x: exit %d", code)
	}
	got := versionText(&debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}, Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef"}, {Key: "vcs.modified", Value: "true"}}}, true)
	if want := "cookiecodec v1.2.3 (" + runtime.Version() + ", revision 0123456789ab with local changes)\n"; got != want {
		t.Errorf("versionText = %q, want %q", got, want)
	}
	if got := versionText(nil, false); got != "cookiecodec (devel) ("+runtime.Version()+")\n" {
		t.Errorf("without build info: %q", got)
	}
}

// TestSignRefusesReaderFlags checks that sign refuses the flags that only
// a reader uses, with a hint, instead of ignoring them.
func TestSignRefusesReaderFlags(t *testing.T) {
	kf := writeFile(t, "k", []byte("secret"))
	for flag, hint := range map[string]string{"--skew": "--skew is a reader's allowance", "--fallback-key-file": "fallback keys only verify"} {
		code, stdout, stderr := runCLI(t, "", "sign", "--key-file", kf, flag, "5", `{"a":1}`)
		if code != exitUsage || stdout != "" || !strings.Contains(stderr, "sign takes no flag "+flag) || !strings.Contains(stderr, hint) {
			t.Errorf("%s: exit %d, stdout %q, stderr:\n%s", flag, code, stdout, stderr)
		}
	}
}
