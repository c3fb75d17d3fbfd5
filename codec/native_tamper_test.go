package codec

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

// tamperConfigs are the codec configurations whose cookies the tamper tests
// attack: every mode, plus compressed and padded envelopes.
var tamperConfigs = []struct {
	name string
	mode Mode
	opts NativeOptions
}{
	{"xchacha20poly1305", XChaCha20Poly1305, NativeOptions{}},
	{"aes256gcm", AES256GCM, NativeOptions{}},
	{"hmacsha256", HMACSHA256, NativeOptions{}},
	{"xchacha20poly1305+compressed+padded", XChaCha20Poly1305, NativeOptions{Compression: CompressAlways(), Padding: 32}},
	{"hmacsha256+compressed+padded", HMACSHA256, NativeOptions{Compression: CompressAlways(), Padding: 32}},
}

// TestNativeEveryBitFlip flips every bit of the decoded envelope (and so
// every bit of header, nonce, body and tag) and every bit of every character
// of the cookie text, and expects each result to be rejected with a typed
// error.
func TestNativeEveryBitFlip(t *testing.T) {
	for _, tc := range tamperConfigs {
		t.Run(tc.name, func(t *testing.T) {
			n, _ := newTestNative(t, tc.mode, tc.opts)
			cookie, _, err := n.EncodeSession("session", sessionS(), Meta{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := base64.RawURLEncoding.DecodeString(cookie)
			if err != nil {
				t.Fatal(err)
			}
			counts := map[error]int{}
			for i := range raw {
				for bit := range 8 {
					mut := append([]byte(nil), raw...)
					mut[i] ^= 1 << bit
					_, _, err := n.DecodeSession("session", base64.RawURLEncoding.EncodeToString(mut), 0)
					requireTyped(t, err, "envelope byte "+itoa(i)+" bit "+itoa(bit))
					for _, s := range sentinels {
						if errors.Is(err, s) {
							counts[s]++
						}
					}
				}
			}
			t.Logf("%d envelope bit flips: %v", len(raw)*8, counts)
			// The version, mode and flag bytes are checked before the key; the
			// key id before the tag; everything else fails the tag.
			if counts[ErrSignature] == 0 || counts[ErrUnknownKey] != 32 || counts[ErrMalformed] == 0 {
				t.Errorf("unexpected distribution %v", counts)
			}
			for i := range len(cookie) {
				for bit := range 8 {
					mut := []byte(cookie)
					mut[i] ^= 1 << bit
					_, _, err := n.DecodeSession("session", string(mut), 0)
					requireTyped(t, err, "cookie char "+itoa(i)+" bit "+itoa(bit))
				}
			}
		})
	}
}

// TestNativeTruncateExtendDuplicate rejects every prefix of a valid cookie,
// the cookie with anything appended, and the cookie with any character or
// half doubled.
func TestNativeTruncateExtendDuplicate(t *testing.T) {
	for _, tc := range tamperConfigs {
		t.Run(tc.name, func(t *testing.T) {
			n, _ := newTestNative(t, tc.mode, tc.opts)
			cookie, _, err := n.EncodeSession("session", sessionS(), Meta{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := n.DecodeSession("session", cookie, 0); err != nil {
				t.Fatal(err)
			}
			for i := range len(cookie) {
				_, _, err := n.DecodeSession("session", cookie[:i], 0)
				requireTyped(t, err, "prefix "+itoa(i))
				_, _, err = n.DecodeSession("session", cookie[i+1:], 0)
				requireTyped(t, err, "suffix from "+itoa(i+1))
				dup := cookie[:i+1] + cookie[i:]
				_, _, err = n.DecodeSession("session", dup, 0)
				requireTyped(t, err, "duplicated char "+itoa(i))
			}
			for _, ext := range []string{"A", "AA", "AAA", "AAAA", "=", "==", ".", "|", " ", cookie, cookie[:len(cookie)/2], "\x00"} {
				_, _, err := n.DecodeSession("session", cookie+ext, 0)
				requireTyped(t, err, "extension "+strings.ToValidUTF8(ext[:min(len(ext), 8)], "?"))
			}
			// A whole extra tag's worth of bytes appended to the envelope.
			raw, _ := base64.RawURLEncoding.DecodeString(cookie)
			for _, extra := range [][]byte{raw[len(raw)-16:], raw[len(raw)-32:], raw[:35], raw} {
				mut := append(append([]byte(nil), raw...), extra...)
				_, _, err := n.DecodeSession("session", base64.RawURLEncoding.EncodeToString(mut), 0)
				requireTyped(t, err, "envelope extension")
			}
		})
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}
