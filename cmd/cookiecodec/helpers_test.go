package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the program with args and stdin and returns its exit
// status and output.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// jsonOut decodes the single JSON object a --json run printed, failing if
// stdout holds anything else.
func jsonOut(t *testing.T, stdout string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(stdout))
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, stdout)
	}
	if dec.More() {
		t.Fatalf("stdout holds more than one JSON value:\n%s", stdout)
	}
	return m
}

// writeFile writes data to a new file in a temporary directory and
// returns its path.
func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// errKind returns the "error.kind" member of a --json result, or "".
func errKind(m map[string]any) string {
	e, ok := m["error"].(map[string]any)
	if !ok {
		return ""
	}
	k, _ := e["kind"].(string)
	return k
}

// hintsOf returns the "hints" member of a --json result joined by
// newlines.
func hintsOf(m map[string]any) string {
	hs, _ := m["hints"].([]any)
	var parts []string
	for _, h := range hs {
		s, _ := h.(string)
		parts = append(parts, s)
	}
	return strings.Join(parts, "\n")
}
