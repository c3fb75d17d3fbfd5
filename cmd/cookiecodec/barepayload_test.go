package main

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec/internal/pyflask"
)

// TestBarePayload checks a lone payload segment, cut from cookies that
// real Flask made: decode shows it, as flask-unsign does, both plain and
// compressed (the leading '.'), and says it has no signature; verify and
// audit refuse it and say why; dot-less text that is not a payload stays
// unrecognised.
func TestBarePayload(t *testing.T) {
	out := pyflask.RunScript(t, `
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
app = Flask("bare")
app.secret_key = "secret"
s = SecureCookieSessionInterface().get_signing_serializer(app)
print(s.dumps({"user": "bob", "n": (1, 2)}))
print(s.dumps({"note": "x" * 200}))
`, "")
	cookies := strings.Fields(out)
	if len(cookies) != 2 || strings.HasPrefix(cookies[0], ".") || !strings.HasPrefix(cookies[1], ".") {
		t.Fatalf("want a plain and a compressed cookie from Flask, got %q", out)
	}
	payload := func(cookie string) string {
		body := strings.TrimPrefix(cookie, ".")
		seg, _, _ := strings.Cut(body, ".")
		return strings.TrimSuffix(cookie, body) + seg
	}
	plain, compressed := payload(cookies[0]), payload(cookies[1])
	kf := writeFile(t, "k", []byte("secret"))
	for _, tc := range []cliCase{
		{name: "decode plain", args: []string{"decode", plain}, code: exitOK,
			stdout: []string{"compressed: no", "signature:  none (only the payload segment was given)", `"user": "bob"`, "status:     UNVERIFIED"},
			stderr: []string{"only the payload segment of a Flask cookie", "nothing here can be verified"}},
		{name: "decode compressed", args: []string{"decode", compressed}, code: exitOK,
			stdout: []string{"compressed: yes", "signature:  none", strings.Repeat("x", 200)}},
		{name: "decode --json", args: []string{"decode", "--json", plain}, code: exitOK,
			stdout: []string{`"payload":{"user":"bob","n":{" t":[1,2]}}`, `"error":null`, "only the payload segment"}},
		{name: "verify", args: []string{"verify", "--key-file", kf, plain}, code: exitFailed,
			stderr: []string{"no '.' separator", "only the payload segment of a Flask cookie", "give the whole cookie"}},
		{name: "verify compressed", args: []string{"verify", "--key-file", kf, compressed}, code: exitFailed,
			stderr: []string{"only the payload segment of a Flask cookie"}},
		{name: "audit", args: []string{"audit", compressed}, code: exitAuditFailed,
			stderr: []string{"only a payload segment, with no signature", "only the payload segment of a Flask cookie"}},
		{name: "whole cookie still verifies", args: []string{"verify", "--key-file", kf, cookies[0]}, code: exitOK,
			notStderr: []string{"only the payload segment"}},
		{name: "zlib bomb", args: []string{"decode", "." + base64.RawURLEncoding.EncodeToString(zlibBytes(make([]byte, 1<<20)))}, code: exitFailed,
			stderr: []string{"decompressed payload is over the limit of 65536 bytes (measuring stopped there)"}, notStderr: []string{"65537"}},
		{name: "not a payload", args: []string{"decode", "abcdef"}, code: exitFailed,
			stderr: []string{"not a Flask, native or gorilla cookie"}, notStderr: []string{"payload segment"}},
		{name: "bad base64 after a dot", args: []string{"decode", ".e!!e"}, code: exitFailed,
			stderr: []string{"not base64url"}},
	} {
		tc.check(t)
	}
}

// zlibBytes compresses b with zlib's default level.
func zlibBytes(b []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}
