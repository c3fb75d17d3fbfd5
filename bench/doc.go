// Package bench holds the benchmarks of cookiecodec against its peers and the
// sessions they measure.
//
// Start with [S] and [L], the two sessions defined in the project brief's
// shared/bench/sessions.md (beside the repository, not in it), and [Payload], which builds a session of an exact
// serialized size for the scaling series. The benchmarks themselves live in
// the _test.go files of this package and run with
//
//	go test -run '^$' -bench . -benchmem ./bench/
//
// The report command, go run ./bench/cmd/report, runs them together with a
// Python Flask timing script (bench/python/flask_timeit.py), summarizes the
// runs with benchstat and writes bench/RESULTS.md and the SVG charts.
//
// # Naming
//
// Benchmark names follow Benchmark<Subject>/<session>/<op>, where session is
// S, L or a payload size such as 1024B and op is encode or decode. The report
// command finds its figures by these names, so renaming a benchmark means
// updating the goal table in bench/cmd/report.
package bench
