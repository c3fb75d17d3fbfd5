package codec_test

import (
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/gorilla/securecookie"
)

// exampleOptions fixes the clock and the randomness so that the examples
// print the same output on every run. Applications leave Clock and Rand
// nil (time.Now and crypto/rand); a predictable Rand destroys
// confidentiality.
func exampleOptions(now *time.Time) codec.NativeOptions {
	return codec.NativeOptions{
		Clock: func() time.Time { return *now },
		Rand:  mrand.NewChaCha8([32]byte{}),
	}
}

func ExampleNewNative() {
	// In an application: key, err := codec.ParseKey(os.Getenv("SESSION_KEY")),
	// with the text made once by codec.GenerateKey (or the keygen command).
	key, err := codec.DeriveKey([]byte("an existing secret of at least 32 bytes"), "00000001")
	if err != nil {
		panic(err)
	}
	ring, err := codec.NewKeyRing(key)
	if err != nil {
		panic(err)
	}
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	opts := exampleOptions(&now)
	opts.IdleTimeout = 30 * time.Minute
	n, err := codec.NewNative(ring, opts)
	if err != nil {
		panic(err)
	}

	cookie, meta, err := n.EncodeSession("session", map[string]any{"user_id": 42}, codec.Meta{}, 0)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(cookie), "bytes, key", meta.KeyID, "expires", meta.Expires.UTC().Format(time.RFC3339))

	value, meta, err := n.DecodeSession("session", cookie, 0)
	fmt.Println(value, meta.SessionID, err)

	// The cookie is bound to its name.
	_, _, err = n.DecodeSession("other", cookie, 0)
	fmt.Println(errors.Is(err, codec.ErrSignature))

	// 31 idle minutes later it has expired.
	now = now.Add(31 * time.Minute)
	_, _, err = n.DecodeSession("session", cookie, 0)
	fmt.Println(err)
	// Output:
	// 115 bytes, key 00000001 expires 2026-05-01T12:30:00Z
	// map[user_id:42] d9877ece6d368aac1a6f419ec627c76b <nil>
	// true
	// codec: expired: idle limit passed 1m0s ago
}

func Example_keyRotation() {
	secret := []byte("an existing secret of at least 32 bytes")
	oldKey, _ := codec.DeriveKey(secret, "00000001")
	newKey, _ := codec.DeriveKey(secret, "00000002")
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

	// Before the rotation: oldKey is the primary.
	ring, _ := codec.NewKeyRing(oldKey)
	before, _ := codec.NewNative(ring, exampleOptions(&now))
	cookie, _, _ := before.EncodeSession("session", "alice", codec.Meta{}, 0)

	// After: newKey seals, oldKey only opens.
	ring, _ = codec.NewKeyRing(newKey, oldKey)
	after, _ := codec.NewNative(ring, exampleOptions(&now))
	value, meta, err := after.DecodeSession("session", cookie, 0)
	fmt.Println(value, meta.KeyID, meta.KeyIndex, meta.VerifiedWithFallback(), err)

	if meta.VerifiedWithFallback() {
		// Re-issue under the primary, keeping the session's identity.
		meta.Expires = time.Time{}
		cookie, meta, _ = after.EncodeSession("session", value, meta, 0)
		fmt.Println("re-issued under", meta.KeyID)
	}

	// Once every old cookie has had the chance to be re-issued, retire the
	// old key (or drop it from the configuration).
	_ = ring.Retire(oldKey.ID())
	_, meta, err = after.DecodeSession("session", cookie, 0)
	fmt.Println(meta.KeyID, err)
	// Output:
	// alice 00000001 1 true <nil>
	// re-issued under 00000002
	// 00000002 <nil>
}

func ExampleNewGorillaMigration() {
	// The keys the application passed to sessions.NewCookieStore before.
	hashKey := []byte("the app's old 32-byte hash key!!")
	blockKey := []byte("the app's old AES-256 block key!")
	old := securecookie.New(hashKey, blockKey)
	oldCookie, _ := old.Encode("session", map[any]any{"user": "erin"})

	migration, err := codec.NewGorillaMigration(codec.GorillaOptions{KeyPairs: [][]byte{hashKey, blockKey}})
	if err != nil {
		panic(err)
	}
	key, _ := codec.DeriveKey([]byte("an existing secret of at least 32 bytes"), "00000001")
	ring, _ := codec.NewKeyRing(key)
	// The migration window ends when the last old cookie has expired:
	// going live plus gorilla's MaxAge. In real code, a fixed date.
	goLive := time.Now()
	native, _ := codec.NewNative(ring, codec.NativeOptions{
		Legacy:      []codec.LegacyReader{migration},
		LegacyUntil: goLive.Add(codec.DefaultGorillaMaxAge),
	})

	value, meta, err := native.DecodeSession("session", oldCookie, 0)
	fmt.Println(value, meta.Format, meta.VerifiedWithFallback(), err)

	// Re-issue natively: the old cookie is read once and replaced.
	cookie, meta, _ := native.EncodeSession("session", value, codec.Meta{}, 0)
	h, _ := codec.Inspect(cookie)
	fmt.Println(meta.Format, h.Mode)
	// Output:
	// map[user:erin] gorilla true <nil>
	// native xchacha20poly1305
}

func ExampleParseKeyRing() {
	secret := []byte("an existing secret of at least 32 bytes")
	oldKey, _ := codec.DeriveKey(secret, "00000001")
	newKey, _ := codec.DeriveKey(secret, "00000002")
	// In an application the text comes from one variable, set during a
	// rotation to the new key and then the old ones:
	// ring, err := codec.ParseKeyRing(os.Getenv("SESSION_KEYS"))
	ring, err := codec.ParseKeyRing(newKey.Text() + " " + oldKey.Text())
	fmt.Println(ring.Primary().ID(), ring.Len(), err)

	// Errors name the key by its place in the ring, never its material.
	_, err = codec.ParseKeyRing(newKey.Text() + ",cookiecodec-key-1.00000003.c2hvcnQ")
	fmt.Println(err)
	_, err = codec.ParseKeyRing("")
	fmt.Println(errors.Is(err, codec.ErrInvalidKey))
	// Output:
	// 00000002 2 <nil>
	// fallback key 1 in the key ring text: codec: invalid key: key material is 5 bytes (7 characters), need 32 (256 bits, 43 characters): if the key text was cut off when copied, copy all of it; else generate a new key
	// true
}
