package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec/internal/flaskvectors"
)

func loadVectors(t *testing.T) []flaskvectors.Vector {
	t.Helper()
	f, err := flaskvectors.Load()
	if err != nil {
		t.Fatalf("loading the public Flask vectors: %v", err)
	}
	return f.Vectors
}

// vectorKeyArgs writes the vector's keys to files and returns the key
// flags, in the order Flask 3.1.1+ uses them (primary, then fallbacks).
func vectorKeyArgs(t *testing.T, v *flaskvectors.Vector) []string {
	t.Helper()
	key, err := hex.DecodeString(v.SecretKeyHex)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"--key-file", writeFile(t, "key", key)}
	// Flask 3.1.1+ verifies SECRET_KEY first, then the fallbacks from the
	// last to the first.
	for i := len(v.FallbackKeys) - 1; i >= 0; i-- {
		fb, err := hex.DecodeString(v.FallbackKeys[i].Hex)
		if err != nil {
			t.Fatal(err)
		}
		args = append(args, "--fallback-key-file", writeFile(t, fmt.Sprintf("fallback%d", i), fb))
	}
	return args
}

func vectorParamArgs(v *flaskvectors.Vector) []string {
	return []string{"--format", "flask", "--salt", v.Salt, "--digest", v.Digest, "--key-derivation", v.KeyDerivation}
}

func maxAgeArg(m *int64) string {
	if m == nil {
		return "none"
	}
	return fmt.Sprint(*m)
}

// quirkDecisions are the quirk vectors whose Python outcome this tool
// deliberately does not reproduce: the codec reads base64 strictly (one
// spelling per signature), and verify explains the difference in a hint.
var quirkDecisions = map[string]string{
	"signature_trailing_equals":        "canonical",
	"signature_noncanonical_last_char": "canonical",
}

// wantKinds maps an itsdangerous outcome to the --json error kinds that
// express it ("" = valid).
func wantKinds(result string) []string {
	switch result {
	case "ok":
		return []string{""}
	case "BadSignature", "BadTimeSignature":
		return []string{"signature", "malformed", "empty"}
	case "SignatureExpired":
		return []string{"expired", "future"}
	case "BadPayload":
		return []string{"payload"}
	}
	return []string{"?" + result}
}

// TestVectorsVerify runs every public vector through verify --json, at its
// recorded clock and max-age and at every extra check it records.
func TestVectorsVerify(t *testing.T) {
	runs := 0
	for _, v := range loadVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			keys := vectorKeyArgs(t, &v)
			at := v.VerifyAtTime
			if at == nil {
				at = v.ValidAtTime
			}
			type check struct {
				now    int64
				maxAge *int64
				result string
			}
			checks := []check{{*at, v.MaxAge, v.Expect}}
			for _, c := range v.Checks {
				checks = append(checks, check{c.Now, c.MaxAge, c.Result})
			}
			for _, c := range checks {
				args := append([]string{"verify", "--json", "--now", fmt.Sprint(c.now), "--max-age", maxAgeArg(c.maxAge)}, vectorParamArgs(&v)...)
				args = append(args, keys...)
				args = append(args, "-")
				code, stdout, stderr := runCLI(t, v.Cookie, args...)
				runs++
				m := jsonOut(t, stdout)
				kind := errKind(m)
				if d := quirkDecisions[v.Name]; d != "" && c.result == "ok" {
					if code != exitFailed || kind != "signature" || !strings.Contains(hintsOf(m), d) {
						t.Errorf("now %d: quirk %s: want a rejected signature with a %q hint, got exit %d kind %q hints %q", c.now, v.Name, d, code, kind, hintsOf(m))
					}
					continue
				}
				want := wantKinds(c.result)
				ok := false
				for _, w := range want {
					ok = ok || w == kind
				}
				if !ok {
					t.Errorf("now %d max-age %s: Python says %s, verify says kind %q (exit %d)\nstdout %s\nstderr %s", c.now, maxAgeArg(c.maxAge), c.result, kind, code, stdout, stderr)
					continue
				}
				wantCode := exitOK
				if kind != "" {
					wantCode = exitFailed
				}
				if code != wantCode || m["valid"] != (kind == "") {
					t.Errorf("now %d: exit %d valid %v, want exit %d", c.now, code, m["valid"], wantCode)
				}
				if kind == "" {
					checkPayload(t, &v, m)
				}
			}
		})
	}
	t.Logf("%d verify runs over the public vectors", runs)
}

// checkPayload compares the --json payload with the vector's tagged JSON.
func checkPayload(t *testing.T, v *flaskvectors.Vector, m map[string]any) {
	t.Helper()
	if v.PayloadTaggedJSON == nil {
		return
	}
	want := *v.PayloadTaggedJSON
	if strings.Contains(want, "NaN") || strings.Contains(want, "Infinity") {
		n, err := parseJSON([]byte(want))
		if err != nil {
			t.Fatalf("parsing the vector's payload: %v", err)
		}
		lossy := false
		want = string(appendJSON(nil, n, false, &lossy))
		if !strings.Contains(hintsOf(m), "NaN or Infinity") {
			t.Errorf("payload with NaN/Infinity: no hint about the JSON representation")
		}
	}
	var w any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("vector payload: %v", err)
	}
	if !reflect.DeepEqual(m["payload"], w) {
		t.Errorf("payload = %v, want %v", m["payload"], w)
	}
}

// TestVectorsSign reproduces every byte_exact cookie with sign: from the
// vector's payload, from what decode --tagged and verify --tagged print
// of the cookie (the decode, edit, sign workflow without the edit), and
// from what decode --python prints, signed with sign --python, where a
// Python literal spells the session (no Markup, UUID, datetime or NaN;
// then decode --python must fail with nothing on stdout).
func TestVectorsSign(t *testing.T) {
	n, python := 0, 0
	for _, v := range loadVectors(t) {
		if v.EncodeExpectation != "byte_exact" {
			continue
		}
		n++
		t.Run(v.Name, func(t *testing.T) {
			keys := vectorKeyArgs(t, &v)
			args := append([]string{"sign", "--timestamp", fmt.Sprint(*v.Timestamp)}, vectorParamArgs(&v)...)
			args = append(args, keys[:2]...) // the primary: sign takes no fallback key, as none signs
			code, stdout, stderr := runCLI(t, *v.PayloadTaggedJSON, args...)
			if code != exitOK {
				t.Fatalf("sign: exit %d: %s", code, stderr)
			}
			if got := strings.TrimSuffix(stdout, "\n"); got != v.Cookie {
				t.Errorf("sign =\n%s\nwant\n%s", got, v.Cookie)
			}
			for _, read := range [][]string{
				{"decode", "--tagged", "--max-age", "none", v.Cookie},
				append(append([]string{"verify", "--tagged", "--max-age", "none"}, append(vectorParamArgs(&v), keys...)...), v.Cookie),
			} {
				code, text, stderr := runCLI(t, "", read...)
				if code != exitOK || !strings.HasSuffix(text, "\n") || strings.Contains(text, "UNVERIFIED") {
					t.Fatalf("%s --tagged: exit %d\n%s\n%s", read[0], code, text, stderr)
				}
				code, stdout, stderr = runCLI(t, text, args...)
				if code != exitOK || strings.TrimSuffix(stdout, "\n") != v.Cookie {
					t.Fatalf("sign of %s --tagged's text\n%s\n= %s (exit %d, %s)\nwant %s", read[0], text, stdout, code, stderr, v.Cookie)
				}
			}
			code, text, stderr := runCLI(t, "", "decode", "--python", "--max-age", "none", v.Cookie)
			if !hasLiteral(v.PayloadDescription) {
				if code != exitFailed || text != "" || !strings.Contains(stderr, "no Python literal spells") {
					t.Fatalf("decode --python of %s: exit %d, stdout %q, stderr %q; want a failure", *v.PayloadTaggedJSON, code, text, stderr)
				}
				return
			}
			if code != exitOK {
				t.Fatalf("decode --python: exit %d: %s", code, stderr)
			}
			code, stdout, stderr = runCLI(t, text, append([]string{"sign", "--python"}, args[1:]...)...)
			if code != exitOK || strings.TrimSuffix(stdout, "\n") != v.Cookie {
				t.Fatalf("sign --python of decode --python's text\n%s\n= %s (exit %d, %s)\nwant %s", text, stdout, code, stderr, v.Cookie)
			}
			python++
		})
	}
	if n == 0 {
		t.Fatal("no byte_exact vectors")
	}
	if python < n/2 {
		t.Errorf("only %d of %d cookies went through decode --python and sign --python", python, n)
	}
	t.Logf("%d byte_exact cookies reproduced; %d of them also through decode --python and sign --python", n, python)
}

// hasLiteral reports whether a Python literal spells the value Flask's
// vector describes: no Markup, UUID, datetime or NaN in it.
func hasLiteral(d *flaskvectors.Desc) bool {
	if d == nil {
		return true
	}
	switch d.Type {
	case "markup", "uuid", "datetime", "date":
		return false
	case "float":
		if d.Value == "NaN" {
			return false
		}
	}
	for i := range d.Items {
		if !hasLiteral(&d.Items[i]) {
			return false
		}
	}
	for i := range d.Entries {
		if !hasLiteral(&d.Entries[i].Value) {
			return false
		}
	}
	return true
}

// TestVectorsHints gives verify a deliberately wrong salt, key derivation,
// digest, or a key file with a trailing newline, for every positive vector,
// and checks that the hint names the right setting.
func TestVectorsHints(t *testing.T) {
	found := 0
	for _, v := range loadVectors(t) {
		if v.Group != "positive" || v.Expect != "ok" {
			continue
		}
		v := v
		at := fmt.Sprint(*v.ValidAtTime)
		base := []string{"verify", "--json", "--format", "flask", "--now", at, "--max-age", maxAgeArg(v.MaxAge)}
		keys := vectorKeyArgs(t, &v)
		with := func(salt, kd, digest string) []string {
			a := append(append([]string{}, base...), "--salt", salt, "--key-derivation", kd, "--digest", digest)
			return append(a, keys...)
		}
		otherKD := "django-concat"
		if v.KeyDerivation == otherKD {
			otherKD = "hmac"
		}
		otherDigest := "sha256"
		if v.Digest == otherDigest {
			otherDigest = "sha1"
		}
		cases := []struct {
			name string
			args []string
			want string
		}{
			{"wrong salt", with("wrong-salt", v.KeyDerivation, v.Digest), "--salt " + shellQuote(v.Salt)},
			{"wrong derivation", with(v.Salt, otherKD, v.Digest), "--key-derivation " + v.KeyDerivation},
			{"wrong digest", with(v.Salt, v.KeyDerivation, otherDigest), "--digest " + v.Digest},
			{"wrong salt and derivation", with("wrong-salt", otherKD, v.Digest), "--salt " + shellQuote(v.Salt) + " and --key-derivation " + v.KeyDerivation},
		}
		knownSalt := false
		for _, s := range knownSalts {
			knownSalt = knownSalt || s == v.Salt
		}
		for _, tc := range cases {
			if v.KeyDerivation == "none" && strings.Contains(tc.want, "--salt") {
				continue // derivation none ignores the salt
			}
			t.Run(v.Name+"/"+tc.name, func(t *testing.T) {
				code, stdout, _ := runCLI(t, v.Cookie, append(tc.args, "-")...)
				m := jsonOut(t, stdout)
				if code != exitFailed || errKind(m) != "signature" {
					t.Fatalf("exit %d kind %q, want a signature failure", code, errKind(m))
				}
				h := hintsOf(m)
				if strings.Contains(tc.want, "--salt") && !knownSalt {
					// An app-specific salt cannot be guessed; the hint says so.
					if !strings.Contains(h, "no variant matched") {
						t.Errorf("custom salt: hints %q, want the no-match explanation", h)
					}
					return
				}
				if !strings.Contains(h, "signature matches with "+tc.want) && !strings.Contains(h, tc.want) {
					t.Errorf("hints %q do not name %q", h, tc.want)
				}
				found++
			})
		}
	}
	t.Logf("%d hints named the right setting", found)
}

// TestVectorsKeyFileNewline: a key file written with echo (trailing
// newline) is a different key; the hint says so.
func TestVectorsKeyFileNewline(t *testing.T) {
	for _, v := range loadVectors(t) {
		if v.Name != "simple_string" {
			continue
		}
		key, _ := hex.DecodeString(v.SecretKeyHex)
		kf := writeFile(t, "key", append(key, '\n'))
		code, stdout, _ := runCLI(t, v.Cookie, "verify", "--json", "--now", fmt.Sprint(*v.ValidAtTime), "--key-file", kf)
		m := jsonOut(t, stdout)
		if code != exitFailed || !strings.Contains(hintsOf(m), "without the trailing newline") {
			t.Fatalf("exit %d hints %q", code, hintsOf(m))
		}
		return
	}
	t.Fatal("vector simple_string not found")
}
