package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cookiecodec/cookiecodec/bench"
)

// moduleRoot returns the directory of the main module's go.mod.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("not inside a Go module; run from the cookiecodec tree")
	}
	return filepath.Dir(mod), nil
}

// command runs name args in dir, copying its stdout to progress (if not
// nil) while capturing it; stderr goes to the given writer.
func command(ctx context.Context, dir string, progress, stderr io.Writer, name string, args ...string) ([]byte, error) {
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Stdout = &out
	if progress != nil {
		cmd.Stdout = io.MultiWriter(&out, progress)
	}
	cmd.Stderr = stderr
	// After the context ends and the process is killed, stop waiting for
	// its output even if a child it started still holds the pipes.
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		if ctxErr := context.Cause(ctx); ctxErr != nil {
			return out.Bytes(), fmt.Errorf("%s %s: %w (%v)", name, strings.Join(args, " "), ctxErr, err)
		}
		return out.Bytes(), fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return out.Bytes(), nil
}

// buildBench compiles the bench package's test binary into dir.
func buildBench(ctx context.Context, root, dir string, stderr io.Writer) (string, error) {
	bin := filepath.Join(dir, "bench.test")
	_, err := command(ctx, root, nil, stderr, "go", "test", "-c", "-o", bin, "./bench/")
	return bin, err
}

// runBenchmarks runs the test binary's benchmarks matching pattern.
func runBenchmarks(ctx context.Context, root, bin, pattern string, count int, benchtime string, progress, stderr io.Writer, extra ...string) ([]byte, error) {
	args := append([]string{"-test.run", "^$", "-test.bench", pattern, "-test.benchmem",
		"-test.count", strconv.Itoa(count), "-test.benchtime", benchtime, "-test.timeout", "0"}, extra...)
	return command(ctx, filepath.Join(root, "bench"), progress, stderr, bin, args...)
}

// runPython times real Flask on the named sessions with the Python script.
// filter selects benchmarks by a substring of their name ("" for all).
func runPython(ctx context.Context, root, dir, python string, names []string, count int, benchtime, filter string, progress, stderr io.Writer) ([]byte, error) {
	all := map[string]map[string]any{"S": bench.S(), "L": bench.L()}
	sessions := map[string]map[string]any{}
	for _, n := range names {
		sessions[n] = all[n]
	}
	data, err := json.Marshal(sessions)
	if err != nil {
		return nil, err
	}
	file := filepath.Join(dir, "sessions.json")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		return nil, err
	}
	script := filepath.Join(root, "bench", "python", "flask_timeit.py")
	return command(ctx, root, progress, stderr, python, script,
		"--sessions", file, "--count", strconv.Itoa(count),
		"--min-time", strconv.FormatFloat(seconds(benchtime), 'g', -1, 64),
		"--procs", strconv.Itoa(runtime.GOMAXPROCS(0)), "--filter", filter)
}

// seconds converts a -benchtime duration to seconds for the Python script;
// an iteration count such as "100x" gives the default 0.3 s.
func seconds(benchtime string) float64 {
	d, err := time.ParseDuration(benchtime)
	if err != nil || d <= 0 {
		return 0.3
	}
	return d.Seconds()
}

// benchstat runs `go tool benchstat` on file, once as CSV (parsed) and once
// as text (for the report).
func benchstat(ctx context.Context, root, file string, stderr io.Writer) (stats, string, error) {
	csvOut, err := command(ctx, root, nil, io.Discard, "go", "tool", "benchstat", "-format", "csv", "-table", "", file)
	if err != nil {
		return nil, "", err
	}
	s, err := parseBenchstatCSV(bytes.NewReader(csvOut))
	if err != nil {
		return nil, "", err
	}
	text, err := command(ctx, root, nil, stderr, "go", "tool", "benchstat", file)
	if err != nil {
		return nil, "", err
	}
	return s, string(text), nil
}

// benchPattern returns a go test -bench pattern that selects exactly the
// Go benchmarks named (Subject/session/op), one alternative per subject.
func benchPattern(names []string) string {
	subjects := map[string][]string{}
	for _, n := range names {
		parts := strings.SplitN(n, "/", 2)
		if strings.HasPrefix(parts[0], "Python") || len(parts) != 2 {
			continue
		}
		subjects[parts[0]] = append(subjects[parts[0]], parts[1])
	}
	var keys []string
	for k := range subjects {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var sessions []string
	seen := map[string]bool{}
	for _, k := range keys {
		for _, rest := range subjects[k] {
			s := strings.SplitN(rest, "/", 2)[0]
			if !seen[s] {
				seen[s] = true
				sessions = append(sessions, regexp.QuoteMeta(s))
			}
		}
	}
	sort.Strings(sessions)
	for i, k := range keys {
		keys[i] = regexp.QuoteMeta(k)
	}
	return "^Benchmark(" + strings.Join(keys, "|") + ")$/^(" + strings.Join(sessions, "|") + ")$"
}

// profileTime is the -benchtime of a profile: at 100 samples per second,
// about 500 samples, so that a stage of 2% of the time has about ten.
const profileTime = "5s"

// A profile is what the report shows of one benchmark's CPU profile.
type profile struct {
	// Top is the table of `go tool pprof -top`.
	Top string
	// Stages splits the samples by the benchmark's breakdown; nil when it
	// has none.
	Stages *stageSplit
}

// profileBenchmark records a 5-second CPU profile of one benchmark
// (Subject/session/op) and returns the top of `go tool pprof -top` and,
// when the benchmark has a breakdown, the split of its samples by stage.
func profileBenchmark(ctx context.Context, root, dir, bin, name string, stderr io.Writer) (profile, error) {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	parts[0] = "^Benchmark" + strings.TrimPrefix(parts[0], "^")
	prof := filepath.Join(dir, strings.ReplaceAll(name, "/", "_")+".prof")
	if _, err := runBenchmarks(ctx, root, bin, strings.Join(parts, "/"), 1, profileTime, nil, stderr, "-test.cpuprofile", prof); err != nil {
		return profile{}, err
	}
	out, err := command(ctx, root, nil, stderr, "go", "tool", "pprof", "-top", "-nodecount", "18", bin, prof)
	if err != nil {
		return profile{}, err
	}
	p := profile{Top: topTable(string(out))}
	if b, ok := breakdownFor(name); ok {
		out, err := command(ctx, root, nil, stderr, "go", "tool", "pprof", "-traces", bin, prof)
		if err != nil {
			return p, err
		}
		traces, err := parseTraces(string(out))
		if err != nil {
			return p, err
		}
		split := b.split(traces)
		p.Stages = &split
	}
	return p, nil
}

// topTable keeps the table of `go tool pprof -top` and drops pprof's
// preamble about files and build ids.
func topTable(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "Showing nodes") || strings.HasPrefix(strings.TrimSpace(l), "Dropped") {
			continue
		}
		if strings.Contains(l, "flat%") {
			return strings.Join(append(headerLines(lines[:i]), lines[i:]...), "\n")
		}
	}
	return strings.Join(lines, "\n")
}

// headerLines keeps pprof's summary lines worth showing.
func headerLines(lines []string) []string {
	var out []string
	for _, l := range lines {
		if strings.HasPrefix(l, "Duration:") || strings.HasPrefix(l, "Showing nodes") {
			out = append(out, l)
		}
	}
	return out
}
