package main

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestIndentJSON checks that indentJSON writes what json.Indent writes for
// standard JSON, and indents Python's NaN and Infinity tokens too.
func TestIndentJSON(t *testing.T) {
	for _, in := range []string{`{}`, `[]`, `{"a":[]}`, ` {"a" : [ 1, {"b":{}} ,"x\"]{,:"], "c":"\u00e9\\"}`, `[[[]],[{}]]`, `"s"`, `1e400`, `{"l":[1,2],"user":"a"}`} {
		var want bytes.Buffer
		if err := json.Indent(&want, []byte(in), "", "  "); err != nil {
			t.Fatal(err)
		}
		if got := indentJSON([]byte(in)); string(got) != want.String() {
			t.Errorf("indentJSON(%q) =\n%s\nwant\n%s", in, got, want.String())
		}
	}
	// What is not printable is escaped, in keys and values, and means the
	// same to a JSON reader; what is printable, or already escaped, stays.
	for in, want := range map[string]string{
		"[\"a\u202eb\"]":                  "[\n  \"a\\u202eb\"\n]",
		"{\"\x7f\u009b\":\"\U000e0001\"}": "{\n  \"\\u007f\\u009b\": \"\\udb40\\udc01\"\n}",
		"[\"\u00e9\U0001f600\\u202e\"]":   "[\n  \"\u00e9\U0001f600\\u202e\"\n]",
	} {
		got := indentJSON([]byte(in))
		if string(got) != want {
			t.Errorf("indentJSON(%q) = %q, want %q", in, got, want)
		}
		var a, b any
		if err := json.Unmarshal([]byte(in), &a); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(got, &b); err != nil || !reflect.DeepEqual(a, b) {
			t.Errorf("indentJSON(%q) reads as %v (%v), want %v", in, b, err, a)
		}
	}
	got := string(indentJSON([]byte(`{"l":[1,2],"nan":NaN,"x":[-Infinity]}`)))
	want := "{\n  \"l\": [\n    1,\n    2\n  ],\n  \"nan\": NaN,\n  \"x\": [\n    -Infinity\n  ]\n}"
	if got != want {
		t.Errorf("with NaN:\n%s\nwant\n%s", got, want)
	}
}

// TestNonFiniteOutput checks that a session holding NaN is printed
// indented by --tagged, and that the hint about NaN fits the output: the
// strings of --json's payload only with --json.
func TestNonFiniteOutput(t *testing.T) {
	kf := writeFile(t, "k", []byte("secret"))
	cookie := signFlask(t, []byte("secret"), `{"l":[1,2],"nan":NaN,"user":"a"}`)
	const jsonHint = "the --json payload shows them as strings"
	const taggedHint = "printed as the bare tokens Python's json writes"
	for _, tc := range []cliCase{
		{name: "decode --tagged", args: []string{"decode", "--tagged", cookie}, stdout: []string{"{\n  \"l\": [\n    1,\n    2\n  ],\n  \"nan\": NaN,\n  \"user\": \"a\"\n}\n"}, stderr: []string{taggedHint}, notStderr: []string{jsonHint}},
		{name: "verify --tagged", args: []string{"verify", "--tagged", "--key-file", kf, "--now", devNow, cookie}, stdout: []string{"  \"nan\": NaN,\n"}, stderr: []string{taggedHint}, notStderr: []string{jsonHint}},
		{name: "decode", args: []string{"decode", cookie}, stdout: []string{`"nan": NaN`}, notStderr: []string{jsonHint, taggedHint}},
		{name: "decode --json", args: []string{"decode", "--json", cookie}, stdout: []string{`"nan":"NaN"`, jsonHint}},
		{name: "sign", args: []string{"sign", "--format", "flask", "--key-file", kf, `{"nan":NaN}`}, notStderr: []string{jsonHint, taggedHint}},
		{name: "sign --json", args: []string{"sign", "--format", "flask", "--json", "--key-file", kf, `{"nan":NaN}`}, stdout: []string{jsonHint}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.check(t)
		})
	}
	// The indented session signs back to the same payload.
	_, tagged, _ := runCLI(t, cookie, "decode", "--tagged")
	_, again, stderr := runCLI(t, tagged, "sign", "--format", "flask", "--key-file", kf, "--now", devNow)
	if first, _, _ := strings.Cut(strings.TrimSpace(again), "."); !strings.HasPrefix(cookie, first+".") {
		t.Errorf("re-signed %q, want the payload of %q: %s", again, cookie, stderr)
	}
}

// TestNoInternalPackageNames checks that errors from the internal input
// parser and Python literal writer reach users without package names, on
// stderr and in --json.
func TestNoInternalPackageNames(t *testing.T) {
	nan := signFlask(t, []byte("secret"), `{"nan":NaN}`)
	for _, args := range [][]string{
		{"decode", ""},
		{"decode", "--json", ""},
		{"decode", "--json", "Cookie: other=1"},
		{"verify", "--json", "--secret", "k", "Cookie: a=1\nfoo"},
		{"decode", "Cookie: session=~3~abc"},
		{"decode", "--python", nan},
		{"audit", "--json", "Cookie: other=1"},
	} {
		code, stdout, stderr := runCLI(t, "", args...)
		if code == exitOK || strings.Contains(stdout+stderr, "cliinput") || strings.Contains(stdout+stderr, "pyliteral") {
			t.Errorf("%q: exit %d\n%s%s", args, code, stdout, stderr)
		}
	}
}
