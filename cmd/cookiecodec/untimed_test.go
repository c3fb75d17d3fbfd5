package main

import (
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec/internal/pyflask"
)

// TestTruncatedAndUntimedHints checks the diagnoses of a cookie whose
// signature was cut off (decode says truncated, as verify does) and of a
// cookie from itsdangerous' untimed URLSafeSerializer, made by the real
// itsdangerous: verify's hint names the salt and derivation that match
// and says that the missing timestamp is why it still fails.
func TestTruncatedAndUntimedHints(t *testing.T) {
	kf := writeFile(t, "k", []byte("secret"))
	cookie := signFlask(t, []byte("secret"), `{"a":1}`)
	cut := cookie[:strings.LastIndexByte(cookie, '.')]
	cliCase{args: []string{"decode", cut}, code: exitOK, stderr: []string{"the cookie looks truncated: its last segment", "reads as a timestamp", "the signature was cut off"}, notStderr: []string{"untimed", "Signer"}}.check(t)
	cliCase{args: []string{"verify", "--key-file", kf, cut}, code: exitFailed, stderr: []string{"truncated"}}.check(t)

	untimed := strings.TrimSpace(pyflask.RunScript(t, "from itsdangerous import URLSafeSerializer\nprint(URLSafeSerializer('secret').dumps({'a': 1}))", ""))
	cliCase{args: []string{"verify", "--key-file", kf, untimed}, code: exitFailed,
		stderr: []string{"signature matches with --salt 'itsdangerous' and --key-derivation django-concat, but the cookie has no timestamp: an untimed itsdangerous serializer made it"}}.check(t)
	cliCase{args: []string{"verify", "--key-file", kf, "--salt", "itsdangerous", "--key-derivation", "django-concat", untimed}, code: exitFailed,
		stderr: []string{"timestamp missing", "the signature is valid, but the cookie has no timestamp: an untimed itsdangerous serializer made it"}}.check(t)
	cliCase{args: []string{"decode", untimed}, code: exitOK, stderr: []string{"no timestamp segment: an untimed itsdangerous serializer made this"}}.check(t)
}
