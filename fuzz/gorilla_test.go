package fuzz

import (
	"bytes"
	"encoding/gob"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/cookiecodec/cookiecodec/serializer"
	"github.com/gorilla/securecookie"
)

// The gorilla target's fixed configuration: an old hash and block key
// pair and one key of the app's own flashes. The clock is the real one,
// which securecookie stamps cookies with.
var (
	gorillaHash  = []byte("fuzz: the gorilla hash key, 32B!")
	gorillaBlock = []byte("fuzz: the gorilla AES-256 key!!!")
)

// rawPayload is a securecookie serializer that hands over the fuzzer's
// bytes as they are, so that they are authenticated and encrypted with
// the old keys: what whoever holds an old gorilla key can send.
type rawPayload struct{ b []byte }

func (r rawPayload) Serialize(any) ([]byte, error) { return r.b, nil }
func (rawPayload) Deserialize([]byte, any) error   { return errors.New("unused") }

// FuzzGorillaPayload feeds authentic gorilla cookies whose gob payload is
// the fuzzer's bytes to the migration reader, as a Legacy reader sees them
// and as a gorilla/sessions store calls it. Neither may panic; a failure
// is a typed ErrPayload or ErrTooLarge; both calls agree on success. A
// session the reader accepts has no text flashes left under "_flash" or
// under its FlashKeys (unless the app keeps a value of its own under
// "_flashes" that is not a list: then they stay), and the native codec re-issues it and reads back the
// same values: what the migration reads, the switch keeps.
func FuzzGorillaPayload(f *testing.F) {
	clock := time.Now
	mig, err := codec.NewGorillaMigration(codec.GorillaOptions{KeyPairs: [][]byte{gorillaHash, gorillaBlock}, FlashKeys: []string{"warning"}, Clock: clock})
	if err != nil {
		f.Fatal(err)
	}
	native := newGorillaTargetNative(f, clock)
	sc := securecookie.New(gorillaHash, gorillaBlock)
	sc.MaxLength(0)

	// The types gorilla apps register for the values below.
	for _, v := range []any{time.Time{}, map[any]any{}, map[string]any{}, []string{}} {
		gob.Register(v)
	}
	for _, v := range []map[any]any{
		{"user_id": 42, "name": "ada"},
		{"_flash": []any{"welcome", "again"}, "warning": []any{"careful", 3}},
		{"roles": []string{"admin"}, "login": time.Date(2024, 2, 29, 1, 2, 3, 4, time.UTC), "n": math.NaN()},
		{"nested": map[any]any{"k": map[string]any{"deep": []any{1, "x"}}}, "big": uint64(math.MaxUint64)},
		{"_flashes": []any{[]any{"message", "queued"}}, "_flash": []any{"more"}},
		{"_flashes": "the app's", "_flash": []any{"kept"}},
		{},
	} {
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(v); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		sc.SetSerializer(rawPayload{payload})
		cookie, err := sc.Encode("app", nil)
		if err != nil {
			t.Skip("securecookie refused the payload")
		}
		v, meta, err := mig.DecodeSession("app", cookie, 1<<20)
		var values map[any]any
		derr := mig.Decode("app", cookie, &values)
		if (err == nil) != (derr == nil) {
			t.Fatalf("DecodeSession: %v; Decode: %v", err, derr)
		}
		if err != nil {
			if !errors.Is(err, codec.ErrPayload) && !errors.Is(err, codec.ErrTooLarge) {
				t.Fatalf("an authentic cookie failed with %v, not ErrPayload or ErrTooLarge", err)
			}
			return
		}
		if meta.Format != "gorilla" || meta.KeyID != "gorilla pair 1" {
			t.Errorf("meta %+v", meta)
		}
		session, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("DecodeSession returned a %T", v)
		}
		_, appFlashes := session["_flashes"]
		if _, isList := session["_flashes"].([]any); isList {
			appFlashes = false
		}
		for _, key := range []string{"_flash", "warning"} {
			if appFlashes {
				break
			}
			list, _ := session[key].([]any)
			for _, m := range list {
				if _, text := m.(string); text {
					t.Errorf("a text flash stayed under %q: %#v", key, session[key])
				}
			}
		}
		reissued, _, err := native.EncodeSession("app", session, codec.Meta{}, 0)
		if errors.Is(err, codec.ErrTooLarge) {
			return
		}
		if err != nil {
			t.Fatalf("the native codec cannot re-issue what the migration read: %v", err)
		}
		back, _, err := native.DecodeSession("app", reissued, 0)
		if err != nil {
			t.Fatalf("the re-issued cookie does not open: %v", err)
		}
		if d := valueDiff("$", any(session), back, sameZone); d != "" {
			t.Errorf("the re-issue changed the session: %s", d)
		}
	})
}

// newGorillaTargetNative is the native codec a migrated app re-issues
// with, on the target's clock, with room for large sessions.
func newGorillaTargetNative(tb testing.TB, clock codec.Clock) *codec.Native {
	tb.Helper()
	key, err := codec.DeriveKey([]byte("fuzz: the native key after the move"), "00000001")
	if err != nil {
		tb.Fatal(err)
	}
	ring, err := codec.NewKeyRing(key)
	if err != nil {
		tb.Fatal(err)
	}
	n, err := codec.NewNative(ring, codec.NativeOptions{Clock: clock, MaxCookieSize: 1 << 20, Serializer: &serializer.Serializer{NativeTime: true}})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}
