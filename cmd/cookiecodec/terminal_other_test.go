//go:build !linux

package main

import (
	"os"
	"testing"
)

// openPTY skips: the tests open a pseudo-terminal on Linux only.
func openPTY(t *testing.T) *os.File {
	t.Helper()
	t.Skip("pseudo-terminal tests run on Linux")
	return nil
}
