package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/gorilla/securecookie"

	"github.com/cookiecodec/cookiecodec/internal/flaskvectors"
)

// decodeViews are the ways FuzzDecode runs decode: its --json object, the
// human view and the Python view.
var decodeViews = [][]string{{"decode", "--json"}, {"decode"}, {"decode", "--python"}, {"decode", "--tagged"}}

// jsonErrorKinds are the error kinds decode may report.
var jsonErrorKinds = map[string]bool{"malformed": true, "payload": true, "too_large": true, "expired": true, "future": true,
	"empty": true, "not_found": true, "deleted": true, "chunk": true}

// jsonObject decodes the single JSON object a --json run printed, keeping
// numbers as written (a Python int may have thousands of digits).
func jsonObject(t *testing.T, stdout string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || dec.More() {
		t.Fatalf("stdout is not one JSON object (%v):\n%s", err, stdout)
	}
	return m
}

// checkFiniteNumbers fails on a float in v that float64 cannot hold: the
// payload shows what Python reads, and Python reads 1e999 as infinity.
func checkFiniteNumbers(t *testing.T, v any) {
	t.Helper()
	switch x := v.(type) {
	case json.Number:
		if strings.ContainsAny(string(x), ".eE") {
			if f, _ := strconv.ParseFloat(string(x), 64); math.IsInf(f, 0) {
				t.Fatalf("the payload shows %s, which Python reads as an infinity", x)
			}
		}
	case []any:
		for _, e := range x {
			checkFiniteNumbers(t, e)
		}
	case map[string]any:
		for _, e := range x {
			checkFiniteNumbers(t, e)
		}
	}
}

// stutters reports a message that repeats one of its ": "-separated parts
// right after itself, such as "bad payload: zlib: zlib: invalid checksum".
func stutters(msg string) bool {
	parts := strings.Split(msg, ": ")
	for i := 1; i < len(parts); i++ {
		if parts[i] == parts[i-1] {
			return true
		}
	}
	return false
}

// FuzzDecode runs the decode command on arbitrary pasted text. decode reads
// whatever a user pastes without any key (Flask, native, gorilla JSON and
// gob, a lone payload segment, Cookie: and Set-Cookie: lines), so every
// byte of it may be hostile. The target asserts that decode never panics;
// that it exits 0 or 1; that --json prints exactly one object that never
// claims verification, with an error of a known kind exactly when it exits
// 1, and no library prefix or stuttered part in the message; that the
// human, Python and --tagged views print valid UTF-8 of only printable
// characters and newlines (a payload cannot move the cursor, recolour the
// terminal or reorder the text with bidi controls); that --tagged prints
// the same session as --json's payload; and that one run allocates at
// most 64 MB for up to 16 KiB of input.
func FuzzDecode(f *testing.F) {
	vf, err := flaskvectors.Load()
	if err != nil {
		f.Fatalf("loading the public Flask vectors: %v", err)
	}
	for _, v := range vf.Vectors {
		if v.Cookie != "" {
			f.Add(v.Cookie, uint8(0))
		}
		for _, h := range v.SetCookieHeaders {
			f.Add("Set-Cookie: "+h, uint8(1))
		}
		if i := strings.LastIndexByte(v.Cookie, '.'); i > 0 {
			if j := strings.LastIndexByte(v.Cookie[:i], '.'); j > 0 {
				f.Add(v.Cookie[:j], uint8(2)) // the lone payload segment
			}
		}
	}
	files, _ := filepath.Glob(filepath.Join("..", "..", "codec", "testdata", "native", "*"))
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		for line := range strings.Lines(string(data)) {
			if c, ok := strings.CutPrefix(line, "cookie: "); ok {
				f.Add(strings.TrimSpace(c), uint8(0))
			}
		}
	}
	sc := securecookie.New(gorillaHash, nil)
	for _, v := range []any{map[any]any{"user": "dave", "n": 3, "tags": []string{"a"}}, map[string]any{}} {
		c, err := sc.Encode("session", v)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(c, uint8(1))
	}
	for _, h := range []string{hostileGobMap, unhashableGobKey} {
		stream, _ := hex.DecodeString(h)
		sc.SetSerializer(rawGob{stream})
		if c, err := sc.Encode("session", nil); err == nil {
			f.Add(c, uint8(0))
		}
	}
	f.Add("Cookie: a=1; session=eyJ1IjoiXHUyMDJlXHUwMDliXHUwMDFiIn0.aXZlIQ.AAAA", uint8(1))
	f.Add(".eJyrVkrNyclXslJKSswDQnslZXsAQNsGUw", uint8(2))
	f.Add("eyJ1c2VyIjoiYm9iIn0", uint8(1))
	// A payload whose string holds U+202E, U+009B, DEL and U+E0001 raw,
	// not escaped as Flask writes them, for the --tagged view.
	f.Add("eyJ1IjoiYeKArmLCm3_zoICBIn0", uint8(3))

	f.Fuzz(func(t *testing.T, text string, view uint8) {
		if len(text) > 16<<10 {
			return
		}
		args := decodeViews[int(view)%len(decodeViews)]
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		code, stdout, _ := runCLI(t, text, args...)
		runtime.ReadMemStats(&after)
		if got := after.TotalAlloc - before.TotalAlloc; got > 64<<20 {
			t.Fatalf("%v: %d MB allocated for %d bytes of input", args, got>>20, len(text))
		}
		if code != exitOK && code != exitFailed {
			t.Fatalf("%v: exit %d", args, code)
		}
		if len(args) == 2 && args[1] == "--json" {
			m := jsonObject(t, stdout)
			checkFiniteNumbers(t, m["payload"])
			if m["verified"] != false {
				t.Fatalf("decode claims verified = %v", m["verified"])
			}
			e, _ := m["error"].(map[string]any)
			if (e != nil) != (code == exitFailed) {
				t.Fatalf("exit %d with error %v", code, m["error"])
			}
			if e != nil {
				kind, _ := e["kind"].(string)
				msg, _ := e["message"].(string)
				if !jsonErrorKinds[kind] {
					t.Fatalf("error kind %q", kind)
				}
				if msg == "" || msg != userText(msg) || stutters(msg) {
					t.Fatalf("error message %q", msg)
				}
			}
			return
		}
		if args[len(args)-1] == "--tagged" && stdout != "" {
			checkTaggedMeansPayload(t, text, stdout)
		}
		if !utf8.ValidString(stdout) {
			t.Fatalf("%v prints invalid UTF-8:\n%q", args, stdout)
		}
		for i, r := range stdout {
			if r != '\n' && !unicode.IsPrint(r) {
				t.Fatalf("%v prints %U at byte %d:\n%q", args, r, i, stdout)
			}
		}
	})
}

// checkTaggedMeansPayload checks that what decode --tagged printed for
// input holds the same session as decode --json's payload: its escapes of
// characters that are not printable change how the text looks, never what
// it means.
func checkTaggedMeansPayload(t *testing.T, input, tagged string) {
	t.Helper()
	n, err := parseJSON([]byte(tagged))
	if err != nil {
		t.Fatalf("decode --tagged prints what does not parse (%v):\n%q", err, tagged)
	}
	var lossy bool
	payload := fmt.Appendf(nil, `{"payload":%s}`, appendJSON(nil, n, false, &lossy))
	got := jsonObject(t, string(payload))["payload"]
	_, stdout, _ := runCLI(t, input, "decode", "--json")
	want := jsonObject(t, stdout)["payload"]
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("decode --tagged prints %q, which holds\n%v\nbut the payload is\n%v", tagged, got, want)
	}
}
