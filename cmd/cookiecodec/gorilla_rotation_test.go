package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/gorilla/securecookie"
)

// TestGorillaFallbackPairs: a cookie made with an older gorilla key pair
// verifies with --fallback-hash-key-file and --fallback-block-key-file
// (paired by position; a hash key without a block key only signed), and
// the output names the pair. --fallback-key-file, the native and Flask
// flag, was silently ignored on gorilla cookies: now a hint names the
// gorilla flags.
func TestGorillaFallbackPairs(t *testing.T) {
	newHash, newBlock := bytes.Repeat([]byte("n"), 32), bytes.Repeat([]byte("m"), 16)
	oldHash, oldBlock := bytes.Repeat([]byte("o"), 32), bytes.Repeat([]byte("p"), 32)
	signHash := bytes.Repeat([]byte("s"), 64)
	encode := func(hash, block []byte) string {
		t.Helper()
		v, err := securecookie.New(hash, block).Encode("app", map[any]any{"user": "carol"})
		if err != nil {
			t.Fatal(err)
		}
		return "app=" + v
	}
	primary := []string{"--name", "app", "--hash-key-file", writeFile(t, "nh", newHash), "--block-key-file", writeFile(t, "nb", newBlock)}
	oh, ob, sh := writeFile(t, "oh", oldHash), writeFile(t, "ob", oldBlock), writeFile(t, "sh", signHash)
	old := encode(oldHash, oldBlock)
	args := func(extra ...string) []string { return append(append([]string{"verify"}, primary...), extra...) }
	for _, tc := range []cliCase{
		{name: "fallback pair", args: args("--fallback-hash-key-file", oh, "--fallback-block-key-file", ob, old), code: exitOK,
			stdout: []string{"verified with fallback key pair 1 (not the primary; Meta.KeyID \"gorilla pair 2\")\nkey id:     gorilla pair 2\n", `"user": "carol"`},
			stderr: []string{"verified with fallback key pair 1 (--fallback-hash-key-file " + oh + "), not the primary"}},
		{name: "fallback pair json", args: args("--json", "--fallback-hash-key-file", oh, "--fallback-block-key-file", ob, old), code: exitOK,
			stdout: []string{`"valid":true`, `"key":"fallback 1"`, `"key_id":"gorilla pair 2"`}},
		{name: "second pair, first sign-only", args: args("--fallback-hash-key-file", oh, "--fallback-hash-key-file", sh, "--fallback-block-key-file", ob, encode(signHash, nil)), code: exitOK,
			stdout: []string{"verified with fallback key pair 2 (not the primary; Meta.KeyID \"gorilla pair 3\")"}},
		{name: "primary still first", args: args("--fallback-hash-key-file", oh, "--fallback-block-key-file", ob, encode(newHash, newBlock)), code: exitOK,
			stdout: []string{"verified with the primary key\nkey id:     gorilla pair 1\n"}, notStderr: []string{"fallback"}},
		{name: "fallback pair without its block key", args: args("--json", "--fallback-hash-key-file", oh, old), code: exitFailed,
			stdout: []string{`"kind":"payload"`, "fallback key pair 1", "--fallback-block-key-file"}},
		{name: "no pair verifies", args: args("--json", "--fallback-hash-key-file", sh, old), code: exitFailed,
			stdout: []string{`"kind":"signature"`, "any of the 2 key pairs"}},
		{name: "native fallback flag", args: args("--json", "--fallback-key-file", oh, old), code: exitFailed,
			stdout: []string{`"kind":"signature"`, "--fallback-key-file and --fallback-key-env do not apply to gorilla cookies", "--fallback-hash-key-file"}},
		{name: "native fallback flag, verified", args: args("--fallback-key-file", oh, "--fallback-hash-key-file", oh, "--fallback-block-key-file", ob, old), code: exitOK,
			stderr: []string{"do not apply to gorilla cookies"}},
		{name: "block key without hash key", args: args("--fallback-block-key-file", ob, old), code: exitUsage,
			stderr: []string{"1 --fallback-block-key-file for 0 --fallback-hash-key-file"}},
		{name: "bad fallback block key", args: args("--fallback-hash-key-file", oh, "--fallback-block-key-file", sh, old), code: exitUsage,
			stderr: []string{"the block key of fallback key pair 1 (--fallback-block-key-file " + sh + ") has 64 bytes"}},
		{name: "gorilla flags on a Flask cookie", args: []string{"verify", "--secret", "dev", "--max-age", "none", "--fallback-hash-key-file", oh, "eyJfZnJlc2giOnRydWUsInVzZXIiOiJhbGljZSJ9.ZVPxAA.QehH-05txOR6UWU1Sr2AbjfnV0w"}, code: exitOK,
			stderr: []string{"--fallback-hash-key-file and --fallback-block-key-file are for gorilla cookies"}},
		{name: "sign takes no fallback pair", args: []string{"sign", "--format", "gorilla", "--hash-key-file", oh, "--fallback-hash-key-file", oh}, stdin: "{}", code: exitUsage,
			stderr: []string{"fallback keys only verify"}},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.check(t) })
	}
}

// TestGorillaKeyIDMatchesLibrary: the key id verify gives a gorilla
// cookie ("key_id", the "key id:" line) is the Meta.KeyID the library's
// reader, codec.GorillaMigration with the same pairs in the same order,
// gives it: the CLI said "fallback key pair 1" where the library's logs
// say "gorilla pair 2" (gorilla persona, finding 9).
func TestGorillaKeyIDMatchesLibrary(t *testing.T) {
	newHash, newBlock := bytes.Repeat([]byte("n"), 32), bytes.Repeat([]byte("m"), 16)
	oldHash, oldBlock := bytes.Repeat([]byte("o"), 32), bytes.Repeat([]byte("p"), 32)
	g, err := codec.NewGorillaMigration(codec.GorillaOptions{KeyPairs: [][]byte{newHash, newBlock, oldHash, oldBlock}})
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"verify", "--json", "--name", "app",
		"--hash-key-file", writeFile(t, "nh", newHash), "--block-key-file", writeFile(t, "nb", newBlock),
		"--fallback-hash-key-file", writeFile(t, "oh", oldHash), "--fallback-block-key-file", writeFile(t, "ob", oldBlock)}
	for _, pair := range [][2][]byte{{newHash, newBlock}, {oldHash, oldBlock}} {
		v, err := securecookie.New(pair[0], pair[1]).Encode("app", map[any]any{"user": "carol"})
		if err != nil {
			t.Fatal(err)
		}
		_, meta, err := g.DecodeSession("app", v, 0)
		if err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := runCLI(t, "", append(args, "app="+v)...)
		m := jsonOut(t, stdout)
		if code != exitOK || m["key_id"] != meta.KeyID {
			t.Errorf("verify: exit %d, key_id %v; the library's Meta.KeyID is %q\n%s", code, m["key_id"], meta.KeyID, stderr)
		}
	}
}

// TestGorillaNativeKeyHint: a gorilla cookie verified with --key-file and
// no --hash-key-file (a native key, say) says it is a gorilla cookie and
// asks for --hash-key-file; it gave only the generic MAC hint.
func TestGorillaNativeKeyHint(t *testing.T) {
	code, key, stderr := runCLI(t, "", "keygen")
	if code != exitOK {
		t.Fatalf("keygen: %s", stderr)
	}
	kf := writeFile(t, "native.key", []byte(key))
	v, err := securecookie.New(gorillaHash, gorillaBlock).Encode("app", map[any]any{"user": "carol"})
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := runCLI(t, "", "verify", "--json", "--key-file", kf, "--name", "app", "app="+v)
	m := jsonOut(t, stdout)
	if h := hintsOf(m); code != exitFailed || errKind(m) != "signature" ||
		!strings.Contains(h, "this is a gorilla/securecookie cookie: give the app's hash key with --hash-key-file (and --block-key-file") ||
		!strings.Contains(h, "the --key-file key, tried as the hash key") {
		t.Fatalf("native key on a gorilla cookie: exit %d %v", code, m)
	}
	// With --hash-key-file, the hint stays the generic one.
	code, stdout, _ = runCLI(t, "", "verify", "--json", "--hash-key-file", kf, "--name", "app", "app="+v)
	if m = jsonOut(t, stdout); code != exitFailed || strings.Contains(hintsOf(m), "this is a gorilla") || !strings.Contains(hintsOf(m), "does not verify with this hash key") {
		t.Fatalf("wrong --hash-key-file: exit %d %v", code, m)
	}
}
