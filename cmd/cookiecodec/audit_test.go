package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
)

// signFlask makes a Flask-format cookie with the CLI's sign.
func signFlask(t *testing.T, key []byte, payload string, extra ...string) string {
	t.Helper()
	args := append([]string{"sign", "--format", "flask", "--key-file", writeFile(t, "k", key), "--now", devNow}, extra...)
	code, stdout, stderr := runCLI(t, payload, args...)
	if code != exitOK {
		t.Fatalf("sign: %s", stderr)
	}
	return strings.TrimSpace(stdout)
}

// signEmptyKey makes an itsdangerous cookie with an empty secret and no
// key derivation, as URLSafeTimedSerializer("", key_derivation="none")
// does, which sign refuses to make.
func signEmptyKey(t *testing.T, payload string) string {
	t.Helper()
	s, err := codec.NewSigner(codec.Params{Salt: "cookie-session", Derivation: codec.DeriveNone, Digest: codec.SHA1, Separator: '.'}, nil)
	if err != nil {
		t.Fatal(err)
	}
	now, err := parseNow(devNow)
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.SignPayload([]byte(payload), now, codec.CompressNever())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func builtinIndex(t *testing.T, s string) int {
	t.Helper()
	i := slices.Index(builtinSecrets, s)
	if i < 0 {
		t.Fatalf("%q is not in the built-in list", s)
	}
	return i + 1
}

func TestAuditBuiltin(t *testing.T) {
	tests := []struct {
		name   string
		secret string
		flags  []string
		hint   string
	}{
		{name: "flask default", secret: "changeme"},
		{name: "flask docs key", secret: "_5#y2L\"F4Q8z\n\xec]/"},
		{name: "superset default", secret: "\x02\x01thisismyscretkey\x01\x02\\e\\y\\y\\h"},
		{name: "sha256", secret: "secret", flags: []string{"--digest", "sha256"}},
		{name: "itsdangerous defaults", secret: "password", flags: []string{"--salt", "itsdangerous", "--key-derivation", "django-concat"}, hint: "--salt 'itsdangerous' and --key-derivation django-concat"},
		{name: "empty key", secret: "", flags: []string{"--key-derivation", "none"}, hint: "--key-derivation none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cookie string
			if tt.secret == "" {
				// sign refuses an empty key; itsdangerous takes one.
				cookie = signEmptyKey(t, `{"user":"eve"}`)
			} else {
				cookie = signFlask(t, []byte(tt.secret), `{"user":"eve"}`, tt.flags...)
			}
			code, stdout, _ := runCLI(t, "", "audit", "--json", "session="+cookie)
			m := jsonOut(t, stdout)
			match, _ := m["match"].(map[string]any)
			if code != exitFailed || m["weak"] != true || match == nil {
				t.Fatalf("exit %d %v", code, m)
			}
			if got, want := match["entry"], float64(builtinIndex(t, tt.secret)); got != want || match["list"] != "built-in" {
				t.Errorf("entry %v of %v, want %v of built-in", got, match["list"], want)
			}
			if tt.secret != "" {
				first, last := firstLast([]byte(tt.secret))
				if match["first"] != first || match["last"] != last {
					t.Errorf("first/last %v %v, want %s %s", match["first"], match["last"], first, last)
				}
			}
			if tt.hint != "" && !strings.Contains(hintsOf(m), tt.hint) {
				t.Errorf("hints %q lack %q", hintsOf(m), tt.hint)
			}
			if len(tt.secret) > 3 && tt.secret != "secret" && strings.Contains(stdout, tt.secret) { // "secret" is in the hint text
				t.Errorf("audit printed the secret")
			}
		})
	}
	t.Run("strong key", func(t *testing.T) {
		cookie := signFlask(t, []byte("9f2c1a7e4b6d8e0f1a3c5b7d9e1f3a5c"), `{"user":"eve"}`)
		code, stdout, _ := runCLI(t, "", "audit", cookie)
		if code != exitOK || !strings.Contains(stdout, "no match") {
			t.Fatalf("exit %d %s", code, stdout)
		}
	})
}

// TestAuditWordlist: a wordlist is read as raw lines; numeric lines,
// non-UTF-8 lines, CRLF endings and overlong lines are all fine.
func TestAuditWordlist(t *testing.T) {
	var wl bytes.Buffer
	const n = 5000
	for i := range n {
		fmt.Fprintf(&wl, "%d\n", i) // numeric lines crash flask-unsign; not here
	}
	wl.WriteString("\xff\xfe\x00binary\n")                         // 20001
	wl.WriteString(strings.Repeat("x", maxWordlistLine+10) + "\n") // 20002, skipped
	wl.WriteString("windows-line\r\n")                             // 20003
	wl.WriteString("Tr0ub4dor&3\n")                                // 20004
	wl.WriteString("  padded secret\t\n")                          // 20005: also tried trimmed, as flask-unsign does
	wl.WriteString("\xffbinary padded \n")                         // 20006: not UTF-8, trimmed as bytes
	wl.WriteString("last-line-without-newline")                    // 20007
	path := writeFile(t, "words.txt", wl.Bytes())
	tests := []struct {
		secret  string
		entry   float64
		first   string
		last    string
		trimmed bool
	}{
		{"1234567", 0, "", "", false}, // not in the list: no match
		{"4999", n, "'4'", "'9'", false},
		{"\xff\xfe\x00binary", n + 1, `'\xff'`, "'y'", false},
		{"windows-line", n + 3, "'w'", "'e'", false},
		{"Tr0ub4dor&3", n + 4, "'T'", "'3'", false},
		{"  padded secret\t", n + 5, "' '", `'\t'`, false},
		{"padded secret", n + 5, "'p'", "'t'", true},
		{"\xffbinary padded", n + 6, `'\xff'`, "'d'", true},
		{"last-line-without-newline", n + 7, "'l'", "'e'", false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("entry %v", tt.entry), func(t *testing.T) {
			cookie := signFlask(t, []byte(tt.secret), `{"user":"eve"}`)
			code, stdout, stderr := runCLI(t, "", "audit", "--json", "--wordlist", path, cookie)
			m := jsonOut(t, stdout)
			// The overlong line (n+2) is reported when the whole list was
			// read (no match) or when it comes before the match: what
			// follows a match may or may not have been read.
			reported := strings.Contains(hintsOf(m), "1 wordlist lines longer than")
			if want := tt.entry == 0 || tt.entry > n+2; reported != want {
				t.Errorf("overlong line reported %v, want %v: %q", reported, want, hintsOf(m))
			}
			if tt.entry == 0 {
				if code != exitOK || m["weak"] != false || m["checked"].(float64) < n {
					t.Fatalf("no-match: exit %d %v %s", code, m, stderr)
				}
				return
			}
			match, _ := m["match"].(map[string]any)
			if code != exitFailed || match == nil || match["list"] != "wordlist" || match["entry"] != tt.entry || match["first"] != tt.first || match["last"] != tt.last {
				t.Fatalf("exit %d %v %s", code, m, stderr)
			}
			if trimmed := match["trimmed"] == true; trimmed != tt.trimmed {
				t.Errorf("trimmed: %v, want %v", trimmed, tt.trimmed)
			}
		})
	}
}

// TestAuditRealItsdangerous audits a cookie made by the real itsdangerous
// with its own defaults (salt "itsdangerous", django-concat derivation).
func TestAuditRealItsdangerous(t *testing.T) {
	py := "/usr/bin/python3"
	out, err := exec.CommandContext(context.Background(), py, "-c",
		"from itsdangerous import URLSafeTimedSerializer as S; print(S('changeme').dumps({'user': 'eve'}))").Output()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("real itsdangerous is required in CI (%s): %v", py, err)
		}
		t.Skipf("real itsdangerous not available (%s): %v", py, err)
	}
	cookie := strings.TrimSpace(string(out))
	code, stdout, _ := runCLI(t, "", "audit", "--json", cookie)
	m := jsonOut(t, stdout)
	match, _ := m["match"].(map[string]any)
	if code != exitFailed || match == nil || match["entry"] != float64(builtinIndex(t, "changeme")) ||
		match["salt"] != "itsdangerous" || match["key_derivation"] != string(codec.DeriveDjangoConcat) {
		t.Fatalf("exit %d %v", code, m)
	}
	// verify with Flask's defaults explains which settings would match.
	code, stdout, _ = runCLI(t, "", "verify", "--json", "--max-age", "none", "--secret", "changeme", cookie)
	if m = jsonOut(t, stdout); code != exitFailed || !strings.Contains(hintsOf(m), "--salt 'itsdangerous' and --key-derivation django-concat") {
		t.Fatalf("verify hint: exit %d %v", code, m)
	}
}

// TestAuditCancels: with many workers the first match stops the search
// and the lowest entry number wins.
func TestAuditCancels(t *testing.T) {
	var wl bytes.Buffer
	for range 3 {
		wl.WriteString("not-it\n")
	}
	wl.WriteString("dup\ndup\n")
	path := writeFile(t, "w", wl.Bytes())
	cookie := signFlask(t, []byte("dup"), `{}`)
	for _, workers := range []string{"1", "2", "8"} {
		code, stdout, _ := runCLI(t, "", "audit", "--json", "--workers", workers, "--wordlist", path, cookie)
		m := jsonOut(t, stdout)
		if match, _ := m["match"].(map[string]any); code != exitFailed || match["entry"] != 4.0 {
			t.Fatalf("workers %s: exit %d %v", workers, code, m)
		}
	}
}

// flaskUnsignWordlist has the real Flask sign a session under each of
// three secrets (bytes, a str with a quote and non-ASCII text, and one
// whose repr() needs double quotes), and writes a wordlist in
// flask-unsign's format: repr() of each line, decoys first. It prints
// the cookies, one per line, then the wordlist.
const flaskUnsignWordlist = `
import sys
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
secrets = [b"\xd2U\x8dF\xd0\xa4\x14Z7\x83P\xdc\t\xcek/", "it's \u00e9\tsecret", 'say "hi"']
for s in secrets:
    app = Flask("audit")
    app.secret_key = s
    print(SecureCookieSessionInterface().get_signing_serializer(app).dumps({"user": "eve"}))
decoys = ["    SECRET_KEY = '{0}'", b"\xd2U\x8dF", "it's", "dev2", 'say "hi" '] * 40
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for line in decoys + secrets:
        f.write(repr(line) + "\n")
`

// TestAuditFlaskUnsignWordlist audits cookies the real Flask signed with
// binary and quoted secrets against a wordlist in flask-unsign's format
// (one Python literal per line): each is found at its line, read as a
// Python literal, and only the first and last character are shown.
func TestAuditFlaskUnsignWordlist(t *testing.T) {
	py := "/usr/bin/python3"
	path := writeFile(t, "all.txt", nil)
	out, err := exec.CommandContext(context.Background(), py, "-c", flaskUnsignWordlist, path).Output()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("real Flask is required in CI (%s): %v", py, err)
		}
		t.Skipf("real Flask not available (%s): %v", py, err)
	}
	cookies := strings.Fields(string(out))
	if len(cookies) != 3 {
		t.Fatalf("python printed %q", out)
	}
	const decoys = 200
	tests := []struct {
		entry       float64
		first, last string
	}{
		{decoys + 1, `'\xd2'`, "'/'"},
		{decoys + 2, "'i'", "'t'"},
		{decoys + 3, "'s'", `'"'`},
	}
	// With one worker, the whole built-in list is checked before the
	// wordlist, which fits in one batch: every one of its 203 lines is
	// tried raw and as a literal.
	_, stdout, _ := runCLI(t, "", "audit", "--json", "--workers", "1", cookies[0])
	builtin := jsonOut(t, stdout)["checked"].(float64)
	for i, tt := range tests {
		code, stdout, stderr := runCLI(t, "", "audit", "--json", "--workers", "1", "--wordlist", path, cookies[i])
		m := jsonOut(t, stdout)
		match, _ := m["match"].(map[string]any)
		if code != exitFailed || match == nil || match["entry"] != tt.entry || match["python_literal"] != true ||
			match["first"] != tt.first || match["last"] != tt.last {
			t.Fatalf("cookie %d: exit %d %v %s", i, code, m, stderr)
		}
		if checked := m["checked"].(float64) - builtin; checked != 2*(decoys+3) {
			t.Errorf("cookie %d: %v wordlist candidates checked, want %d: each line raw and as a literal", i, checked, 2*(decoys+3))
		}
	}
	code, stdout, _ := runCLI(t, "", "audit", "--wordlist", path, cookies[0])
	if want := "WEAK SECRET: the cookie is signed with line 201 of the wordlist read as a Python literal (first character '\\xd2', last '/')"; code != exitFailed || !strings.HasPrefix(stdout, want) {
		t.Fatalf("exit %d, text output %q, want it to start with %q", code, stdout, want)
	}
}

// TestAuditReveal: without --reveal the secret appears nowhere in the
// output; with it, as a Python bytes literal and as hex (in --json too),
// and the bytes written as the hint says verify the cookie.
func TestAuditReveal(t *testing.T) {
	secret := []byte("we\xffak'key")
	path := writeFile(t, "words.txt", []byte("other\n"+string(secret)+"\n"))
	cookie := signFlask(t, secret, `{"user":"eve"}`)
	const literal = `b"we\xffak'key"`
	code, stdout, stderr := runCLI(t, "", "audit", "--wordlist", path, cookie)
	if code != exitFailed || strings.Contains(stdout+stderr, "ak'k") || strings.Contains(stdout+stderr, hex.EncodeToString(secret)) {
		t.Errorf("without --reveal: exit %d, output shows the secret:\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI(t, "", "audit", "--reveal", "--wordlist", path, cookie)
	if code != exitFailed || !strings.Contains(stdout, "secret "+literal+"\n") || !strings.Contains(stderr, "bytes.fromhex('"+hex.EncodeToString(secret)+"')") {
		t.Errorf("--reveal: exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, "", "audit", "--reveal", "--json", "--wordlist", path, cookie)
	match, _ := jsonOut(t, stdout)["match"].(map[string]any)
	if code != exitFailed || match["secret"] != literal || match["secret_hex"] != hex.EncodeToString(secret) {
		t.Errorf("--reveal --json: exit %d, match %v", code, match)
	}
	// What the hint writes is the key that verifies the cookie.
	raw, err := hex.DecodeString(match["secret_hex"].(string))
	if err != nil {
		t.Fatal(err)
	}
	cliCase{args: []string{"verify", "--key-file", writeFile(t, "weak.key", raw), "--now", devNow, cookie}, code: exitOK, stdout: []string{"eve"}}.check(t)
}

// TestAuditKeepsMatchDespiteReadError: a secret of the built-in list is
// reported (exit 1, weak) even when --wordlist then fails to read; the
// audit used to report that it could not run (exit 3, "weak": false) in
// most runs, so a deployment check passed an app with a public key.
func TestAuditKeepsMatchDespiteReadError(t *testing.T) {
	late := "" // a late entry: the read error comes before it is checked
	for i := len(builtinSecrets) - 1; late == ""; i-- {
		late = builtinSecrets[i]
	}
	cookie := signFlask(t, []byte(late), `{"user":"eve"}`)
	dir := t.TempDir() // reading a directory fails
	for range 10 {
		code, stdout, _ := runCLI(t, "", "audit", "--json", "--wordlist", dir, "session="+cookie)
		m := jsonOut(t, stdout)
		// Whether the read error or the match comes first is timing; the
		// verdict must not depend on it.
		if code != exitFailed || m["weak"] != true || m["checked"] == float64(0) || m["error"] != nil {
			t.Fatalf("exit %d: %v", code, m)
		}
		// Whether the read was tried before the match cancelled it is
		// timing too: the report does not depend on it either.
		if strings.Contains(hintsOf(m), "could not be read") {
			t.Fatalf("a read error after the match is reported: %q", hintsOf(m))
		}
	}
}

// TestStreamWordlistBatchBytes: wordlist batches close at 1 MiB as well as
// at 4096 lines, so long lines cannot fill memory, and entry numbers stay
// consecutive across batches.
func TestStreamWordlistBatchBytes(t *testing.T) {
	long := strings.Repeat("a", 60<<10) + " \n" // trimmed: an alternate reading as long
	for _, tc := range []struct {
		text  string
		lines int
	}{{strings.Repeat(long, 100), 100}, {strings.Repeat("secret\n", 10000), 10000}} {
		out := make(chan auditBatch, 1000)
		if _, err := streamWordlist(context.Background(), strings.NewReader(tc.text), codec.Params{}, out); err != nil {
			t.Fatal(err)
		}
		close(out)
		next, batches := 1, 0
		for b := range out {
			batches++
			size := 0
			for i, w := range b.words {
				size += len(w) + len(b.alternates[i])
			}
			if size > auditBatchBytes+2*maxWordlistLine || len(b.words) > auditBatchLines {
				t.Errorf("a batch of %d lines holds %d bytes", len(b.words), size)
			}
			if b.first != next {
				t.Errorf("a batch starts at entry %d, want %d", b.first, next)
			}
			next += len(b.words)
		}
		if next != tc.lines+1 || batches < 3 {
			t.Errorf("%d entries in %d batches, want %d in several", next-1, batches, tc.lines)
		}
	}
}

// TestAuditWorkersBounded: --workers above 1024 is a usage error; ten
// million made the channel of batches exhaust memory and crash.
func TestAuditWorkersBounded(t *testing.T) {
	code, _, stderr := runCLI(t, "", "audit", "--workers", "10000000", devCookie)
	if code != exitUsage || !strings.Contains(stderr, "--workers 10000000: want 1 to 1024") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}

// TestAuditSearchLowestEntry: auditSearch returns the lowest matching
// entry even when a worker gets to an earlier batch only after another
// worker's match in a later one. Workers used to drop every batch once a
// match had cancelled the search, so about 1 call in 100 of this set-up
// (eight batches that all match, sixteen workers parked on the channel)
// returned entry 2, 3, 4 or 8.
func TestAuditSearchLowestEntry(t *testing.T) {
	secret := []byte("dup")
	cookie := signFlask(t, secret, `{}`)
	p := codec.Params{Salt: "cookie-session", Derivation: codec.DeriveHMAC, Digest: codec.SHA1, Separator: '.'}
	const batches = 8
	produce := func(ctx context.Context, out chan<- auditBatch) error {
		// As when a wordlist is being read: the workers are idle, parked
		// on the channel, when the batches come.
		time.Sleep(time.Millisecond)
		for i := range batches {
			b := auditBatch{list: 1, first: i + 1, words: [][]byte{secret}, params: []codec.Params{p}, changes: [][]string{nil}}
			select {
			case out <- b:
			case <-ctx.Done():
				return nil
			}
		}
		return nil
	}
	for range 1000 {
		var checked atomic.Int64
		found, err := auditSearch(cookie, 16, produce, &checked)
		if err != nil || found == nil || found.entry != 1 {
			t.Fatalf("found %+v, %v; want entry 1", found, err)
		}
	}
}

// TestAuditSkippedHintOnMatch: with a match, the hint about overlong
// wordlist lines counts those before the matching line, on every run and
// with any number of workers. It used to count the lines the reader had
// got to when the match stopped it, from 1 to 40 here.
func TestAuditSkippedHintOnMatch(t *testing.T) {
	var wl strings.Builder
	long := strings.Repeat("x", maxWordlistLine+10) + "\n"
	wl.WriteString(long + long + "word\n" + long + "dup\n") // the match is line 5, after 3 overlong lines
	for i := range 40 {
		wl.WriteString(long)
		fmt.Fprintf(&wl, "word%d\n", i)
	}
	path := writeFile(t, "w", []byte(wl.String()))
	cookie := signFlask(t, []byte("dup"), `{}`)
	for _, workers := range []string{"1", "2"} {
		for range 30 {
			code, stdout, _ := runCLI(t, "", "audit", "--json", "--workers", workers, "--wordlist", path, cookie)
			m := jsonOut(t, stdout)
			match, _ := m["match"].(map[string]any)
			hints := hintsOf(m)
			if code != exitFailed || match == nil || match["entry"] != float64(5) ||
				!strings.Contains(hints, "3 wordlist lines longer than 65536 bytes, before the matching line, were skipped") {
				t.Fatalf("--workers %s: exit %d, match %v, hints %q", workers, code, match, hints)
			}
		}
	}
}

// TestAuditRevealTextSecret: a secret that is text is revealed as the str
// literal the app's config holds ('s3cr3t key', not b'...'), as
// "secret_text" in --json, and the hint (in --json too) writes a key file
// with printf that verifies the cookie.
func TestAuditRevealTextSecret(t *testing.T) {
	secret := "s3cr3t it's"
	path := writeFile(t, "words.txt", []byte("other\n"+secret+"\n"))
	cookie := signFlask(t, []byte(secret), `{"user":"eve"}`)
	code, stdout, stderr := runCLI(t, "", "audit", "--reveal", "--wordlist", path, cookie)
	wantHint := `printf '%s' 's3cr3t it'\''s' > weak.key`
	if code != exitFailed || !strings.Contains(stdout, "secret \"s3cr3t it's\"\n") || !strings.Contains(stderr, wantHint) || !strings.Contains(stderr, "--key-file weak.key") {
		t.Errorf("--reveal: exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, "", "audit", "--reveal", "--json", "--wordlist", path, cookie)
	m := jsonOut(t, stdout)
	match, _ := m["match"].(map[string]any)
	if code != exitFailed || match["secret"] != `"s3cr3t it's"` || match["secret_text"] != secret || match["secret_hex"] != hex.EncodeToString([]byte(secret)) || !strings.Contains(hintsOf(m), wantHint) {
		t.Errorf("--reveal --json: exit %d\n%s", code, stdout)
	}
	// The hint's command, run by a shell, writes the key that verifies.
	dir := t.TempDir()
	cmd := exec.CommandContext(context.Background(), "sh", "-c", wantHint)
	cmd.Dir = dir
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	cliCase{args: []string{"verify", "--key-file", filepath.Join(dir, "weak.key"), "--now", devNow, cookie}, code: exitOK, stdout: []string{"eve"}}.check(t)
}
