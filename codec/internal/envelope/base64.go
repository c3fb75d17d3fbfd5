package envelope

import "encoding/binary"

// The cookie text is the unpadded base64url encoding (RFC 4648 §5) of the
// envelope. These functions are equivalent to encoding/base64's
// RawURLEncoding.Strict() with two differences that matter for cookies:
// decoding rejects '\r' and '\n' (which encoding/base64 skips), and both
// directions work without an intermediate copy: AppendDecode reads a string
// and AppendEncode uses a 4096-entry table of character pairs, about twice
// as fast as encoding/base64 on cookie-sized inputs.

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// pairs[v] holds the two characters of the 12-bit value v, first character
// in the low byte.
var pairs = func() (t [4096]uint16) {
	for v := range t {
		t[v] = uint16(alphabet[v>>6]) | uint16(alphabet[v&63])<<8
	}
	return t
}()

// values maps a character to its 6-bit value; 0xff marks characters outside
// the alphabet.
var values = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i := range len(alphabet) {
		t[alphabet[i]] = byte(i)
	}
	return t
}()

// EncodedLen returns the length of the unpadded base64url encoding of n
// bytes.
func EncodedLen(n int) int { return n/3*4 + (n%3*8+5)/6 }

// AppendEncode appends the unpadded base64url encoding of src to dst.
func AppendEncode(dst, src []byte) []byte {
	n := EncodedLen(len(src))
	if cap(dst)-len(dst) < n {
		nd := make([]byte, len(dst), len(dst)+n)
		copy(nd, dst)
		dst = nd
	}
	out := dst[len(dst) : len(dst)+n]
	for len(src) >= 3 && len(out) >= 4 {
		v := uint(src[0])<<16 | uint(src[1])<<8 | uint(src[2])
		binary.LittleEndian.PutUint32(out, uint32(pairs[v>>12])|uint32(pairs[v&0xfff])<<16)
		src, out = src[3:], out[4:]
	}
	switch len(src) {
	case 1:
		p := pairs[uint(src[0])<<4]
		out[0], out[1] = byte(p), byte(p>>8)
	case 2:
		v := uint(src[0])<<10 | uint(src[1])<<2
		p := pairs[v>>6]
		out[0], out[1], out[2] = byte(p), byte(p>>8), alphabet[v&63]
	}
	return dst[:len(dst)+n]
}

// AppendDecode appends the bytes that s, unpadded base64url, decodes to. It
// reports false, and appends nothing, unless s is canonical: only the 64
// alphabet characters (no '=', no white space, no line breaks), a length
// that some input encodes to, and zero unused bits in the last character.
// So every byte string has exactly one accepted spelling.
func AppendDecode(dst []byte, s string) ([]byte, bool) {
	if len(s)%4 == 1 {
		return dst, false
	}
	n := len(s)/4*3 + len(s)%4*6/8
	if cap(dst)-len(dst) < n {
		nd := make([]byte, len(dst), len(dst)+n)
		copy(nd, dst)
		dst = nd
	}
	start := len(dst)
	out := dst[start : start+n]
	for len(s) >= 4 && len(out) >= 3 {
		a, b, c, d := values[s[0]], values[s[1]], values[s[2]], values[s[3]]
		if (a|b|c|d)&0xc0 != 0 {
			return dst[:start], false
		}
		v := uint(a)<<18 | uint(b)<<12 | uint(c)<<6 | uint(d)
		out[0], out[1], out[2] = byte(v>>16), byte(v>>8), byte(v)
		s, out = s[4:], out[3:]
	}
	switch len(s) {
	case 2:
		a, b := values[s[0]], values[s[1]]
		if (a|b)&0xc0 != 0 || b&0x0f != 0 || len(out) < 1 {
			return dst[:start], false
		}
		out[0] = a<<2 | b>>4
	case 3:
		a, b, c := values[s[0]], values[s[1]], values[s[2]]
		if (a|b|c)&0xc0 != 0 || c&0x03 != 0 || len(out) < 2 {
			return dst[:start], false
		}
		out[0], out[1] = a<<2|b>>4, b<<4|c>>2
	}
	dst = dst[:start+n]
	return dst, true
}
