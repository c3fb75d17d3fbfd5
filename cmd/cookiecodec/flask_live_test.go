package main

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec/internal/pyflask"
)

// TestLiveFlask signs random sessions with the CLI and loads them with the
// real itsdangerous/Flask, and the reverse, over several configurations
// and the compression settings (Go's zlib bytes differ from Python's, so
// compressed cookies are checked by Flask loading them).
func TestLiveFlask(t *testing.T) {
	o := pyflask.Require(t)
	values, err := o.Generate(606, 48)
	if err != nil {
		t.Fatal(err)
	}
	configs := []struct {
		salt, kd, digest string
	}{
		{"cookie-session", "hmac", "sha1"},
		{"itsdangerous", "django-concat", "sha256"},
		{"my-salt", "concat", "sha512"},
		{"cookie-session", "none", "md5"},
		{"x", "hmac", "sha224"},
		{"cookie-session", "hmac", "sha384"},
	}
	compressions := []string{"auto", "always", "never"}
	const ts = 1700000000
	for i, v := range values {
		c := configs[i%len(configs)]
		comp := compressions[i%len(compressions)]
		secret := []byte(fmt.Sprintf("live-secret-%d\xff", i))
		kf := writeFile(t, "k", secret)
		cfg := pyflask.Config{SecretHex: hex.EncodeToString(secret), Salt: c.salt, KeyDerivation: c.kd, Digest: c.digest}
		flags := []string{"--format", "flask", "--key-file", kf, "--salt", c.salt, "--key-derivation", c.kd, "--digest", c.digest}

		// Go signs, Python loads.
		code, stdout, stderr := runCLI(t, v.Text, append([]string{"sign", "--timestamp", fmt.Sprint(ts), "--compress", comp}, flags...)...)
		if code != exitOK {
			t.Fatalf("value %d: sign: %s", i, stderr)
		}
		cookie := strings.TrimSpace(stdout)
		res, err := o.Loads(cfg, cookie, ts+60, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Result != "ok" || res.Text != v.Text {
			t.Errorf("value %d (%v, compress %s): Flask loads %s %s, text %q want %q", i, c, comp, res.Result, res.Message, res.Text, v.Text)
		}

		// Python signs, Go verifies and shows the same payload.
		pyCookie, err := o.Sign(cfg, v.Text, ts)
		if err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr = runCLI(t, pyCookie, append([]string{"verify", "--json", "--now", fmt.Sprint(ts + 60)}, flags...)...)
		m := jsonOut(t, stdout)
		if code != exitOK || m["valid"] != true {
			t.Errorf("value %d (%v): verify of Flask's cookie: exit %d %v %s", i, c, code, m, stderr)
		}
		// Tampered: both reject.
		bad := pyCookie[:len(pyCookie)-2] + flip(pyCookie[len(pyCookie)-2])
		res, _ = o.Loads(cfg, bad, ts+60, nil)
		code, _, _ = runCLI(t, bad, append([]string{"verify", "--json", "--now", fmt.Sprint(ts + 60)}, flags...)...)
		if res.Result == "ok" || code != exitFailed {
			t.Errorf("value %d: tampered cookie: Flask %s, CLI exit %d", i, res.Result, code)
		}
	}
}

// flip returns another base64url character than c.
func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}
