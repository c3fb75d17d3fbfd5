package main

import (
	"strings"
	"testing"
)

// The worked example of the Flask spec (§6): secret "dev", issued at
// 1700000000.
const (
	devCookie     = "eyJfZnJlc2giOnRydWUsInVzZXIiOiJhbGljZSJ9.ZVPxAA.QehH-05txOR6UWU1Sr2AbjfnV0w"
	devCompressed = ".eJyrVkpOLCpRsopWKs4u1TVQ0gHThlDaCEobQ2kTKG0Kpc2gtDmUtoDSljBz4AYaKsXWAgBwlR29.ZVPxAA.0TOvdbP3dri973zuBzLRHwMrCQA"
	devNow        = "1700003600"
)

// TestRun is the table of commands, flags, input forms and exit codes.
func TestRun(t *testing.T) {
	devKey := writeFile(t, "dev.key", []byte("dev"))
	devKeyNL := writeFile(t, "dev-nl.key", []byte("dev\n"))
	otherKey := writeFile(t, "other.key", []byte("other"))
	devKeyBOM := writeFile(t, "dev-bom.key", []byte("\xef\xbb\xbfdev\r\n"))
	devKeyLines := writeFile(t, "dev-lines.key", []byte("old\ndev\n"))
	t.Setenv("COOKIE_KEY", "dev")
	t.Setenv("NO_COLOR", "")
	tests := []cliCase{
		// Usage.
		{name: "no args", args: nil, code: exitUsage, stderr: []string{"Usage:"}},
		{name: "help", args: []string{"--help"}, code: exitOK, stdout: []string{"cookiecodec decode", "cookiecodec audit", "Exit status"}},
		{name: "help word", args: []string{"help"}, code: exitOK, stdout: []string{"Usage:"}},
		{name: "unknown command", args: []string{"frobnicate"}, code: exitUsage, stderr: []string{`cookiecodec: error: unknown command "frobnicate"`, "cookiecodec: hint:"}},
		{name: "verb help", args: []string{"verify", "--help"}, code: exitOK, stdout: []string{"Usage: cookiecodec verify", "-key-file", "-max-age", "-key-derivation"}},
		{name: "sign help format", args: []string{"sign", "--help"}, code: exitOK, stdout: []string{"auto picks gorilla with --hash-key-file", "bound in native and gorilla cookies"}, notStdout: []string{"detects it", `(default "31d")`}},
		{name: "audit help name", args: []string{"audit", "--help"}, code: exitOK, stdout: []string{"picks the cookie out of a header or --url's responses (default \"session\")", "Flask cookies only"}, notStdout: []string{"bound in", "detects it"}},
		{name: "verify help max-age", args: []string{"verify", "--help"}, code: exitOK, stdout: []string{"(default: Flask 31d, gorilla 30d"}, notStdout: []string{`(default "31d")`}},
		{name: "verb -h", args: []string{"audit", "-h"}, code: exitOK, stdout: []string{"-wordlist", "-workers"}},
		{name: "unknown flag", args: []string{"verify", "--nope"}, code: exitUsage, stderr: []string{"cookiecodec: error: verify takes no flag --nope", "cookiecodec verify --help"}},
		{name: "flag of another verb", args: []string{"decode", "--secret", "x", devCookie}, code: exitUsage, stderr: []string{"decode takes no flag --secret", "decode takes no key"}},
		{name: "tagged and json", args: []string{"decode", "--tagged", "--json", devCookie}, code: exitUsage, stderr: []string{"--tagged prints the session alone, for sign: not with --json, --redact or --python"}},
		{name: "tagged and redact", args: []string{"verify", "--tagged", "--redact", "--secret", "dev", devCookie}, code: exitUsage, stderr: []string{"not with --json, --redact or --python"}},
		{name: "tagged", args: []string{"decode", "--tagged", "--now", devNow, devCookie}, code: exitOK, stdout: []string{"{\n  \"_fresh\": true,\n  \"user\": \"alice\"\n}\n"}, notStdout: []string{"UNVERIFIED", "format:"}},
		{name: "two inputs", args: []string{"decode", devCookie, devCookie}, code: exitUsage, stderr: []string{"one INPUT argument"}},
		{name: "bad digest", args: []string{"verify", "--key-file", devKey, "--digest", "sha3", devCookie}, code: exitUsage, stderr: []string{`--digest "sha3"`}},
		{name: "bad derivation", args: []string{"verify", "--key-file", devKey, "--key-derivation", "pbkdf2", devCookie}, code: exitUsage, stderr: []string{"--key-derivation"}},
		{name: "bad max-age", args: []string{"verify", "--key-file", devKey, "--max-age", "forever", devCookie}, code: exitUsage, stderr: []string{"--max-age"}},
		{name: "negative max-age", args: []string{"verify", "--key-file", devKey, "--max-age", "-5", devCookie}, code: exitUsage, stderr: []string{"--max-age"}},
		{name: "bad now", args: []string{"verify", "--key-file", devKey, "--now", "yesterday", devCookie}, code: exitUsage, stderr: []string{"--now"}},
		{name: "no key", args: []string{"verify", devCookie}, code: exitUsage, stderr: []string{"verify needs a key"}},
		{name: "two key sources", args: []string{"verify", "--key-file", devKey, "--key-env", "COOKIE_KEY", devCookie}, code: exitUsage, stderr: []string{"give the primary key once"}},
		{name: "missing key file", args: []string{"verify", "--key-file", "/nonexistent/key", devCookie}, code: exitAuditFailed, stderr: []string{"--key-file: open /nonexistent/key"}},
		{name: "unset key env", args: []string{"verify", "--key-env", "COOKIECODEC_SURELY_UNSET", devCookie}, code: exitUsage, stderr: []string{"not set"}},
		{name: "bad compress", args: []string{"sign", "--key-file", devKey, "--compress", "maybe", "{}"}, code: exitUsage, stderr: []string{"--compress"}},
		{name: "bad format", args: []string{"decode", "--format", "jwt", devCookie}, code: exitUsage, stderr: []string{"--format"}},
		{name: "keygen args", args: []string{"keygen", "extra"}, code: exitUsage, stderr: []string{"no arguments"}},

		// decode: every input form.
		{name: "decode raw", args: []string{"decode", "--now", devNow, devCookie}, code: exitOK,
			stdout: []string{"format:     flask (detected)", "UNVERIFIED", "issued:     2023-11-14 22:13:20 UTC (1h ago)", "expires:    2023-12-15 22:13:21 UTC (in 30d23h) [max-age 31d]", `"user": "alice"`}},
		{name: "decode stdin", args: []string{"decode", "--now", devNow}, stdin: devCookie + "\n", code: exitOK, stdout: []string{`"_fresh": true`}},
		{name: "decode dash", args: []string{"decode", "--now", devNow, "-"}, stdin: "  '" + devCookie + "'  \n", code: exitOK, stdout: []string{`"_fresh": true`}},
		{name: "decode pair", args: []string{"decode", "session=" + devCookie}, code: exitOK, stdout: []string{"input:      name=value, cookie \"session\""}},
		{name: "decode cookie header", args: []string{"decode", "Cookie: a=1; session=" + devCookie + "; b=2"}, code: exitOK, stdout: []string{"Cookie header", `"user": "alice"`}},
		{name: "decode set-cookie header", args: []string{"decode", "Set-Cookie: session=" + devCookie + "; HttpOnly; Path=/"}, code: exitOK, stdout: []string{"Set-Cookie header"}},
		{name: "decode name", args: []string{"decode", "--name", "app", "Cookie: session=x; app=" + devCookie}, code: exitOK, stdout: []string{`cookie "app"`}},
		{name: "decode header single other cookie", args: []string{"decode", "Cookie: other=" + devCookie}, code: exitFailed, stderr: []string{`no cookie named "session" among "other"`, "hint: the input holds one cookie: to take it, give --name other"}, notStdout: []string{"alice"}},
		{name: "decode set-cookie other name", args: []string{"decode", "Set-Cookie: app=" + devCookie + "; Path=/"}, code: exitFailed, stderr: []string{`the input holds cookie "app", not "session"`, "give --name app"}, notStdout: []string{"alice"}},
		{name: "decode header two other cookies", args: []string{"decode", "Cookie: other=" + devCookie + "; x=1"}, code: exitFailed, stderr: []string{`no cookie named "session" among "other", "x"`, "hint: pick the cookie with --name NAME"}},
		{name: "decode set-cookie other cookie", args: []string{"decode", "Set-Cookie: other=" + devCookie + "; Path=/"}, code: exitFailed, stderr: []string{`the input holds cookie "other", not "session"`}},
		{name: "decode pair other name", args: []string{"decode", "other=" + devCookie}, code: exitOK, stdout: []string{`cookie "other"`, `"user": "alice"`}},
		{name: "decode name missing", args: []string{"decode", "--name", "app", "Cookie: session=" + devCookie}, code: exitFailed, stderr: []string{`no cookie named "app"`}},
		{name: "decode compressed", args: []string{"decode", devCompressed}, code: exitOK, stdout: []string{"compressed: yes", `"sku-11"`}},
		{name: "decode redact", args: []string{"decode", "--redact", devCookie}, code: exitOK, stdout: []string{`"user": <str>`, `"_fresh": <bool>`}, notStdout: []string{"alice"}},
		{name: "decode json", args: []string{"decode", "--json", "--now", devNow, devCookie}, code: exitOK,
			stdout: []string{`{"schema_version":1,"verified":false,"format":"flask","payload":{"_fresh":true,"user":"alice"},"timestamp":1700000000,"issued_at":"2023-11-14T22:13:20Z","expires_at":"2023-12-15T22:13:21Z","expired":false,"age_seconds":3600,"compressed":false,"error":null,"hints":[],"hint_codes":[]}`}},
		{name: "decode json redact", args: []string{"decode", "--json", "--redact", devCookie}, code: exitOK, stdout: []string{`"payload":{"_fresh":"<bool>","user":"<str>"}`}},
		{name: "decode garbage", args: []string{"decode", "not-a-cookie"}, code: exitFailed, stderr: []string{"not a Flask, native or gorilla cookie"}, notStdout: []string{"format:", "input:", "status:", "\n"}},
		{name: "decode empty human", args: []string{"decode"}, stdin: "\n", code: exitFailed, stderr: []string{"empty input"}, notStdout: []string{"format:", "status:", "\n"}},
		{name: "decode header missing human", args: []string{"decode", "--name", "app", "Cookie: session=" + devCookie}, code: exitFailed, stderr: []string{`no cookie named "app"`}, notStdout: []string{"format:", "\n"}},
		{name: "decode native format on flask cookie", args: []string{"decode", "--format", "native", devCookie}, code: exitFailed, stderr: []string{"malformed cookie", "the cookie looks like a flask cookie, not native: drop --format (auto detects the format) or give --format flask"}},
		{name: "decode gorilla format on flask cookie json", args: []string{"decode", "--json", "--format", "gorilla", devCookie}, code: exitFailed, stdout: []string{"looks like a flask cookie, not gorilla"}},
		{name: "verify gorilla format on flask cookie", args: []string{"verify", "--json", "--format", "gorilla", "--key-file", devKey, devCookie}, code: exitFailed, stdout: []string{`"kind":"malformed"`, "looks like a flask cookie, not gorilla"}},
		{name: "decode forced format keeps header", args: []string{"decode", "--format", "flask", "abc"}, code: exitFailed, stdout: []string{"format:     flask\n"}},
		{name: "decode garbage json", args: []string{"decode", "--json", "abc"}, code: exitFailed, stdout: []string{`"kind":"malformed"`}},
		{name: "decode url-encoded gorilla", args: []string{"decode", "--json", "MTcwMDAwMDAwMHxZUT09fHg%3D"}, code: exitFailed, stdout: []string{"URL-encoded", "gorilla cookie"}},
		{name: "decode bad payload", args: []string{"decode", "--json", "e!!!.ZVPxAA.QehH-05txOR6UWU1Sr2AbjfnV0w"}, code: exitFailed, stdout: []string{`"kind":"payload"`}},
		{name: "decode empty", args: []string{"decode", "--json"}, stdin: "\n", code: exitFailed, stdout: []string{`"kind":"empty"`, "empty"}},
		{name: "decode max-age none", args: []string{"decode", "--json", "--max-age", "none", devCookie}, code: exitOK, notStdout: []string{"expires_at"}},

		// verify: keys and outcomes.
		{name: "verify key-file", args: []string{"verify", "--key-file", devKey, "--now", devNow, devCookie}, code: exitOK, stdout: []string{"VALID, verified with the primary key", `"user": "alice"`}},
		{name: "verify key-env", args: []string{"verify", "--key-env", "COOKIE_KEY", "--now", devNow, devCookie}, code: exitOK, stdout: []string{"VALID"}},
		{name: "verify secret warns", args: []string{"verify", "--secret", "dev", "--now", devNow, devCookie}, code: exitOK, stdout: []string{"VALID"}, stderr: []string{"cookiecodec: warning: --secret puts the key on the command line"}},
		{name: "verify flags after input", args: []string{"verify", devCookie, "--key-file", devKey, "--now", devNow}, code: exitOK, stdout: []string{"VALID"}},
		{name: "verify json", args: []string{"verify", "--json", "--key-file", devKey, "--now", devNow, devCookie}, code: exitOK,
			stdout: []string{`{"schema_version":1,"valid":true,"format":"flask","payload":{"_fresh":true,"user":"alice"},"timestamp":1700000000,"issued_at":"2023-11-14T22:13:20Z","expires_at":"2023-12-15T22:13:21Z","expired":false,"age_seconds":3600,"compressed":false,"key":"primary","error":null,"hints":[],"hint_codes":[]}`}},
		{name: "verify fallback", args: []string{"verify", "--json", "--key-file", otherKey, "--fallback-key-file", devKey, "--now", devNow, devCookie}, code: exitOK, stdout: []string{`"key":"fallback 1"`, "keys may be swapped"}},
		{name: "verify wrong key", args: []string{"verify", "--key-file", otherKey, "--now", devNow, devCookie}, code: exitFailed, stderr: []string{"cookiecodec: error: invalid signature", "cookiecodec: hint: no variant matched", "a salt of its own (a custom SecureCookieSessionInterface.salt): give it with --salt"}, notStdout: []string{"alice"}},
		{name: "verify wrong key json", args: []string{"verify", "--json", "--key-file", otherKey, "--now", devNow, devCookie}, code: exitFailed, stdout: []string{`"valid":false`, `"payload":null`, `"kind":"signature"`}},
		{name: "verify newline key file", args: []string{"verify", "--key-file", devKeyNL, "--now", devNow, devCookie}, code: exitFailed, stderr: []string{"without the trailing newline of the primary key"}},
		{name: "verify bom key file", args: []string{"verify", "--key-file", devKeyBOM, "--now", devNow, devCookie}, code: exitFailed, stderr: []string{"without the UTF-8 byte order mark"}},
		{name: "verify multi-line key file", args: []string{"verify", "--key-file", devKeyLines, "--now", devNow, devCookie}, code: exitFailed, stderr: []string{"using only line 2 of the primary key"}},
		{name: "verify fallback given as primary", args: []string{"verify", "--key-file", otherKey, "--fallback-key-file", devKeyNL, "--now", devNow, devCookie}, code: exitFailed, stderr: []string{"without the trailing newline of fallback key 1"}},
		{name: "verify expired", args: []string{"verify", "--key-file", devKey, "--now", "1702960000", devCookie}, code: exitFailed, stderr: []string{"valid signature, expired 3d6h ago (max-age 31d)"}},
		{name: "verify expired json", args: []string{"verify", "--json", "--key-file", devKey, "--now", "1702960000", devCookie}, code: exitFailed, stdout: []string{`"kind":"expired"`}},
		{name: "verify max-age seconds", args: []string{"verify", "--key-file", devKey, "--now", devNow, "--max-age", "60", devCookie}, code: exitFailed, stderr: []string{"expired 59m ago (max-age 1m)"}},
		{name: "verify max-age duration", args: []string{"verify", "--key-file", devKey, "--now", devNow, "--max-age", "1d2h", devCookie}, code: exitOK},
		{name: "verify max-age none", args: []string{"verify", "--key-file", devKey, "--now", "1900000000", "--max-age", "none", devCookie}, code: exitOK},
		{name: "verify future", args: []string{"verify", "--json", "--key-file", devKey, "--now", "1699992800", devCookie}, code: exitFailed, stdout: []string{`"kind":"future"`, "issued 2h in the future"}},
		{name: "verify future skew", args: []string{"verify", "--key-file", devKey, "--now", "1699992800", "--skew", "3h", devCookie}, code: exitOK},
		{name: "verify now rfc3339", args: []string{"verify", "--key-file", devKey, "--now", "2023-11-15T00:00:00Z", devCookie}, code: exitOK},
		{name: "verify digest from length", args: []string{"verify", "--key-file", devKey, "--digest", "sha256", "--now", devNow, devCookie}, code: exitFailed, stderr: []string{"the length of a sha1 HMAC, not sha256"}},
		{name: "verify truncated", args: []string{"verify", "--json", "--key-file", devKey, "--now", devNow, devCookie[:len(devCookie)-3]}, code: exitFailed, stdout: []string{`"kind":"signature"`, "truncated"}},
		{name: "verify signature unused bits", args: []string{"verify", "--json", "--key-file", devKey, "--now", devNow, devCookie[:len(devCookie)-27] + strings.Repeat("x", 27)}, code: exitFailed,
			stdout: []string{`"kind":"signature"`, "not canonical base64url: its last character 'x' sets unused low bits"}, notStdout: []string{"only A-Z"}},
		{name: "verify signature bad character", args: []string{"verify", "--json", "--key-file", devKey, "--now", devNow, devCookie[:len(devCookie)-2] + "*w"}, code: exitFailed,
			stdout: []string{"not canonical base64url: character 26 is '*'; only A-Z a-z 0-9 - _ are allowed"}},
		{name: "verify signature plus matches", args: []string{"verify", "--json", "--key-file", devKey, "--now", devNow, strings.Replace(devCookie, "QehH-", "QehH+", 1)}, code: exitFailed,
			stdout: []string{"matches once it is spelled canonically (character 5 is '+'"}},
		{name: "verify signature last bits match", args: []string{"verify", "--json", "--key-file", devKey, "--now", devNow, devCookie[:len(devCookie)-1] + "x"}, code: exitFailed,
			stdout: []string{"matches once it is spelled canonically (its last character 'x' sets unused low bits"}},
		{name: "verify no separator", args: []string{"verify", "--json", "--format", "flask", "--key-file", devKey, "abc"}, code: exitFailed, stdout: []string{`"kind":"malformed"`}},
		{name: "verify duplicates", args: []string{"verify", "--json", "--key-file", devKey, "--now", devNow, "Cookie: session=" + devCookie + "; session=junk"}, code: exitOK, stdout: []string{"the first was checked"}},
		{name: "verify shadowed duplicate", args: []string{"verify", "--json", "--key-file", devKey, "--now", devNow, "Cookie: session=e30.ZVPxAA.8p29ZjHuPx2KsvbY4dJGCnVYb0M; session=" + devCookie}, code: exitFailed, stdout: []string{"cookie 2 of the 2 named", "in the header is valid: the first one shadows it", "(in Flask mode, or with a Legacy reader) tries each in header order and would accept it"}},
		{name: "verify shadowed duplicate past 8 decodes", args: []string{"verify", "--json", "--key-file", devKey, "--now", devNow, "Cookie: " + strings.Repeat("session=e30.ZVPxAA.8p29ZjHuPx2KsvbY4dJGCnVYb0M; ", 8) + "session=" + devCookie}, code: exitFailed, stdout: []string{"cookie 9 of the 9 named", "tries them in header order, but stops after 8 decodes"}},
		{name: "verify malformed first duplicate", args: []string{"verify", "--json", "--key-file", devKey, "--now", devNow, "Cookie: session=deleted; session=" + devCookie}, code: exitFailed,
			stdout: []string{`"kind":"malformed"`, `the header holds 2 cookies named \"session\"`, "cookie 2 of the 2 named", "the first one shadows it"}},
		{name: "verify malformed first duplicate human", args: []string{"verify", "--key-file", devKey, "--now", devNow, "Cookie: session=deleted; session=" + devCookie}, code: exitFailed,
			stderr: []string{"not a Flask, native or gorilla cookie", "cookie 2 of the 2 named"}, notStdout: []string{"alice", "format:"}},
		{name: "verify empty first duplicate", args: []string{"verify", "--json", "--key-file", devKey, "--now", devNow, "Cookie: session=; a=1; session=" + devCookie}, code: exitFailed,
			stdout: []string{`"kind":"empty"`, "empty", "cookie 2 of the 2 named", "the first one shadows it"}},
		{name: "verify malformed first duplicate invalid", args: []string{"verify", "--json", "--key-file", otherKey, "--now", devNow, "Cookie: session=deleted; session=" + devCookie}, code: exitFailed,
			stdout: []string{"the header holds 2 cookies"}, notStdout: []string{"shadows"}},
		{name: "verify expired duplicate behind malformed", args: []string{"verify", "--json", "--key-file", devKey, "--now", "1702960000", "Cookie: session=deleted; session=" + devCookie}, code: exitFailed,
			stdout: []string{"the header holds 2 cookies"}, notStdout: []string{"shadows"}},
		{name: "verify compressed", args: []string{"verify", "--json", "--key-file", devKey, "--now", devNow, devCompressed}, code: exitOK, stdout: []string{`"compressed":true`, `"sku-0"`}},
		{name: "verify legacy epoch", args: []string{"verify", "--key-file", devKey, "--now", devNow, legacyCookie(t)}, code: exitFailed, stderr: []string{"itsdangerous < 1.0", "2023-11-14 21:13:20 UTC", "verify reads timestamps from 1970 only, and --max-age none checks the signature without the age"}},
		{name: "verify legacy epoch without age", args: []string{"verify", "--key-file", devKey, "--now", devNow, "--max-age", "none", legacyCookie(t)}, code: exitOK, stdout: []string{"VALID"}},

		// sign.
		{name: "sign", args: []string{"sign", "--key-file", devKey, "--timestamp", "1700000000"}, stdin: `{"user":"alice","_fresh":true}`, code: exitOK, stdout: []string{devCookie + "\n"}},
		{name: "sign arg", args: []string{"sign", "--key-file", devKey, "--timestamp", "1700000000", `{"user": "alice", "_fresh": true}`}, code: exitOK, stdout: []string{devCookie}},
		{name: "sign now", args: []string{"sign", "--key-file", devKey, "--now", "1700000000", `{"user":"alice","_fresh":true}`}, code: exitOK, stdout: []string{devCookie}},
		{name: "sign json", args: []string{"sign", "--json", "--key-file", devKey, "--timestamp", "1700000000", "--now", devNow, `{"user":"alice","_fresh":true}`}, code: exitOK,
			stdout: []string{`"cookie":"` + devCookie + `"`, `"format":"flask"`, `"timestamp":1700000000`, `"key":"primary"`, `"error":null`}},
		{name: "sign compress never", args: []string{"sign", "--key-file", devKey, "--compress", "never", `{"a":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}`}, code: exitOK, notStdout: []string{"\n."}},
		{name: "sign compress always", args: []string{"sign", "--key-file", devKey, "--compress", "always", `{"a":1}`}, code: exitOK, stdout: []string{"."}},
		{name: "sign tags", args: []string{"sign", "--json", "--key-file", devKey, `{"t":{" t":[1,2]},"b":{" b":"AAE="}}`}, code: exitOK, stdout: []string{`"payload":{"b":{" b":"AAE="},"t":{" t":[1,2]}}`}},
		{name: "sign bad json", args: []string{"sign", "--key-file", devKey, `{"a":`}, code: exitFailed, stderr: []string{"the JSON to sign"}},
		{name: "sign bad json json", args: []string{"sign", "--json", "--key-file", devKey, `[1,`}, code: exitFailed, stdout: []string{`"error":{"kind":"malformed","message":"the JSON to sign`}},
		{name: "verify missing key file json", args: []string{"verify", "--json", "--key-file", "/nonexistent/key", devCookie}, code: exitAuditFailed, stdout: []string{`"valid":false`, `--key-file: open /nonexistent/key`}},
		{name: "sign no key", args: []string{"sign", `{}`}, code: exitUsage, stderr: []string{"sign needs a key"}},
		{name: "sign other salt", args: []string{"sign", "--key-file", devKey, "--salt", "x", "--key-derivation", "concat", "--digest", "sha256", `{}`}, code: exitOK},

		// keygen.
		{name: "keygen", args: []string{"keygen"}, code: exitOK, stdout: []string{"cookiecodec-key-1."}},
		{name: "keygen json", args: []string{"keygen", "--json"}, code: exitOK, stdout: []string{`{"schema_version":1,"key":"cookiecodec-key-1.`, `"key_id":"`}},

		// audit (the built-in list; wordlists are in audit_test.go).
		{name: "audit weak", args: []string{"audit", devCookie}, code: exitFailed, stdout: []string{"WEAK SECRET", "entry 1 of the built-in list", "first character 'd', last 'v'"}, notStdout: []string{"dev"}},
		{name: "audit json", args: []string{"audit", "--json", "--workers", "1", devCookie}, code: exitFailed,
			stdout: []string{`"weak":true`, `"match":{"list":"built-in","entry":1,"first":"'d'","last":"'v'","salt":"cookie-session","key_derivation":"hmac","digest":"sha1"}`}},
		{name: "audit padded signature", args: []string{"audit", "--json", devCookie + "="}, code: exitFailed, stdout: []string{`"weak":true`, "canonical spelling"}},
		{name: "audit native refused", args: []string{"audit", "--json", "AQEA8RYIwWVT8QBlU"}, code: exitAuditFailed, stdout: []string{`"kind":"malformed"`, `"weak":false`}},
		{name: "audit garbage", args: []string{"audit", "garbage"}, code: exitAuditFailed, stderr: []string{"not a Flask or itsdangerous cookie"}, notStdout: []string{"WEAK"}},
		{name: "audit empty input", args: []string{"audit"}, stdin: "\n", code: exitAuditFailed, stderr: []string{"empty input"}},
		{name: "audit missing wordlist", args: []string{"audit", "--wordlist", "/nonexistent/words", devCookie}, code: exitAuditFailed, stderr: []string{"--wordlist: open /nonexistent/words"}, notStdout: []string{"WEAK"}},
		{name: "audit missing wordlist json", args: []string{"audit", "--json", "--wordlist", "/nonexistent/words", devCookie}, code: exitAuditFailed, stdout: []string{`"weak":false`, `"match":null`, "--wordlist: open /nonexistent/words"}},
		{name: "audit too large", args: []string{"audit", "--json", "a." + strings.Repeat("b", maxAuditSize) + "." + devCookie[len(devCookie)-27:]}, code: exitAuditFailed, stdout: []string{`"kind":"too_large"`}},
		{name: "audit format usage", args: []string{"audit", "--format", "native", devCookie}, code: exitUsage},
		{name: "audit bad workers", args: []string{"audit", "--workers", "-1", devCookie}, code: exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.check(t) })
	}
}

// legacyCookie signs {"a":1} with key "dev" at 1700000000 - 2011's epoch,
// as itsdangerous < 1.0 did for a cookie issued at 2023-11-14 21:13:20.
func legacyCookie(t *testing.T) string {
	t.Helper()
	code, stdout, stderr := runCLI(t, `{"a":1}`, "sign", "--secret", "dev", "--timestamp", "406156400")
	if code != exitOK {
		t.Fatalf("sign: %s", stderr)
	}
	return strings.TrimSpace(stdout)
}

// TestNoKeyMaterialPrinted: no output of any command contains the key.
func TestNoKeyMaterialPrinted(t *testing.T) {
	const secret = "s3cr3t-k3y-material-that-must-not-leak"
	kf := writeFile(t, "k", []byte(secret+"\n"))
	code, cookie, _ := runCLI(t, `{"x":1}`, "sign", "--secret", secret, "--now", devNow)
	if code != exitOK {
		t.Fatal("sign failed")
	}
	cookie = strings.TrimSpace(cookie)
	for _, args := range [][]string{
		{"verify", "--key-file", kf, "--now", devNow, cookie},
		{"verify", "--json", "--key-file", kf, "--now", devNow, cookie},
		{"verify", "--json", "--secret", secret, "--now", "1900000000", cookie},
		{"verify", "--secret", secret, "--salt", "x", "--now", devNow, cookie},
		{"verify", "--json", "--key-file", kf, "--fallback-key-file", kf, "--now", devNow, cookie},
		{"sign", "--json", "--secret", secret, `{}`},
	} {
		_, stdout, stderr := runCLI(t, "", args...)
		for _, out := range []string{stdout, stderr} {
			if strings.Contains(out, secret) || strings.Contains(out, "k3y-mat") {
				t.Errorf("%v printed key material:\n%s", args, out)
			}
		}
	}
}

// TestSigSpelling: each way a signature segment can miss canonical
// base64url is named.
func TestSigSpelling(t *testing.T) {
	for _, tc := range []struct{ sig, want string }{
		{strings.Repeat("x", 27), "its last character 'x' sets unused low bits"},
		{strings.Repeat("A", 26) + "B", "its last character 'B' sets unused low bits"},
		{strings.Repeat("A", 21) + "B", "its last character 'B' sets unused low bits"},
		{strings.Repeat("A", 27) + "=", "character 28 is '='"},
		{"QehH/05txOR6UWU1Sr2AbjfnV0w", "character 5 is '/'"},
		{"QehH-05txOR6UWU1Sr2AbjfnV0w%3D", "character 28 is '%'"},
		{strings.Repeat("A", 29), "it is 29 characters long, a length no base64 text has"},
		{"QehH-05txOR6UWU1Sr2AbjfnV0w", "it is canonical"},
	} {
		if got := sigSpelling(tc.sig); !strings.HasPrefix(got, tc.want) {
			t.Errorf("sigSpelling(%q) = %q, want %q...", tc.sig, got, tc.want)
		}
	}
}

// TestTooManyArguments: the advice for a second argument fits the
// command: a session to sign is quoted JSON, a cookie a quoted header.
func TestTooManyArguments(t *testing.T) {
	for _, tc := range []cliCase{
		{name: "sign", args: []string{"sign", "--secret", "x", "{a:", "1}"}, code: exitUsage, stderr: []string{"sign takes one JSON argument, got 2 (quote the session"}, notStderr: []string{"header"}},
		{name: "decode", args: []string{"decode", "Cookie:", "session=x"}, code: exitUsage, stderr: []string{"decode takes one INPUT argument, got 2 (quote a header line"}},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.check(t) })
	}
}
