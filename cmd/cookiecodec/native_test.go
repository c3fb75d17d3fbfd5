package main

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec/codec"
)

// newNativeKey runs keygen and stores the key in a file.
func newNativeKey(t *testing.T) (path, id string) {
	t.Helper()
	code, stdout, stderr := runCLI(t, "", "keygen", "--json")
	if code != exitOK {
		t.Fatalf("keygen: %s", stderr)
	}
	m := jsonOut(t, stdout)
	key, _ := m["key"].(string)
	id, _ = m["key_id"].(string)
	if !strings.HasPrefix(key, "cookiecodec-key-1."+id+".") {
		t.Fatalf("keygen key %q does not carry its id %q", key[:20], id)
	}
	// keygen output written by a shell redirect ends in a newline.
	return writeFile(t, "native.key", []byte(key+"\n")), id
}

func TestNativeRoundTrip(t *testing.T) {
	key, id := newNativeKey(t)
	oldKey, oldID := newNativeKey(t)
	const payload = `{"cart":{" t":["sku-1",2]},"id":{" u":"0123456789abcdef0123456789abcdef"},"user":"alice","when":{" d":"Thu, 29 Feb 2024 23:59:58 GMT"}}`
	sign := func(t *testing.T, keyFile string, extra ...string) string {
		t.Helper()
		args := append([]string{"sign", "--format", "native", "--key-file", keyFile, "--now", devNow}, extra...)
		code, stdout, stderr := runCLI(t, payload, args...)
		if code != exitOK {
			t.Fatalf("sign: exit %d: %s", code, stderr)
		}
		return strings.TrimSpace(stdout)
	}
	cookie := sign(t, key)

	t.Run("auto format", func(t *testing.T) {
		code, stdout, _ := runCLI(t, `{"a":1}`, "sign", "--key-file", key)
		if code != exitOK || detectFormat(strings.TrimSpace(stdout)) != formatNative {
			t.Fatalf("sign with a native key did not make a native cookie: %q", stdout)
		}
	})
	t.Run("verify", func(t *testing.T) {
		code, stdout, stderr := runCLI(t, "", "verify", "--json", "--key-file", key, "--now", devNow, cookie)
		m := jsonOut(t, stdout)
		if code != exitOK || m["valid"] != true || m["format"] != "native" || m["key"] != "primary" || m["key_id"] != id {
			t.Fatalf("verify: exit %d %v %s", code, m, stderr)
		}
		keyText, _ := os.ReadFile(key)
		material := strings.TrimSpace(string(keyText))[len("cookiecodec-key-1.xxxxxxxx."):]
		if strings.Contains(stdout+stderr, material) {
			t.Error("verify printed the key material")
		}
		if sid, _ := m["session_id"].(string); len(sid) != 32 {
			t.Errorf("session_id %q", sid)
		}
		p, _ := m["payload"].(map[string]any)
		if p["user"] != "alice" || m["issued_at"] != "2023-11-14T23:13:20Z" || m["expires_at"] != "2023-12-14T23:13:20Z" {
			t.Errorf("payload/times: %v", m)
		}
		if tup, _ := p["cart"].(map[string]any); tup == nil || tup[" t"] == nil {
			t.Errorf("tuple tag lost: %v", p["cart"])
		}
	})
	t.Run("human", func(t *testing.T) {
		code, stdout, _ := runCLI(t, "", "verify", "--key-file", key, "--now", devNow, "Cookie: session="+cookie)
		for _, want := range []string{"format:     native (detected)", "key id:     " + id, `"cart": ("sku-1", 2)`, "UUID('01234567-89ab-cdef-0123-456789abcdef')", "time 2024-02-29T23:59:58Z"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("human output lacks %q:\n%s", want, stdout)
			}
		}
		if code != exitOK {
			t.Errorf("exit %d", code)
		}
	})
	t.Run("decode header", func(t *testing.T) {
		code, stdout, _ := runCLI(t, "", "decode", "--json", "--now", devNow, cookie)
		m := jsonOut(t, stdout)
		if code != exitOK || m["verified"] != false || m["key_id"] != id || m["payload"] != nil || !strings.Contains(hintsOf(m), "encrypted") {
			t.Fatalf("decode: exit %d %v", code, m)
		}
	})
	t.Run("fallback", func(t *testing.T) {
		old := sign(t, oldKey)
		code, stdout, _ := runCLI(t, "", "verify", "--json", "--key-file", key, "--fallback-key-file", oldKey, "--now", devNow, old)
		m := jsonOut(t, stdout)
		if code != exitOK || m["key"] != "fallback 1" || m["key_id"] != oldID {
			t.Fatalf("fallback: exit %d %v", code, m)
		}
	})
	t.Run("unknown key", func(t *testing.T) {
		code, stdout, _ := runCLI(t, "", "verify", "--json", "--key-file", oldKey, "--now", devNow, cookie)
		m := jsonOut(t, stdout)
		if code != exitFailed || errKind(m) != "unknown_key" || !strings.Contains(hintsOf(m), id) || !strings.Contains(hintsOf(m), oldID) {
			t.Fatalf("unknown key: exit %d %v", code, m)
		}
	})
	t.Run("other name", func(t *testing.T) {
		code, stdout, _ := runCLI(t, "", "verify", "--json", "--key-file", key, "--now", devNow, "--name", "app", "Cookie: session=x; app="+cookie)
		m := jsonOut(t, stdout)
		if code != exitFailed || errKind(m) != "signature" || !strings.Contains(hintsOf(m), `minted for cookie name "session", not "app"`) {
			t.Fatalf("name binding: exit %d %v", code, m)
		}
	})
	t.Run("host prefix", func(t *testing.T) {
		c := sign(t, key, "--name", "__Host-session")
		code, stdout, _ := runCLI(t, "", "verify", "--json", "--key-file", key, "--now", devNow, c)
		if m := jsonOut(t, stdout); code != exitFailed || !strings.Contains(hintsOf(m), `"__Host-session"`) {
			t.Fatalf("__Host- name: exit %d %v", code, m)
		}
		code, _, _ = runCLI(t, "", "verify", "--key-file", key, "--now", devNow, "__Host-session="+c)
		if code != exitOK {
			t.Fatalf("name=value gives the name: exit %d", code)
		}
	})
	t.Run("other purpose", func(t *testing.T) {
		c := sign(t, key, "--purpose", "remember-me")
		code, stdout, _ := runCLI(t, "", "verify", "--json", "--key-file", key, "--now", devNow, c)
		m := jsonOut(t, stdout)
		if code != exitFailed || !strings.Contains(hintsOf(m), `for purpose "remember-me", not "session"`) {
			t.Fatalf("purpose binding: exit %d %v", code, m)
		}
		if code, _, _ := runCLI(t, "", "verify", "--key-file", key, "--now", devNow, "--purpose", "remember-me", c); code != exitOK {
			t.Fatalf("right purpose: exit %d", code)
		}
	})
	t.Run("expired", func(t *testing.T) {
		code, stdout, _ := runCLI(t, "", "verify", "--json", "--key-file", key, "--now", "1702600000", cookie)
		m := jsonOut(t, stdout)
		if code != exitFailed || errKind(m) != "expired" || !strings.Contains(hintsOf(m), "expired") {
			t.Fatalf("expired: exit %d %v", code, m)
		}
	})
	t.Run("lifetime and idle", func(t *testing.T) {
		c := sign(t, key, "--lifetime", "2h", "--idle", "30m")
		code, stdout, _ := runCLI(t, "", "verify", "--json", "--key-file", key, "--now", "1700005600", "--idle", "30m", c)
		m := jsonOut(t, stdout)
		if code != exitFailed || errKind(m) != "expired" || !strings.Contains(hintsOf(m), "idle") {
			t.Fatalf("idle: exit %d %v", code, m)
		}
	})
	t.Run("future", func(t *testing.T) {
		code, stdout, _ := runCLI(t, "", "verify", "--json", "--key-file", key, "--now", "1699990000", cookie)
		if m := jsonOut(t, stdout); code != exitFailed || errKind(m) != "future" {
			t.Fatalf("future: exit %d %v", code, m)
		}
	})
	t.Run("tampered", func(t *testing.T) {
		b := []byte(cookie)
		b[len(b)-5] ^= 1
		code, stdout, _ := runCLI(t, "", "verify", "--json", "--key-file", key, "--now", devNow, string(b))
		if m := jsonOut(t, stdout); code != exitFailed || errKind(m) == "" {
			t.Fatalf("tampered: exit %d %v", code, m)
		}
	})
	t.Run("flask key refused", func(t *testing.T) {
		code, _, stderr := runCLI(t, "", "verify", "--secret", "dev", cookie)
		if code != exitUsage || !strings.Contains(stderr, "cookiecodec-key-1.") {
			t.Fatalf("a non-native key: exit %d %s", code, stderr)
		}
	})
}

// TestNativeChunked verifies a native session split over chunk cookies in
// one Cookie header, in cookiesession's layout (NAME=~n~PART1, NAME.k).
func TestNativeChunked(t *testing.T) {
	keyFile, _ := newNativeKey(t)
	n := nativeFromKeyFile(t, keyFile, codec.NativeOptions{MaxCookieSize: 64 << 10})
	big := strings.Repeat("x", 9000)
	value, _, err := n.EncodeSession("session", map[string]any{"blob": big}, codec.Meta{}, 64<<10)
	if err != nil {
		t.Fatal(err)
	}
	third := len(value) / 3
	header := fmt.Sprintf("Cookie: theme=dark; session.3=%s; session=~3~%s; session.2=%s", value[2*third:], value[:third], value[third:2*third])
	code, stdout, stderr := runCLI(t, header, "verify", "--json", "--key-file", keyFile)
	m := jsonOut(t, stdout)
	p, _ := m["payload"].(map[string]any)
	if code != exitOK || p["blob"] != big {
		t.Fatalf("chunked verify: exit %d %v %s", code, m["error"], stderr)
	}
	// A missing chunk fails closed, before any decoding.
	missing := fmt.Sprintf("Cookie: session=~3~%s; session.2=%s", value[:third], value[third:2*third])
	code, stdout, _ = runCLI(t, missing, "verify", "--json", "--key-file", keyFile)
	if m = jsonOut(t, stdout); code != exitFailed || errKind(m) != "chunk" || m["format"] != "native" || !strings.Contains(m["error"].(map[string]any)["message"].(string), "chunk 3 of 3 is missing") {
		t.Fatalf("missing chunk: exit %d %v", code, m)
	}
	// Swapped chunks fail verification.
	swapped := fmt.Sprintf("Cookie: session=~3~%s; session.2=%s; session.3=%s", value[:third], value[2*third:], value[third:2*third])
	code, stdout, _ = runCLI(t, swapped, "verify", "--json", "--key-file", keyFile)
	if m = jsonOut(t, stdout); code != exitFailed || m["valid"] != false {
		t.Fatalf("swapped chunks: exit %d %v", code, m)
	}
}

// TestNativeDecodeTagged: decode cannot read a native payload, so
// decode --tagged prints nothing on stdout and fails, naming the way that
// can (verify), while verify --tagged prints the session; the same for
// --python, which is refused with --json, --redact and --tagged.
func TestNativeDecodeTagged(t *testing.T) {
	key, _ := newNativeKey(t)
	code, cookie, stderr := runCLI(t, `{"a": 1}`, "sign", "--format", "native", "--key-file", key, "--now", devNow)
	if code != exitOK {
		t.Fatalf("sign: %s", stderr)
	}
	cookie = strings.TrimSpace(cookie)
	code, stdout, stderr := runCLI(t, "", "decode", "--tagged", "--now", devNow, cookie)
	if code != exitFailed || stdout != "" || !strings.Contains(stderr, "--tagged: there is no session to print") || !strings.Contains(stderr, "verify --key-file KEY shows it") {
		t.Errorf("decode --tagged: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI(t, "", "verify", "--tagged", "--now", devNow, "--key-file", key, cookie)
	if code != exitOK || stdout != "{\n  \"a\": 1\n}\n" {
		t.Errorf("verify --tagged: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	// --python prints the same session as a Python literal, or nothing.
	code, stdout, stderr = runCLI(t, "", "decode", "--python", "--now", devNow, cookie)
	if code != exitFailed || stdout != "" || !strings.Contains(stderr, "--python: there is no session to print") {
		t.Errorf("decode --python: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI(t, "", "verify", "--python", "--now", devNow, "--key-file", key, cookie)
	if code != exitOK || stdout != "{\n    'a': 1,\n}\n" {
		t.Errorf("verify --python: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	for _, args := range [][]string{{"decode", "--python", "--json"}, {"verify", "--python", "--redact"}, {"decode", "--python", "--tagged"}} {
		code, stdout, stderr = runCLI(t, "", append(args, cookie)...)
		// With --json, the usage error is also the JSON object.
		if code != exitUsage || (stdout != "") != slices.Contains(args, "--json") || !strings.Contains(stderr, "prints the session alone") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
}
