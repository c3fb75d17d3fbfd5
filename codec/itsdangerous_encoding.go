package codec

import (
	"encoding/base64"
	"encoding/binary"
	"math/bits"
)

// b64 is itsdangerous' encoding: URL-safe alphabet, '=' padding stripped.
var b64 = base64.RawURLEncoding

// b64Decode is the inverse table of the base64url alphabet; 0xff marks
// bytes outside it.
var b64Decode = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for i := range len(alphabet) {
		t[alphabet[i]] = byte(i)
	}
	return t
}()

func isB64URL(c byte) bool { return b64Decode[c] != 0xff }

// decodedLen returns the number of bytes n base64url characters (no
// padding) decode to, and false for a length no encoder produces.
func decodedLen(n int) (int, bool) {
	if n%4 == 1 {
		return 0, false
	}
	return n/4*3 + n%4*6/8, true
}

// appendB64Decode decodes s, which must be canonical unpadded base64url,
// and appends the bytes to dst. Canonical means: only the 64 alphabet
// characters, no '=', and the unused low bits of the last character zero.
// This is stricter than Python's decoder on purpose (see the package doc,
// "Deliberate differences from Flask"): every byte string then has exactly
// one accepted spelling. It works on a string so verifying a cookie does
// not copy it.
func appendB64Decode(dst []byte, s string) ([]byte, bool) {
	n, ok := decodedLen(len(s))
	if !ok {
		return dst, false
	}
	dst = grow(dst, n)
	start := len(dst)
	out := dst[start : start+n]
	i, j := 0, 0
	// Eight characters make six bytes; the 48 bits are gathered in one
	// word and stored with one bounds check.
	for ; i+8 <= len(s); i, j = i+8, j+6 {
		in := s[i : i+8]
		a, b, c, d := b64Decode[in[0]], b64Decode[in[1]], b64Decode[in[2]], b64Decode[in[3]]
		e, f, g, h := b64Decode[in[4]], b64Decode[in[5]], b64Decode[in[6]], b64Decode[in[7]]
		if (a|b|c|d|e|f|g|h)&0xc0 != 0 { // 0xff marks a non-alphabet byte
			return dst, false
		}
		v := uint64(a)<<42 | uint64(b)<<36 | uint64(c)<<30 | uint64(d)<<24 |
			uint64(e)<<18 | uint64(f)<<12 | uint64(g)<<6 | uint64(h)
		o := out[j : j+6]
		o[0], o[1], o[2], o[3], o[4], o[5] = byte(v>>40), byte(v>>32), byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
	}
	if i+4 <= len(s) {
		a, b, c, d := b64Decode[s[i]], b64Decode[s[i+1]], b64Decode[s[i+2]], b64Decode[s[i+3]]
		if (a|b|c|d)&0xc0 != 0 {
			return dst, false
		}
		v := uint32(a)<<18 | uint32(b)<<12 | uint32(c)<<6 | uint32(d)
		o := out[j : j+3]
		o[0], o[1], o[2] = byte(v>>16), byte(v>>8), byte(v)
		i, j = i+4, j+3
	}
	dst = dst[:start+j]
	switch len(s) - i {
	case 2:
		a, b := b64Decode[s[i]], b64Decode[s[i+1]]
		if (a|b)&0xc0 != 0 || b&0x0f != 0 {
			return dst, false
		}
		dst = append(dst, a<<2|b>>4)
	case 3:
		a, b, c := b64Decode[s[i]], b64Decode[s[i+1]], b64Decode[s[i+2]]
		if (a|b|c)&0xc0 != 0 || c&0x03 != 0 {
			return dst, false
		}
		dst = append(dst, a<<2|b>>4, b<<4|c>>2)
	}
	return dst, true
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
	return b64.AppendEncode(dst, be[skip:])
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
