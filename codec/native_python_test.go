package codec_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestNativeVectorsPythonReader runs the second, independent reader of the
// native envelope (testdata/native-reference/reader.py, written in Python
// from FORMAT.md alone) against every vector in testdata/native. It shows
// that FORMAT.md is complete enough to implement the reader. The vector
// directory can be overridden with COOKIECODEC_NATIVE_VECTORS (for example
// to check that a corrupted copy of the vectors makes the test fail).
func TestNativeVectorsPythonReader(t *testing.T) {
	const (
		python = "/usr/bin/python3"
		script = "testdata/native-reference/reader.py"
	)
	if err := exec.Command(python, "-c", "import cryptography.hazmat.primitives.ciphers.aead").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Python with the cryptography module is required under CI: %s -c 'import cryptography': %v", python, err)
		}
		t.Skipf("no Python with the cryptography module (%s; apt-get install python3-cryptography): %v", python, err)
	}
	dir := "testdata/native"
	if d := os.Getenv("COOKIECODEC_NATIVE_VECTORS"); d != "" {
		dir = d
	}
	// -B: do not write __pycache__ into the source tree.
	cmd := exec.CommandContext(context.Background(), python, "-B", script, dir)
	out, err := cmd.CombinedOutput()
	text := string(out)
	t.Logf("%s %s %s:\n%s", python, script, dir, text)
	if err != nil {
		t.Errorf("reader.py failed (exit status non-zero): %v", err)
	}
	lines := strings.Split(strings.TrimSpace(text), "\n")
	passed := 0
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "FAIL"):
			t.Errorf("%s", l)
		case strings.HasPrefix(l, "PASS"):
			passed++
		}
	}
	if passed == 0 {
		t.Fatalf("no vector passed: is %s empty?", dir)
	}
	if last := lines[len(lines)-1]; !strings.HasSuffix(last, " passed, 0 failed") {
		t.Errorf("summary line %q", last)
	}
}
