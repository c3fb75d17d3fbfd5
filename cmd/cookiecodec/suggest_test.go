package main

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestFlaskUnsignCommandLines gives flask-unsign command lines to
// cookiecodec: each is refused with exit 2 and the equivalent command,
// which a real shell splits and which then runs as cookiecodec's own
// (decode and sign succeed, audit finds "dev"). The secret given to
// flask-unsign's --secret never appears in the output.
func TestFlaskUnsignCommandLines(t *testing.T) {
	const secret = "s3cr3t-not-echoed"
	t.Setenv("SECRET", "dev")
	tests := []struct {
		args     []string
		command  string
		notes    []string
		wantCode int // of the translated command
		wantOut  string
	}{
		{[]string{"--decode", "--cookie", devCookie}, "cookiecodec decode " + devCookie, nil, exitOK, "UNVERIFIED"},
		{[]string{"-d", "-c", devCookie, "-q"}, "cookiecodec decode " + devCookie, nil, exitOK, `"user": "alice"`},
		{[]string{"--unsign", "--cookie=" + devCookie, "--no-literal-eval", "-t", "2"}, "cookiecodec audit --reveal --workers 2 " + devCookie,
			[]string{"both as raw bytes and, when it is a Python literal", "built-in list"}, exitFailed, "WEAK SECRET"},
		{[]string{"-s", "-c", `{"user": "alice"}`, "-S", secret, "--legacy"}, `cookiecodec sign --key-env SECRET '{"user": "alice"}'`,
			[]string{"environment variable SECRET", "seconds since 2011-01-01"}, exitOK, "."},
		{[]string{"--sign", "--cookie", "{'logged_in': True, 'ids': (1, 2)}", "--secret", secret, "--salt", "other salt"},
			`cookiecodec sign --key-env SECRET --salt 'other salt' --python "{'logged_in': True, 'ids': (1, 2)}"`,
			[]string{"environment variable SECRET"}, exitOK, "."},
		{[]string{"--sign", "--cookie", "{'user': admin}", "--secret", secret}, "cookiecodec sign --key-env SECRET --python SESSION",
			[]string{"not a Python literal that Flask can write (line 1, column 10: the name admin"}, -1, ""},
		{[]string{"--decode", "--server", "https://example.test/login?next=/", "--cookie-name", "sess", "-k", "-U", "probe 1.0", "-p", "http://proxy:3128"},
			"cookiecodec decode --url 'https://example.test/login?next=/' --name sess --insecure --header 'User-Agent: probe 1.0' --proxy http://proxy:3128", nil, -1, ""},
	}
	for _, tt := range tests {
		code, stdout, stderr := runCLI(t, "", tt.args...)
		if code != exitUsage || stdout != "" || strings.Contains(stderr, secret) {
			t.Fatalf("%q: exit %d, stdout %q, stderr %q", tt.args, code, stdout, stderr)
		}
		want := "cookiecodec: hint: that is, with cookiecodec: " + tt.command + "\n"
		if !strings.Contains(stderr, "not flask-unsign's flags") || !strings.Contains(stderr, want) {
			t.Fatalf("%q: stderr\n%s\nwant the line %q", tt.args, stderr, want)
		}
		for _, n := range tt.notes {
			if !strings.Contains(stderr, n) {
				t.Errorf("%q: stderr\n%s\nwant a hint with %q", tt.args, stderr, n)
			}
		}
		if tt.wantCode < 0 {
			continue // needs a server, or a JSON the user writes
		}
		// A real shell splits the command as a user's would.
		out, err := exec.CommandContext(context.Background(), "sh", "-c", `printf '%s\n' `+strings.TrimPrefix(tt.command, "cookiecodec ")).Output()
		if err != nil {
			t.Fatal(err)
		}
		args := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
		if args[0] == "decode" || args[0] == "sign" {
			args = append(args[:1], append([]string{"--now", devNow}, args[1:]...)...)
		}
		code, stdout, stderr = runCLI(t, "", args...)
		if code != tt.wantCode || !strings.Contains(stdout, tt.wantOut) {
			t.Errorf("translated %q: exit %d, want %d; stdout %q; stderr %q", args, code, tt.wantCode, stdout, stderr)
		}
	}
}

// TestUnknownFlagHints checks the hint an unknown flag or command gets.
func TestUnknownFlagHints(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"verfy", devCookie}, `did you mean "verify"?`},
		{[]string{"unsign", devCookie}, `cookiecodec audit [--wordlist PATH] COOKIE"; to check a secret you know: "cookiecodec verify`},
		{[]string{"crack", devCookie}, `cookiecodec audit [--wordlist PATH] COOKIE"`},
		{[]string{"--audit"}, `did you mean "audit"?`},
		{[]string{"frobnicate"}, "the commands are decode, verify, sign, keygen and audit"},
		{[]string{"decode", "--cookie", devCookie}, "give the cookie as the argument, or on standard input"},
		{[]string{"verify", "--key", "dev", devCookie}, "--key-file PATH, --key-env VAR or --secret TEXT"},
		{[]string{"verify", "-S", "dev", devCookie}, "--key-file PATH, --key-env VAR or --secret TEXT"},
		{[]string{"audit", "--secret", "dev", devCookie}, "audit looks for the key"},
		{[]string{"decode", "--key-file", "k", devCookie}, "decode takes no key"},
		{[]string{"verify", "--wordlist", "w", devCookie}, "cookiecodec audit --wordlist PATH"},
		{[]string{"verify", "--nmae", "s", devCookie}, "did you mean --name?"},
		{[]string{"verify", "--key-fle", "k", devCookie}, "did you mean --key-file?"},
		{[]string{"audit", "--threads", "4", devCookie}, "--workers N"},
		{[]string{"decode", "--server", "http://127.0.0.1/", devCookie}, "--url URL"},
		{[]string{"sign", "--legacy", "{}"}, "seconds since 2011-01-01"},
		{[]string{"verify", "--legacy", devCookie}, "--max-age none checks its signature without the age"},
	} {
		code, _, stderr := runCLI(t, "", tt.args...)
		hinted := false
		for _, l := range strings.Split(stderr, "\n") {
			hinted = hinted || (strings.HasPrefix(l, "cookiecodec: hint: ") && strings.Contains(l, tt.want))
		}
		if code != exitUsage || !hinted {
			t.Errorf("%q: exit %d, stderr\n%s\nwant the hint %q", tt.args, code, stderr, tt.want)
		}
	}
	// No guess for a name far from every flag, or too short to tell.
	for _, args := range [][]string{{"verify", "--frobnicate", devCookie}, {"verify", "-z", devCookie}} {
		_, _, stderr := runCLI(t, "", args...)
		if strings.Contains(stderr, "did you mean") {
			t.Errorf("%q: a guess in\n%s", args, stderr)
		}
	}
}

// TestFlaskUnsignTranslationsRun checks that every translation the
// flask-unsign hint prints is a command line cookiecodec accepts: each is
// split by a real shell and run, and must not end in a usage error
// (an unknown flag, or a fetch flag without --url). The server, when
// there is one, refuses connections, so fetching fails with exit 1 (audit:
// 3), after the flags were accepted.
func TestFlaskUnsignTranslationsRun(t *testing.T) {
	t.Setenv("SECRET", "dev")
	wl := t.TempDir() + "/words.txt"
	if err := os.WriteFile(wl, []byte("x\ndev\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	const server = "http://127.0.0.1:1/"
	modes := [][]string{{"--decode"}, {"--unsign"}, {"--sign"}}
	extras := [][]string{
		nil,
		{"--secret", "dev"},
		{"--salt", "mysalt"},
		{"--salt", "cookie-session"},
		{"--wordlist", wl},
		{"--threads", "2"},
		{"--proxy", "http://127.0.0.1:8080"},
		{"--insecure"},
		{"-U", "probe"},
		{"--cookie-name", "sess"},
		{"--legacy"},
		{"--no-literal-eval"},
		{"--secret", "dev", "--wordlist", wl, "--threads", "2"},
		{"--secret", "dev", "--proxy", "http://127.0.0.1:8080", "--salt", "s"},
		{"--server", server},
		{"--server", server, "--proxy", "http://127.0.0.1:1", "-k", "-U", "probe"},
		{"--server", server, "--secret", "dev", "--cookie-name", "sess"},
	}
	for _, mode := range modes {
		for _, extra := range extras {
			args := append(slices.Clone(mode), extra...)
			if mode[0] == "--sign" {
				args = append(args, "--cookie", "{'user': 'alice'}")
			} else if !slices.Contains(extra, "--server") {
				args = append(args, "--cookie", devCookie)
			}
			cmd, _ := flaskUnsignCommand(args)
			if cmd == "" {
				t.Fatalf("%q: no translation", args)
			}
			out, err := exec.CommandContext(context.Background(), "sh", "-c", `printf '%s\n' `+strings.TrimPrefix(cmd, "cookiecodec ")).Output()
			if err != nil {
				t.Fatal(err)
			}
			targs := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
			code, _, stderr := runCLI(t, "", targs...)
			if code == exitUsage {
				t.Errorf("%q translates to %q, a usage error:\n%s", args, cmd, stderr)
			}
		}
	}
	// flask-unsign's --unsign --secret S checks S: that is verify.
	cmd, notes := flaskUnsignCommand([]string{"--unsign", "--cookie", devCookie, "--secret", "S"})
	if want := "cookiecodec verify --key-env SECRET " + devCookie; cmd != want {
		t.Errorf("--unsign --secret: %q, want %q", cmd, want)
	}
	if !strings.Contains(strings.Join(notes, "\n"), "verify checks the cookie with that one secret") {
		t.Errorf("--unsign --secret: notes %q", notes)
	}
}
