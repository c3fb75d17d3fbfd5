package codec

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the size of a native key's secret material in bytes (256 bits).
const KeySize = 32

// nativeKeyPrefix starts the text form of every version-1 native key.
const nativeKeyPrefix = "cookiecodec-key-1."

// ErrInvalidKey is returned by [ParseKey], [DeriveKey] and [NewKeyRing] for
// key text or key material that cannot be used.
var ErrInvalidKey = errors.New("codec: invalid key")

// Key is a native-format key: 32 bytes of secret material and a 32-bit key id
// that every cookie sealed with it carries, so that decoding finds the key in
// O(1) without trial decryption. The zero Key is invalid.
//
// A Key is only material: the subkeys that seal and sign are derived from it
// with HKDF-SHA256 per mode and purpose (see codec/FORMAT.md).
type Key struct {
	id       uint32
	material [KeySize]byte
	valid    bool
}

// GenerateKey returns a new key with a random id and 32 random bytes of
// material from crypto/rand. Store [Key.Text] as the app's secret.
func GenerateKey() (Key, error) {
	var k Key
	var id [4]byte
	if _, err := rand.Read(id[:]); err != nil {
		return Key{}, fmt.Errorf("codec: generate key: %w", err)
	}
	if _, err := rand.Read(k.material[:]); err != nil {
		return Key{}, fmt.Errorf("codec: generate key: %w", err)
	}
	k.id = binary.BigEndian.Uint32(id[:])
	k.valid = true
	return k, nil
}

// ParseKey parses the text form made by [Key.Text]:
//
//	cookiecodec-key-1.<key id: 8 hex digits>.<base64url, no padding, of 32 bytes>
//
// [Key.Text] writes the id in lowercase; ParseKey accepts either case, as
// FORMAT.md says. It rejects other versions, malformed ids, and key
// material that is not exactly 32 bytes (in particular anything shorter,
// which would weaken every cookie). Surrounding white space is ignored.
func ParseKey(text string) (Key, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return Key{}, fmt.Errorf("%w: key text is empty (is the environment variable or file that should hold it set? make a key with GenerateKey or the keygen command)", ErrInvalidKey)
	}
	rest, ok := strings.CutPrefix(text, nativeKeyPrefix)
	if !ok {
		if strings.HasPrefix(text, "cookiecodec-key-") {
			return Key{}, fmt.Errorf("%w: unsupported key version (this build reads %q keys)", ErrInvalidKey, nativeKeyPrefix)
		}
		return Key{}, fmt.Errorf("%w: key text must start with %q (make one with GenerateKey or the keygen command)", ErrInvalidKey, nativeKeyPrefix)
	}
	idText, b64, ok := strings.Cut(rest, ".")
	if !ok {
		return Key{}, fmt.Errorf("%w: missing '.' between key id and key material", ErrInvalidKey)
	}
	id, err := parseKeyID(idText)
	if err != nil {
		return Key{}, err
	}
	if len(b64) > 2*base64.RawURLEncoding.EncodedLen(KeySize) {
		return Key{}, fmt.Errorf("%w: key material is longer than %d bytes", ErrInvalidKey, KeySize)
	}
	// encoding/base64 skips line breaks, even in Strict mode; key text has
	// none (a pasted key split over lines is refused, not joined).
	raw, err := base64.RawURLEncoding.Strict().DecodeString(b64)
	if err != nil || strings.ContainsAny(b64, "\r\n") {
		return Key{}, keyMaterialError(b64)
	}
	if len(raw) < KeySize {
		return Key{}, fmt.Errorf("%w: key material is %d bytes (%d characters), need %d (256 bits, %d characters): if the key text was cut off when copied, copy all of it; else generate a new key", ErrInvalidKey, len(raw), len(b64), KeySize, keyMaterialLen)
	}
	if len(raw) > KeySize {
		return Key{}, fmt.Errorf("%w: key material is %d bytes (%d characters), want exactly %d (%d characters)", ErrInvalidKey, len(raw), len(b64), KeySize, keyMaterialLen)
	}
	k := Key{id: id, valid: true}
	copy(k.material[:], raw)
	return k, nil
}

// keyMaterialLen is the length of the key material in key text: the
// unpadded base64url of KeySize bytes.
var keyMaterialLen = base64.RawURLEncoding.EncodedLen(KeySize)

// keyMaterialError explains key material b64 that is not canonical
// unpadded base64url, with the length found and the length wanted (a key
// cut off when copied is the common case), and never quotes the material.
func keyMaterialError(b64 string) error {
	n := len(b64)
	var why string
	switch {
	case strings.ContainsAny(b64, "\r\n"):
		why = "it is split over lines"
	case strings.Contains(b64, "="):
		why = "it has '=' padding"
	case strings.IndexFunc(b64, notBase64URL) >= 0:
		why = fmt.Sprintf("character %d is not one of A-Z, a-z, 0-9, '-' and '_'", strings.IndexFunc(b64, notBase64URL)+1)
	case n < keyMaterialLen:
		why = "the key text looks cut off: copy all of it"
	case n == keyMaterialLen:
		why = "its last character is not one that ends the base64url of 32 bytes: it was altered"
	default:
		why = "it is too long"
	}
	return fmt.Errorf("%w: key material is not unpadded base64url: %s (%d characters, want %d: the base64url of %d bytes, no padding)", ErrInvalidKey, why, n, keyMaterialLen, KeySize)
}

// notBase64URL reports whether r is outside the base64url alphabet.
func notBase64URL(r rune) bool {
	return !('A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-' || r == '_')
}

// deriveKeySalt is the HKDF salt of [DeriveKey]; it is part of the format.
const deriveKeySalt = "cookiecodec derive key v1"

// DeriveKey derives a key from an existing long secret (for apps that already
// have one, e.g. a Flask SECRET_KEY) with HKDF-SHA256:
//
//	material = HKDF-SHA256(secret, salt "cookiecodec derive key v1", info id, 32 bytes)
//
// id is the key id as 8 hex digits (for example "00000001"); it goes into the
// derivation, so different ids give unrelated keys. The secret must be at
// least 32 bytes: HKDF cannot add entropy a short password lacks.
func DeriveKey(secret []byte, id string) (Key, error) {
	kid, err := parseKeyID(id)
	if err != nil {
		return Key{}, err
	}
	if len(secret) < KeySize {
		return Key{}, fmt.Errorf("%w: secret is %d bytes, need at least %d", ErrInvalidKey, len(secret), KeySize)
	}
	m, err := hkdf.Key(sha256.New, secret, []byte(deriveKeySalt), formatKeyID(kid), KeySize)
	if err != nil {
		return Key{}, fmt.Errorf("codec: derive key: %w", err)
	}
	k := Key{id: kid, valid: true}
	copy(k.material[:], m)
	return k, nil
}

// parseKeyID reads a key id. Its errors never quote s: a key text with its
// fields swapped, or a secret passed where an id belongs, would otherwise
// put the secret into logs.
func parseKeyID(s string) (uint32, error) {
	if len(s) != 8 {
		return 0, fmt.Errorf("%w: key id is not 8 hex digits (it has %d characters)", ErrInvalidKey, len(s))
	}
	var b [4]byte
	if _, err := hex.Decode(b[:], []byte(strings.ToLower(s))); err != nil {
		return 0, fmt.Errorf("%w: key id is not 8 hex digits (it has a character that is not a hex digit)", ErrInvalidKey)
	}
	return binary.BigEndian.Uint32(b[:]), nil
}

func formatKeyID(id uint32) string {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], id)
	return hex.EncodeToString(b[:])
}

// ID returns the key id as 8 lowercase hex digits, as it appears in the key
// text, in [Meta.KeyID] and in [Header.KeyID].
func (k Key) ID() string { return formatKeyID(k.id) }

// Text returns the key's text form, which [ParseKey] reads. It contains
// the secret: treat it like a password.
func (k Key) Text() string {
	return nativeKeyPrefix + k.ID() + "." + base64.RawURLEncoding.EncodeToString(k.material[:])
}

// String hides the key material, like GoString: fmt's %v and %s, and so
// log lines and error messages that format a Key or a struct holding one,
// show only the key id. The text form with the secret is [Key.Text].
func (k Key) String() string { return k.GoString() }

// IsZero reports whether k is the zero Key (not a usable key).
func (k Key) IsZero() bool { return !k.valid }

// GoString hides the key material from %#v, so that debug dumps of structs
// holding a Key do not leak it.
func (k Key) GoString() string { return "codec.Key{ID: " + k.ID() + ", material: redacted}" }
