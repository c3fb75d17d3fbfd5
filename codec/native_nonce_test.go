package codec

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/codec/internal/envelope"
)

// TestNativeNoRepeatedNonce seals 10^6 envelopes through the codec's own
// sealing path (header, random draw, AEAD) and checks that no nonce and no
// session id repeats. The serializer and base64 are left out to keep the
// test fast; they do not touch the nonce.
func TestNativeNoRepeatedNonce(t *testing.T) {
	// The default mode at the full count; the 12-byte GCM path at 10^5.
	for mode, seals := range map[Mode]int{XChaCha20Poly1305: 1_000_000, AES256GCM: 100_000} {
		n, _ := newTestNative(t, mode, NativeOptions{})
		ns := n.wireMode.NonceSize()
		start := envelope.HeaderSize + ns
		h := envelope.Header{Mode: n.wireMode, KeyID: n.primary.id, Created: 1, Issued: 1, Expires: 2}
		buf := &nativeBuf{}
		env := make([]byte, start, start+1+16)
		nonces := make(map[[24]byte]struct{}, seals)
		sids := make(map[[16]byte]struct{}, seals)
		for i := range seals {
			sealed, hh, err := n.sealEnvelope(buf, append(env[:start], 'x'), h, true, "s")
			if err != nil {
				t.Fatal(err)
			}
			var nonce [24]byte
			copy(nonce[:], sealed[envelope.HeaderSize:start])
			if _, dup := nonces[nonce]; dup {
				t.Fatalf("%v: nonce repeated after %d seals", mode, i)
			}
			nonces[nonce] = struct{}{}
			if _, dup := sids[hh.SessionID]; dup {
				t.Fatalf("%v: session id repeated after %d seals", mode, i)
			}
			sids[hh.SessionID] = struct{}{}
			if i < 2 && nonce == [24]byte{} {
				t.Fatal("zero nonce")
			}
		}
		if len(nonces) != seals {
			t.Fatalf("%d distinct nonces", len(nonces))
		}
	}
}

// TestNativeRefreshDrawsNewNonce: refreshing a session keeps its id but
// never its nonce.
func TestNativeRefreshDrawsNewNonce(t *testing.T) {
	n, _ := newTestNative(t, XChaCha20Poly1305, NativeOptions{})
	c1, m, err := n.EncodeSession("s", 1, Meta{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	m.Expires = time.Time{}
	c2, m2, err := n.EncodeSession("s", 1, m, 0)
	if err != nil {
		t.Fatal(err)
	}
	r1, _ := base64.RawURLEncoding.DecodeString(c1)
	r2, _ := base64.RawURLEncoding.DecodeString(c2)
	if m2.SessionID != m.SessionID || string(r1[35:59]) == string(r2[35:59]) {
		t.Fatal("refresh reused the nonce or lost the session id")
	}
}
