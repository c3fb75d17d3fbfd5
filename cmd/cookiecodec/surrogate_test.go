package main

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec/serializer"
)

// TestLoneSurrogate checks the scan for lone surrogate escapes: pairs and
// escaped backslashes are not one.
func TestLoneSurrogate(t *testing.T) {
	for _, tc := range []struct {
		text, esc string
		at        int
	}{
		{`{"s":"\ud800"}`, `\ud800`, 6},
		{`{"s":"\uDC00x"}`, `\uDC00`, 6},
		{`{"s":"\ud83d\u0041"}`, `\ud83d`, 6},
		{`{"s":"\ud83d\ude00\ud83d"}`, `\ud83d`, 18},
		{`{"s":"\\\ud800"}`, `\ud800`, 8},
		{`"\ud83d`, `\ud83d`, 1},
	} {
		esc, at, found := loneSurrogate([]byte(tc.text))
		if !found || esc != tc.esc || at != tc.at {
			t.Errorf("loneSurrogate(%s) = %q, %d, %v; want %q at %d", tc.text, esc, at, found, tc.esc, tc.at)
		}
	}
	for _, text := range []string{`{"s":"\ud83d\ude00"}`, `{"s":"\\ud800"}`, `{"s":"\u00e9\u0041"}`, `{"s":"\ud83d\uDE00!"}`, `\`, `\u`, `\ud8`, ``} {
		if esc, _, found := loneSurrogate([]byte(text)); found {
			t.Errorf("loneSurrogate(%s) found %q", text, esc)
		}
	}
}

// TestSignRefusesLoneSurrogate: sign refuses a session that the
// serializer would change (a lone surrogate becomes U+FFFD), and decode
// --python refuses to print one, pointing to --tagged, which prints it as
// Flask wrote it.
func TestSignRefusesLoneSurrogate(t *testing.T) {
	kf := writeFile(t, "k", []byte("secret"))
	for _, tc := range []cliCase{
		{name: "sign", args: []string{"sign", "--format", "flask", "--key-file", kf, `{"s":"\ud83d"}`}, code: exitFailed, stderr: []string{`holds \ud83d at byte 6`, "U+FFFD"}},
		{name: "sign a pair", args: []string{"sign", "--format", "flask", "--key-file", kf, `{"s":"\ud83d\ude00"}`}, code: exitOK},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.check(t) })
	}
	cookie := signRaw(t, `{"s":"\ud83d"}`, false) // as Flask signs it; sign refuses
	for _, tc := range []cliCase{
		{name: "decode --python", args: []string{"decode", "--python", cookie}, code: exitFailed, stderr: []string{`the session holds \ud83d`, "--tagged prints the session as it is"}},
		{name: "decode --tagged", args: []string{"decode", "--tagged", cookie}, code: exitOK, stdout: []string{`"s": "\ud83d"`}},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.check(t) })
	}
}

// TestLoneSurrogateAgreesWithSerializer checks the CLI's scan against the
// serializer's decoder, which turns each lone surrogate into U+FFFD: on
// random strings of escapes, the scan finds one exactly when the decoded
// text holds more U+FFFD than the input wrote on purpose.
func TestLoneSurrogateAgreesWithSerializer(t *testing.T) {
	tokens := []string{`\ud83d`, `\ude00`, `\uD83D`, `\uDE00`, `\\`, `\\u`, `\u0041`, `\ufffd`, `\uFFFD`, "\uFFFD", "a", "u", "d8", "é", `\n`, `\"`}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range 1 + rng.IntN(6) {
			b.WriteString(tokens[rng.IntN(len(tokens))])
		}
		text := `"` + b.String() + `"`
		v, err := serializer.Unmarshal([]byte(text))
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		meant := strings.Count(text, `\ufffd`) + strings.Count(text, `\uFFFD`) + strings.Count(text, "\uFFFD")
		lost := strings.Count(v.(string), "\uFFFD") > meant
		if _, _, found := loneSurrogate([]byte(text)); found != lost {
			t.Fatalf("%s: loneSurrogate found %v, the serializer lost a character: %v", text, found, lost)
		}
	}
}
