package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// declaredHintCodes parses hintcodes.go and returns its hint code
// variables: the variable's name for each code.
func declaredHintCodes(t *testing.T) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "hintcodes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok {
			return true
		}
		for i, v := range vs.Values {
			cl, ok := v.(*ast.CompositeLit)
			if id, isID := cl.Type.(*ast.Ident); !ok || !isID || id.Name != "hintCode" || len(cl.Elts) != 1 {
				continue
			}
			lit, ok := cl.Elts[0].(*ast.BasicLit)
			if !ok {
				t.Fatalf("hint code %s is not a string literal", vs.Names[i].Name)
			}
			code, _ := strconv.Unquote(lit.Value)
			if _, dup := out[code]; dup {
				t.Errorf("hint code %q declared twice", code)
			}
			out[code] = vs.Names[i].Name
		}
		return true
	})
	return out
}

// sourceFiles returns the package's non-test Go files but hintcodes.go.
func sourceFiles(t *testing.T) []string {
	t.Helper()
	all, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(all, func(f string) bool {
		return strings.HasSuffix(f, "_test.go") || f == "hintcodes.go"
	})
}

// TestHintCodesUsed checks that hintCodes lists every declared code once,
// that each code is snake_case, and that each is used where hints are
// made: a code that nothing can produce must not be documented.
func TestHintCodesUsed(t *testing.T) {
	declared := declaredHintCodes(t)
	var listed []string
	for _, c := range hintCodes {
		if slices.Contains(listed, c.name) {
			t.Errorf("hintCodes lists %q twice", c.name)
		}
		listed = append(listed, c.name)
		if _, ok := declared[c.name]; !ok {
			t.Errorf("hintCodes lists %q, which is not declared", c.name)
		}
	}
	snake := regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	used := map[string]bool{}
	for _, f := range sourceFiles(t) {
		file, err := parser.ParseFile(token.NewFileSet(), f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				used[id.Name] = true
			}
			return true
		})
	}
	for code, name := range declared {
		if !slices.Contains(listed, code) {
			t.Errorf("hint code %q (%s) is declared but not in hintCodes", code, name)
		}
		if !snake.MatchString(code) {
			t.Errorf("hint code %q is not snake_case", code)
		}
		if !used[name] {
			t.Errorf("hint code %q (%s) is used nowhere a hint is made", code, name)
		}
	}
}

// TestHintCodesDocumented checks that the README's "Hint codes" table
// and hintCodes list the same codes, in the same order.
func TestHintCodesDocumented(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n### Hint codes\n")
	if !ok {
		t.Fatal(`README.md has no "### Hint codes" section`)
	}
	section, _, _ = strings.Cut(section, "\n#")
	row := regexp.MustCompile("(?m)^\\| `([a-z0-9_]+)` \\|")
	var documented []string
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		documented = append(documented, m[1])
	}
	var listed []string
	for _, c := range hintCodes {
		listed = append(listed, c.name)
	}
	for _, c := range listed {
		if !slices.Contains(documented, c) {
			t.Errorf("hint code %q is not documented in the README", c)
		}
	}
	for _, c := range documented {
		if !slices.Contains(listed, c) {
			t.Errorf("the README documents hint code %q, which the command cannot produce", c)
		}
	}
	if !t.Failed() && !slices.Equal(documented, listed) {
		t.Errorf("the README lists the hint codes in another order than hintCodes:\n%v\n%v", documented, listed)
	}
}

// TestHintsOnlyWithCodes checks that no source file but hintcodes.go
// assigns the "hints" or "hint_codes" members directly: a hint is added
// only with hintList.hint or hintList.add, which take its code.
func TestHintsOnlyWithCodes(t *testing.T) {
	direct := regexp.MustCompile(`\.(Hints|HintCodes)\s*=[^=]|\b(Hints|HintCodes):`)
	for _, f := range sourceFiles(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(src), "\n") {
			if direct.MatchString(line) {
				t.Errorf("%s:%d sets hints without codes: %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
}

// TestHintCodes checks the code of common diagnoses, which scripts branch
// on, in decode, verify and audit.
func TestHintCodes(t *testing.T) {
	devKey := writeFile(t, "dev.key", []byte("dev"))
	devKeyNL := writeFile(t, "dev-nl.key", []byte("dev\n"))
	otherKey := writeFile(t, "other.key", []byte("other"))
	t.Setenv("KEY", "dev")
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"valid", []string{"verify", "--json", "--key-file", devKey, "--now", devNow, devCookie}, nil},
		{"salt", []string{"verify", "--json", "--key-file", devKey, "--salt", "itsdangerous", "--now", devNow, devCookie}, []string{"salt_mismatch"}},
		{"derivation", []string{"verify", "--json", "--key-file", devKey, "--key-derivation", "concat", "--now", devNow, devCookie}, []string{"key_derivation_mismatch"}},
		{"digest", []string{"verify", "--json", "--key-file", devKey, "--digest", "sha256", "--now", devNow, devCookie}, []string{"digest_mismatch", "digest_mismatch"}},
		{"newline", []string{"verify", "--json", "--key-file", devKeyNL, "--now", devNow, devCookie}, []string{"key_trailing_newline"}},
		{"fallback", []string{"verify", "--json", "--key-file", otherKey, "--fallback-key-env", "KEY", "--now", devNow, devCookie}, []string{"fallback_key"}},
		{"expired", []string{"verify", "--json", "--key-file", devKey, "--now", "1702960000", devCookie}, []string{"expired_valid_signature"}},
		{"future", []string{"verify", "--json", "--key-file", devKey, "--now", "1699990000", devCookie}, []string{"future_valid_signature"}},
		{"wrong key", []string{"verify", "--json", "--key-file", otherKey, "--now", devNow, devCookie}, []string{"no_variant_matched"}},
		{"lone chunk", []string{"decode", "--json", "session=~3~abc"}, []string{"lone_chunk"}},
		{"httponly", []string{"decode", "--json", "theme=dark"}, []string{"httponly"}},
		{"flag", []string{"verify", "--json", "--key", "x", devCookie}, []string{"flag_suggestion", "see_help"}},
		{"weak", []string{"audit", "--json", "--workers", "1", devCookie}, []string{"weak_secret"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, stdout, stderr := runCLI(t, "", tc.args...)
			m := jsonOut(t, stdout)
			got := hintCodesOf(m)
			if !slices.Equal(got, tc.want) {
				t.Errorf("hint_codes %q, want %q\n%s%s", got, tc.want, stdout, stderr)
			}
		})
	}
}
