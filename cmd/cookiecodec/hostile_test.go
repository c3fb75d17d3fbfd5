package main

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
)

// TestHostileInputs feeds hostile cookies to decode, verify and audit:
// each must end with exit 1 and one JSON object (no panic, no hang).
func TestHostileInputs(t *testing.T) {
	key := writeFile(t, "k", []byte("dev"))
	native, _ := newNativeKey(t)

	var bomb bytes.Buffer
	zw := zlib.NewWriter(&bomb)
	zw.Write(bytes.Repeat([]byte("A"), 10<<20))
	zw.Close()
	bombCookie := "." + base64.RawURLEncoding.EncodeToString(bomb.Bytes()) + ".ZVPxAA.QehH-05txOR6UWU1Sr2AbjfnV0w"
	deep := base64.RawURLEncoding.EncodeToString([]byte(strings.Repeat("[", 100000) + strings.Repeat("]", 100000)))

	inputs := map[string]string{
		"only separators":   "...",
		"one separator":     ".",
		"four separators":   "....",
		"1 MiB":             strings.Repeat("A", 1<<20-10),
		"over 1 MiB":        strings.Repeat("A", 1<<20+10),
		"zlib bomb":         bombCookie,
		"deep nesting":      deep + ".ZVPxAA.QehH-05txOR6UWU1Sr2AbjfnV0w",
		"invalid utf8":      "\xff\xfe.\xff.\xff",
		"control chars":     "a\x00b.c\x01d.e\x7f",
		"huge timestamp":    "e30.________________.QehH-05txOR6UWU1Sr2AbjfnV0w",
		"chunk absurd":      "Cookie: session=~99~abc",
		"chunk missing":     "Cookie: session=~3~abc; session.2=x",
		"only header":       "Set-Cookie:",
		"quotes":            `"'"'`,
		"native truncated":  "AQEA8RYIwWVT8QBlU_EAZXt",
		"gorilla like":      base64.URLEncoding.EncodeToString([]byte("123|||")),
		"gorilla huge ts":   base64.URLEncoding.EncodeToString([]byte("99999999999999999999|YQ==|x")),
		"many cookies":      "Cookie: " + strings.Repeat("a=1; ", 500),
		"tag junk":          base64.RawURLEncoding.EncodeToString([]byte(`{" t":5," b":"!!"," u":"zz"," d":7," di":{}}`)) + ".ZVPxAA.QehH-05txOR6UWU1Sr2AbjfnV0w",
		"single tags junk":  base64.RawURLEncoding.EncodeToString([]byte(`[{" b":"!!"},{" u":"zz"},{" d":"x"},{" di":{}},{" t":"ab"},{" m":5}]`)) + ".ZVPxAA.QehH-05txOR6UWU1Sr2AbjfnV0w",
		"signature padding": devCookie + "====",
		// Lone payload segments, which decode shows: a bomb and deep nesting.
		"bare zlib bomb":    "." + base64.RawURLEncoding.EncodeToString(bomb.Bytes()),
		"bare deep nesting": base64.RawURLEncoding.EncodeToString([]byte(`{"a":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "}")),
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			for _, args := range [][]string{
				{"decode", "--json"},
				{"decode"},
				{"decode", "--redact"},
				{"verify", "--json", "--key-file", key},
				{"verify", "--json", "--key-file", native},
				{"verify", "--json", "--hash-key-file", key},
				{"audit", "--json", "--workers", "2"},
			} {
				code, stdout, stderr := runCLI(t, in, args...)
				if code != exitOK && code != exitFailed && code != exitUsage && (code != exitAuditFailed || args[0] != "audit") {
					t.Fatalf("%v: exit %d", args, code)
				}
				if slices.Contains(args, "--json") && code != exitUsage {
					jsonOut(t, stdout)
				}
				if len(stdout)+len(stderr) > 200<<10 {
					t.Errorf("%v: %d bytes of output", args, len(stdout)+len(stderr))
				}
			}
		})
	}
}

// TestTruncationsAndFlips runs every truncation and a bit flip at every
// position of a Flask, a native and a gorilla cookie through verify: all
// rejected, none valid.
func TestTruncationsAndFlips(t *testing.T) {
	key := writeFile(t, "k", []byte("dev"))
	nk, _ := newNativeKey(t)
	_, nc, _ := runCLI(t, `{"a":1}`, "sign", "--key-file", nk, "--now", devNow)
	hk := writeFile(t, "h", gorillaHash)
	_, gc, _ := runCLI(t, `{"a":1}`, "sign", "--format", "gorilla", "--hash-key-file", hk)
	cases := []struct {
		cookie string
		args   []string
	}{
		{devCookie, []string{"--key-file", key, "--now", devNow}},
		{strings.TrimSpace(nc), []string{"--key-file", nk, "--now", devNow}},
		{strings.TrimSpace(gc), []string{"--hash-key-file", hk}},
	}
	mutations := 0
	for _, c := range cases {
		args := append([]string{"verify", "--json"}, c.args...)
		if code, _, stderr := runCLI(t, c.cookie, args...); code != exitOK {
			t.Fatalf("the unmodified cookie does not verify: %s", stderr)
		}
		for i := 1; i < len(c.cookie); i++ {
			mutated := []string{c.cookie[:i]}
			b := []byte(c.cookie)
			b[i] ^= 0x01
			mutated = append(mutated, string(b))
			for _, m := range mutated {
				mutations++
				code, stdout, _ := runCLI(t, m, args...)
				r := jsonOut(t, stdout)
				if code == exitOK || r["valid"] == true {
					// A flip of base64 slack bits could keep the bytes: only
					// accept when the decoded value is unchanged.
					if m != c.cookie && !sameBytes(m, c.cookie) {
						t.Errorf("mutated cookie accepted: %q", m)
					}
				}
			}
		}
	}
	t.Logf("%d mutated cookies rejected", mutations)
}

// sameBytes reports whether two gorilla values (padded base64) decode to
// the same bytes.
func sameBytes(a, b string) bool {
	x, err1 := base64.URLEncoding.DecodeString(a)
	y, err2 := base64.URLEncoding.DecodeString(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

// TestIsTerminal: only a terminal is one; /dev/null is a character device
// but not a terminal.
func TestIsTerminal(t *testing.T) {
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	regular, err := os.Open(writeFile(t, "f", []byte("x")))
	if err != nil {
		t.Fatal(err)
	}
	defer regular.Close()
	for _, tc := range []struct {
		name string
		w    io.Writer
		want bool
	}{
		{"buffer", &bytes.Buffer{}, false},
		{"dev null", devNull, false},
		{"pipe", w, false},
		{"regular file", regular, false},
	} {
		if got := isTerminal(tc.w); got != tc.want {
			t.Errorf("%s: isTerminal = %v, want %v", tc.name, got, tc.want)
		}
	}
	t.Run("pty", func(t *testing.T) {
		if pty := openPTY(t); !isTerminal(pty) {
			t.Error("a pseudo-terminal is not a terminal")
		}
	})
}

// TestStdinNotTerminal: input read from /dev/null gets no "end it with
// Ctrl-D" hint, which is for a person typing at a terminal.
func TestStdinNotTerminal(t *testing.T) {
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	var stdout, stderr bytes.Buffer
	code := run([]string{"decode"}, devNull, &stdout, &stderr)
	if code != exitFailed || strings.Contains(stderr.String(), "Ctrl-D") {
		t.Errorf("decode </dev/null: exit %d, stderr %q", code, stderr.String())
	}
}

// TestColour: colour only on a terminal, never with NO_COLOR.
func TestColour(t *testing.T) {
	if useColor(&bytes.Buffer{}) {
		t.Error("colour on a buffer")
	}
	t.Setenv("NO_COLOR", "1")
	if useColor(os.Stdout) {
		t.Error("colour despite NO_COLOR")
	}
	if got := (painter{on: true}).good("VALID"); got != "\x1b[1;32mVALID\x1b[0m" {
		t.Errorf("painter = %q", got)
	}
	if got := (painter{}).good("VALID"); got != "VALID" {
		t.Errorf("painter off = %q", got)
	}
}
