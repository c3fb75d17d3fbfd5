package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDefaultTimeouts checks that every run is bounded, the CI guard much
// more tightly than a full run, and that -timeout overrides both.
func TestDefaultTimeouts(t *testing.T) {
	for _, tc := range []struct {
		o    options
		want time.Duration
	}{
		{options{}, 40 * time.Minute},
		{options{guard: true}, 5 * time.Minute},
		{options{guard: true, timeout: time.Minute}, time.Minute},
		{options{timeout: 2 * time.Hour}, 2 * time.Hour},
	} {
		o := tc.o
		o.setDefaults()
		if o.timeout != tc.want {
			t.Errorf("%+v: timeout %v, want %v", tc.o, o.timeout, tc.want)
		}
	}
}

// TestTimeoutFailsTheRun checks that a run out of time fails with a message
// naming the limit, and that a negative limit is a usage error.
func TestTimeoutFailsTheRun(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"-guard", "-timeout", "1ns"}, &stdout, &stderr); code != 1 {
		t.Errorf("exit %d, want 1; stderr %q", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "gave up after -timeout 1ns") {
		t.Errorf("stderr %q does not name the limit", stderr.String())
	}
	stderr.Reset()
	if code := run(context.Background(), []string{"-timeout", "-1s"}, &stdout, &stderr); code != 2 {
		t.Errorf("-timeout -1s: exit %d, want 2; stderr %q", code, stderr.String())
	}
}

// TestCommandStopsAtDeadline checks that a command still running when the
// context ends is killed and reported as out of time (if it were not,
// this test would wait 60 seconds and then fail).
func TestCommandStopsAtDeadline(t *testing.T) {
	if _, err := exec.LookPath("sleep"); err != nil {
		t.Skip("no sleep command")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := command(ctx, t.TempDir(), nil, &bytes.Buffer{}, "sleep", "60")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want one wrapping context.DeadlineExceeded", err)
	}
}

// TestBadOutFailsFirst checks that an -out whose directory cannot be made
// fails at once, before the benchmarks are built and run for minutes.
func TestBadOutFailsFirst(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"-out", filepath.Join(file, "sub", "RESULTS.md")}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "-out:") {
		t.Errorf("exit %d, stderr %q; want 1 and an -out error", code, stderr.String())
	}
	if strings.Contains(stderr.String(), "building the benchmarks") {
		t.Error("the benchmarks were built before -out was checked")
	}
}
