// Package cborjson converts JSON text to a compact binary form, a strict
// subset of CBOR (RFC 8949), and back. The native cookie envelope carries
// session payloads in this form: the tagged JSON that package serializer
// writes, minus the quotes, colons, commas and digit strings, is about 20%
// shorter, with no compression and so no length side channel (the binary
// length depends only on the structure and the lengths of the strings, never
// on whether two strings are equal).
//
// The mapping, item by item (codec/FORMAT.md is the normative text):
//
//	JSON                    CBOR
//	object                  map (major type 5), text-string keys, in text order
//	array                   array (major type 4)
//	string                  text string (major type 3), UTF-8
//	integer in [-2^64, 2^64-1]  unsigned or negative integer (major types 0, 1)
//	larger integer          bignum: tag 2 or 3 around a byte string (RFC 8949 §3.4.3)
//	other number, NaN, ±Infinity  float64 (0xfb), NaN as 0x7ff8000000000000
//	true, false, null       simple values 21, 20, 22
//
// Every length and integer uses its shortest encoding, lengths are definite,
// and nothing else of CBOR is allowed, so a value has exactly one binary
// form: [ToJSON] rejects everything [FromJSON] would not write.
//
// [ToJSON] writes ASCII JSON (non-ASCII as \uXXXX escapes, like Python's
// json module), so its output is something package serializer reads exactly
// as it reads its own text. Floats are written with Python's repr, which is
// what the serializer writes, so FromJSON followed by ToJSON reproduces
// serializer output byte for byte.
package cborjson

import (
	"errors"
	"fmt"
)

// Limits bound the work of [ToJSON] on hostile input.
type Limits struct {
	// MaxDepth is the deepest nesting of arrays and maps accepted.
	MaxDepth int
	// MaxOutput is the longest JSON text written, in bytes.
	MaxOutput int
	// MaxBignumBytes is the longest bignum content accepted. 1786 bytes
	// hold every integer of 4300 decimal digits (serializer's limit).
	MaxBignumBytes int
}

// ErrSyntax is wrapped by every error about malformed input, JSON text for
// FromJSON and binary data for ToJSON.
var ErrSyntax = errors.New("cborjson: malformed input")

// ErrLimit is wrapped by errors about input beyond a limit.
var ErrLimit = errors.New("cborjson: limit exceeded")

// Error describes malformed input: what was wrong and where.
type Error struct {
	Offset int    // byte offset in the input
	Msg    string // what was wrong
	limit  bool
}

func (e *Error) Error() string {
	return fmt.Sprintf("cborjson: %s at offset %d", e.Msg, e.Offset)
}

// Unwrap returns ErrLimit for limit errors and ErrSyntax otherwise.
func (e *Error) Unwrap() error {
	if e.limit {
		return ErrLimit
	}
	return ErrSyntax
}

func syntaxError(off int, msg string) error { return &Error{Offset: off, Msg: msg} }

func limitError(off int, msg string) error { return &Error{Offset: off, Msg: msg, limit: true} }

// CBOR major types, shifted into the top three bits of the initial byte.
const (
	majorUint   = 0 << 5
	majorNeg    = 1 << 5
	majorBytes  = 2 << 5
	majorText   = 3 << 5
	majorArray  = 4 << 5
	majorMap    = 5 << 5
	majorTag    = 6 << 5
	majorSimple = 7 << 5
)

// Initial bytes of the simple values and the float64 marker.
const (
	simpleFalse = majorSimple | 20
	simpleTrue  = majorSimple | 21
	simpleNull  = majorSimple | 22
	float64Byte = majorSimple | 27
)

// Tags of the bignums.
const (
	tagPositiveBignum = 2
	tagNegativeBignum = 3
)

// canonicalNaN is the only NaN bit pattern written and accepted.
const canonicalNaN = 0x7ff8000000000000

// appendHead appends an initial byte of major type major with argument n in
// its shortest form.
func appendHead(dst []byte, major byte, n uint64) []byte {
	switch {
	case n < 24:
		return append(dst, major|byte(n))
	case n <= 0xff:
		return append(dst, major|24, byte(n))
	case n <= 0xffff:
		return append(dst, major|25, byte(n>>8), byte(n))
	case n <= 0xffffffff:
		return append(dst, major|26, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	default:
		return append(dst, major|27, byte(n>>56), byte(n>>48), byte(n>>40), byte(n>>32),
			byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
}

// longArg reads the argument of a head with additional information ai >= 24
// from data[pos:]. It returns the argument, the position after it, and a
// reason when the head is reserved or indefinite ("reserved"), data ends
// ("truncated") or the argument would fit a shorter head ("long").
func longArg(data []byte, pos int, ai byte) (arg uint64, next int, problem string) {
	var size int
	var min uint64
	switch ai {
	case 24:
		size, min = 1, 24
	case 25:
		size, min = 2, 0x100
	case 26:
		size, min = 4, 0x10000
	case 27:
		size, min = 8, 0x100000000
	default:
		return 0, pos, "reserved"
	}
	if len(data)-pos < size {
		return 0, pos, "truncated"
	}
	for _, b := range data[pos : pos+size] {
		arg = arg<<8 | uint64(b)
	}
	if arg < min {
		return 0, pos, "long"
	}
	return arg, pos + size, ""
}

// headLen is the length of the head appendHead writes for n.
func headLen(n uint64) int {
	switch {
	case n < 24:
		return 1
	case n <= 0xff:
		return 2
	case n <= 0xffff:
		return 3
	case n <= 0xffffffff:
		return 5
	default:
		return 9
	}
}
