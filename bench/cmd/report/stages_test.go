package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const tracesSample = `File: bench.test
Type: cpu
Duration: 7.21s, Total samples = 7.72s (107.15%)
-----------+-------------------------------------------------------
      30ms   envelope.AppendDecode
             codec.appendB64Decode (inline)
             root
             bench.loop
-----------+-------------------------------------------------------
     1.20s   runtime.futex
             runtime.gcBgMarkWorker
-----------+-------------------------------------------------------
`

func TestParseTraces(t *testing.T) {
	got, err := parseTraces(tracesSample)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d traces, want 2: %+v", len(got), got)
	}
	if got[0].MS != 30 || strings.Join(got[0].Frames, ",") != "envelope.AppendDecode,codec.appendB64Decode,root,bench.loop" {
		t.Errorf("first trace = %+v", got[0])
	}
	if got[1].MS != 1200 || len(got[1].Frames) != 2 {
		t.Errorf("second trace = %+v", got[1])
	}
	if _, err := parseTraces("File: x\n"); err == nil {
		t.Error("a profile without samples parsed")
	}
	if _, err := parseTraces("-----------+---\n      3x   f\n"); err == nil {
		t.Error("a bad duration parsed")
	}
}

func TestSplitCountsOutermostStage(t *testing.T) {
	b := breakdown{Root: "root", Stages: []stage{
		{"a", []string{"fa"}},
		{"b", []string{"fb", "fb2"}},
	}}
	traces := []trace{
		{10, []string{"fb", "fa", "root", "loop"}},   // b inside a: counts to a
		{20, []string{"fb2", "mid", "root", "loop"}}, // b
		{5, []string{"leaf", "root", "loop"}},        // under root, no stage
		{40, []string{"fa", "gc"}},                   // outside root: left out
		{7, []string{"root", "loop"}},                // root itself
	}
	got := b.split(traces)
	if got.MS[0] != 10 || got.MS[1] != 20 || got.Rest != 12 || got.Total != 42 || got.Sample != 5 {
		t.Errorf("split = %+v, want a 10, b 20, rest 12, total 42, sample 5", got)
	}
	ns, rest := got.perOp(42e-9) // 42 ns per op: 1 ms of samples = 1 ns
	if ns[0] != 10 || ns[1] != 20 || rest != 12 {
		t.Errorf("perOp = %v, %v", ns, rest)
	}
}

func TestBreakdownFor(t *testing.T) {
	if b, ok := breakdownFor("Flask/S/decode"); !ok || !strings.HasSuffix(b.Root, "(*Flask).DecodeSession") {
		t.Errorf("Flask/S/decode: %v %v", b.Root, ok)
	}
	if _, ok := breakdownFor("Flask/S/encode"); ok {
		t.Error("Flask/S/encode has a breakdown")
	}
	if _, ok := breakdownFor("Flask"); ok {
		t.Error("a bare subject has a breakdown")
	}
}

// TestBreakdownFunctionsExist checks that every function a breakdown names
// is still declared under that name, so that a rename cannot silently
// empty a stage (a stage without samples would read as free).
func TestBreakdownFunctionsExist(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	decls := map[string]map[string]bool{} // package path -> declared pprof names
	for key, b := range breakdowns {
		names := []string{b.Root}
		for _, s := range b.Stages {
			names = append(names, s.Funcs...)
		}
		for _, name := range names {
			pkg, _ := splitFuncName(name)
			if decls[pkg] == nil {
				decls[pkg] = declaredFuncs(t, pkg)
			}
			if !decls[pkg][name] {
				t.Errorf("breakdown %s names %s, which package %s does not declare", key, name, pkg)
			}
		}
	}
}

// splitFuncName splits a pprof function name into its package path and the
// rest: "a/b/pkg.(*T).M" is "a/b/pkg" and "(*T).M".
func splitFuncName(name string) (pkg, rest string) {
	slash := strings.LastIndex(name, "/") + 1
	dot := strings.Index(name[slash:], ".")
	return name[:slash+dot], name[slash+dot+1:]
}

// declaredFuncs returns the pprof names of the functions and methods that
// the non-test files of pkg declare, and for the runtime also the names
// that //go:linkname directives give functions of internal/runtime/maps.
func declaredFuncs(t *testing.T, pkg string) map[string]bool {
	t.Helper()
	dirs := []string{pkg}
	if pkg == "runtime" {
		dirs = append(dirs, "internal/runtime/maps")
	}
	out := map[string]bool{}
	for _, d := range dirs {
		dir, err := exec.Command("go", "list", "-f", "{{.Dir}}", d).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", d, err)
		}
		files, _ := filepath.Glob(filepath.Join(strings.TrimSpace(string(dir)), "*.go"))
		for _, file := range files {
			if strings.HasSuffix(file, "_test.go") {
				continue
			}
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range strings.Split(string(src), "\n") {
				if f := strings.Fields(line); len(f) == 3 && f[0] == "//go:linkname" {
					out[f[2]] = true
				}
			}
			if d != pkg {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), file, src, parser.SkipObjectResolution)
			if err != nil {
				continue // a file for another platform may not parse alone
			}
			for _, decl := range f.Decls {
				if fn, ok := decl.(*ast.FuncDecl); ok {
					out[pkg+"."+pprofName(fn)] = true
				}
			}
		}
	}
	return out
}

// pprofName spells a declaration as pprof does: "F", "T.M" or "(*T).M".
func pprofName(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return fn.Name.Name
	}
	switch r := fn.Recv.List[0].Type.(type) {
	case *ast.Ident:
		return r.Name + "." + fn.Name.Name
	case *ast.StarExpr:
		if id, ok := r.X.(*ast.Ident); ok {
			return "(*" + id.Name + ")." + fn.Name.Name
		}
	}
	return "?." + fn.Name.Name
}

func TestStagesInMarkdown(t *testing.T) {
	s := stats{
		{"Serializer/S/decode", timeUnit}: {Center: 100e-9},
		{"Serializer/L/decode", timeUnit}: {Center: 2000e-9},
	}
	r := result{goal: goal{Area: scalingArea, What: "serializer decode", Kind: atMost,
		Ours: "Serializer/L/decode", Peer: "Serializer/S/decode", Target: 12.2},
		OursValue: 2000e-9, PeerValue: 100e-9}
	n := len(serializerDecodeStages)
	profiles := map[string]profile{
		"Serializer/S/decode": {Stages: &stageSplit{Names: make([]string, n), MS: append([]float64{50}, make([]float64, n-1)...), Rest: 50, Total: 100, Sample: 10}},
		"Serializer/L/decode": {Stages: &stageSplit{Names: make([]string, n), MS: append([]float64{1500}, make([]float64, n-1)...), Rest: 500, Total: 2000, Sample: 10}},
	}
	for _, p := range profiles {
		copy(p.Stages.Names, []string{"maps"})
	}
	var b strings.Builder
	writeBudget(&b, r)
	writeStages(&b, r, s, profiles)
	md := b.String()
	for _, want := range []string{
		"may take at most 12.2 × Serializer/S/decode's median 100 ns = **1.22 µs** per operation; its median is 2 µs, so it must become 64% faster.",
		"| stage | Serializer/S/decode | Serializer/L/decode | ratio |",
		"| maps | 50 ns | 1.5 µs | 30.0x |",
		"| everything else under the call | 50 ns | 500 ns | 10.0x |",
		"| total | 100 ns | 2 µs | 20.0x |",
		"One sample is 10 ms of CPU, about 10 ns per operation of Serializer/L/decode",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("stage section lacks %q:\n%s", want, md)
		}
	}
	// Without the peer's split, one column and the shares.
	delete(profiles, "Serializer/S/decode")
	b.Reset()
	writeStages(&b, r, s, profiles)
	if !strings.Contains(b.String(), "| maps | 1.5 µs | 75% |") {
		t.Errorf("single-column stage table wrong:\n%s", b.String())
	}
}
