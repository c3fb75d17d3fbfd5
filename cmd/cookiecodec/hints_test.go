package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestClosestOneWordApart checks that a flag name one dash-separated word
// away from a flag gets it as a suggestion, although more than two edits
// separate them: "--fallback-key-env" once got no "did you mean" at all,
// being four edits from --fallback-key-file.
func TestClosestOneWordApart(t *testing.T) {
	known := []string{"name", "key-file", "fallback-key-file", "key-env", "secret", "max-age"}
	for _, tt := range []struct{ name, want string }{
		{"fallback-key-env", "fallback-key-file"}, // one word replaced
		{"fallback-env", "key-env"},               // replaced, fewer edits than putting "key" in
		{"fallback-key", "fallback-key-file"},     // one word left out
		{"nmae", "name"},                          // a typo still wins
		{"frobnicate", ""},
		{"key-password", "key-file"},
		{"file", "key-file"},
		{"secret-key-thing", ""},
		{"x-env-y", ""}, // two words replaced
	} {
		if got := closest(tt.name, known); got != tt.want {
			t.Errorf("closest(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestFallbackKeyEnv checks --fallback-key-env: repeatable, read as
// --key-env reads the primary, counted with --fallback-key-file in
// command-line order, and suggested, refused or explained where it does
// not apply.
func TestFallbackKeyEnv(t *testing.T) {
	t.Setenv("OLD_KEY", "dev")
	t.Setenv("OTHER_KEY", "other")
	t.Setenv("EMPTY_KEY", "")
	otherKey := writeFile(t, "other.key", []byte("other"))
	for _, tc := range []cliCase{
		{name: "fallback env", args: []string{"verify", "--json", "--secret", "nope", "--fallback-key-env", "OLD_KEY", "--now", devNow, devCookie}, code: exitOK,
			stdout: []string{`"valid":true`, `"key":"fallback 1"`, "verified with fallback key 1 (--fallback-key-env OLD_KEY), not the primary"}},
		{name: "order of both flags", args: []string{"verify", "--json", "--secret", "nope", "--fallback-key-env", "OTHER_KEY", "--fallback-key-file", otherKey, "--fallback-key-env", "OLD_KEY", "--now", devNow, devCookie}, code: exitOK,
			stdout: []string{`"key":"fallback 3"`, "fallback key 3 (--fallback-key-env OLD_KEY)"}},
		{name: "status line", args: []string{"verify", "--key-env", "OTHER_KEY", "--fallback-key-env", "OLD_KEY", "--now", devNow, devCookie}, code: exitOK,
			stdout: []string{"status:     VALID, verified with fallback key 1 (not the primary)\n"}, notStdout: []string{"the fallback 1 key"}},
		{name: "unset", args: []string{"verify", "--key-env", "OLD_KEY", "--fallback-key-env", "COOKIECODEC_SURELY_UNSET", devCookie}, code: exitUsage,
			stderr: []string{"--fallback-key-env COOKIECODEC_SURELY_UNSET: the environment variable is not set"}},
		{name: "empty", args: []string{"verify", "--key-env", "OLD_KEY", "--fallback-key-env", "EMPTY_KEY", devCookie}, code: exitUsage,
			stderr: []string{"--fallback-key-env EMPTY_KEY: the environment variable is empty"}},
		{name: "no name", args: []string{"verify", "--key-env", "OLD_KEY", "--fallback-key-env=", devCookie}, code: exitUsage,
			stderr: []string{"--fallback-key-env needs the name of an environment variable"}},
		{name: "sign", args: []string{"sign", "--key-env", "OLD_KEY", "--fallback-key-env", "OTHER_KEY", "{}"}, code: exitUsage,
			stderr: []string{"sign takes no flag --fallback-key-env", "fallback keys only verify"}},
		{name: "decode", args: []string{"decode", "--fallback-key-env", "OLD_KEY", devCookie}, code: exitUsage,
			stderr: []string{"decode takes no key"}},
		{name: "near miss", args: []string{"verify", "--fallback-env", "OLD_KEY", devCookie}, code: exitUsage,
			stderr: []string{"hint: did you mean --fallback-key-env?"}},
		{name: "near miss replaced word", args: []string{"verify", "--fallback-key-var", "OLD_KEY", devCookie}, code: exitUsage,
			stderr: []string{"hint: did you mean --fallback-key-env?"}},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.check(t) })
	}
}

// TestNativeFallbackAndExpiry checks the wording of a native cookie
// verified with a fallback key, of an unknown key id, and of each expiry:
// the one the issuing app wrote into the envelope, and verify's own
// --idle and --lifetime, with the defaults verify assumes against the
// middleware's.
func TestNativeFallbackAndExpiry(t *testing.T) {
	key, _ := newNativeKey(t)
	oldKey, oldID := newNativeKey(t)
	sign := func(keyFile string, extra ...string) string {
		t.Helper()
		args := append([]string{"sign", "--key-file", keyFile, "--now", "2026-11-22T00:00:00Z"}, extra...)
		code, stdout, stderr := runCLI(t, `{"u": 1}`, args...)
		if code != exitOK {
			t.Fatalf("sign: exit %d: %s", code, stderr)
		}
		return strings.TrimSpace(stdout)
	}
	old := sign(oldKey)
	idle := sign(key, "--idle", "24h")
	for _, tc := range []cliCase{
		{name: "fallback status", args: []string{"verify", "--key-file", key, "--fallback-key-file", oldKey, "--now", "2026-11-22T00:01:00Z", old}, code: exitOK,
			stdout: []string{"status:     VALID, verified with fallback key 1 (not the primary)\n"}},
		{name: "fallback json unchanged", args: []string{"verify", "--json", "--key-file", key, "--fallback-key-file", oldKey, "--now", "2026-11-22T00:01:00Z", old}, code: exitOK,
			stdout: []string{`"key":"fallback 1"`, `"key_id":"` + oldID + `"`}},
		{name: "unknown key", args: []string{"verify", "--key-file", key, "--now", "2026-11-22T00:01:00Z", old}, code: exitFailed,
			stderr: []string{"error: unknown key", "add it with --fallback-key-file PATH or --fallback-key-env VAR"}},
		{name: "expiry written by the app", args: []string{"verify", "--key-file", key, "--now", "2026-11-23T00:01:00Z", idle}, code: exitFailed,
			stderr: []string{
				"error: expired: past the expiry the issuing app wrote into the cookie (2026-11-23 00:00:00 UTC), by 1m\n",
				"1d after its last issue",
				"the cookiesession middleware's defaults: lifetime 7d, idle timeout 24h",
				"verify's own --lifetime (default 30d) and --idle (default none) had not passed",
			},
			notStderr: []string{"expires limit"}},
		{name: "verify's idle", args: []string{"verify", "--key-file", key, "--idle", "1h", "--now", "2026-11-22T02:00:00Z", idle}, code: exitFailed,
			stderr: []string{"error: expired: past verify's idle timeout (--idle 1h, from the cookie's last issue), by 1h\n", "verify assumes the codec's defaults, --lifetime 30d and no --idle", "idle timeout 24h"}},
		{name: "verify's default lifetime", args: []string{"verify", "--json", "--key-file", key, "--now", "2027-01-01T00:00:00Z", old, "--fallback-key-file", oldKey}, code: exitFailed,
			stdout: []string{`"kind":"expired"`, "past verify's lifetime (--lifetime default 30d, from the session's creation), by 10d"}},
		{name: "verify's lifetime", args: []string{"verify", "--key-file", key, "--lifetime", "1h", "--now", "2026-11-22T03:00:00Z", idle}, code: exitFailed,
			stderr: []string{"past verify's lifetime (--lifetime 1h, from the session's creation), by 2h"}},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.check(t) })
	}
}

// TestLoneChunk gives one cookie of a chunked native session without the
// others, in every form: it is named as the chunk it is, with error kind
// "chunk" and the advice to pass them all; a later chunk given as a bare
// value cannot be recognised and gets the usual error.
func TestLoneChunk(t *testing.T) {
	cs := newChunkServer(t)
	n := len(cs.pairs)
	name1, v1, _ := strings.Cut(cs.pairs[0], "=")
	name2, v2, _ := strings.Cut(cs.pairs[1], "=")
	if name1 != "session" || name2 != "session.2" || !strings.HasPrefix(v1, "~") {
		t.Fatalf("unexpected chunk layout %q, %q", name1, name2)
	}
	first := []string{fmt.Sprintf("chunk 1 of %d of a chunked session, given alone (the value starts with the chunk count ~%d~)", n, n), "pass the whole Cookie header (session=~"}
	later := []string{`cookie session.2 is chunk 2 of the chunked session "session", given without chunk 1`, "the first of which starts with their count (session=~n~...)"}
	for _, tc := range []cliCase{
		{name: "first raw", args: []string{"decode", v1}, code: exitFailed, stderr: first, notStderr: []string{"not a Flask, native or gorilla cookie"}},
		{name: "first raw verify json", args: []string{"verify", "--json", "--key-file", cs.keyFile, v1}, code: exitFailed,
			stdout: append([]string{`"kind":"chunk"`}, first...)},
		{name: "first pair", args: []string{"verify", "--key-file", cs.keyFile, "session=" + v1}, code: exitFailed, stderr: first},
		{name: "first forced native", args: []string{"decode", "--format", "native", v1}, code: exitFailed, stderr: first},
		{name: "first in a header", args: []string{"verify", "--key-file", cs.keyFile, "Cookie: session=" + v1}, code: exitFailed,
			stderr: []string{"chunk 2 of", "is missing", "pass the whole Cookie header (session=~"}},
		{name: "later pair", args: []string{"decode", "--json", "session.2=" + v2}, code: exitFailed, stdout: []string{`"kind":"chunk"`, `chunk 2 of the chunked session \"session\", given without chunk 1`, later[1]}},
		{name: "later pair human", args: []string{"decode", "session.2=" + v2}, code: exitFailed, stderr: later},
		{name: "later in a header", args: []string{"verify", "--key-file", cs.keyFile, "Cookie: theme=dark; session.2=" + v2}, code: exitFailed, stderr: later},
		{name: "later raw", args: []string{"decode", "--json", "--", v2}, code: exitFailed, stdout: []string{`"kind":"malformed"`, "not a Flask, native or gorilla cookie"}, notStdout: []string{"chunk"}},
		{name: "whole header", args: []string{"verify", "--key-file", cs.keyFile, "Cookie: " + strings.Join(cs.pairs, "; ")}, code: exitOK, stdout: []string{"VALID"}},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.check(t) })
	}
}

// TestNativeKeyRingText checks that the primary key's source may hold a
// whole key ring, as codec.ParseKeyRing reads one from one variable
// (SESSION_KEYS="$NEW $OLD"): its later keys verify as fallbacks,
// numbered before those of the fallback flags, and sign uses its first.
func TestNativeKeyRingText(t *testing.T) {
	readKey := func(path string) string {
		t.Helper()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(b))
	}
	newPath, newID := newNativeKey(t)
	oldPath, oldID := newNativeKey(t)
	thirdPath, _ := newNativeKey(t)
	t.Setenv("SESSION_KEYS", readKey(newPath)+"\n"+readKey(oldPath))
	t.Setenv("BAD_KEYS", readKey(newPath)+",cookiecodec-key-1.00000003.c2hvcnQ")
	t.Setenv("COMMENTED_KEYS", "# rotated 2026-12-01\n"+readKey(newPath)+"\n"+readKey(oldPath)+" # drop in January\n")
	sign := func(args ...string) string {
		t.Helper()
		code, stdout, stderr := runCLI(t, `{"u": 1}`, append([]string{"sign", "--now", "2026-11-22T00:00:00Z"}, args...)...)
		if code != exitOK {
			t.Fatalf("sign: exit %d: %s", code, stderr)
		}
		return strings.TrimSpace(stdout)
	}
	old := sign("--key-file", oldPath)
	third := sign("--key-file", thirdPath)
	at := "2026-11-22T00:01:00Z"
	for _, tc := range []cliCase{
		{name: "ring fallback", args: []string{"verify", "--json", "--key-env", "SESSION_KEYS", "--now", at, old}, code: exitOK,
			stdout: []string{`"key":"fallback 1"`, `"key_id":"` + oldID + `"`}},
		{name: "ring with comments", args: []string{"verify", "--json", "--key-env", "COMMENTED_KEYS", "--now", at, old}, code: exitOK,
			stdout: []string{`"key":"fallback 1"`, `"key_id":"` + oldID + `"`}},
		{name: "flag fallback after the ring's", args: []string{"verify", "--json", "--key-env", "SESSION_KEYS", "--fallback-key-file", thirdPath, "--now", at, third}, code: exitOK,
			stdout: []string{`"key":"fallback 2"`}},
		{name: "sign with the ring's first key", args: []string{"verify", "--json", "--key-file", newPath, "--now", at, sign("--key-env", "SESSION_KEYS")}, code: exitOK,
			stdout: []string{`"key":"primary"`, `"key_id":"` + newID + `"`}},
		{name: "bad key in the ring", args: []string{"verify", "--key-env", "BAD_KEYS", "--now", at, old}, code: exitUsage,
			stderr: []string{"--key-env BAD_KEYS: fallback key 1 in the key ring text: invalid key: key material is 5 bytes"}},
		{name: "bad flag fallback numbered after the ring", args: []string{"verify", "--key-env", "SESSION_KEYS", "--fallback-key-env", "BAD_KEYS", "--now", at, old}, code: exitUsage,
			stderr: []string{"(fallback key 2)"}},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.check(t) })
	}
}
