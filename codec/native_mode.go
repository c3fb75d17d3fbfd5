package codec

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"sync"

	"github.com/cookiecodec/cookiecodec/codec/internal/envelope"
	"golang.org/x/crypto/chacha20poly1305"
)

// Mode selects how a [Native] codec protects cookies. The mode is part of
// the codec's configuration, never taken from a cookie: a cookie whose header
// names another mode is rejected as malformed.
type Mode uint8

const (
	// XChaCha20Poly1305 encrypts and authenticates with XChaCha20-Poly1305
	// (golang.org/x/crypto/chacha20poly1305) and a random 192-bit nonce per
	// cookie. It is the default (the zero Mode).
	//
	// Why not AES-GCM by default: cookies are sealed with random nonces, and
	// a random 96-bit GCM nonce collides with probability about n²/2^97 after
	// n cookies, so NIST's 2^-32 bound is reached near 2^32 cookies per key
	// (a few weeks for a busy site that re-issues on every request), and one
	// collision leaks the XOR of two plaintexts and the authentication key.
	// With 192-bit nonces the same bound is reached after about 2^80
	// cookies, which no deployment reaches, so keys need not be rotated for
	// volume.
	XChaCha20Poly1305 Mode = iota

	// AES256GCM encrypts and authenticates with AES-256-GCM (crypto/aes,
	// crypto/cipher) and a random 96-bit nonce: 12 bytes shorter cookies,
	// hardware AES where available. Rotate the primary key well before 2^32
	// cookies (see [XChaCha20Poly1305]); every key, mode and purpose has its
	// own subkey, so the count is per [NativeOptions.Purpose].
	AES256GCM

	// HMACSHA256 signs without encrypting: the payload is readable by anyone
	// holding the cookie (as in Flask), but tamper-proof. The tag is the full
	// 32-byte HMAC-SHA256.
	HMACSHA256
)

func (m Mode) wire() envelope.Mode {
	switch m {
	case XChaCha20Poly1305:
		return envelope.ModeXChaCha20Poly1305
	case AES256GCM:
		return envelope.ModeAES256GCM
	case HMACSHA256:
		return envelope.ModeHMACSHA256
	}
	return 0
}

// String returns "xchacha20poly1305", "aes256gcm" or "hmacsha256".
func (m Mode) String() string {
	if w := m.wire(); w != 0 {
		return w.String()
	}
	return fmt.Sprintf("Mode(%d)", uint8(m))
}

// Encrypts reports whether the mode hides the payload (the AEAD modes).
func (m Mode) Encrypts() bool { return m == XChaCha20Poly1305 || m == AES256GCM }

// nativeSubkeyLabel starts the HKDF info of every subkey; it is part of the format.
const nativeSubkeyLabel = "cookiecodec native v1 subkey"

// deriveNativeSubkey derives the 32-byte subkey of one key for one mode and
// purpose:
//
//	HKDF-SHA256(ikm = key material, salt = empty,
//	            info = "cookiecodec native v1 subkey" || 0x00 || mode byte || key id (4 bytes BE) || purpose)
func deriveNativeSubkey(k Key, m envelope.Mode, purpose string) ([]byte, error) {
	info := make([]byte, 0, len(nativeSubkeyLabel)+6+len(purpose))
	info = append(info, nativeSubkeyLabel...)
	info = append(info, 0, byte(m))
	info = binary.BigEndian.AppendUint32(info, k.id)
	info = append(info, purpose...)
	return hkdf.Key(sha256.New, k.material[:], nil, string(info), 32)
}

// nativeSealer protects and opens envelopes with one subkey. Implementations are
// safe for concurrent use and allocate nothing per call.
type nativeSealer interface {
	// seal protects body in place: it returns body[:len(body)+tag size]
	// holding the ciphertext (or the plaintext, sign-only) and the tag. body
	// must have that much spare capacity, not overlapping ad.
	seal(body, nonce, ad []byte) []byte
	// open verifies tag over ad and body and, for AEAD modes, decrypts body
	// in place. It returns the plaintext or false.
	open(nonce, body, tag, ad []byte) ([]byte, bool)
}

type nativeAEAD struct{ aead cipher.AEAD }

func (s nativeAEAD) seal(body, nonce, ad []byte) []byte {
	return s.aead.Seal(body[:0], nonce, body, ad)
}

func (s nativeAEAD) open(nonce, body, tag, ad []byte) ([]byte, bool) {
	// body and tag are adjacent in the envelope, so body[:len(body)+len(tag)]
	// is the AEAD ciphertext.
	ct := body[:len(body)+len(tag)]
	pt, err := s.aead.Open(body[:0], nonce, ct, ad)
	return pt, err == nil
}

type nativeHMAC struct{ pool sync.Pool }

func newNativeHMAC(subkey []byte) *nativeHMAC {
	return &nativeHMAC{pool: sync.Pool{New: func() any { return hmac.New(sha256.New, subkey) }}}
}

func (s *nativeHMAC) sum(dst, body, ad []byte) []byte {
	h := s.pool.Get().(hash.Hash)
	h.Reset()
	h.Write(ad)
	h.Write(body)
	dst = h.Sum(dst)
	s.pool.Put(h)
	return dst
}

func (s *nativeHMAC) seal(body, _, ad []byte) []byte {
	// Sign-only: the body is sent as is, the tag follows it.
	return s.sum(body, body, ad)
}

func (s *nativeHMAC) open(_, body, tag, ad []byte) ([]byte, bool) {
	var buf [sha256.Size]byte
	return body, hmac.Equal(s.sum(buf[:0], body, ad), tag)
}

func newNativeSealer(k Key, m Mode, purpose string) (nativeSealer, error) {
	sub, err := deriveNativeSubkey(k, m.wire(), purpose)
	if err != nil {
		return nil, fmt.Errorf("codec: derive subkey: %w", err)
	}
	switch m {
	case XChaCha20Poly1305:
		a, err := chacha20poly1305.NewX(sub)
		if err != nil {
			return nil, err
		}
		return nativeAEAD{a}, nil
	case AES256GCM:
		b, err := aes.NewCipher(sub)
		if err != nil {
			return nil, err
		}
		a, err := cipher.NewGCM(b)
		if err != nil {
			return nil, err
		}
		return nativeAEAD{a}, nil
	case HMACSHA256:
		return newNativeHMAC(sub), nil
	}
	return nil, fmt.Errorf("codec: unknown mode %d", uint8(m))
}
