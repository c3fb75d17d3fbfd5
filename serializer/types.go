package serializer

import (
	"encoding/hex"
	"fmt"
	"strings"
)

// Tuple is a Python tuple. It is written as {" t": [items...]} and comes back
// as a Tuple, where a plain []any comes back as []any.
type Tuple []any

// Markup is text marked safe for HTML (Python markupsafe.Markup, or any object
// with __html__). It is written verbatim, without escaping, as {" m": text}.
type Markup string

// UUID is a 128-bit universally unique identifier, written as {" u": hex}
// with 32 lowercase hex digits, as Python's uuid.UUID.hex.
type UUID [16]byte

// String returns the canonical form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx in
// lowercase.
func (u UUID) String() string {
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}

// MarshalText returns the canonical form, as String does, so that
// encoding/json and other text encoders write a UUID as a string (not as
// 16 numbers). This package's serializer does not use it: it writes the
// " u" tag.
func (u UUID) MarshalText() ([]byte, error) { return []byte(u.String()), nil }

// UnmarshalText reads the forms ParseUUID reads.
func (u *UUID) UnmarshalText(text []byte) error {
	v, err := ParseUUID(string(text))
	if err != nil {
		return err
	}
	*u = v
	return nil
}

// ParseUUID parses 32 hex digits (either case), optionally in the dashed
// 8-4-4-4-12 form, optionally inside braces or after "urn:uuid:". These are
// the forms Python's uuid.UUID documents; its undocumented leniency (dashes at
// any position, signs and underscores accepted by int()) is not copied.
func ParseUUID(s string) (UUID, error) {
	var u UUID
	t := s
	if strings.HasPrefix(t, "urn:uuid:") {
		t = t[len("urn:uuid:"):]
	} else if len(t) >= 2 && t[0] == '{' && t[len(t)-1] == '}' {
		t = t[1 : len(t)-1]
	}
	switch len(t) {
	case 32:
	case 36:
		if t[8] != '-' || t[13] != '-' || t[18] != '-' || t[23] != '-' {
			return u, fmt.Errorf("serializer: invalid uuid %q", s)
		}
		t = t[0:8] + t[9:13] + t[14:18] + t[19:23] + t[24:]
	default:
		return u, fmt.Errorf("serializer: invalid uuid %q", s)
	}
	if _, err := hex.Decode(u[:], []byte(t)); err != nil {
		return UUID{}, fmt.Errorf("serializer: invalid uuid %q", s)
	}
	return u, nil
}

// appendHex appends the 32 lowercase hex digits Flask writes for " u".
func (u UUID) appendHex(dst []byte) []byte {
	const digits = "0123456789abcdef"
	for _, b := range u {
		dst = append(dst, digits[b>>4], digits[b&0xf])
	}
	return dst
}
