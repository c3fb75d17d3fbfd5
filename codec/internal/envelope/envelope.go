// Package envelope is the byte layout of the native cookie envelope, version
// 1: a fixed 35-byte header, a nonce whose size depends on the mode, a body
// and a tag. It only parses and marshals bytes; keys, crypto and time
// checks live in package codec. codec/FORMAT.md is the specification.
//
// Start with [Parse] for reading and [AppendHeader] for writing.
package envelope

import (
	"encoding/binary"
	"fmt"
)

// Version is the only envelope version this package reads and writes. It is
// the first byte of every envelope.
const Version = 1

// HeaderSize is the size of the fixed header in bytes:
// version(1) mode(1) flags(1) key id(4) created(4) issued(4) expires(4)
// session id(16). The session id comes last so that, in the AEAD modes, a
// new session's id and the nonce that follows the header are one
// contiguous run of random bytes.
const HeaderSize = 35

// SessionIDOffset is the offset of the 16-byte session id in the header.
const SessionIDOffset = 19

// Mode is the protection mode written in the header. The decoder never takes
// the algorithm from the token: a header mode that differs from the codec's
// configured mode is rejected.
type Mode uint8

// Modes. The numeric values are part of the format.
const (
	ModeXChaCha20Poly1305 Mode = 1
	ModeAES256GCM         Mode = 2
	ModeHMACSHA256        Mode = 3
)

// Valid reports whether m is one of the defined modes.
func (m Mode) Valid() bool { return m >= ModeXChaCha20Poly1305 && m <= ModeHMACSHA256 }

// NonceSize is the size of the nonce that follows the header: 24 for
// XChaCha20-Poly1305, 12 for AES-256-GCM, 0 for HMAC-SHA256.
func (m Mode) NonceSize() int {
	switch m {
	case ModeXChaCha20Poly1305:
		return 24
	case ModeAES256GCM:
		return 12
	}
	return 0
}

// TagSize is the size of the trailing tag: 16 for the AEAD modes, 32 for
// HMAC-SHA256. Tags are never truncated.
func (m Mode) TagSize() int {
	if m == ModeHMACSHA256 {
		return 32
	}
	return 16
}

// String returns the mode's name as used in FORMAT.md and the test vectors.
func (m Mode) String() string {
	switch m {
	case ModeXChaCha20Poly1305:
		return "xchacha20poly1305"
	case ModeAES256GCM:
		return "aes256gcm"
	case ModeHMACSHA256:
		return "hmacsha256"
	}
	return fmt.Sprintf("mode(%d)", uint8(m))
}

// Flags are the header flag bits. Bits not defined here must be zero.
type Flags uint8

// Flag bits.
const (
	FlagCompressed Flags = 1 << 0 // the payload was zlib-compressed
	FlagPadded     Flags = 1 << 1 // the payload carries ISO/IEC 7816-4 padding
	knownFlags           = FlagCompressed | FlagPadded
)

// Header is the fixed part of an envelope. Times are unsigned 32-bit Unix
// seconds (1970-01-01 to 2106-02-07T06:28:15Z).
type Header struct {
	Mode      Mode
	Flags     Flags
	KeyID     uint32
	SessionID [16]byte
	Created   uint32
	Issued    uint32
	Expires   uint32
}

// Envelope is a parsed envelope. Nonce, Body and Tag alias the parsed input.
type Envelope struct {
	Header Header
	// Raw is the 35 header bytes exactly as received; they are authenticated.
	Raw   []byte
	Nonce []byte
	Body  []byte
	Tag   []byte
}

// ParseError describes why bytes are not a well-formed envelope. It names the
// field and its offset, never anything secret.
type ParseError struct {
	Field  string // "version", "mode", "flags", "length"
	Offset int
	Reason string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("envelope: %s at offset %d: %s", e.Field, e.Offset, e.Reason)
}

// Parse splits b into header, nonce, body and tag. It checks the version,
// that the mode is defined, that no unknown flag is set and that b is long
// enough for the mode's nonce and tag. It does not authenticate anything.
func Parse(b []byte) (Envelope, error) {
	if len(b) < 1 {
		return Envelope{}, &ParseError{"length", 0, "empty"}
	}
	if b[0] != Version {
		return Envelope{}, &ParseError{"version", 0, fmt.Sprintf("unknown version %d", b[0])}
	}
	if len(b) < HeaderSize {
		return Envelope{}, &ParseError{"length", len(b), fmt.Sprintf("%d bytes, shorter than the %d-byte header", len(b), HeaderSize)}
	}
	h := Header{
		Mode:    Mode(b[1]),
		Flags:   Flags(b[2]),
		KeyID:   binary.BigEndian.Uint32(b[3:7]),
		Created: binary.BigEndian.Uint32(b[7:11]),
		Issued:  binary.BigEndian.Uint32(b[11:15]),
		Expires: binary.BigEndian.Uint32(b[15:19]),
	}
	copy(h.SessionID[:], b[SessionIDOffset:HeaderSize])
	if !h.Mode.Valid() {
		return Envelope{}, &ParseError{"mode", 1, fmt.Sprintf("unknown mode %d", b[1])}
	}
	if h.Flags&^knownFlags != 0 {
		return Envelope{}, &ParseError{"flags", 2, fmt.Sprintf("unknown flag bits %#02x", uint8(h.Flags&^knownFlags))}
	}
	ns, ts := h.Mode.NonceSize(), h.Mode.TagSize()
	if len(b) < HeaderSize+ns+ts {
		return Envelope{}, &ParseError{"length", len(b), fmt.Sprintf("%d bytes, shorter than header, nonce and tag (%d)", len(b), HeaderSize+ns+ts)}
	}
	return Envelope{
		Header: h,
		Raw:    b[:HeaderSize],
		Nonce:  b[HeaderSize : HeaderSize+ns],
		Body:   b[HeaderSize+ns : len(b)-ts],
		Tag:    b[len(b)-ts:],
	}, nil
}

// AppendHeader appends the 35-byte encoding of h to dst.
func AppendHeader(dst []byte, h Header) []byte {
	dst = append(dst, Version, byte(h.Mode), byte(h.Flags))
	dst = binary.BigEndian.AppendUint32(dst, h.KeyID)
	dst = binary.BigEndian.AppendUint32(dst, h.Created)
	dst = binary.BigEndian.AppendUint32(dst, h.Issued)
	dst = binary.BigEndian.AppendUint32(dst, h.Expires)
	dst = append(dst, h.SessionID[:]...)
	return dst
}

// MaxPurpose is the longest purpose string the associated data can carry.
const MaxPurpose = 255

// MaxName is the longest cookie name the associated data can carry.
const MaxName = 65535

// AppendAssociatedData appends the associated data that a tag covers: the raw
// header, then the purpose with a one-byte length, then the cookie name with
// a two-byte big-endian length. Purpose and name are never transmitted; the
// reader supplies its own. The caller checks the length limits
// [MaxPurpose] and [MaxName].
func AppendAssociatedData(dst, rawHeader []byte, purpose, name string) []byte {
	dst = append(dst, rawHeader...)
	dst = append(dst, byte(len(purpose)))
	dst = append(dst, purpose...)
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(name)))
	dst = append(dst, name...)
	return dst
}

// Pad appends ISO/IEC 7816-4 padding to b so that len(b)-start, the length
// of the payload that starts at b[start], becomes a multiple of bucket: one
// 0x80 byte, then zero bytes. bucket must be positive.
func Pad(b []byte, start, bucket int) []byte {
	b = append(b, 0x80)
	for (len(b)-start)%bucket != 0 {
		b = append(b, 0)
	}
	return b
}

// Unpad removes ISO/IEC 7816-4 padding. It reports false when b does not end
// in 0x80 followed only by zero bytes.
func Unpad(b []byte) ([]byte, bool) {
	for i := len(b) - 1; i >= 0; i-- {
		switch b[i] {
		case 0:
			continue
		case 0x80:
			return b[:i], true
		default:
			return nil, false
		}
	}
	return nil, false
}
