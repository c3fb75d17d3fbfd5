// Command report runs cookiecodec's benchmarks against their peers and
// writes bench/RESULTS.md with the goal table and two SVG charts.
//
// Usage, from anywhere inside the module:
//
//	go run ./bench/cmd/report                # full run, writes bench/RESULTS.md (about 6 min on 2 cores)
//	go run ./bench/cmd/report -guard         # CI regression guard: short run, writes nothing
//	go run ./bench/cmd/report -count 10 -benchtime 1s
//
// A full run builds the bench package's test binary and runs -count rounds;
// each round runs every benchmark once and then bench/python/flask_timeit.py
// with Debian's /usr/bin/python3 (real Flask 2.2) once. Interleaving the
// samples this way spreads any change in machine load over all benchmarks
// alike, so ratios stay fair even when absolute times drift. It merges all
// output into bench/results.txt, summarizes it with `go tool
// benchstat`, evaluates the goals of goallist.go on the medians, and writes
// bench/RESULTS.md, bench/ratios.svg and bench/scaling.svg. When a goal is
// missed it also records a CPU profile of our side of the comparison (for
// an L vs S goal, of S too) and puts into RESULTS.md how much faster our
// side must become, the time split into stages where stages.go defines
// them (verify, base64, parse, ...; for L vs S, S's and L's side by side),
// and the top of the profile.
//
// The guard (-guard) runs only the session-S benchmarks the goals compare,
// with fewer and shorter samples (well under a minute), and exits 1 when a
// ratio against a peer of the same run falls past either of two limits:
// its guard threshold, about half of the goal; or, against the committed
// guard run bench/guard-baseline.txt (same settings, same kind of
// machine), a fall of more than 1.6x from the ratio measured there (2.5x
// for the Python peer, timed in another process). The allocation and
// cookie-length goals, which do not drift with noise, are held to the
// goal itself. It never looks at absolute times. After a deliberate change
// of speed, -guard -write-baseline records the new baseline.
//
// Every run has a time limit (-timeout: 40 minutes, 5 with -guard) after
// which the benchmarks and tools it started are killed and it fails.
//
// Exit status: 0 on success, 1 when the run fails, times out or the guard
// trips, 2 on bad usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// options are the command-line settings.
type options struct {
	count     int
	benchtime string
	bench     string
	python    string
	noPython  bool
	guard     bool
	baseline  string // -guard: the committed guard run whose ratios a run is held to
	writeBase bool   // -guard: write this run's samples as the new baseline
	profile   bool
	out       string
	timeout   time.Duration
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.IntVar(&o.count, "count", 0, "samples per benchmark, taken in interleaved rounds (default 6, or 4 with -guard)")
	fs.StringVar(&o.benchtime, "benchtime", "", "go test -benchtime per sample (default 300ms, or 100ms with -guard)")
	fs.StringVar(&o.bench, "bench", "", "go test -bench pattern (default: every benchmark, or the guarded ones with -guard)")
	fs.StringVar(&o.python, "python", "/usr/bin/python3", "Python interpreter with Flask 2.2 (Debian's, not a pyenv shim)")
	fs.BoolVar(&o.noPython, "no-python", false, "skip the Python Flask timings (their goals are then not measured)")
	fs.BoolVar(&o.guard, "guard", false, "CI regression guard: short run, no files written, exit 1 on a large slowdown relative to a peer")
	fs.StringVar(&o.baseline, "baseline", "bench/guard-baseline.txt", "-guard: samples of an earlier guard run (module-relative); a ratio that falls more than "+baselineSlack+" from its value there fails")
	fs.BoolVar(&o.writeBase, "write-baseline", false, "-guard: when every comparison passes, write this run's samples to -baseline (after a deliberate change of speed)")
	fs.BoolVar(&o.profile, "profile", true, "profile our side of every missed goal and put its stages and top into RESULTS.md")
	fs.StringVar(&o.out, "out", "", "RESULTS.md to write; charts and results.txt go next to it (default bench/RESULTS.md)")
	fs.DurationVar(&o.timeout, "timeout", 0, "give up after this long, stopping the benchmarks (default 40m, or 5m with -guard)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: go run ./bench/cmd/report [-guard] [-count n] [-benchtime d] [-bench regexp] [-no-python] [-out file]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 0 {
		fmt.Fprintf(stderr, "report: error: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	o.setDefaults()
	if o.count < 1 {
		fmt.Fprintln(stderr, "report: error: -count must be at least 1")
		return 2
	}
	if o.timeout < 0 {
		fmt.Fprintln(stderr, "report: error: -timeout must be positive")
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()

	var err error
	if o.guard {
		err = runGuard(ctx, o, stdout, stderr)
	} else {
		err = runFull(ctx, o, stdout, stderr)
	}
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			fmt.Fprintf(stderr, "report: error: gave up after -timeout %v: %v\n", o.timeout, err)
			return 1
		}
		fmt.Fprintf(stderr, "report: error: %v\n", err)
		return 1
	}
	return 0
}

func (o *options) setDefaults() {
	if o.count == 0 {
		o.count = 6
		if o.guard {
			o.count = 4
		}
	}
	if o.benchtime == "" {
		o.benchtime = "300ms"
		if o.guard {
			o.benchtime = "100ms"
		}
	}
	if o.timeout == 0 {
		// The guard takes about 20 s on 2 cores with a warm build cache
		// (a minute more to build from scratch, and a second measurement
		// of failing comparisons): 5 minutes means something hangs, and CI
		// must not wait on it.
		o.timeout = 40 * time.Minute
		if o.guard {
			o.timeout = 5 * time.Minute
		}
	}
}
