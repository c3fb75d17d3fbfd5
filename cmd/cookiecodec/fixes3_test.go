package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestLargeHAR: a HAR over 1 MiB (DevTools exports carry the response
// bodies) is read, up to cliinput.MaxHAR; other input over 1 MiB, and a
// HAR over that bound, are refused with kind too_large and a message
// that names HAR and the jq command that strips the bodies.
func TestLargeHAR(t *testing.T) {
	t.Setenv("KEY", "dev")
	har := func(body int) string {
		entry := map[string]any{
			"request":  map[string]any{"method": "GET", "url": "https://example.com/", "headers": []any{map[string]any{"name": "cookie", "value": "theme=dark; session=" + devCookie}}},
			"response": map[string]any{"status": 200, "headers": []any{}, "content": map[string]any{"size": body, "text": strings.Repeat("x", body)}},
		}
		b, err := json.Marshal(map[string]any{"log": map[string]any{"version": "1.2", "entries": []any{entry}}})
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	code, out, _ := runCLI(t, har(3<<20), "verify", "--json", "--key-env", "KEY", "--now", devNow, "-")
	if m := jsonOut(t, out); code != exitOK || m["valid"] != true {
		t.Errorf("3 MiB HAR: exit %d: %s", code, out)
	}
	for name, input := range map[string]string{
		"not a HAR":     strings.Repeat("A", 1<<20+10),
		"HAR of 65 MiB": har(65 << 20),
	} {
		code, out, _ := runCLI(t, input, "verify", "--json", "--key-env", "KEY", "--now", devNow, "-")
		m := jsonOut(t, out)
		if code != exitFailed || errKind(m) != "too_large" || !strings.Contains(out, "HAR") || !strings.Contains(out, "jq 'del(.log.entries[].response.content.text)'") {
			t.Errorf("%s: exit %d: %.400s", name, code, out)
		}
	}
}

// TestLoneDeletionLine: one logout Set-Cookie line is kind deleted, as
// several lines and a transcript are, also as a --lines line.
func TestLoneDeletionLine(t *testing.T) {
	t.Setenv("KEY", "dev")
	for _, line := range []string{
		"Set-Cookie: session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Path=/",
		"set-cookie: session=deleted; Max-Age=0",
		"session=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
	} {
		code, out, _ := runCLI(t, "", "verify", "--json", "--key-env", "KEY", "--now", devNow, line)
		if m := jsonOut(t, out); code != exitFailed || errKind(m) != "deleted" {
			t.Errorf("%q: exit %d: %s", line, code, out)
		}
	}
	file := writeFile(t, "lines.txt", []byte(devCookie+"\nSet-Cookie: session=; Max-Age=0; Path=/\n"))
	_, out, _ := runCLI(t, "", "verify", "--json", "--key-env", "KEY", "--now", devNow, "--lines", file)
	if !strings.Contains(out, `"line":2,`) || !strings.Contains(out, `"kind":"deleted"`) {
		t.Errorf("--lines: %s", out)
	}
	// An empty value without a deletion stays kind empty.
	_, out, _ = runCLI(t, "", "verify", "--json", "--key-env", "KEY", "--now", devNow, "Set-Cookie: session=; Path=/")
	if m := jsonOut(t, out); errKind(m) != "empty" {
		t.Errorf("empty Set-Cookie: %s", out)
	}
}

// TestPrintableJunk: printable characters that no session format uses,
// around a cookie signed with the weak secret "dev" (Markdown backticks,
// <...>, a parenthesis, a "session:" prefix), are kind malformed: audit
// exits 3, not 0 with "no match", and verify does not blame the key.
// Formats with other characters still read as before.
func TestPrintableJunk(t *testing.T) {
	t.Setenv("KEY", "dev")
	for _, tc := range []struct{ input, want string }{
		{"`" + devCookie + "`", "Markdown backticks"},
		{"<" + devCookie + ">", "wrapped in <...>"},
		{"(" + devCookie, "'(' at byte 0"},
		{devCookie + ")", "')' at byte 75"},
		{"session:" + devCookie, "give session=VALUE"},
		{"Cookie: theme=dark; session=`" + devCookie + "`", "Markdown backticks"},
	} {
		code, out, _ := runCLI(t, "", "audit", "--json", tc.input)
		if m := jsonOut(t, out); code != exitAuditFailed || errKind(m) != "malformed" || !strings.Contains(out, tc.want) {
			t.Errorf("audit %.20q: exit %d: %s", tc.input, code, out)
		}
		code, out, _ = runCLI(t, "", "verify", "--json", "--key-env", "KEY", "--now", devNow, tc.input)
		if m := jsonOut(t, out); code != exitFailed || errKind(m) != "malformed" || strings.Contains(out, "another key") {
			t.Errorf("verify %.20q: exit %d: %s", tc.input, code, out)
		}
	}
	// Not junk: standard base64 (Express, gorilla padding), '%' escapes,
	// a chunk header, a JWT: their own detections still answer.
	for input, want := range map[string]string{
		"session=eyJ1c2VyIjoiYSJ9+/=; session.sig=abc":                                            "Express cookie-session",
		"eyJfZnJlc2giOnRydWUsInVzZXIiOiJhbGljZSJ9%2EZVPxAA%2EQehH-05txOR6UWU1Sr2AbjfnV0w":         "URL-encoded",
		"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlc2lnbmF0dQ": "JWT",
	} {
		_, out, _ := runCLI(t, "", "verify", "--json", "--key-env", "KEY", "--now", devNow, input)
		if !strings.Contains(out, want) {
			t.Errorf("%.30q: want %q: %s", input, want, out)
		}
	}
}

// TestDeletionScope: a deletion on another Path or Domain than the cookie
// it names leaves that cookie in a browser (cookies are keyed by name,
// domain and path): the kept cookie is checked, with a hint, instead of
// kind deleted. The same Path and host still delete it, in a transcript
// too, where the default path comes from the URL.
func TestDeletionScope(t *testing.T) {
	t.Setenv("KEY", "dev")
	login := "Set-Cookie: session=" + devCookie + "; Path=/\n"
	for _, tc := range []struct {
		name, input string
		valid       bool
	}{
		{"other path", login + "Set-Cookie: session=; Max-Age=0; Path=/admin\n", true},
		{"other domain", login + "Set-Cookie: session=; Max-Age=0; Domain=.example.com; Path=/\n", true},
		{"same scope", login + "Set-Cookie: session=; Max-Age=0; Path=/\n", false},
		{"both scopes deleted", login + "Set-Cookie: session=; Max-Age=0; Path=/\nSet-Cookie: session=; Max-Age=0; Path=/admin\n", false},
		{"transcript, default path", "POST /login HTTP/1.1\nHost: example.com\n\nHTTP/1.1 302 Found\nSet-Cookie: session=" + devCookie + "\n\nGET /logout HTTP/1.1\nHost: example.com\n\nHTTP/1.1 302 Found\nSet-Cookie: session=; Max-Age=0; Path=/\n", false},
	} {
		code, out, _ := runCLI(t, tc.input, "verify", "--json", "--key-env", "KEY", "--now", devNow, "-")
		m := jsonOut(t, out)
		if tc.valid && (code != exitOK || !strings.Contains(hintsOf(m), "a browser keeps that cookie")) || !tc.valid && errKind(m) != "deleted" {
			t.Errorf("%s: exit %d: %s", tc.name, code, out)
		}
	}
}

// TestLoneOtherCookie: a lone name=value of another name that fits no
// format is kind not_found, as two such cookies are, with the HttpOnly
// hint.
func TestLoneOtherCookie(t *testing.T) {
	for _, input := range []string{"theme=dark", "theme=dark; lang=en"} {
		code, out, _ := runCLI(t, "", "verify", "--json", "--secret", "dev", input)
		if m := jsonOut(t, out); code != exitFailed || errKind(m) != "not_found" || !strings.Contains(hintsOf(m), "HttpOnly") {
			t.Errorf("%q: exit %d: %s", input, code, out)
		}
	}
}

// TestLinesUTF16: a UTF-16 --lines file is refused once (kind malformed,
// exit 1), not once per line with a spurious record for a NUL.
func TestLinesUTF16(t *testing.T) {
	var u16 []byte
	u16 = append(u16, 0xff, 0xfe)
	for _, r := range devCookie + "\r\n" + devCookie + "\r\n" {
		u16 = append(u16, byte(r), 0)
	}
	file := writeFile(t, "u16.txt", u16)
	code, out, _ := runCLI(t, "", "verify", "--json", "--secret", "dev", "--lines", file)
	if m := jsonOut(t, out); code != exitFailed || errKind(m) != "malformed" || !strings.Contains(out, "UTF-16") {
		t.Errorf("exit %d: %s", code, out)
	}
}

// TestLogPrefixAdvice: Set-Cookie lines after a log's time stamp are not
// header lines; the not_found message says so and how to cut the prefix.
func TestLogPrefixAdvice(t *testing.T) {
	in := "2026-12-07T20:00:00Z set-cookie: session=" + devCookie + "; Path=/\n2026-12-07T20:00:01Z INFO done\n"
	_, out, _ := runCLI(t, in, "verify", "--json", "--secret", "dev", "-")
	if m := jsonOut(t, out); errKind(m) != "not_found" || !strings.Contains(out, `line 1 holds \"set-cookie:\" after other text (a log prefix?)`) {
		t.Errorf("%s", out)
	}
}

// TestJSONAroundTheCommand: --json before the command is the command's
// flag; a mistyped command with --json still prints one JSON object
// (kind usage, exit 2), in the shape of the command it resembles.
func TestJSONAroundTheCommand(t *testing.T) {
	t.Setenv("KEY", "dev")
	code, out, _ := runCLI(t, "", "--json", "verify", "--key-env", "KEY", "--now", devNow, devCookie)
	if m := jsonOut(t, out); code != exitOK || m["valid"] != true {
		t.Errorf("--json verify: exit %d: %s", code, out)
	}
	code, out, _ = runCLI(t, "", "verfy", "--json", devCookie)
	if m := jsonOut(t, out); code != exitUsage || errKind(m) != "usage" || m["valid"] != false || !strings.Contains(hintsOf(m), `did you mean "verify"`) {
		t.Errorf("verfy --json: exit %d: %s", code, out)
	}
}

// TestCurlCmd: Chrome's "Copy as cURL (cmd)" escapes with '^' for
// cmd.exe (^" quotes, a trailing ^ continues the line); its cookie reads.
func TestCurlCmd(t *testing.T) {
	t.Setenv("KEY", "dev")
	in := "curl ^\"https://staging.example.com/^\" ^\r\n  -H ^\"accept: text/html^\" ^\r\n  -b ^\"theme=dark; session=" + devCookie + "^\" ^\r\n  --compressed\r\n"
	code, out, _ := runCLI(t, in, "verify", "--json", "--key-env", "KEY", "--now", devNow, "-")
	if m := jsonOut(t, out); code != exitOK || m["valid"] != true {
		t.Errorf("exit %d: %s", code, out)
	}
}

// TestPowerShell: "Copy as PowerShell" (System.Net.Cookie, or an older
// -Headers @{"cookie"=...}) is read for its cookies.
func TestPowerShell(t *testing.T) {
	t.Setenv("KEY", "dev")
	for _, in := range []string{
		"$session = New-Object Microsoft.PowerShell.Commands.WebRequestSession\r\n$session.Cookies.Add((New-Object System.Net.Cookie(\"theme\", \"dark\", \"/\", \"example.com\")))\r\n$session.Cookies.Add((New-Object System.Net.Cookie(\"session\", \"" + devCookie + "\", \"/\", \"example.com\")))\r\nInvoke-WebRequest -UseBasicParsing -Uri \"https://example.com/\" `\r\n-WebSession $session\r\n",
		"Invoke-WebRequest -Uri \"https://example.com/\" -Headers @{\r\n\"method\"=\"GET\"\r\n  \"cookie\"=\"theme=dark; session=" + devCookie + "\"\r\n}\r\n",
	} {
		code, out, _ := runCLI(t, in, "verify", "--json", "--key-env", "KEY", "--now", devNow, "-")
		if m := jsonOut(t, out); code != exitOK || m["valid"] != true {
			t.Errorf("%.30q: exit %d: %s", in, code, out)
		}
	}
}
