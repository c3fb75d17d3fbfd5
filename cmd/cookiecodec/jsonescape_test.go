package main

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
)

// TestJSONEscapesTerminalControls: --json writes C1 controls, bidi
// controls and U+2028/U+2029 as \u escapes, never raw, in keys and values
// of the payload and in messages, and the JSON value is unchanged; other
// non-ASCII text (é) stays as it is.
func TestJSONEscapesTerminalControls(t *testing.T) {
	session := map[string]any{"a\u2067": "\u202e\u009b31m\u2028x\u2029\u061c\u200f\u2066é", "\u0085k": "\u200e"}
	raw, err := json.Marshal(session)
	if err != nil {
		t.Fatal(err)
	}
	cookie := base64.RawURLEncoding.EncodeToString(raw) + ".ZVPxAA.QehH-05txOR6UWU1Sr2AbjfnV0w"
	code, stdout, _ := runCLI(t, "", "decode", "--json", "--now", devNow, cookie)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stdout)
	}
	for _, r := range stdout {
		if jsonEscapedRune(r) {
			t.Errorf("raw %U in --json output:\n%s", r, stdout)
		}
	}
	for _, esc := range []string{`\u202e`, `\u009b`, `\u2028`, `\u2029`, `\u061c`, `\u200f`, `\u2066`, `\u2067`, `\u0085`, `\u200e`} {
		if !strings.Contains(stdout, esc) {
			t.Errorf("--json output lacks %s:\n%s", esc, stdout)
		}
	}
	if !strings.Contains(stdout, "é") {
		t.Errorf("é escaped:\n%s", stdout)
	}
	var got struct {
		Payload map[string]any `json:"payload"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	for k, v := range session {
		if got.Payload[k] != v {
			t.Errorf("payload[%q] = %q, want %q", k, got.Payload[k], v)
		}
	}
	if len(got.Payload) != len(session) {
		t.Errorf("payload %v", got.Payload)
	}
}
