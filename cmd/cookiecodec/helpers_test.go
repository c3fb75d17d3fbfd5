package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec/codec"
)

// runCLIEnvVar, set to 1 in a test binary's environment, makes that binary
// the cookiecodec command (see TestMain), for the few tests that need a
// fresh process: net/http reads the proxy variables once per process.
const runCLIEnvVar = "COOKIECODEC_TEST_AS_CLI"

// TestMain runs the tests, or, with runCLIEnvVar set to 1, the command.
func TestMain(m *testing.M) {
	if os.Getenv(runCLIEnvVar) == "1" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// runCLIProcess runs the command in a new process with env added to the
// test's environment.
func runCLIProcess(t *testing.T, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), self, args...)
	cmd.Env = append(append(os.Environ(), runCLIEnvVar+"=1"), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
}

// runCLI runs the program with args and stdin and returns its exit
// status and output.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// jsonOut decodes the single JSON object a --json run printed, failing if
// stdout holds anything else, or if the object lacks "schema_version" 1.
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
	if v, ok := m["schema_version"].(float64); !ok || v != schemaVersion {
		t.Errorf("schema_version is %v, want %d:\n%s", m["schema_version"], schemaVersion, stdout)
	}
	checkHintCodes(t, m)
	return m
}

// checkHintCodes checks, in a --json object that has "hints", that
// "hint_codes" has one known code per hint.
func checkHintCodes(t *testing.T, m map[string]any) {
	t.Helper()
	hints, ok := m["hints"].([]any)
	if !ok {
		if _, keygen := m["key_id"]; !keygen {
			t.Errorf("no hints array: %v", m)
		}
		return
	}
	codes, ok := m["hint_codes"].([]any)
	if !ok || len(codes) != len(hints) {
		t.Errorf("hint_codes %v does not match hints %v", m["hint_codes"], hints)
		return
	}
	for _, c := range codes {
		s, _ := c.(string)
		if !slices.ContainsFunc(hintCodes, func(k hintCode) bool { return k.name == s }) {
			t.Errorf("hint code %v is not in hintCodes", c)
		}
	}
}

// hintCodesOf returns the "hint_codes" member of a --json result.
func hintCodesOf(m map[string]any) []string {
	cs, _ := m["hint_codes"].([]any)
	var out []string
	for _, c := range cs {
		s, _ := c.(string)
		out = append(out, s)
	}
	return out
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

// cliCase is one run of the program and what its output must hold.
type cliCase struct {
	name      string
	args      []string
	stdin     string
	code      int
	stdout    []string // substrings
	stderr    []string // substrings
	notStdout []string
	notStderr []string
}

// check runs the case and reports every difference; a --json run that is
// not a usage error must print exactly one JSON object.
func (tc cliCase) check(t *testing.T) (stdout, stderr string) {
	t.Helper()
	code, stdout, stderr := runCLI(t, tc.stdin, tc.args...)
	if code != tc.code {
		t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, stdout, stderr)
	}
	expectText(t, "stdout", stdout, tc.stdout, tc.notStdout)
	expectText(t, "stderr", stderr, tc.stderr, tc.notStderr)
	if slices.ContainsFunc(tc.args, func(a string) bool { return strings.Contains(a, "--json") }) && tc.code != exitUsage {
		jsonOut(t, stdout)
	}
	return stdout, stderr
}

// expectText reports each of want that text (the stream called what) lacks
// and each of avoid that it contains.
func expectText(t *testing.T, what, text string, want, avoid []string) {
	t.Helper()
	for _, s := range want {
		if !strings.Contains(text, s) {
			t.Errorf("%s lacks %q:\n%s", what, s, text)
		}
	}
	for _, s := range avoid {
		if strings.Contains(text, s) {
			t.Errorf("%s contains %q:\n%s", what, s, text)
		}
	}
}

// nativeFromKeyFile returns the native codec of the key in keyFile (as
// keygen writes it), with opts.
func nativeFromKeyFile(t *testing.T, keyFile string, opts codec.NativeOptions) *codec.Native {
	t.Helper()
	text, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	k, err := codec.ParseKey(string(text))
	if err != nil {
		t.Fatal(err)
	}
	ring, err := codec.NewKeyRing(k)
	if err != nil {
		t.Fatal(err)
	}
	n, err := codec.NewNative(ring, opts)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
