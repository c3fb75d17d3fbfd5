package main

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestHelpGolden pins the help text of every command: it is part of the
// contract (scripts and README.md in this directory quote it). Run with
// -update after a deliberate change.
func TestHelpGolden(t *testing.T) {
	for _, verb := range []string{"", "decode", "verify", "sign", "keygen", "audit"} {
		args := []string{"--help"}
		name := "help.golden"
		if verb != "" {
			args = []string{verb, "--help"}
			name = "help-" + verb + ".golden"
		}
		code, stdout, stderr := runCLI(t, "", args...)
		if code != exitOK || stderr != "" {
			t.Fatalf("%v: exit %d, stderr %q", args, code, stderr)
		}
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.WriteFile(path, []byte(stdout), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if stdout != string(want) {
			t.Errorf("%v output differs from %s:\n%s", args, path, stdout)
		}
	}
}
