package main

import "testing"

// TestProgressDumbTerminal: audit rewrites its progress line in place on
// a terminal, but not when TERM is dumb, which shows ESC [ K raw.
func TestProgressDumbTerminal(t *testing.T) {
	c := &cli{stderr: openPTY(t)}
	t.Setenv("TERM", "xterm")
	if !c.rewriteProgress() {
		t.Error("no rewriting on a terminal")
	}
	t.Setenv("TERM", "dumb")
	if c.rewriteProgress() {
		t.Error("rewriting under TERM=dumb")
	}
}
