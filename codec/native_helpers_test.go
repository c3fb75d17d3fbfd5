package codec

import (
	"encoding/base64"
	"errors"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/codec/internal/envelope"
)

// sealRaw seals body as given (already compressed or padded as flags say)
// under n's primary key, at the codec's clock, bypassing the serializer, the
// compression policy and the size limit. Tests use it to make validly
// sealed cookies with hostile content, as an attacker holding a leaked key
// could.
func sealRaw(t testing.TB, n *Native, name string, flags envelope.Flags, body []byte, created, issued, expires time.Time) string {
	t.Helper()
	h := envelope.Header{Mode: n.wireMode, Flags: flags, KeyID: n.primary.id}
	var ok1, ok2, ok3 bool
	h.Created, ok1 = nativeSeconds(created)
	h.Issued, ok2 = nativeSeconds(issued)
	h.Expires, ok3 = nativeSeconds(expires)
	if !ok1 || !ok2 || !ok3 {
		t.Fatal("sealRaw: time out of range")
	}
	buf := &nativeBuf{}
	start := envelope.HeaderSize + n.wireMode.NonceSize()
	env := append(make([]byte, start, start+len(body)+32), body...)
	env, _, err := n.sealEnvelope(buf, env, h, true, name)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(env)
}

// sentinels are the errors every decode failure must wrap (exactly one).
var sentinels = []error{ErrSignature, ErrUnknownKey, ErrMalformed, ErrExpired, ErrFuture, ErrPayload, ErrTooLarge}

// requireTyped fails unless err wraps exactly one sentinel.
func requireTyped(t testing.TB, err error, what string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: accepted", what)
	}
	n := 0
	for _, s := range sentinels {
		if errors.Is(err, s) {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%s: error %q wraps %d sentinels, want 1", what, err, n)
	}
}
