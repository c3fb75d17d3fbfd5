package codec

import (
	"encoding/base64"
	"encoding/binary"
	"math/bits"

	"github.com/cookiecodec/cookiecodec/codec/internal/envelope"
)

// b64 is itsdangerous' encoding: URL-safe alphabet, '=' padding stripped.
var b64 = base64.RawURLEncoding

// isB64URL reports whether c is a base64url character.
func isB64URL(c byte) bool { return envelope.IsAlphabet(c) }

// appendB64Decode decodes s, which must be canonical unpadded base64url,
// and appends the bytes to dst. Canonical means: only the 64 alphabet
// characters, no '=', and the unused low bits of the last character zero.
// This is stricter than Python's decoder on purpose (see the package doc,
// "Deliberate differences from Flask"): every byte string then has exactly
// one accepted spelling. It works on a string so verifying a cookie does
// not copy it.
//
// It is the native envelope's decoder ([envelope.AppendDecode]), so both
// formats share one implementation.
func appendB64Decode(dst []byte, s string) ([]byte, bool) {
	return envelope.AppendDecode(dst, s)
}

// grow makes room for n more bytes in dst.
func grow(dst []byte, n int) []byte {
	if cap(dst)-len(dst) < n {
		nd := make([]byte, len(dst), len(dst)+n)
		copy(nd, dst)
		dst = nd
	}
	return dst
}

// maxTimestampChars is the length of an 8-byte timestamp in base64url.
const maxTimestampChars = 11

// appendTimestamp appends itsdangerous' encoding of ts: 8 bytes big-endian,
// leading zero bytes removed, base64url. Zero is the empty string.
func appendTimestamp(dst []byte, ts uint64) []byte {
	var be [8]byte
	binary.BigEndian.PutUint64(be[:], ts)
	skip := bits.LeadingZeros64(ts) / 8
	return envelope.AppendEncode(dst, be[skip:])
}

// parseTimestamp decodes a timestamp segment: canonical base64url of at
// most 8 bytes, big-endian, leading zero bytes allowed (itsdangerous
// accepts them). The empty segment is 0.
func parseTimestamp(s string) (uint64, bool) {
	if len(s) > maxTimestampChars {
		return 0, false
	}
	var buf [9]byte
	b, ok := appendB64Decode(buf[:0], s)
	if !ok || len(b) > 8 {
		return 0, false
	}
	var ts uint64
	for _, c := range b {
		ts = ts<<8 | uint64(c)
	}
	return ts, true
}
