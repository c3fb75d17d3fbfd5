// Package pyjson formats numbers and strings exactly as CPython's json
// module does with Flask's settings (ensure_ascii=True, allow_nan=True).
//
// Start with [AppendString] and [AppendFloat]. Every function appends to dst
// and allocates only when dst has to grow.
package pyjson

import (
	"encoding/binary"
	"math"
	"math/bits"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// safe[b] is true for ASCII bytes that CPython's ensure_ascii encoder copies
// unchanged: 0x20..0x7e except '"' and '\\'.
var safe = func() (t [256]bool) {
	for b := 0x20; b < 0x7f; b++ {
		t[b] = b != '"' && b != '\\'
	}
	return t
}()

// lowBits and highBits have the lowest and the highest bit of every byte
// of a word set.
const (
	lowBits  = 0x0101010101010101
	highBits = 0x8080808080808080
)

// unsafeBytes returns highBits set in the bytes of w that are not safe,
// except that bytes above (more significant than) the first unsafe one may
// be marked too: for each test the subtraction sets a byte's high bit when
// the byte is below the bound or equal to the compared byte (the classic
// "has zero byte" test), and its borrow can only mark bytes above one that
// really matched. So the result is zero exactly when all bytes are safe, and
// its lowest set bit is in the first unsafe byte. Bytes with their high bit
// set (0x80 and above) are unsafe anyway, which is why &^ w may drop them
// from the tests and | w adds them back.
func unsafeBytes(w uint64) uint64 {
	below := w - 0x20*lowBits
	quote := (w ^ '"'*lowBits) - lowBits
	backslash := (w ^ '\\'*lowBits) - lowBits
	del := (w ^ 0x7f*lowBits) - lowBits
	return ((below|quote|backslash|del)&^w | w) & highBits
}

// Plain returns the length of the longest prefix of s that [AppendString]
// copies unchanged: printable ASCII other than '"' and '\\'. It tests eight
// bytes at a time, as little-endian words, so that the lowest marked byte
// is the first unsafe one; the last, partial word of s is tested as the
// (already partly tested) last eight bytes, and strings of four to seven
// bytes as their first and last four bytes side by side.
func Plain(s string) int {
	n := len(s)
	switch {
	case n >= 8:
		i := 0
		for ; i+8 <= n; i += 8 {
			if m := unsafeBytes(binary.LittleEndian.Uint64([]byte(s[i : i+8]))); m != 0 {
				return i + bits.TrailingZeros64(m)/8
			}
		}
		if i == n {
			return n
		}
		if m := unsafeBytes(binary.LittleEndian.Uint64([]byte(s[n-8:]))); m != 0 {
			return n - 8 + bits.TrailingZeros64(m)/8
		}
		return n
	case n >= 4:
		w := uint64(binary.LittleEndian.Uint32([]byte(s[:4]))) |
			uint64(binary.LittleEndian.Uint32([]byte(s[n-4:])))<<32
		if unsafeBytes(w) == 0 {
			return n
		}
	}
	i := 0
	for i < n && safe[s[i]] {
		i++
	}
	return i
}

// AppendString appends s as a JSON string literal the way CPython's
// json.dumps(s, ensure_ascii=True) writes it: '"' and '\\' escaped, the short
// escapes \b \t \n \f \r, every other code point below U+0020 or from U+007F
// up as \uXXXX with lowercase hex, code points above U+FFFF as a UTF-16
// surrogate pair. The slash, '<', '>', '&' and the apostrophe are not
// escaped. The result is pure ASCII.
//
// Python strings cannot hold invalid UTF-8; each byte of s that is not part of
// a valid UTF-8 sequence is written as \ufffd (as encoding/json does).
func AppendString(dst []byte, s string) []byte {
	n := Plain(s)
	if n == len(s) {
		// Nothing to escape, as for nearly every key and value.
		dst = append(dst, '"')
		dst = append(dst, s...)
		return append(dst, '"')
	}
	dst = append(dst, '"')
	for {
		dst = append(dst, s[:n]...)
		s = s[n:]
		if s == "" {
			return append(dst, '"')
		}
		if b := s[0]; b < utf8.RuneSelf {
			switch b {
			case '"':
				dst = append(dst, '\\', '"')
			case '\\':
				dst = append(dst, '\\', '\\')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = appendU(dst, rune(b))
			}
			s = s[1:]
		} else {
			r, size := utf8.DecodeRuneInString(s)
			if r >= 0x10000 {
				hi, lo := utf16.EncodeRune(r)
				dst = appendU(dst, hi)
				dst = appendU(dst, lo)
			} else {
				// Covers utf8.RuneError for invalid bytes (size 1): \ufffd.
				dst = appendU(dst, r)
			}
			s = s[size:]
		}
		n = Plain(s)
	}
}

func appendU(dst []byte, r rune) []byte {
	return append(dst, '\\', 'u',
		hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}

// AppendFloat appends f as CPython's repr(float) does, with json's allow_nan
// tokens: NaN, Infinity, -Infinity. Finite values use the shortest digit
// string that round-trips; with E the decimal exponent of the first digit,
// -4 <= E < 16 is written positionally with at least one fractional digit
// ("1.0", "0.0001", "1000000000000000.0", "-0.0"), anything else as
// mantissa "e" sign and at least two exponent digits ("1e+16", "1e-05",
// "1.2345678901234568e+17", "5e-324").
func AppendFloat(dst []byte, f float64) []byte {
	return appendFloat(dst, f, 64)
}

// AppendFloat32 appends f with the shortest digits that identify it as a
// float32 (as encoding/json does), laid out by the rules of [AppendFloat].
// Python reads the text back as the float64 nearest to those digits.
func AppendFloat32(dst []byte, f float32) []byte {
	return appendFloat(dst, float64(f), 32)
}

func appendFloat(dst []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	}
	var scratch [40]byte
	e := strconv.AppendFloat(scratch[:0], f, 'e', -1, bits)
	// e is [-]d[.ddd]e±XX[X]
	neg := false
	if e[0] == '-' {
		neg = true
		e = e[1:]
	}
	epos := len(e) - 1
	for e[epos] != 'e' {
		epos--
	}
	mant, exps := e[:epos], e[epos+1:]
	exp := 0
	for _, c := range exps[1:] {
		exp = exp*10 + int(c-'0')
	}
	if exps[0] == '-' {
		exp = -exp
	}
	if neg {
		dst = append(dst, '-')
	}
	if exp < -4 || exp >= 16 {
		// Scientific: Go's mantissa and exponent already match Python's
		// (no trailing ".0", sign always present, at least two digits).
		dst = append(dst, mant...)
		dst = append(dst, 'e')
		return append(dst, exps...)
	}
	// Collect the significant digits without the decimal point.
	var digs [24]byte
	nd := 0
	for _, c := range mant {
		if c != '.' {
			digs[nd] = c
			nd++
		}
	}
	if exp < 0 {
		dst = append(dst, '0', '.')
		for i := -1; i > exp; i-- {
			dst = append(dst, '0')
		}
		return append(dst, digs[:nd]...)
	}
	// 0 <= exp < 16: integer part has exp+1 digits.
	intLen := exp + 1
	if nd <= intLen {
		dst = append(dst, digs[:nd]...)
		for i := nd; i < intLen; i++ {
			dst = append(dst, '0')
		}
		return append(dst, '.', '0')
	}
	dst = append(dst, digs[:intLen]...)
	dst = append(dst, '.')
	return append(dst, digs[intLen:nd]...)
}

// AppendInt appends i in decimal, as Python's int repr does.
func AppendInt(dst []byte, i int64) []byte {
	return strconv.AppendInt(dst, i, 10)
}
