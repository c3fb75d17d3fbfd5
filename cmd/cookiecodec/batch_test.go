package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestLines: verify --lines reads one INPUT per line, with the keys read
// once (here from standard input, which --key-file - reads), prints one
// JSON object per line with its line number, skips blank lines, and exits
// 0 only when every line is valid.
func TestLines(t *testing.T) {
	t.Setenv("KEY", "dev")
	bad := strings.Replace(devCookie, "QehH", "AAAA", 1)
	text := devCookie + "\n\n" + bad + "\r\nsession=" + devCookie + "\r\n   \ngarbage here\n" + devCookie
	file := writeFile(t, "cookies.txt", []byte(text))
	code, out, _ := runCLI(t, "dev", "verify", "--json", "--lines", file, "--key-file", "-", "--now", devNow)
	if code != exitFailed {
		t.Errorf("exit %d, want 1", code)
	}
	type line struct {
		Line  int          `json:"line"`
		Valid bool         `json:"valid"`
		Error *resultError `json:"error"`
	}
	var got []line
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var v line
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("%v: %q", err, l)
		}
		got = append(got, v)
	}
	want := []struct {
		line  int
		valid bool
		kind  string
	}{{1, true, ""}, {3, false, "signature"}, {4, true, ""}, {6, false, "malformed"}, {7, true, ""}}
	if len(got) != len(want) {
		t.Fatalf("%d results, want %d:\n%s", len(got), len(want), out)
	}
	for i, w := range want {
		g := got[i]
		if g.Line != w.line || g.Valid != w.valid || (w.kind != "") != (g.Error != nil) || g.Error != nil && g.Error.Kind != w.kind {
			t.Errorf("result %d: %+v, want %+v", i, g, w)
		}
	}
	// Every line valid: exit 0; text output, one line each, and a count.
	code, out, stderr := runCLI(t, devCookie+"\n\n"+devCookie+"\n", "verify", "--lines", "-", "--key-env", "KEY", "--now", devNow)
	if code != exitOK || out != "1: VALID flask, primary key\n3: VALID flask, primary key\n" || !strings.Contains(stderr, "2 lines: 2 valid, 0 not; 1 blank lines skipped") {
		t.Errorf("all valid: exit %d\n%s%s", code, out, stderr)
	}
	code, out, _ = runCLI(t, devCookie+"\nnope\n", "decode", "--json", "--lines", "-", "--now", devNow)
	if code != exitFailed || strings.Count(out, "\n") != 2 || !strings.HasPrefix(out, `{"line":1,"schema_version":1,"verified":false,"format":"flask"`) {
		t.Errorf("decode --lines: exit %d\n%s", code, out)
	}
	// Without --lines, a file of cookies is named, with the flag.
	if code, _, stderr := runCLI(t, devCookie+"\n"+bad+"\n", "verify", "--key-env", "KEY", "-"); code != exitFailed || !strings.Contains(stderr, "the input is 2 lines, each of them like a cookie value: INPUT is one cookie; give one per run, or all of them to verify --lines") {
		t.Errorf("cookies, one per line: exit %d: %s", code, stderr)
	}
	// No line at all, INPUT with --lines, and both on standard input.
	if code, out, _ := runCLI(t, "\n\n", "verify", "--json", "--lines", "-", "--key-env", "KEY"); code != exitFailed || errKind(jsonOut(t, out)) != "empty" {
		t.Errorf("blank lines only: exit %d %s", code, out)
	}
	if code, _, _ := runCLI(t, "", "verify", "--lines", file, "--key-env", "KEY", devCookie); code != exitUsage {
		t.Errorf("--lines and INPUT: exit %d", code)
	}
	if code, _, _ := runCLI(t, "", "verify", "--lines", "-", "--key-file", "-"); code != exitUsage {
		t.Errorf("--lines - and --key-file -: exit %d", code)
	}
}

// TestAuditLines: audit --lines audits one cookie per line, prints one
// result per line (JSON with --json, with its line number), skips blank
// lines, and exits 1 when any line is weak, else 3 when any could not be
// audited, else 0.
func TestAuditLines(t *testing.T) {
	strong := "eyJ1c2VyIjoiZXZlIn0.ZVPxAA.sNmLevKUab0kZ7Ah8HKgTEwfU7I" // README: line 100001 of a wordlist, in no built-in list
	file := writeFile(t, "cookies.txt", []byte(devCookie+"\n\n"+strong+"\r\njunk\nsession="+devCookie+"\n"))
	code, out, _ := runCLI(t, "", "audit", "--json", "--workers", "1", "--lines", file)
	if code != exitFailed {
		t.Errorf("exit %d, want 1", code)
	}
	type line struct {
		Line  int          `json:"line"`
		Weak  bool         `json:"weak"`
		Error *resultError `json:"error"`
	}
	var got []line
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		jsonOut(t, l)
		var v line
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("%v: %q", err, l)
		}
		got = append(got, v)
	}
	want := []line{{1, true, nil}, {3, false, nil}, {4, false, &resultError{Kind: "malformed"}}, {5, true, nil}}
	if len(got) != len(want) {
		t.Fatalf("%d results, want %d:\n%s", len(got), len(want), out)
	}
	for i, w := range want {
		g := got[i]
		if g.Line != w.Line || g.Weak != w.Weak || (g.Error == nil) != (w.Error == nil) || g.Error != nil && g.Error.Kind != w.Error.Kind {
			t.Errorf("result %d: %+v, want %+v", i, g, w)
		}
	}
	// Exit statuses: no weak line but one not audited is 3; all strong 0.
	for _, tc := range []struct {
		stdin string
		code  int
	}{{strong + "\njunk\n", exitAuditFailed}, {strong + "\n\n" + strong + "\n", exitOK}, {"\n \n", exitAuditFailed}} {
		if code, _, stderr := runCLI(t, tc.stdin, "audit", "--workers", "1", "--lines", "-"); code != tc.code {
			t.Errorf("%q: exit %d, want %d: %s", tc.stdin, code, tc.code, stderr)
		}
	}
	// Text output: one line each, and a count.
	code, out, stderr := runCLI(t, devCookie+"\n"+strong+"\njunk\n", "audit", "--workers", "1", "--lines", "-")
	wantOut := "1: WEAK SECRET entry 1 of the built-in list (first character 'd', last 'v'), salt 'cookie-session', key derivation hmac, digest sha1\n" +
		"2: no match (3104 candidate secrets)\n" +
		"3: NOT AUDITED malformed: not a Flask or itsdangerous cookie (no '.' separator)\n"
	if code != exitFailed || out != wantOut || !strings.Contains(stderr, "3 lines: 1 weak, 1 no match, 1 not audited; 0 blank lines skipped") {
		t.Errorf("text: exit %d\n%s%s", code, out, stderr)
	}
	// Usage errors come before any line is read.
	for _, args := range [][]string{{"--wordlist", "-"}, {"--format", "native"}, {"--workers", "-1"}, {devCookie}} {
		if code, _, stderr := runCLI(t, devCookie+"\n", append([]string{"audit", "--lines", "-"}, args...)...); code != exitUsage {
			t.Errorf("%v: exit %d, want 2: %s", args, code, stderr)
		}
	}
}
