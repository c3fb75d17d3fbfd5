package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/cookiecodec/cookiecodec/bench"
)

// sizeRatio is len(L)/len(S) as compact JSON (3115/255).
func sizeRatio() float64 {
	s, _ := json.Marshal(bench.S())
	l, _ := json.Marshal(bench.L())
	return float64(len(l)) / float64(len(s))
}

// runFull is the whole report: benchmarks, Python, benchstat, goals,
// profiles, RESULTS.md and charts.
func runFull(ctx context.Context, o options, stdout, stderr io.Writer) error {
	start := time.Now()
	root, err := moduleRoot(ctx)
	if err != nil {
		return err
	}
	out := o.out
	if out == "" {
		out = filepath.Join(root, "bench", "RESULTS.md")
	}
	outDir := filepath.Dir(out)
	// Made before the run, so that a bad -out fails now rather than after
	// ten minutes of benchmarks.
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return fmt.Errorf("-out: %w", err)
	}
	tmp, err := os.MkdirTemp("", "cookiecodec-report-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	m := probeMachine(ctx, root)
	m.Count, m.Benchtime = o.count, o.benchtime
	pattern := o.bench
	if pattern == "" {
		pattern = "."
	}
	fmt.Fprintf(stderr, "report: building the benchmarks\n")
	bin, err := buildBench(ctx, root, tmp, stderr)
	if err != nil {
		return err
	}
	var raw []byte
	for round := 1; round <= o.count; round++ {
		fmt.Fprintf(stderr, "report: round %d of %d: go benchmarks -bench %q -benchtime %s\n", round, o.count, pattern, o.benchtime)
		goOut, err := runBenchmarks(ctx, root, bin, pattern, 1, o.benchtime, stderr, stderr)
		if err != nil {
			return err
		}
		raw = append(raw, goOut...)
		if o.noPython {
			continue
		}
		fmt.Fprintf(stderr, "report: round %d of %d: Python Flask timings with %s\n", round, o.count, o.python)
		pyOut, err := runPython(ctx, root, tmp, o.python, []string{"S", "L"}, 1, o.benchtime, "", stderr, stderr)
		if err != nil {
			return fmt.Errorf("%w (use -no-python to skip the Flask comparison)", err)
		}
		m.Python = pythonVersion(pyOut)
		raw = append(raw, pyOut...)
	}
	rawFile := filepath.Join(outDir, "results.txt")
	if err := os.WriteFile(rawFile, raw, 0o644); err != nil {
		return err
	}
	// A path relative to the module root keeps the machine's directory
	// layout out of the benchstat table in RESULTS.md.
	s, text, err := benchstat(ctx, root, rel(root, rawFile), stderr)
	if err != nil {
		return err
	}
	results := evaluateAll(goals(sizeRatio()), s)

	profiles := map[string]profile{}
	if o.profile {
		for _, r := range results {
			if r.Met || len(r.Missing) > 0 || strings.HasPrefix(r.Ours, "Python") {
				continue
			}
			names := []string{r.Ours}
			if r.Area == scalingArea {
				// L vs S: S's stages beside L's show which part grows
				// faster than size.
				names = append(names, r.Peer)
			}
			for _, name := range names {
				if _, done := profiles[name]; done {
					continue
				}
				fmt.Fprintf(stderr, "report: goal missed, profiling %s\n", name)
				p, err := profileBenchmark(ctx, root, tmp, bin, name, stderr)
				if err != nil {
					p.Top = strings.TrimSpace(p.Top + "\nprofile failed: " + err.Error())
				}
				profiles[name] = p
			}
		}
	}
	m.LoadAfter = loadavg()
	m.Duration = time.Since(start).Round(time.Second)

	ratios, err := ratioChart(results, m)
	if err != nil {
		return err
	}
	scaling, err := scalingChart(s)
	if err != nil {
		return err
	}
	files := map[string][]byte{
		filepath.Join(outDir, "ratios.svg"):  ratios,
		filepath.Join(outDir, "scaling.svg"): scaling,
		out:                                  []byte(markdown(m, results, s, text, profiles)),
	}
	var names []string
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := os.WriteFile(name, files[name], 0o644); err != nil {
			return err
		}
	}
	met, total := tally(results)
	fmt.Fprintf(stdout, "report: %d of %d goals met; wrote %s, %s and %s\n", met, total,
		rel(root, out), rel(root, filepath.Join(outDir, "ratios.svg")), rel(root, filepath.Join(outDir, "scaling.svg")))
	for _, r := range results {
		if !r.isInfo() && !r.Met {
			fmt.Fprintf(stdout, "  %s: %s %s: %s (goal %s)\n", r.status(), r.Area, r.What, r.measured(), r.target())
		}
	}
	return nil
}

// tally counts the met goals and all goals, leaving out info rows.
func tally(results []result) (met, total int) {
	for _, r := range results {
		if r.isInfo() {
			continue
		}
		total++
		if r.Met {
			met++
		}
	}
	return met, total
}

func rel(root, path string) string {
	if r, err := filepath.Rel(root, path); err == nil {
		return r
	}
	return path
}

// runGuard is the CI regression guard: it measures the session-S
// benchmarks of the guarded goals and fails when one falls past its guard
// threshold. A comparison that fails is measured a second time, alone, and
// fails the guard only if it fails again, so that a burst of load on a
// shared machine does not fail CI. It writes no files.
func runGuard(ctx context.Context, o options, stdout, stderr io.Writer) error {
	root, err := moduleRoot(ctx)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "cookiecodec-guard-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	var guarded []goal
	for _, g := range goals(sizeRatio()) {
		if g.Guard == 0 || (o.noPython && strings.HasPrefix(g.Peer, "Python")) {
			continue
		}
		guarded = append(guarded, g)
	}
	bin, err := buildBench(ctx, root, tmp, stderr)
	if err != nil {
		return err
	}
	base := stats(nil)
	baseFile := filepath.Join(root, o.baseline)
	if _, err := os.Stat(baseFile); err == nil && !o.writeBase {
		if base, _, err = benchstat(ctx, root, baseFile, io.Discard); err != nil {
			return fmt.Errorf("guard: baseline %s: %w", o.baseline, err)
		}
	} else if !o.writeBase {
		fmt.Fprintf(stderr, "report: guard: no baseline at %s: only the thresholds near the goals apply\n", o.baseline)
	}
	var failing []result
	all := guarded
	for attempt := 1; attempt <= 2; attempt++ {
		s, raw, err := measureGuard(ctx, o, root, tmp, bin, guarded, stderr)
		if err != nil {
			return err
		}
		failing = failing[:0]
		fmt.Fprintf(stdout, "%-16s %-42s %-22s %-14s %-16s %s\n", "area", "comparison (session S)", "measured", "guard", "vs baseline", "verdict")
		for _, g := range guarded {
			r := evaluate(g, s)
			limit, hasLimit := baselineLimit(g, base)
			verdict := "ok"
			switch {
			case len(r.Missing) > 0:
				verdict = "FAIL: not measured: " + strings.Join(r.Missing, ", ")
			case !r.GuardOK:
				verdict = "FAIL"
			case hasLimit && !g.passes(r.Value, limit):
				verdict = "FAIL: slower against its peer than in the baseline"
			}
			if verdict != "ok" {
				failing = append(failing, r)
			}
			vsBase := "—"
			if hasLimit {
				vsBase = g.threshold(limit)
			}
			fmt.Fprintf(stdout, "%-16s %-42s %-22s %-14s %-16s %s\n", g.Area, g.What, r.measured(), g.threshold(g.Guard), vsBase, verdict)
		}
		if len(failing) == 0 {
			fmt.Fprintf(stdout, "report: guard: all %d comparisons against peers within bounds\n", len(guarded))
			if o.writeBase {
				if attempt > 1 || len(guarded) != len(all) {
					return errors.New("guard: -write-baseline needs a run that passes at the first attempt")
				}
				if err := os.WriteFile(baseFile, raw, 0o644); err != nil {
					return err
				}
				fmt.Fprintf(stdout, "report: guard: wrote the baseline %s\n", o.baseline)
			}
			return nil
		}
		if attempt == 1 {
			fmt.Fprintf(stdout, "report: guard: %d comparisons failed; measuring them again\n", len(failing))
			guarded = guarded[:0]
			for _, r := range failing {
				guarded = append(guarded, r.goal)
			}
		}
	}
	return fmt.Errorf("guard: %d comparisons against peers failed twice", len(failing))
}

// measureGuard runs the benchmarks of goals on S in interleaved rounds and
// summarizes them with benchstat.
func measureGuard(ctx context.Context, o options, root, tmp, bin string, goals []goal, stderr io.Writer) (stats, []byte, error) {
	var names []string
	python := false
	for _, g := range goals {
		names = append(names, g.benchmarks()...)
		python = python || strings.HasPrefix(g.Peer, "Python")
	}
	pattern := o.bench
	if pattern == "" {
		pattern = benchPattern(names)
	}
	fmt.Fprintf(stderr, "report: guard: -bench %q, %d rounds, -benchtime %s\n", pattern, o.count, o.benchtime)
	var raw []byte
	for range o.count {
		goOut, err := runBenchmarks(ctx, root, bin, pattern, 1, o.benchtime, nil, stderr)
		if err != nil {
			return nil, nil, err
		}
		raw = append(raw, goOut...)
		if !python {
			continue
		}
		pyOut, err := runPython(ctx, root, tmp, o.python, []string{"S"}, 1, o.benchtime, "PythonFlask/", nil, stderr)
		if err != nil {
			return nil, nil, fmt.Errorf("%w (use -no-python to leave the Flask comparison out of the guard)", err)
		}
		raw = append(raw, pyOut...)
	}
	file := filepath.Join(tmp, "guard.txt")
	if err := os.WriteFile(file, raw, 0o644); err != nil {
		return nil, nil, err
	}
	s, _, err := benchstat(ctx, root, file, io.Discard)
	return s, raw, err
}

// baselineSlack is how far a guarded ratio may fall from its value in the
// baseline run before the guard fails: far enough for a noisy 2-core
// machine (ratios of short runs move by up to a third), close enough to
// catch a 2x regression of either side. The Python peer, timed in another
// process at another moment, moves more.
const (
	baselineSlack        = "1.6x"
	baselineFactor       = 1.6
	baselinePythonFactor = 2.5
)

// baselineLimit returns the limit g's ratio must pass in a guard run, from
// its value in the baseline run base: that value divided by the slack for
// a speed, times the slack for a cost. ok is false without a baseline
// value, and for the kinds held to their goal (allocations, length).
func baselineLimit(g goal, base stats) (limit float64, ok bool) {
	if base == nil || g.Kind == maxCount || g.Kind == shorter {
		return 0, false
	}
	b := evaluate(g, base)
	if len(b.Missing) > 0 || math.IsNaN(b.Value) {
		return 0, false
	}
	f := baselineFactor
	if strings.HasPrefix(g.Peer, "Python") {
		f = baselinePythonFactor
	}
	if g.Kind == atMost {
		return b.Value * f, true
	}
	return b.Value / f, true
}
