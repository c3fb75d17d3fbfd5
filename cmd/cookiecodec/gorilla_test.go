package main

import (
	"bytes"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
)

var (
	gorillaHash  = bytes.Repeat([]byte("h"), 32)
	gorillaBlock = bytes.Repeat([]byte("b"), 32)
)

// TestGorillaRoundTrip signs with the CLI (gorilla/securecookie with its
// JSONEncoder) and verifies with the CLI.
func TestGorillaRoundTrip(t *testing.T) {
	hk := writeFile(t, "hash", gorillaHash)
	bk := writeFile(t, "block", gorillaBlock)
	for _, withBlock := range []bool{false, true} {
		t.Run("block="+strconv.FormatBool(withBlock), func(t *testing.T) {
			keys := []string{"--hash-key-file", hk}
			if withBlock {
				keys = append(keys, "--block-key-file", bk)
			}
			code, stdout, stderr := runCLI(t, `{"user":"bob","n":2,"f":1.5,"tags":["a","b"]}`, append([]string{"sign", "--format", "gorilla", "--name", "sess"}, keys...)...)
			if code != exitOK {
				t.Fatalf("sign: %s", stderr)
			}
			cookie := strings.TrimSpace(stdout)
			if detectFormat(cookie) != formatGorilla {
				t.Fatalf("not detected as gorilla: %s", cookie)
			}
			code, stdout, stderr = runCLI(t, "", append([]string{"verify", "--json", "--name", "sess", "sess=" + cookie}, keys...)...)
			m := jsonOut(t, stdout)
			p, _ := m["payload"].(map[string]any)
			if code != exitOK || m["valid"] != true || m["format"] != "gorilla" || p["user"] != "bob" || p["n"] != 2.0 || p["f"] != 1.5 {
				t.Fatalf("verify: exit %d %v %s", code, m, stderr)
			}
			// Another name: gorilla's MAC binds the name.
			code, stdout, _ = runCLI(t, "", append([]string{"verify", "--json", "--name", "other", "Cookie: sess=x; other=" + cookie}, keys...)...)
			m = jsonOut(t, stdout)
			if code != exitFailed || errKind(m) != "signature" || !strings.Contains(hintsOf(m), `cookie name "sess"`) {
				t.Fatalf("name binding: exit %d %v", code, m)
			}
			// decode shows the plain JSON value, not the encrypted one.
			code, stdout, _ = runCLI(t, "", "decode", "--json", cookie)
			m = jsonOut(t, stdout)
			if code != exitOK || m["verified"] != false {
				t.Fatalf("decode: exit %d %v", code, m)
			}
			if shown := m["payload"] != nil; shown == withBlock {
				t.Errorf("decode payload shown=%v with block key=%v: %v", shown, withBlock, m)
			}
		})
	}
}

// TestGorillaSessionsCookie verifies a cookie made by a real
// gorilla/sessions CookieStore with its default gob encoding, over HTTP.
func TestGorillaSessionsCookie(t *testing.T) {
	store := sessions.NewCookieStore(gorillaHash, gorillaBlock)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := store.Get(r, "app-session")
		s.Values["user"] = "carol"
		s.Values["visits"] = 3
		if err := s.Save(r, w); err != nil {
			t.Error(err)
		}
	}))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	header := resp.Header.Get("Set-Cookie")
	if header == "" {
		t.Fatal("no Set-Cookie")
	}
	hk := writeFile(t, "hash", gorillaHash)
	bk := writeFile(t, "block", gorillaBlock)
	code, stdout, stderr := runCLI(t, "Set-Cookie: "+header, "verify", "--json", "--hash-key-file", hk, "--block-key-file", bk, "--name", "app-session")
	m := jsonOut(t, stdout)
	p, _ := m["payload"].(map[string]any)
	if code != exitOK || p["user"] != "carol" || p["visits"] != 3.0 {
		t.Fatalf("verify of a gorilla/sessions cookie: exit %d %v %s", code, m, stderr)
	}
	// Without the block key the MAC verifies but the value cannot be read.
	code, stdout, _ = runCLI(t, "Set-Cookie: "+header, "verify", "--json", "--hash-key-file", hk, "--name", "app-session")
	m = jsonOut(t, stdout)
	if code != exitFailed || errKind(m) != "payload" || !strings.Contains(hintsOf(m), "--block-key-file") {
		t.Fatalf("without block key: exit %d %v", code, m)
	}
}

// TestGorillaGobDecode decodes an unencrypted gob cookie without keys and
// checks expiry against --now.
func TestGorillaGobDecode(t *testing.T) {
	sc := securecookie.New(gorillaHash, nil)
	cookie, err := sc.Encode("session", map[any]any{"user": "dave", "admin": false})
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := runCLI(t, "", "decode", "--json", cookie)
	m := jsonOut(t, stdout)
	p, _ := m["payload"].(map[string]any)
	if code != exitOK || p["user"] != "dave" || p["admin"] != false {
		t.Fatalf("decode gob: exit %d %v", code, m)
	}
	hk := writeFile(t, "hash", gorillaHash)
	later := strconv.FormatInt(time.Now().Add(40*24*time.Hour).Unix(), 10)
	code, stdout, _ = runCLI(t, "", "verify", "--json", "--hash-key-file", hk, "--now", later, cookie)
	m = jsonOut(t, stdout)
	if code != exitFailed || errKind(m) != "expired" {
		t.Fatalf("expired gorilla cookie: exit %d %v", code, m)
	}
	code, stdout, _ = runCLI(t, "", "verify", "--json", "--hash-key-file", hk, "--now", later, "--max-age", "60d", cookie)
	if m = jsonOut(t, stdout); code != exitOK || m["valid"] != true {
		t.Fatalf("max-age 60d: exit %d %v", code, m)
	}
}

// TestGorillaNameHintNeedsMAC: the hint that a cookie was made for another
// name needs the MAC to verify under that name. A cookie near the 4096-byte
// limit is too large under a longer candidate name ("__Secure-s"), and that
// size error once passed for a match.
func TestGorillaNameHintNeedsMAC(t *testing.T) {
	hk := writeFile(t, "hash", gorillaHash)
	other := writeFile(t, "other", bytes.Repeat([]byte("o"), 32))
	var cookie string
	for n := 2150; n < 2350 && cookie == ""; n++ {
		code, stdout, stderr := runCLI(t, `{"pad":"`+strings.Repeat("x", n)+`"}`, "sign", "--format", "gorilla", "--name", "s", "--hash-key-file", hk)
		if code != exitOK {
			t.Fatalf("sign: %s", stderr)
		}
		if c := strings.TrimSpace(stdout); len("s")+len(c) <= 4096 && len("__Secure-s")+len(c) > 4096 {
			cookie = c
		}
	}
	if cookie == "" {
		t.Fatal("no cookie of the wanted length")
	}
	code, stdout, _ := runCLI(t, "", "verify", "--json", "--name", "s", "--hash-key-file", other, "s="+cookie)
	m := jsonOut(t, stdout)
	if code != exitFailed || errKind(m) != "signature" || strings.Contains(hintsOf(m), "matches") || !strings.Contains(hintsOf(m), "does not verify with this hash key") {
		t.Fatalf("wrong key: exit %d %v", code, m)
	}
}

// hostileGobMap is a gob stream of a map[interface{}]interface{} that
// claims 2^24 entries and holds none: the type definition gob writes for
// that map type, then a value message (type 64, singleton delta 0, the
// count as 0xf8 and 8 bytes).
const hostileGobMap = "0d7f040102ff8000011001100000" + "0cff8000f80000000001000000"

// unhashableGobKey is a gob map[interface{}]interface{} whose one key is a
// []string (a type gob registers itself), on which gob panics.
const unhashableGobKey = "0d7f040102ff8000011001100000" +
	"2dff800001085b5d737472696e67ff81020102ff8200010c000005ff82040001016106737472696e670c03000162"

// rawGob is a securecookie serializer that writes fixed bytes.
type rawGob struct{ b []byte }

func (r rawGob) Serialize(any) ([]byte, error) { return r.b, nil }
func (rawGob) Deserialize([]byte, any) error   { return nil }

// TestGorillaGobFalseMapCount: a gob value that claims 2^24 map entries
// and holds none (51 bytes) is shown as undecodable by decode, which reads
// it without verifying anything, and refused by verify, without gob
// preallocating the entries (1.3 GB each before the fix). So is a gob map
// with a []string key, on which gob panics.
func TestGorillaGobFalseMapCount(t *testing.T) {
	for _, h := range []string{hostileGobMap, unhashableGobKey} {
		gorillaGobRefused(t, h)
	}
}

func gorillaGobRefused(t *testing.T, h string) {
	t.Helper()
	stream, err := hex.DecodeString(h)
	if err != nil {
		t.Fatal(err)
	}
	sc := securecookie.New(gorillaHash, nil)
	sc.SetSerializer(rawGob{stream})
	cookie, err := sc.Encode("session", nil)
	if err != nil {
		t.Fatal(err)
	}
	hk := writeFile(t, "hash", gorillaHash)
	for _, args := range [][]string{{"decode", "--json", cookie}, {"verify", "--json", "--hash-key-file", hk, cookie}} {
		var code int
		var stdout string
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		code, stdout, _ = runCLI(t, "", args...)
		runtime.ReadMemStats(&after)
		if got := after.TotalAlloc - before.TotalAlloc; got > 32<<20 {
			t.Errorf("%s: %d MB allocated for a %d-byte cookie", args[0], got>>20, len(cookie))
		}
		m := jsonOut(t, stdout)
		switch args[0] {
		case "decode":
			if code != exitOK || m["payload"] != nil || !strings.Contains(stdout, "neither JSON nor gob") {
				t.Errorf("decode: exit %d, %v", code, m)
			}
		case "verify":
			if code != exitFailed || errKind(m) != "payload" {
				t.Errorf("verify: exit %d, %v", code, m)
			}
		}
	}
}
