package main

import (
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/cookiecodec/cookiecodec/internal/pyflask"
)

// flaskLoadCase is a session payload, signed with a valid signature, and
// what real Flask does with it: reads it (200) or answers 500.
type flaskLoadCase struct {
	name    string
	payload string
	zlib    bool // sign it compressed, as Flask does for a large payload
	reads   bool // Flask 2.2.2 opens the session
	verify  int  // the exit status of verify
	hint    string
}

func nested(open, close string, n int) string {
	return `{"a":` + strings.Repeat(open, n) + "1" + strings.Repeat(close, n) + "}"
}

var flaskLoadCases = []flaskLoadCase{
	{"big zlib", `{"data":"` + strings.Repeat("A", 70000) + `"}`, true, true, exitFailed, "over cookiecodec's 64 KiB limit for a decompressed session, a defence against zlib bombs; Flask has no such limit and would read it"},
	{"lists 300 deep", nested("[", "]", 300), false, true, exitFailed, "nests 301 levels deep, over cookiecodec's limit of 256"},
	{"dicts 300 deep", strings.Repeat(`{"a":`, 300) + "1" + strings.Repeat("}", 300), false, true, exitFailed, "Flask reads nesting up to Python's recursion limit"},
	{"top-level list 300 deep", strings.Repeat("[", 300) + strings.Repeat("]", 300), false, false, exitFailed, "nests 300 levels deep, over cookiecodec's limit of 256 (a depth Flask reads), but Flask answers such a cookie with HTTP 500: its session must be a dict"},
	{"lists 3000 deep", nested("[", "]", 3000), true, false, exitFailed, "Python's json fails on it too"},
	{"di escape without __", `{"a":{" di":{"x":1}}}`, false, true, exitFailed, `tag " di" with content that is not what Flask writes for it), but Flask 2.2's tagged JSON reader is laxer and would read it`},
	{"di escape of two keys", `{"a":{" di":{"x":1,"y":2}}}`, false, true, exitFailed, "laxer and would read it"},
	{"di escape of an empty dict", `{"a":{" di":{}}}`, false, false, exitFailed, `HTTP 500: the " di" escape of a dict`},
	{"tuple of a string", `{"a":{" t":"ab"}}`, false, true, exitFailed, "laxer and would read it"},
	{"tuple of a number", `{"a":{" t":1}}`, false, false, exitFailed, `HTTP 500: tuple() of a int`},
	{"markup of a number", `{"a":{" m":1}}`, false, true, exitFailed, "laxer and would read it"},
	{"bad date", `{"a":{" d":"zz"}}`, false, true, exitFailed, "laxer and would read it"},
	{"date of a number", `{"a":{" d":1}}`, false, false, exitFailed, "HTTP 500: parse_date() of a int"},
	{"bytes of junk", `{"a":{" b":"!!"}}`, false, true, exitFailed, "laxer and would read it"},
	{"bytes unpadded", `{"a":{" b":"QQ"}}`, false, false, exitFailed, "HTTP 500: base64 decoding with incorrect padding"},
	{"bad uuid", `{"a":{" u":"zz"}}`, false, false, exitFailed, "HTTP 500: uuid.UUID() of a string"},
	{"long int", `{"a":` + strings.Repeat("7", 4301) + `}`, false, false, exitFailed, "HTTP 500: an integer of 4301 digits"},
	{"not JSON", `{"a":`, false, false, exitFailed, "the payload cannot be decoded (not JSON as Python reads it, or bad base64 or zlib), and Flask answers such a cookie with HTTP 500"},
	{"list", `[1,2]`, false, false, exitOK, "the payload is not a dict: Flask answers such a session cookie with HTTP 500"},
	{"string", `"x"`, false, false, exitOK, "Flask answers such a session cookie with HTTP 500"},
	{"number", `1`, false, false, exitOK, "Flask answers such a session cookie with HTTP 500"},
	{"list of pairs", `[["a",1]]`, false, true, exitOK, "Flask opens the session dict(value)"},
	{"null", `null`, false, true, exitOK, "Flask opens the session dict(value) (empty for a false value)"},
	{"dict", `{"a":1}`, false, true, exitOK, ""},
}

// signRaw signs payload bytes as Flask's session interface would with the
// key "secret", compressed with zlib when z is set.
func signRaw(t *testing.T, payload string, z bool) string {
	t.Helper()
	s, err := codec.NewSigner(codec.Params{Salt: "cookie-session", Derivation: codec.DeriveHMAC, Digest: codec.SHA1, Separator: '.'}, []byte("secret"))
	if err != nil {
		t.Fatal(err)
	}
	comp := codec.CompressNever()
	if z {
		comp = codec.CompressAlways()
	}
	c, err := s.SignPayload([]byte(payload), time.Now(), comp)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestFlaskPayloadHints checks that a payload cookiecodec refuses, or one
// that is not a dict, gets a hint that says what Flask does with it, and
// that real Flask does that.
func TestFlaskPayloadHints(t *testing.T) {
	kf := writeFile(t, "k", []byte("secret"))
	var cookies []string
	for _, tc := range flaskLoadCases {
		c := signRaw(t, tc.payload, tc.zlib)
		cookies = append(cookies, c)
		code, stdout, stderr := runCLI(t, c, "verify", "--json", "--key-file", kf)
		m := jsonOut(t, stdout)
		if code != tc.verify {
			t.Errorf("%s: verify exit %d, want %d: %s", tc.name, code, tc.verify, stderr)
		}
		hints := hintsOf(m)
		if tc.hint == "" && strings.Contains(hints, "Flask") || !strings.Contains(hints, tc.hint) {
			t.Errorf("%s: verify hints\n%s\nwant %q", tc.name, hints, tc.hint)
		}
		if tc.reads && strings.Contains(hints, "HTTP 500") || !tc.reads && strings.Contains(hints, "would read it") {
			t.Errorf("%s: verify hints contradict Flask (reads=%v):\n%s", tc.name, tc.reads, hints)
		}
		// decode, which shows what it can, gives the same reason for
		// what it cannot show, without claiming a signature.
		code, _, stderr = runCLI(t, c, "decode")
		unsigned := strings.Replace(strings.TrimSuffix(tc.hint, " and would read it"), "Flask answers such a cookie", "once its signature verifies, Flask answers such a cookie", 1)
		if code != exitOK && (!strings.Contains(stderr, unsigned) || strings.Contains(stderr, "signature is valid")) {
			t.Errorf("%s: decode exit %d:\n%s\nwant %q", tc.name, code, stderr, tc.hint)
		}
		if tc.verify == exitOK && !strings.Contains(stderr, tc.hint) {
			t.Errorf("%s: decode of a session that is not a dict:\n%s\nwant %q", tc.name, stderr, tc.hint)
		}
	}
	out := pyflask.RunScript(t, flaskStatusScript, strings.Join(cookies, "\n"))
	statuses := strings.Fields(out)
	if len(statuses) != len(flaskLoadCases) {
		t.Fatalf("Flask printed %q", out)
	}
	for i, tc := range flaskLoadCases {
		want := "500"
		if tc.reads {
			want = "200"
		}
		if tc.payload == `{"a":1}` {
			want = "200:1" // the signature is Flask's
		}
		if !strings.HasPrefix(statuses[i], want) {
			t.Errorf("%s: real Flask answers %s, the case says %s", tc.name, statuses[i], want)
		}
	}
}

// flaskStatusScript loads each cookie of its standard input into a Flask
// 2.2 app with the secret "secret" and prints the status of a request
// that reads the session, with the number of its keys when it is 200 (an
// empty session would also come from a refused signature).
const flaskStatusScript = `
import logging, sys, warnings
warnings.simplefilter("ignore")
logging.disable(logging.CRITICAL)
from flask import Flask, session
app = Flask(__name__)
app.secret_key = "secret"
@app.route("/")
def index():
    return str(len(session))
for line in sys.stdin.read().split():
    c = app.test_client()
    c.set_cookie("localhost", "session", line)
    r = c.get("/")
    print("%d:%s" % (r.status_code, r.get_data(as_text=True)[:10]))
`

// TestDecodeDeepReason checks that decode names the real reason for a
// payload it cannot show, as verify does, not "not JSON".
func TestDecodeDeepReason(t *testing.T) {
	c := signRaw(t, nested("[", "]", 300), false)
	code, _, stderr := runCLI(t, c, "decode")
	if code != exitFailed || !strings.Contains(stderr, "nesting too deep") || strings.Contains(stderr, "not JSON") {
		t.Errorf("exit %d:\n%s", code, stderr)
	}
}

// TestSignRefusesNonDictSession checks that sign refuses a session that
// is not a dict under Flask's session salt, and signs any value under
// another salt, for other itsdangerous serializers.
func TestSignRefusesNonDictSession(t *testing.T) {
	kf := writeFile(t, "k", []byte("secret"))
	for _, tc := range []struct {
		args []string
		kind string
	}{
		{[]string{"--python", "1, 2"}, "a tuple"},
		{[]string{"[1,2]"}, "a list"},
		{[]string{`"x"`}, "a string"},
		{[]string{"null"}, "null"},
		{[]string{`{" t":[1]}`}, "a tuple"},
	} {
		code, stdout, stderr := runCLI(t, "", append([]string{"sign", "--format", "flask", "--key-file", kf}, tc.args...)...)
		if code != exitFailed || stdout != "" || !strings.Contains(stderr, "the session to sign is "+tc.kind+", not a dict") {
			t.Errorf("%v: exit %d, stdout %q, stderr:\n%s", tc.args, code, stdout, stderr)
		}
		code, stdout, stderr = runCLI(t, "", append([]string{"sign", "--format", "flask", "--key-file", kf, "--salt", "my-salt"}, tc.args...)...)
		if code != exitOK || stdout == "" {
			t.Errorf("%v --salt my-salt: exit %d: %s", tc.args, code, stderr)
		}
	}
	for _, ok := range []string{`{"a":1}`, `{}`, `{" di":{" t__":1}}`} {
		if code, _, stderr := runCLI(t, "", "sign", "--format", "flask", "--key-file", kf, ok); code != exitOK {
			t.Errorf("%s: exit %d: %s", ok, code, stderr)
		}
	}
}

// TestPyB64Len checks the emulation of Python's lenient b64decode; the
// table is what Python 3.11 says (-1: binascii.Error).
func TestPyB64Len(t *testing.T) {
	for in, want := range map[string]int{"": 0, "QQ==": 1, "QUI=": 2, "QUJD": 3, "!!": 0, "Q Q = =": 1, "QQ==QQ": 1, "QUJD\n": 3, "QQ": -1, "Q": -1, "QQ=x": -1, "QUJDRA": -1} {
		n, err := pyB64Len(in)
		if want < 0 && err == nil || want >= 0 && (err != nil || n != want) {
			t.Errorf("pyB64Len(%q) = %d, %v; want %d", in, n, err, want)
		}
	}
}

// TestFlaskSessionEdges checks the emulation on values whose verdict
// depends on Python's conversions, and that real Flask agrees.
func TestFlaskSessionEdges(t *testing.T) {
	cases := []struct {
		payload string
		reads   bool
	}{
		{`{" t":{"ab":1}}`, true},   // dict(("ab",))
		{`{" t":{"abc":1}}`, false}, // a 3-character key is no pair
		{`[{"x":1,"y":2}]`, true},   // dict([{"x", "y"}])
		{`[["ab"],"cd"]`, false},    // item 0 has one element
		{`{"a":{" t":1," t":[1]}}`, true},
		{`{"a":{" u":"{12345678-1234-5678-1234-567812345678}"}}`, true},
		{`{"a":{" u":"urn:uuid:12345678123456781234567812345678"}}`, true},
		{`{"a":{" b":"QQ==QQ"}}`, true},
		{`{"a":{" b":"Q"}}`, false},
		{`{"a":{" b":"é"}}`, false},
		{`{"a":{" d":[]}}`, true},
		{`{"a":{" d":{"x":1}}}`, false},
		{`{"a":{" di":"ab"}}`, false},
		{`0`, true},
		{`false`, true},
		{`"ab"`, false},
	}
	var cookies []string
	for _, tc := range cases {
		readable, err := flaskSession([]byte(tc.payload))
		if !readable || (err == nil) != tc.reads {
			t.Errorf("%s: readable %v, err %v; want Flask to read it: %v", tc.payload, readable, err, tc.reads)
		}
		cookies = append(cookies, signRaw(t, tc.payload, false))
	}
	statuses := strings.Fields(pyflask.RunScript(t, flaskStatusScript, strings.Join(cookies, "\n")))
	if len(statuses) != len(cases) {
		t.Fatalf("Flask printed %q", statuses)
	}
	for i, tc := range cases {
		if got := strings.HasPrefix(statuses[i], "200:"); got != tc.reads {
			t.Errorf("%s: real Flask answers %s", tc.payload, statuses[i])
		}
	}
}
