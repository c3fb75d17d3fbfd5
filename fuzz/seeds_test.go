package fuzz

import (
	"errors"
	"go/scanner"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/cookiecodec/cookiecodec/internal/flaskvectors"
)

// maxSeedLen bounds the seeds taken from test files and testdata, so that
// the fuzzers start from inputs they can mutate quickly.
const maxSeedLen = 16 << 10

var vectorsOnce = sync.OnceValues(func() (*flaskvectors.File, error) { return flaskvectors.Load() })

// flaskVectors returns every public Flask vector (67, made by Flask 2.2.2).
// A missing vector file fails the test: the seeds are part of the contract.
func flaskVectors(tb testing.TB) []flaskvectors.Vector {
	tb.Helper()
	f, err := vectorsOnce()
	if err != nil {
		tb.Fatalf("loading the Flask vectors: %v", err)
	}
	return f.Vectors
}

// testStrings returns every string literal (interpreted or raw) of the
// _test.go files in the given directories, relative to this package: the
// inputs of the unit-test tables of the packages being fuzzed. Reading the
// files rather than copying the tables keeps the seeds current as those
// tests grow.
func testStrings(tb testing.TB, dirs ...string) []string {
	tb.Helper()
	seen := map[string]bool{}
	var out []string
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
		if err != nil || len(files) == 0 {
			tb.Fatalf("no test files in %s (%v)", dir, err)
		}
		for _, name := range files {
			src, err := os.ReadFile(name)
			if err != nil {
				tb.Fatal(err)
			}
			fset := token.NewFileSet()
			file := fset.AddFile(name, -1, len(src))
			var s scanner.Scanner
			s.Init(file, src, nil, 0)
			for {
				_, tok, lit := s.Scan()
				if tok == token.EOF {
					break
				}
				if tok != token.STRING {
					continue
				}
				v, err := strconv.Unquote(lit)
				if err != nil || v == "" || len(v) > maxSeedLen || seen[v] {
					continue
				}
				seen[v] = true
				out = append(out, v)
			}
		}
	}
	return out
}

// wrapsExactlyOne reports whether err wraps exactly one of sentinels.
func wrapsExactlyOne(err error, sentinels ...error) bool {
	n := 0
	for _, s := range sentinels {
		if errors.Is(err, s) {
			n++
		}
	}
	return n == 1
}
