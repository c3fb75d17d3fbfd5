package codec

import (
	"bytes"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/serializer"
	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
)

var (
	oldHash  = []byte("the app's old 32-byte hash key!!")
	oldBlock = []byte("the app's old AES-256 block key!")
)

// TestGorillaMigrationSecurecookie: cookies made by real securecookie (gob
// and JSON, signed-only and encrypted) are read through a Native codec's
// Legacy reader with KeyIndex past the ring, and re-issued natively.
func TestGorillaMigrationSecurecookie(t *testing.T) {
	for _, tc := range []struct {
		name  string
		json  bool
		block []byte
	}{{"gob+aes", false, oldBlock}, {"json+aes", true, oldBlock}, {"gob signed only", false, nil}} {
		t.Run(tc.name, func(t *testing.T) {
			sc := securecookie.New(oldHash, tc.block)
			var value any = map[any]any{"user_id": 7, "name": "bob"}
			want := map[string]any{"user_id": int64(7), "name": "bob"}
			if tc.json {
				sc.SetSerializer(securecookie.JSONEncoder{})
				value = map[string]any{"user_id": 7, "name": "bob"}
			}
			old, err := sc.Encode("session", value)
			if err != nil {
				t.Fatal(err)
			}
			now := time.Now()
			mig, err := NewGorillaMigration(GorillaOptions{KeyPairs: [][]byte{[]byte("a newer hash key that is unused!"), nil, oldHash, tc.block}, JSON: tc.json, Clock: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			n, _ := newTestNative(t, XChaCha20Poly1305, NativeOptions{Legacy: []LegacyReader{mig}, LegacyUntil: now.Add(time.Hour), Clock: func() time.Time { return now }}, fixedKey(t, 1), fixedKey(t, 2))
			v, m, err := n.DecodeSession("session", old, 0)
			if err != nil {
				t.Fatal(err)
			}
			// Gob's int comes back as int64, in the value model, as JSON's
			// does and as the native cookie will give it.
			got := v.(map[string]any)
			if got["user_id"] != want["user_id"] || got["name"] != want["name"] {
				t.Fatalf("value %#v", got)
			}
			if m.Format != "gorilla" || m.KeyIndex != 2 || !m.VerifiedWithFallback() || m.KeyID != "gorilla pair 2" || now.Sub(m.Issued) > 5*time.Second {
				t.Fatalf("meta %+v", m)
			}
			// Re-issue: the result is a native cookie under the primary.
			c, m2, err := n.EncodeSession("session", got, Meta{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Inspect(c); err != nil || m2.Format != "native" || m2.KeyIndex != 0 {
				t.Fatalf("re-issued %v %+v", err, m2)
			}
			// The old cookie for another name, with a wrong key, expired or
			// from the future.
			if _, _, err := n.DecodeSession("other", old, 0); !errors.Is(err, ErrSignature) {
				t.Errorf("other name: %v", err)
			}
			wrong, _ := NewGorillaMigration(GorillaOptions{KeyPairs: [][]byte{[]byte("a wrong hash key of 32 bytes !!!"), tc.block}, JSON: tc.json})
			if _, _, err := wrong.DecodeSession("session", old, 0); !errors.Is(err, ErrSignature) {
				t.Errorf("wrong key: %v", err)
			}
			late, _ := NewGorillaMigration(GorillaOptions{KeyPairs: [][]byte{oldHash, tc.block}, JSON: tc.json, MaxAge: time.Hour, Clock: func() time.Time { return now.Add(2 * time.Hour) }})
			var ee *ExpiredError
			if _, _, err := late.DecodeSession("session", old, 0); !errors.As(err, &ee) || ee.Reason != "max-age" {
				t.Errorf("expired: %v", err)
			}
			early, _ := NewGorillaMigration(GorillaOptions{KeyPairs: [][]byte{oldHash, tc.block}, JSON: tc.json, Clock: func() time.Time { return now.Add(-time.Hour) }})
			if _, _, err := early.DecodeSession("session", old, 0); !errors.Is(err, ErrFuture) {
				t.Errorf("future: %v", err)
			}
			// Native cookies and garbage are not gorilla cookies.
			if _, _, err := mig.DecodeSession("session", c, 0); !errors.Is(err, ErrMalformed) {
				t.Errorf("native cookie through the gorilla reader: %v", err)
			}
			if _, err := mig.Encode("session", value); err == nil {
				t.Error("migration reader encoded")
			}
		})
	}
	if _, err := NewGorillaMigration(GorillaOptions{}); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("no keys: %v", err)
	}
	if _, err := NewGorillaMigration(GorillaOptions{KeyPairs: [][]byte{oldHash, []byte("bad block key")}}); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("bad block key: %v", err)
	}
}

// TestGorillaSessionsMigration runs a real gorilla/sessions CookieStore app
// over HTTP: users log in under the old securecookie configuration, the app
// switches store.Codecs to {native, migration}, and the next request reads
// the old cookie and re-issues it natively, without logging anyone out.
func TestGorillaSessionsMigration(t *testing.T) {
	store := sessions.NewCookieStore(oldHash, oldBlock)
	mux := http.NewServeMux()
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		s, _ := store.Get(r, "app")
		s.Values["user"] = "carol"
		s.Values["visits"] = 1
		if err := s.Save(r, w); err != nil {
			http.Error(w, err.Error(), 500)
		}
	})
	mux.HandleFunc("/visit", func(w http.ResponseWriter, r *http.Request) {
		s, err := store.Get(r, "app")
		if err != nil || s.IsNew {
			http.Error(w, "logged out", http.StatusUnauthorized)
			return
		}
		// gorilla's own codec gives gob's int; once the store reads
		// native cookies, both codecs give the value model's int64.
		kind := fmt.Sprintf("%T", s.Values["visits"])
		switch v := s.Values["visits"].(type) {
		case int:
			s.Values["visits"] = int64(v) + 1
		case int64:
			s.Values["visits"] = v + 1
		}
		if err := s.Save(r, w); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Write([]byte(s.Values["user"].(string) + " " + itoa(int(s.Values["visits"].(int64))) + " " + kind))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	get := func(path string) (int, string) {
		resp, err := client.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		buf := make([]byte, 512)
		for {
			k, err := resp.Body.Read(buf)
			b.Write(buf[:k])
			if err != nil {
				break
			}
		}
		return resp.StatusCode, b.String()
	}
	cookie := func() string {
		u, _ := url.Parse(srv.URL)
		for _, c := range jar.Cookies(u) {
			if c.Name == "app" {
				return c.Value
			}
		}
		t.Fatal("no cookie")
		return ""
	}
	if code, _ := get("/login"); code != 200 {
		t.Fatalf("login: %d", code)
	}
	old := cookie()
	if _, err := Inspect(old); err == nil {
		t.Fatal("the old cookie already looks native")
	}

	// Deploy: native first, the old keys as a migration reader after it.
	n, _ := newTestNative(t, XChaCha20Poly1305, NativeOptions{Clock: time.Now})
	mig, err := NewGorillaMigration(GorillaOptions{KeyPairs: [][]byte{oldHash, oldBlock}})
	if err != nil {
		t.Fatal(err)
	}
	store.Codecs = []securecookie.Codec{n, mig}

	if code, body := get("/visit"); code != 200 || body != "carol 2 int64" {
		t.Fatalf("first visit after the switch: %d %q; want carol 2 int64 (the migration reader gives the value model, as the native cookie will)", code, body)
	}
	migrated := cookie()
	h, err := Inspect(migrated)
	if err != nil || h.Mode != "xchacha20poly1305" {
		t.Fatalf("re-issued cookie is not native: %v", err)
	}
	if code, body := get("/visit"); code != 200 || body != "carol 3 int64" {
		t.Fatalf("second visit: %d %q", code, body)
	}
	// Dropping the migration reader later: native cookies keep working, a
	// leftover gorilla cookie no longer does.
	store.Codecs = []securecookie.Codec{n}
	if err := n.Decode("app", cookie(), new(map[any]any)); err != nil {
		t.Fatal(err)
	}
	if err := n.Decode("app", old, new(map[any]any)); !errors.Is(err, ErrMalformed) {
		t.Fatalf("gorilla cookie without migration: %v", err)
	}
}

// TestNativeAsSecurecookieCodec: Native works in gorilla's own helpers.
func TestNativeAsSecurecookieCodec(t *testing.T) {
	n, _ := newTestNative(t, AES256GCM, NativeOptions{Clock: time.Now})
	vals := map[any]any{"a": "b", "n": 3}
	c, err := securecookie.EncodeMulti("s", vals, n)
	if err != nil {
		t.Fatal(err)
	}
	var back map[any]any
	if err := securecookie.DecodeMulti("s", c, &back, n); err != nil {
		t.Fatal(err)
	}
	if back["a"] != "b" || back["n"] != int64(3) {
		t.Fatalf("back %v", back)
	}
	if _, err := n.Encode("s", map[any]any{1: "x"}); !errors.Is(err, ErrPayload) {
		t.Fatalf("non-string key: %v", err)
	}
	type user struct {
		Name string `json:"name"`
	}
	c, _ = n.Encode("s", user{"dora"})
	var u user
	if err := n.Decode("s", c, &u); err != nil || u.Name != "dora" {
		t.Fatalf("struct: %v %v", u, err)
	}
	var anyv any
	if err := n.Decode("s", c, &anyv); err != nil {
		t.Fatal(err)
	}
	if err := n.Decode("s", c+"x", &anyv); err == nil {
		t.Fatal("tampered cookie decoded")
	}
}

// hostileGobMap is a gob stream of a map[interface{}]interface{} that
// claims 2^24 entries and holds none: the type definition gob writes for
// that map type, then a 12-byte value message (type 64, the singleton
// delta 0, and the count as 0xf8 and 8 bytes).
const hostileGobMap = "0d7f040102ff8000011001100000" + "0cff8000f80000000001000000"

// hostileGobNested is a gob map[interface{}]interface{} of one entry, "k",
// whose value is a map[string]int (registered by this test, as apps
// register their types) claiming 2^24 entries, in gob's own framing: the
// outer map's type, a message up to the inner type's definition, then the
// inner value.
const hostileGobNested = "0d7f040102ff8000011001100000" +
	"2dff80000106737472696e670c0300016b0e6d61705b737472696e675d696e74ff81040102ff8200010c01040000" +
	"09ff820a00fc01000000"

// unhashableGobKey is a gob map[interface{}]interface{} whose one key is a
// []string, which gob registers itself: gob panics storing it.
const unhashableGobKey = "0d7f040102ff8000011001100000" +
	"2dff800001085b5d737472696e67ff81020102ff8200010c000005ff82040001016106737472696e670c03000162"

// rawGob is a securecookie serializer that writes fixed bytes, to make
// authentic cookies around hostile gob streams.
type rawGob struct{ b []byte }

func (r rawGob) Serialize(any) ([]byte, error) { return r.b, nil }
func (rawGob) Deserialize([]byte, any) error   { return errors.New("unused") }

// bytesAllocatedBy returns the bytes one call of f allocates (once: the
// hostile cases cost gigabytes when they fail).
func bytesAllocatedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestGorillaGobFalseMapCount: validly MACed gorilla cookies whose gob
// value claims 2^24 map entries, at the top or in a map of a registered
// type inside it, are refused without gob preallocating them (1.3 GB for
// the first when it decodes into a nil map), through DecodeSession and
// through Decode with a nil map, as gorilla/sessions' callers may pass.
func TestGorillaGobFalseMapCount(t *testing.T) {
	gob.Register(map[string]int{})
	for name, h := range map[string]string{"top": hostileGobMap, "nested": hostileGobNested} {
		for _, block := range [][]byte{nil, oldBlock} {
			mig, cookie := gorillaCookieAround(t, h, block)
			var decErr error
			allocated := bytesAllocatedBy(func() { _, _, decErr = mig.DecodeSession("session", cookie, 0) })
			if !errors.Is(decErr, ErrPayload) {
				t.Errorf("%s, block key %v: DecodeSession: %v, want ErrPayload", name, block != nil, decErr)
			}
			if allocated > 16<<20 {
				t.Errorf("%s, block key %v: DecodeSession allocates %d MB", name, block != nil, allocated>>20)
			}
			allocated = bytesAllocatedBy(func() {
				var m map[any]any
				decErr = mig.Decode("session", cookie, &m)
			})
			if !errors.Is(decErr, ErrPayload) {
				t.Errorf("%s, block key %v: Decode: %v, want ErrPayload", name, block != nil, decErr)
			}
			if allocated > 16<<20 {
				t.Errorf("%s, block key %v: Decode allocates %d MB", name, block != nil, allocated>>20)
			}
		}
	}
}

// TestGorillaGobUnhashableKey: a validly MACed gorilla cookie whose gob map
// has a []string key, on which gob panics, is refused with ErrPayload.
func TestGorillaGobUnhashableKey(t *testing.T) {
	mig, cookie := gorillaCookieAround(t, unhashableGobKey, oldBlock)
	if _, _, err := mig.DecodeSession("session", cookie, 0); !errors.Is(err, ErrPayload) || !strings.Contains(err.Error(), "unhashable") {
		t.Errorf("DecodeSession: %v, want ErrPayload for the panic", err)
	}
	m := map[any]any{}
	if err := mig.Decode("session", cookie, &m); !errors.Is(err, ErrPayload) {
		t.Errorf("Decode: %v, want ErrPayload", err)
	}
}

// gorillaCookieAround returns a migration reader of the old keys and a
// cookie they seal around the gob stream in hex.
func gorillaCookieAround(t *testing.T, stream string, block []byte) (*GorillaMigration, string) {
	t.Helper()
	raw, err := hex.DecodeString(stream)
	if err != nil {
		t.Fatal(err)
	}
	sc := securecookie.New(oldHash, block)
	sc.SetSerializer(rawGob{raw})
	cookie, err := sc.Encode("session", nil)
	if err != nil {
		t.Fatal(err)
	}
	mig, err := NewGorillaMigration(GorillaOptions{KeyPairs: [][]byte{oldHash, block}})
	if err != nil {
		t.Fatal(err)
	}
	return mig, cookie
}

// TestGorillaMigrationAgeBeforeParse: the timestamp of a verified gorilla
// cookie is checked before its payload is parsed, so an expired cookie is
// reported as expired even when its payload would not parse (it was a bad
// payload, and the payload of an expired cookie was parsed for nothing).
func TestGorillaMigrationAgeBeforeParse(t *testing.T) {
	sc := securecookie.New(oldHash, oldBlock)
	sc.SetSerializer(securecookie.NopEncoder{})
	junk, err := sc.Encode("session", []byte("not a gob stream"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, tc := range []struct {
		name string
		at   time.Time
		want error
	}{
		{"fresh", now, ErrPayload},
		{"expired", now.Add(DefaultGorillaMaxAge + time.Minute), ErrExpired},
	} {
		mig, err := NewGorillaMigration(GorillaOptions{KeyPairs: [][]byte{oldHash, oldBlock}, Clock: func() time.Time { return tc.at }})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := mig.DecodeSession("session", junk, 0); !errors.Is(err, tc.want) {
			t.Errorf("%s: DecodeSession = %v, want %v", tc.name, err, tc.want)
		}
		var m map[any]any
		if err := mig.Decode("session", junk, &m); !errors.Is(err, tc.want) {
			t.Errorf("%s: Decode = %v, want %v", tc.name, err, tc.want)
		}
	}
}

// TestGorillaMigrationNestedMaps: a map[interface{}]interface{} nested in
// a gorilla session (gorilla's own map type, which apps store too) comes
// back as a map[string]any when its keys are strings, and is a bad
// payload naming the key when one is not; it was refused whatever its keys.
func TestGorillaMigrationNestedMaps(t *testing.T) {
	gob.Register(map[any]any{})
	sc := securecookie.New(oldHash, oldBlock)
	now := time.Now()
	mig, err := NewGorillaMigration(GorillaOptions{KeyPairs: [][]byte{oldHash, oldBlock}, Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	good, err := sc.Encode("session", map[any]any{"prefs": map[any]any{"theme": "dark", "list": []any{map[any]any{"a": 1}}}})
	if err != nil {
		t.Fatal(err)
	}
	v, _, err := mig.DecodeSession("session", good, 0)
	want := map[string]any{"prefs": map[string]any{"theme": "dark", "list": []any{map[string]any{"a": int64(1)}}}}
	if err != nil || !reflect.DeepEqual(v, want) {
		t.Fatalf("nested string-keyed maps: %#v, %v", v, err)
	}
	bad, err := sc.Encode("session", map[any]any{"prefs": map[any]any{7: "x"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := mig.DecodeSession("session", bad, 0); !errors.Is(err, ErrPayload) || !strings.Contains(err.Error(), "session key 7 of type int is not a string") {
		t.Fatalf("nested int key: %v", err)
	}
}

// TestAdoptGorillaFlashes: text flashes under a gorilla key join the
// queued ones with the given category; others stay under the key.
func TestAdoptGorillaFlashes(t *testing.T) {
	for _, tc := range []struct {
		name     string
		in, want map[string]any
	}{
		{"none", map[string]any{"user": "a"}, map[string]any{"user": "a"}},
		{"text", map[string]any{"_flash": []any{"hi", "bye"}},
			map[string]any{"_flashes": []any{serializer.Tuple{"message", "hi"}, serializer.Tuple{"message", "bye"}}}},
		{"after queued ones", map[string]any{"_flash": []any{"hi"}, "_flashes": []any{serializer.Tuple{"error", "x"}}},
			map[string]any{"_flashes": []any{serializer.Tuple{"error", "x"}, serializer.Tuple{"message", "hi"}}}},
		{"not text stays", map[string]any{"_flash": []any{"hi", int64(3)}},
			map[string]any{"_flash": []any{int64(3)}, "_flashes": []any{serializer.Tuple{"message", "hi"}}}},
		{"not a list stays", map[string]any{"_flash": "hi"}, map[string]any{"_flash": "hi"}},
	} {
		adoptGorillaFlashes(tc.in, "_flash", "message")
		if !reflect.DeepEqual(tc.in, tc.want) {
			t.Errorf("%s: got %#v, want %#v", tc.name, tc.in, tc.want)
		}
	}
}

// TestGorillaFlashKeys: flashes a real gorilla/sessions app queued with
// AddFlash(msg) and AddFlash(msg, "warning") become flashes of categories
// "message" and "warning" through DecodeSession when "warning" is one of
// the FlashKeys, and stay an ordinary key without it. Decode, which a
// gorilla/sessions store calls, leaves them where gorilla keeps them.
func TestGorillaFlashKeys(t *testing.T) {
	store := sessions.NewCookieStore(oldHash, oldBlock)
	rec := httptest.NewRecorder()
	s, _ := store.New(httptest.NewRequest("GET", "/", nil), "app")
	s.Values["user"] = "erin"
	s.AddFlash("welcome back")
	s.AddFlash("your password expires soon", "warning")
	if err := s.Save(httptest.NewRequest("GET", "/", nil), rec); err != nil {
		t.Fatal(err)
	}
	cookie := rec.Result().Cookies()[0].Value

	read := func(keys ...string) map[string]any {
		t.Helper()
		mig, err := NewGorillaMigration(GorillaOptions{KeyPairs: [][]byte{oldHash, oldBlock}, FlashKeys: keys})
		if err != nil {
			t.Fatal(err)
		}
		v, _, err := mig.DecodeSession("app", cookie, 0)
		if err != nil {
			t.Fatal(err)
		}
		return v.(map[string]any)
	}
	want := map[string]any{"user": "erin", "_flashes": []any{serializer.Tuple{"message", "welcome back"}, serializer.Tuple{"warning", "your password expires soon"}}}
	if got := read("warning"); !reflect.DeepEqual(got, want) {
		t.Errorf("with FlashKeys [warning]: %#v\nwant %#v", got, want)
	}
	want = map[string]any{"user": "erin", "_flashes": []any{serializer.Tuple{"message", "welcome back"}}, "warning": []any{"your password expires soon"}}
	if got := read(); !reflect.DeepEqual(got, want) {
		t.Errorf("without FlashKeys: %#v\nwant %#v", got, want)
	}

	mig, _ := NewGorillaMigration(GorillaOptions{KeyPairs: [][]byte{oldHash, oldBlock}, FlashKeys: []string{"warning"}})
	var values map[any]any
	if err := mig.Decode("app", cookie, &values); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(values["_flash"], []any{"welcome back"}) || !reflect.DeepEqual(values["warning"], []any{"your password expires soon"}) || values["_flashes"] != nil {
		t.Errorf("Decode for gorilla/sessions moved its flashes: %#v", values)
	}

	// The app's own value under "_flashes" (not a list) is kept, and its
	// flashes stay where gorilla put them (a security review found the
	// value replaced by the flashes).
	s.Values["_flashes"] = "the app's"
	rec = httptest.NewRecorder()
	if err := s.Save(httptest.NewRequest("GET", "/", nil), rec); err != nil {
		t.Fatal(err)
	}
	cookie = rec.Result().Cookies()[0].Value
	want = map[string]any{"user": "erin", "_flashes": "the app's", "_flash": []any{"welcome back"}, "warning": []any{"your password expires soon"}}
	if got := read("warning"); !reflect.DeepEqual(got, want) {
		t.Errorf("with the app's own _flashes: %#v\nwant %#v", got, want)
	}
}

// gorillaMovedType stands for an app type registered with gob under the
// name a test then changes in the stream, as if the app had not registered
// it (gob cannot unregister a name).
type gorillaMovedType struct{ Theme string }

// TestGorillaUnregisteredTypeHint: a session holding a type the app did
// not register fails with ErrPayload, and the error names
// gob.RegisterName with the old name, for a type that moved package.
func TestGorillaUnregisteredTypeHint(t *testing.T) {
	gob.RegisterName("codectest.MovedTypeA", gorillaMovedType{})
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(map[any]any{"prefs": gorillaMovedType{"dark"}}); err != nil {
		t.Fatal(err)
	}
	stream := bytes.Replace(buf.Bytes(), []byte("codectest.MovedTypeA"), []byte("codectest.MovedTypeB"), 1)
	sc := securecookie.New(oldHash, oldBlock)
	sc.SetSerializer(rawGob{stream})
	cookie, err := sc.Encode("app", nil)
	if err != nil {
		t.Fatal(err)
	}
	mig, _ := NewGorillaMigration(GorillaOptions{KeyPairs: [][]byte{oldHash, oldBlock}})
	_, _, err = mig.DecodeSession("app", cookie, 0)
	if !errors.Is(err, ErrPayload) || !strings.Contains(err.Error(), `gob.RegisterName("codectest.MovedTypeB", T{})`) {
		t.Errorf("DecodeSession: %v; want ErrPayload naming gob.RegisterName(\"codectest.MovedTypeB\", T{})", err)
	}
	var values map[any]any
	if err := mig.Decode("app", cookie, &values); !errors.Is(err, ErrPayload) || !strings.Contains(err.Error(), "gob.RegisterName") {
		t.Errorf("Decode: %v", err)
	}
}

// TestGorillaBridge runs the README's bridge release: a gorilla/sessions
// store that writes gorilla cookies and also reads native ones. A native
// cookie of the new app (an int, a nested map, Flask-layout flashes) is
// read, and the bridge's Save writes a cookie both the bridge and the new
// app read: a gorilla one when gob can write the values, a native one
// when it cannot (gob knows neither map[string]any nor serializer.Tuple
// unless the app registers them), so no user is logged out either way.
func TestGorillaBridge(t *testing.T) {
	n, _ := newTestNative(t, XChaCha20Poly1305, NativeOptions{Clock: time.Now})
	store := sessions.NewCookieStore(oldHash, oldBlock)
	store.Codecs = append(securecookie.CodecsFromPairs(oldHash, oldBlock), n)
	mig, err := NewGorillaMigration(GorillaOptions{KeyPairs: [][]byte{oldHash, oldBlock}})
	if err != nil {
		t.Fatal(err)
	}
	newApp, _ := newTestNative(t, XChaCha20Poly1305, NativeOptions{Clock: time.Now, Legacy: []LegacyReader{mig}, LegacyUntil: time.Now().Add(time.Hour)})

	for _, tc := range []struct {
		name   string
		values map[string]any
		format string // of the cookie the bridge writes
	}{
		{"plain values", map[string]any{"user_id": 42, "name": "ada"}, "gorilla"},
		{"a nested map and flashes", map[string]any{"user_id": 42, "prefs": map[string]any{"theme": "dark"}, "_flashes": []any{serializer.Tuple{"message", "hi"}}}, "native"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cookie, _, err := newApp.EncodeSession("app", tc.values, Meta{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest("GET", "/", nil)
			req.AddCookie(&http.Cookie{Name: "app", Value: cookie})
			s, err := store.Get(req, "app")
			if err != nil || s.IsNew || s.Values["user_id"] != int64(42) {
				t.Fatalf("the bridge read %#v, new %v, %v; want user_id int64 42", s.Values, s.IsNew, err)
			}
			s.Values["seen"] = "bridge"
			rec := httptest.NewRecorder()
			if err := s.Save(req, rec); err != nil {
				t.Fatalf("the bridge's Save: %v", err)
			}
			saved := rec.Result().Cookies()[0].Value
			v, meta, err := newApp.DecodeSession("app", saved, 0)
			if err != nil || v.(map[string]any)["seen"] != "bridge" || v.(map[string]any)["user_id"] != int64(42) {
				t.Fatalf("the new app read %#v, %v from the bridge's cookie", v, err)
			}
			var back map[any]any
			if err := securecookie.DecodeMulti("app", saved, &back, store.Codecs...); err != nil || back["seen"] != "bridge" {
				t.Fatalf("the bridge read %#v, %v from its own cookie", back, err)
			}
			if meta.Format != tc.format {
				t.Errorf("the bridge wrote a %s cookie; want %s", meta.Format, tc.format)
			}
		})
	}
}
