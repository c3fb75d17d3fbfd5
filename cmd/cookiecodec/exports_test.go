package main

import (
	"fmt"
	"strings"
	"testing"
)

// TestInvisibleCharacters: a byte order mark at the start of INPUT is
// dropped; other characters that no cookie value holds (zero-width
// spaces, word joiners, tabs), at either end, are refused with kind
// "malformed", naming the code point and its offset, and audit exits 3
// (could not check) instead of 0 (no match) for a cookie signed with a
// built-in weak secret. A no-break space at either end is white space,
// trimmed as the rest.
func TestInvisibleCharacters(t *testing.T) {
	t.Setenv("KEY", "dev")
	tests := []struct {
		name, input string
		valid       bool
		cp, at      string // the code point and offset the error names
	}{
		{"BOM start", "\ufeff" + devCookie + "\r\n", true, "", ""},
		{"BOM end", devCookie + "\ufeff", false, "U+FEFF", "at byte 75"},
		{"ZWSP start", "\u200b" + devCookie + "\r\n", false, "U+200B (zero width space", "at byte 0"},
		{"ZWSP end", devCookie + "\u200b", false, "U+200B", "at byte 75"},
		{"NBSP start", "\u00a0" + devCookie, true, "", ""},
		{"NBSP end", devCookie + "\u00a0\n", true, "", ""},
		{"word joiner start", "\u2060" + devCookie, false, "U+2060 (word joiner", "at byte 0"},
		{"word joiner end", devCookie + "\u2060", false, "U+2060", "at byte 75"},
		{"BOM then ZWSP", "\ufeff\u200b" + devCookie, false, "U+200B", "at byte 0"},
		{"inner control", devCookie[:10] + "\x01" + devCookie[10:], false, "U+0001", "at byte 10"},
		{"inner tab", devCookie[:10] + "\t" + devCookie[10:], false, "U+0009 (tab)", "at byte 10"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, _ := runCLI(t, tc.input, "verify", "--json", "--key-env", "KEY", "--now", devNow, "-")
			m := jsonOut(t, out)
			if tc.valid {
				if code != exitOK || m["valid"] != true {
					t.Fatalf("exit %d: %s", code, out)
				}
			} else {
				msg, _ := m["error"].(map[string]any)["message"].(string)
				if code == exitOK || errKind(m) != "malformed" || !strings.Contains(msg, tc.cp) || !strings.Contains(msg, tc.at) {
					t.Fatalf("exit %d, want kind malformed naming %s %s: %s", code, tc.cp, tc.at, out)
				}
				if strings.Contains(msg, devCookie[40:]) {
					t.Errorf("the message quotes the cookie: %s", msg)
				}
			}
			code, out, _ = runCLI(t, tc.input, "audit", "--json", "-")
			m = jsonOut(t, out)
			want := exitAuditFailed
			if tc.valid {
				want = exitFailed // "dev" is a built-in weak secret
			}
			if code != want || (!tc.valid && errKind(m) != "malformed") {
				t.Errorf("audit: exit %d, want %d: %s", code, want, out)
			}
		})
	}
}

// TestCookieExports: a Netscape cookie-jar line or file, a row of the
// DevTools cookie table, a JSON cookie export and a HAR are read, and the
// cookie --name is taken out of them, instead of the whole line being
// read as a raw value that fails with "signature".
func TestCookieExports(t *testing.T) {
	t.Setenv("KEY", "dev")
	c := devCookie
	inputs := map[string]string{
		"jar line HttpOnly": "#HttpOnly_staging.example.com\tFALSE\t/\tTRUE\t0\tsession\t" + c + "\n",
		"jar line":          "staging.example.com\tFALSE\t/\tTRUE\t0\tsession\t" + c,
		"jar file": "# Netscape HTTP Cookie File\n# https://curl.se/docs/http-cookies.html\n\n" +
			"staging.example.com\tFALSE\t/\tFALSE\t0\ttheme\tdark\n#HttpOnly_staging.example.com\tFALSE\t/\tFALSE\t0\tsession\t" + c + "\n",
		"devtools row":    "session\t" + c + "\tstaging.example.com\t/\tSession\t90\t✓\t✓\tLax\t\tMedium\n",
		"json export":     `[{"name":"theme","value":"dark"},{"name":"session","value":"` + c + `","domain":"staging.example.com","path":"/"}]`,
		"storageState":    `{"cookies":[{"name":"session","value":"` + c + `","expires":-1}],"origins":[]}`,
		"har compact":     `{"log":{"entries":[{"response":{"headers":[{"name":"Set-Cookie","value":"session=` + c + `; Path=/"}]}}]}}`,
		"har cookie only": `{"log":{"entries":[{"request":{"method":"GET","url":"https://a.example/","headers":[{"name":"cookie","value":"theme=dark; session=` + c + `"}]},"response":{"status":200,"headers":[]}}]}}`,
	}
	for name, input := range inputs {
		t.Run(name, func(t *testing.T) {
			code, out, _ := runCLI(t, input, "verify", "--json", "--key-env", "KEY", "--now", devNow, "-")
			if m := jsonOut(t, out); code != exitOK || m["valid"] != true {
				t.Fatalf("exit %d: %s", code, out)
			}
			code, out, _ = runCLI(t, input, "audit", "--json", "-")
			if m := jsonOut(t, out); code != exitFailed || m["weak"] != true {
				t.Errorf("audit: exit %d: %s", code, out)
			}
		})
	}
	// What is not a cookie table or an export is named, with kind
	// malformed, and audit cannot check it.
	refused := map[string]string{
		"tabs":      "a\tb\n",
		"json":      `{"user": "alice"}`,
		"json list": `[1, 2]`,
	}
	for name, input := range refused {
		t.Run(name, func(t *testing.T) {
			code, out, _ := runCLI(t, input, "verify", "--json", "--key-env", "KEY", "-")
			if m := jsonOut(t, out); code == exitOK || errKind(m) != "malformed" {
				t.Fatalf("exit %d: %s", code, out)
			}
			if code, out, _ := runCLI(t, input, "audit", "--json", "-"); code != exitAuditFailed {
				t.Errorf("audit: exit %d: %s", code, out)
			}
		})
	}
	// The input line names the format.
	_, out, _ := runCLI(t, inputs["jar file"], "decode", "--now", devNow, "-")
	if !strings.Contains(out, fmt.Sprintf("input:      Netscape cookie jar, cookie %q", "session")) {
		t.Errorf("decode of a jar:\n%s", out)
	}
}
