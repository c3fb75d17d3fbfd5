package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestPythonFlaskTimeit runs the Flask timing script with real Flask, the
// way the report does, and checks its output is benchmark lines that the
// report can use: the uncompressed S cookie is 375 bytes, as the Go Flask
// codec's is.
func TestPythonFlaskTimeit(t *testing.T) {
	const python = "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import flask, itsdangerous").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Flask is required under CI: %s -c 'import flask': %v", python, err)
		}
		t.Skipf("no Flask for %s (apt-get install python3-flask): %v", python, err)
	}
	ctx := context.Background()
	root, err := moduleRoot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out, err := runPython(ctx, root, t.TempDir(), python, []string{"S"}, 2, "10ms", "PythonFlask/", nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	line := regexp.MustCompile(`^BenchmarkPythonFlask/S/(encode|decode)-\d+\t\d+\t\d+\.\d ns/op(\t375 cookie-bytes)?$`)
	counts := map[string]int{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if strings.HasPrefix(l, "goos:") || strings.HasPrefix(l, "goarch:") || strings.HasPrefix(l, "pkg:") {
			continue
		}
		m := line.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("unexpected line %q", l)
			continue
		}
		if (m[1] == "encode") != (m[2] != "") {
			t.Errorf("cookie-bytes on the wrong lines: %q", l)
		}
		counts[m[1]]++
	}
	if counts["encode"] != 2 || counts["decode"] != 2 {
		t.Errorf("lines per benchmark %v, want 2 each (-count 2); the zlib variant must be filtered out", counts)
	}
	if v := pythonVersion(out); !strings.Contains(v, "flask") {
		t.Errorf("pythonVersion = %q", v)
	}
}
