package fuzz

import (
	"encoding/json"
	"errors"
	"go/scanner"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
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

// testdataStrings returns, for every file under dir (recursively), its
// contents and, when it is JSON, every string inside it; for other text
// files also every line. A missing dir gives nothing.
func testdataStrings(tb testing.TB, dir string) []string {
	tb.Helper()
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if s != "" && len(s) <= maxSeedLen && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		if d.IsDir() {
			if d.Name() == "fuzz" { // other packages' corpora are not vectors
				return fs.SkipDir
			}
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		add(string(b))
		var j any
		if json.Unmarshal(b, &j) == nil {
			jsonStrings(j, add)
			return nil
		}
		for line := range strings.SplitSeq(string(b), "\n") {
			add(strings.TrimSpace(line))
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func jsonStrings(v any, add func(string)) {
	switch x := v.(type) {
	case string:
		add(x)
	case []any:
		for _, e := range x {
			jsonStrings(e, add)
		}
	case map[string]any:
		for _, e := range x {
			jsonStrings(e, add)
		}
	}
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
