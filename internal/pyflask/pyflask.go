// Package pyflask drives the real Flask and itsdangerous, for differential
// tests. It runs Debian's Python (/usr/bin/python3, with the python3-flask
// package) as one long-lived subprocess speaking JSON lines, so that
// thousands of cases cost milliseconds each.
//
// Start with [Require] in a test: it skips when Flask is missing, except
// under CI=true, where a missing Flask fails the test, so that CI can never
// pass without having compared against the real library.
//
// Values cross the boundary as tagged-JSON text (what Flask writes) or as
// typed descriptions in the schema of shared/vectors/flask/public.json
// (meta.schema): {"type": "dict", "entries": [{"key", "value"}]} and so on.
// Dict entries come in Python's insertion order, which after a loads is the
// order of the text; compare dicts without regard to order.
package pyflask

import (
	"bufio"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"testing"
)

// Python is the interpreter the oracle runs: Debian's own, which is where
// python3-flask installs. The python3 first on PATH may be another one.
const Python = "/usr/bin/python3"

//go:embed oracle.py
var script string

// Oracle is a running Python process with Flask loaded. Its methods are
// safe for concurrent use; calls are served one at a time.
type Oracle struct {
	mu     sync.Mutex
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *bufio.Reader
	closed bool
}

// ErrUnavailable means Debian's Python with Flask is not installed.
var ErrUnavailable = errors.New("pyflask: Debian python3 with Flask is not available (apt-get install -y python3-flask)")

// Start launches the oracle. It returns ErrUnavailable when Flask cannot be
// imported by Debian's Python.
func Start() (*Oracle, error) {
	if _, err := os.Stat(Python); err != nil {
		return nil, ErrUnavailable
	}
	if err := exec.Command(Python, "-c", "import flask, itsdangerous").Run(); err != nil {
		return nil, ErrUnavailable
	}
	cmd := exec.Command(Python, "-c", script)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("pyflask: starting %s: %w", Python, err)
	}
	return &Oracle{cmd: cmd, stdin: stdin, stdout: bufio.NewReaderSize(stdout, 1<<20)}, nil
}

// Require starts an oracle for the test and stops it when the test ends.
// Without Flask it skips the test, or fails it when the environment has
// CI=true.
func Require(tb testing.TB) *Oracle {
	tb.Helper()
	o, err := Start()
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("real Flask is required under CI=true: %v", err)
		}
		tb.Skipf("skipping differential test: %v", err)
	}
	tb.Cleanup(func() { _ = o.Close() })
	return o
}

// Close ends the Python process.
func (o *Oracle) Close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return nil
	}
	o.closed = true
	_ = o.stdin.Close()
	return o.cmd.Wait()
}

// Call sends one request object and decodes the response into resp. A
// response carrying "error" (an exception inside the oracle) becomes a Go
// error.
func (o *Oracle) Call(req, resp any) error {
	line, err := json.Marshal(req)
	if err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return errors.New("pyflask: oracle is closed")
	}
	if _, err := o.stdin.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("pyflask: write: %w", err)
	}
	out, err := o.stdout.ReadBytes('\n')
	if err != nil {
		return fmt.Errorf("pyflask: read: %w", err)
	}
	var failure struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal(out, &failure); err != nil {
		return fmt.Errorf("pyflask: bad response %q: %w", out, err)
	}
	if failure.Error != "" {
		return fmt.Errorf("pyflask: python: %s", failure.Error)
	}
	return json.Unmarshal(out, resp)
}

// Config is an itsdangerous URLSafeTimedSerializer configuration with
// Flask's session serializer. Empty fields take Flask's values.
type Config struct {
	SecretHex     string   `json:"secret_hex"`
	FallbackHex   []string `json:"fallback_hex,omitempty"`   // oldest first, as SECRET_KEY_FALLBACKS
	Salt          string   `json:"salt,omitempty"`           // default "cookie-session"
	KeyDerivation string   `json:"key_derivation,omitempty"` // default "hmac"
	Digest        string   `json:"digest,omitempty"`         // hashlib name, default "sha1"
}

// Value is a value as Python sees it: its tagged-JSON text as Flask writes
// it in a request, and its typed description.
type Value struct {
	Text string          `json:"text"`
	Desc json.RawMessage `json:"desc"`
}

// Roundtrip has Flask load the tagged text and write it again.
func (o *Oracle) Roundtrip(text string) (Value, error) {
	var v Value
	err := o.Call(map[string]any{"op": "roundtrip", "text": text}, &v)
	return v, err
}

// Generate has Python make count random session dicts from seed (all tags,
// collisions, unicode, edge numbers) and returns for each the text Flask
// writes and the description of what Flask's loads reads back from it.
func (o *Oracle) Generate(seed int64, count int) ([]Value, error) {
	var resp struct {
		Values []Value `json:"values"`
	}
	err := o.Call(map[string]any{"op": "generate", "seed": seed, "count": count}, &resp)
	return resp.Values, err
}

// Sign has itsdangerous sign the value of the tagged text at the given Unix
// time, as Flask's session interface would with cfg.
func (o *Oracle) Sign(cfg Config, text string, timestamp int64) (string, error) {
	var resp struct {
		Cookie string `json:"cookie"`
	}
	err := o.Call(map[string]any{"op": "sign", "config": cfg, "text": text, "timestamp": timestamp}, &resp)
	return resp.Cookie, err
}

// LoadResult is the outcome of itsdangerous's loads.
type LoadResult struct {
	// Result is "ok" or the exception class: SignatureExpired,
	// BadTimeSignature, BadSignature, BadPayload or BadData.
	Result  string `json:"result"`
	Message string `json:"message,omitempty"`
	// Value is set when Result is "ok".
	Value
}

// Loads has itsdangerous load cookie at Unix time now. maxAge nil means no
// age check.
func (o *Oracle) Loads(cfg Config, cookie string, now int64, maxAge *int64) (LoadResult, error) {
	var r LoadResult
	err := o.Call(map[string]any{"op": "loads", "config": cfg, "cookie": cookie, "now": now, "max_age": maxAge}, &r)
	return r, err
}
