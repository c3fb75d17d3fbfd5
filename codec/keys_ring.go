package codec

import (
	"fmt"
	"strings"
	"sync/atomic"
	"unicode"
)

// KeyRing is the set of keys a [Native] codec uses: one primary key that
// seals every new cookie, and fallback keys that are only ever used to open
// cookies sealed before a rotation. Decoding looks the key up by the key id
// in the cookie (one map lookup, no trial decryption) and reports through
// [Meta.KeyIndex] which key matched, so the caller re-issues fallback
// cookies under the primary key.
//
// # Key rotation
//
//  1. Generate a new key and make it the primary; keep the old primary as a
//     fallback: NewKeyRing(newKey, oldKey).
//  2. Cookies sealed with the old key still open, with KeyIndex 1; the HTTP
//     layer re-issues them under the new key.
//  3. After the longest cookie lifetime has passed, drop the old key from the
//     configuration, or [KeyRing.Retire] it at once (for example after a
//     leak): its cookies then fail with [ErrUnknownKey].
//
// A KeyRing is safe for concurrent use. Its key set is fixed at construction;
// only retirement changes it.
type KeyRing struct {
	keys []ringKey // keys[0] is the primary
	byID map[uint32]int
}

type ringKey struct {
	key     Key
	retired *atomic.Bool
}

// NewKeyRing returns a key ring with primary as the sealing key and
// fallbacks, in order, as opening-only keys (KeyIndex 1, 2, ...). It fails if
// a key is the zero Key or if two keys share a key id.
func NewKeyRing(primary Key, fallbacks ...Key) (*KeyRing, error) {
	r := &KeyRing{byID: make(map[uint32]int, 1+len(fallbacks))}
	for i, k := range append([]Key{primary}, fallbacks...) {
		if k.IsZero() {
			return nil, fmt.Errorf("%w: %s is the zero Key", ErrInvalidKey, ringPosition(i))
		}
		if j, dup := r.byID[k.id]; dup {
			return nil, fmt.Errorf("%w: %s and %s share key id %s", ErrInvalidKey, ringPosition(j), ringPosition(i), k.ID())
		}
		r.byID[k.id] = i
		r.keys = append(r.keys, ringKey{key: k, retired: new(atomic.Bool)})
	}
	return r, nil
}

// ParseKeyRing parses a key ring from one text, as one environment
// variable or secret can hold it through a rotation: keys in [Key.Text]
// form separated by white space or commas, the primary first and the
// fallbacks after it in order, for example SESSION_KEYS="$NEW_KEY $OLD_KEY".
// Each key is read as [ParseKey] reads it; an error names the key by its
// position (the primary key, fallback key 1, ...: as [Meta.KeyIndex]
// counts) and never quotes key material. Empty
// text, or two keys with one key id, is an error, as in [NewKeyRing].
func ParseKeyRing(text string) (*KeyRing, error) {
	fields := strings.FieldsFunc(text, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
	if len(fields) == 0 {
		return nil, fmt.Errorf("%w: no key in the key ring text (is the environment variable or file that should hold it set? make a key with GenerateKey or the keygen command)", ErrInvalidKey)
	}
	keys := make([]Key, len(fields))
	for i, f := range fields {
		k, err := ParseKey(f)
		if err != nil {
			return nil, fmt.Errorf("%s in the key ring text: %w", ringPosition(i), err)
		}
		keys[i] = k
	}
	return NewKeyRing(keys[0], keys[1:]...)
}

// ringPosition names position i of a ring as Meta.KeyIndex counts it.
func ringPosition(i int) string {
	if i == 0 {
		return "the primary key"
	}
	return fmt.Sprintf("fallback key %d", i)
}

// Keys returns the ring's keys in order, the primary first: the index of
// a key here is its [Meta.KeyIndex]. Retired keys are included.
func (r *KeyRing) Keys() []Key {
	keys := make([]Key, len(r.keys))
	for i, k := range r.keys {
		keys[i] = k.key
	}
	return keys
}

// Primary returns the key that seals new cookies.
func (r *KeyRing) Primary() Key { return r.keys[0].key }

// Len returns the number of keys, the primary included, retired ones too.
func (r *KeyRing) Len() int { return len(r.keys) }

// Lookup returns the key with the given id (8 hex digits) and its index:
// 0 for the primary, i for the i-th fallback. ok is false for unknown and
// retired ids.
func (r *KeyRing) Lookup(id string) (k Key, index int, ok bool) {
	kid, err := parseKeyID(id)
	if err != nil {
		return Key{}, 0, false
	}
	i, ok := r.lookup(kid)
	if !ok {
		return Key{}, 0, false
	}
	return r.keys[i].key, i, true
}

func (r *KeyRing) lookup(id uint32) (int, bool) {
	i, ok := r.byID[id]
	if !ok || r.keys[i].retired.Load() {
		return 0, false
	}
	return i, true
}

// Retire makes the fallback key with the given id unusable at once: cookies
// sealed with it fail with [ErrUnknownKey] from then on, in every codec that
// uses this ring. Retiring is permanent. The primary key cannot be retired
// (rotate to a new primary instead), and an id not in the ring is an error.
func (r *KeyRing) Retire(id string) error {
	kid, err := parseKeyID(id)
	if err != nil {
		return err
	}
	i, ok := r.byID[kid]
	if !ok {
		return fmt.Errorf("%w: key id %s is not in the ring", ErrUnknownKey, id)
	}
	if i == 0 {
		return fmt.Errorf("codec: cannot retire the primary key %s; make another key primary first", id)
	}
	r.keys[i].retired.Store(true)
	return nil
}
