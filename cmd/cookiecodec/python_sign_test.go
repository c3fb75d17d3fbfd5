package main

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec/internal/pyflask"
)

// flaskSignsLiterals is run by Debian's python3 with real Flask and
// itsdangerous. Each input line is "HEX(text) COOKIE": it loads COOKIE
// (key "dev", Flask's session serializer and parameters) and checks that
// the session equals ast.literal_eval(text), written by Flask's
// serializer. For an uncompressed cookie it also checks that the payload
// is, byte for byte, what Flask's serializer writes; with the signature
// loads verified, that is the cookie Flask makes when it does not
// compress. It prints one line per input: "ok, the same bytes", "ok"
// (compressed), or what differs.
const flaskSignsLiterals = `
import ast, hashlib, sys
from flask import Flask
from flask.sessions import session_json_serializer as ser
from itsdangerous import URLSafeTimedSerializer, base64_encode
app = Flask("t")
app.test_request_context().push()
s = URLSafeTimedSerializer(b"dev", salt="cookie-session", serializer=ser,
    signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1})
for line in sys.stdin.read().splitlines():
    h, cookie = line.split(" ")
    want = ser.dumps(ast.literal_eval(bytes.fromhex(h).decode()))
    got = ser.dumps(s.loads(cookie))
    if got != want:
        print("session %s, want %s" % (got, want))
    elif cookie.startswith("."):
        print("ok")
    elif cookie.split(".")[0] != base64_encode(want.encode()).decode():
        print("payload differs: Flask writes %s" % base64_encode(want.encode()).decode())
    else:
        print("ok, the same bytes")
`

// TestSignPythonMatchesFlask signs flask-unsign style sessions with
// sign --python and has the real Flask check each cookie: it reads back
// as the session literal_eval makes, and its payload is what Flask
// writes. All but the last are signed uncompressed, so that the payload
// is compared byte for byte (Go's zlib output differs from Python's);
// the last, long one with Flask's rule, which must compress it.
func TestSignPythonMatchesFlask(t *testing.T) {
	literals := []string{
		`{'logged_in': True}`,
		`{'user': 'admin', 'roles': ('admin', 'editor'), 'none': (), 'id': 12345}`,
		`{'csrf': b'\xd2U\x8d\x00', 'next': None, 'ratio': 1.5}`,
		`{' t': 'a tag key', 'x': {' di': [1, (2,), {}]}}`,
		"{\n    'cart': [{'sku': 'A-1', 'qty': 2}, {'sku': 'B-2', 'qty': 1},],  # trailing commas\n    'big': 123456789012345678901234567890,\n}",
		`{'name': 'Zoë 😀 \u2028', "it's": "\x00\t", 'neg': -0.0, 'inf': 1e400, 'hex': 0x_FF, 'us': 1_000}`,
		`{'k': 'v', 'k': 'last wins'}`,
		`{'long': '` + strings.Repeat("compressible ", 40) + `'}`,
	}
	var input strings.Builder
	for i, lit := range literals {
		compress := "never"
		if i == len(literals)-1 {
			compress = "auto"
		}
		code, stdout, stderr := runCLI(t, "", "sign", "--python", "--secret", "dev", "--now", devNow, "--compress", compress, lit)
		if code != exitOK {
			t.Fatalf("sign --python %q: exit %d: %s", lit, code, stderr)
		}
		cookie := strings.TrimSpace(stdout)
		if compressed := strings.HasPrefix(cookie, "."); compressed != (compress == "auto") {
			t.Fatalf("sign --compress %s %q: %s", compress, lit, cookie)
		}
		fmt.Fprintf(&input, "%s %s\n", hex.EncodeToString([]byte(lit)), cookie)
	}
	out := pyflask.RunScript(t, flaskSignsLiterals, input.String())
	results := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(results) != len(literals) {
		t.Fatalf("python printed %d lines for %d cookies:\n%s", len(results), len(literals), out)
	}
	for i, r := range results {
		want := "ok, the same bytes"
		if i == len(literals)-1 {
			want = "ok"
		}
		if r != want {
			t.Errorf("%q: %s", literals[i], r)
		}
	}
}

// TestSignPythonErrors checks what sign says about a Python literal it
// cannot sign, and the hint a Python literal gets without --python.
func TestSignPythonErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"sign", "--python", "--secret", "dev", "{'a': {1, 2}}"}, "the Python literal to sign: line 1, column 7: a set"},
		{[]string{"sign", "--python", "--secret", "dev", "{'a': admin}"}, "line 1, column 7: the name admin"},
		{[]string{"sign", "--python", "--secret", "dev", "{1: 'a'}"}, "a dict key that is not a str"},
		{[]string{"sign", "--secret", "dev", "{'logged_in': True}"}, "add --python to sign it"},
	} {
		code, stdout, stderr := runCLI(t, "", tt.args...)
		if code == exitOK || stdout != "" || !strings.Contains(stderr, tt.want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want a failure naming %q", tt.args, code, stdout, stderr, tt.want)
		}
	}
}
