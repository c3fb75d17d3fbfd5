package main

import (
	"strings"
	"testing"
)

// TestPasswordsNotEchoed: the passwords of a flask-unsign --proxy or
// --server URL, and of a --url that does not parse, appear nowhere in the
// output (a security review found all three echoed).
func TestPasswordsNotEchoed(t *testing.T) {
	for _, tc := range []cliCase{
		{name: "flask-unsign --proxy and --server",
			args:      []string{"-u", "-c", devCookie, "-S", "x", "--proxy", "http://user:PROXY-PW@127.0.0.1:1", "--server", "http://u:SERVER-PW@127.0.0.1:2/"},
			code:      exitUsage,
			stderr:    []string{"--proxy http://user:PASSWORD@127.0.0.1:1", "--url http://u:PASSWORD@127.0.0.1:2/"},
			notStderr: []string{"PROXY-PW", "SERVER-PW"}},
		{name: "--url that does not parse", args: []string{"decode", "--url", "http://user:URL-PW@127.0.0.1:bad/"}, code: exitUsage,
			stderr: []string{`--url: invalid port ":bad" after host`}, notStderr: []string{"URL-PW"}},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.check(t) })
	}
}

// TestSignDamagedNativeKey: a key file that starts like a native key but
// does not parse is refused by sign --format auto, where it once made a
// Flask cookie with the key's text as the secret; --format flask still
// takes the text as a secret on purpose.
func TestSignDamagedNativeKey(t *testing.T) {
	_, key, _ := runCLI(t, "", "keygen")
	short := writeFile(t, "short", []byte(strings.TrimSpace(key)[:60]))
	cliCase{args: []string{"sign", "--key-file", short, `{"a":1}`}, code: exitUsage,
		stderr: []string{"the key looks like a native key but does not parse (invalid key:", "--format flask"}}.check(t)
	cliCase{args: []string{"sign", "--format", "flask", "--key-file", short, `{"a":1}`}, code: exitOK, stdout: []string{"eyJhIjoxfQ."}}.check(t)
}
