package main

import (
	"encoding/hex"
	"testing"

	"github.com/cookiecodec/cookiecodec/internal/pyflask"
)

// TestPythonLiteralKey: a key file holding the Flask config line or the
// literal (SECRET_KEY = b'\xd2U...', as Flask's docs generate it with
// python -c 'import secrets; print(secrets.token_bytes(16))') is used as
// its exact bytes, so a cookie real Flask signed with that secret fails;
// verify says that reading it as the Python literal matches, and sign
// warns.
func TestPythonLiteralKey(t *testing.T) {
	o := pyflask.Require(t)
	secret := []byte("\xd2U\x8d\x00\xff'\"\\ key")
	const ts = 1700000000
	cookie, err := o.Sign(pyflask.Config{SecretHex: hex.EncodeToString(secret), Salt: "cookie-session", KeyDerivation: "hmac", Digest: "sha1"}, `{"user":"alice"}`, ts)
	if err != nil {
		t.Fatal(err)
	}
	literal := `b'\xd2U\x8d\x00\xff\'"\\ key'`
	const matched = "reading the primary key as the Python literal it is written as"
	for _, tc := range []struct{ name, file string }{
		{"literal", literal + "\n"},
		{"config line", "SECRET_KEY = " + literal + "  # from config.py\n"},
		{"app.config", "app.config['SECRET_KEY'] = " + literal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kf := writeFile(t, "k", []byte(tc.file))
			cliCase{args: []string{"verify", "--key-file", kf, "--now", "1700000060", cookie}, code: exitFailed, stderr: []string{matched, "sys.stdout.buffer.write"}}.check(t)
			cliCase{args: []string{"sign", "--format", "flask", "--key-file", kf, `{"a":1}`}, code: exitOK, stderr: []string{"reads as a Python literal"}}.check(t)
		})
	}
	// The raw bytes verify, and a plain key gets no such hint or warning.
	kf := writeFile(t, "k", secret)
	cliCase{args: []string{"verify", "--key-file", kf, "--now", "1700000060", cookie}, code: exitOK, stdout: []string{"alice"}}.check(t)
	cliCase{args: []string{"verify", "--key-file", writeFile(t, "k2", []byte("other")), "--now", "1700000060", cookie}, code: exitFailed, notStderr: []string{matched}}.check(t)
	cliCase{args: []string{"sign", "--format", "flask", "--key-file", kf, `{"a":1}`}, code: exitOK, notStderr: []string{"Python literal"}}.check(t)
}
