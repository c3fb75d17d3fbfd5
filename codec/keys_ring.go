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
// On more than one server, in two deploys, so that no server ever meets a
// cookie of a key it lacks:
//
//  1. Give every server the new key as a fallback: NewKeyRing(oldKey,
//     newKey). Nothing is sealed with it yet.
//  2. When every server has it, make it the primary: NewKeyRing(newKey,
//     oldKey). Cookies sealed with the old key still open, with KeyIndex
//     1, and the HTTP layer re-issues them under the new key. (While this
//     deploy rolls out, servers of step 1 and step 2 re-issue each other's
//     cookies on every request; that is expected and ends with the deploy.)
//  3. After the longest cookie lifetime has passed, drop the old key from
//     the configuration, or [KeyRing.Retire] it at once: its cookies then
//     fail with [ErrRetiredKey], which wraps [ErrUnknownKey].
//
// Making the new key primary on one server first (skipping step 1) logs
// out every user whose cookie that server re-issues, on all the others.
// On a single server, step 1 can be skipped.
//
// A leaked primary key cannot wait for step 1: deploy a new primary
// without the leaked key (every session ends, since every cookie was
// sealed with it). A new primary always takes a restart, since a ring's
// keys are fixed when it is built. A leaked fallback key is removed the
// same way; until the deploy reaches every server, [KeyRing.Retire] cuts
// it off in each running process (from an admin endpoint, say). Retiring
// lasts only as long as the ring, in one process: each server must retire
// the key, and a server that restarts with the key still in its
// configuration accepts it again.
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
// A '#' starts a comment that runs to the end of its line, so a ring file
// can say when each key came (key text never holds '#').
// Each key is read as [ParseKey] reads it; an error names the key by its
// position (the primary key, fallback key 1, ...: as [Meta.KeyIndex]
// counts) and never quotes key material. Empty
// text, or two keys with one key id, is an error, as in [NewKeyRing].
func ParseKeyRing(text string) (*KeyRing, error) {
	var uncommented strings.Builder
	for line := range strings.Lines(text) {
		if before, _, found := strings.Cut(line, "#"); found {
			line = before + "\n"
		}
		uncommented.WriteString(line)
	}
	fields := strings.FieldsFunc(uncommented.String(), func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
	if len(fields) == 0 {
		return nil, fmt.Errorf("%w: no key in the key ring text (is the environment variable or file that should hold it set? make a key with GenerateKey or the keygen command)", ErrInvalidKey)
	}
	keys := make([]Key, len(fields))
	for i, f := range fields {
		k, err := ParseKey(f)
		if err != nil {
			return nil, fmt.Errorf("%s in the key ring text: %w%s", ringPosition(i), err, ringTextHint(f))
		}
		keys[i] = k
	}
	return NewKeyRing(keys[0], keys[1:]...)
}

// ringTextHint says what is likely wrong with a key ring entry that did
// not parse, when it shows: another separator, or quotes kept from an
// env file.
func ringTextHint(field string) string {
	switch {
	case strings.ContainsAny(field, ";|:"):
		return " (separate keys with white space or commas)"
	case strings.ContainsAny(field[:1], `"'`) || strings.ContainsAny(field[len(field)-1:], `"'`):
		return " (the entry is quoted: remove the quotes, which some env files keep)"
	}
	return ""
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
// sealed with it fail with [ErrRetiredKey], which wraps [ErrUnknownKey],
// from then on, in every codec that uses this ring. Retiring cannot be
// undone for this ring, but it is held in memory only: a ring built again
// from the same keys (after a restart, or on another server) accepts the
// key, so remove it from the configuration too. The primary key cannot be
// retired (rotate to a new primary instead), and an id not in the ring is an
// error.
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
