package cborjson

import (
	"encoding/binary"
	"math"
	"math/big"
	"strconv"
	"unicode/utf8"

	"github.com/cookiecodec/cookiecodec/internal/pyjson"
)

// ToJSON appends the JSON text of data, one binary item with nothing after
// it, to dst and returns the extended slice; on error it returns dst
// unchanged. It accepts exactly what [FromJSON] writes: shortest heads,
// definite lengths, valid UTF-8, map keys that are text strings, bignums
// only for integers beyond 64 bits and without leading zero bytes, float64
// only, NaN only as 0x7ff8000000000000. Anything else is an *Error wrapping
// ErrSyntax, or ErrLimit when data goes beyond lim.
//
// The work is linear in len(data) plus the output, which lim.MaxOutput
// bounds; containers may claim any count, but each item consumes at least one
// byte, so a false count ends at the end of data.
func ToJSON(dst, data []byte, lim Limits) ([]byte, error) {
	r := binReader{data: data, str: string(data), lim: lim, outStart: len(dst)}
	start := len(dst)
	if len(data) == 0 {
		return dst, syntaxError(0, "empty payload")
	}
	out, err := r.item(dst, 0)
	if err == nil && r.pos != len(data) {
		err = syntaxError(r.pos, "data after the first item")
	}
	if err != nil {
		return dst[:start], err
	}
	return out, nil
}

type binReader struct {
	data     []byte
	str      string // data as a string, for package pyjson
	pos      int
	lim      Limits
	outStart int
}

// head reads an initial byte and its argument. For major type 7 it returns
// the additional information as the argument without reading further.
func (r *binReader) head() (major byte, arg uint64, err error) {
	if r.pos >= len(r.data) {
		return 0, 0, syntaxError(r.pos, "unexpected end of payload")
	}
	ib := r.data[r.pos]
	r.pos++
	major, ai := ib&0xe0, ib&0x1f
	if major == majorSimple || ai < 24 {
		return major, uint64(ai), nil
	}
	return r.longHead(major, ai)
}

// longHead reads the argument bytes of a head whose initial byte, already
// consumed, has additional information ai >= 24.
func (r *binReader) longHead(major, ai byte) (byte, uint64, error) {
	at := r.pos - 1
	arg, next, problem := longArg(r.data, r.pos, ai)
	switch problem {
	case "reserved":
		return 0, 0, syntaxError(at, "indefinite length or reserved head")
	case "truncated":
		return 0, 0, syntaxError(r.pos, "unexpected end of payload")
	case "long":
		return 0, 0, syntaxError(at, "head not in its shortest form")
	}
	r.pos = next
	return major, arg, nil
}

func (r *binReader) checkOutput(dst []byte) error {
	if len(dst)-r.outStart > r.lim.MaxOutput {
		return limitError(r.pos, "JSON text too long")
	}
	return nil
}

// item converts one item and everything inside it.
func (r *binReader) item(dst []byte, depth int) ([]byte, error) {
	at := r.pos
	major, arg, err := r.head()
	if err != nil {
		return dst, err
	}
	switch major {
	case majorUint:
		dst = strconv.AppendUint(dst, arg, 10)
	case majorNeg:
		dst = appendNegative(dst, arg)
	case majorText:
		if dst, err = r.text(dst, at, arg); err != nil {
			return dst, err
		}
	case majorArray, majorMap:
		return r.container(dst, depth, at, major, arg)
	case majorTag:
		if dst, err = r.bignum(dst, at, arg); err != nil {
			return dst, err
		}
	case majorSimple:
		if dst, err = r.simple(dst, at, arg); err != nil {
			return dst, err
		}
	default: // majorBytes outside a bignum
		return dst, syntaxError(at, "byte string outside a bignum")
	}
	return dst, r.checkOutput(dst)
}

// appendNegative appends the integer -1-arg.
func appendNegative(dst []byte, arg uint64) []byte {
	if arg == math.MaxUint64 {
		return append(dst, "-18446744073709551616"...)
	}
	dst = append(dst, '-')
	return strconv.AppendUint(dst, arg+1, 10)
}

func (r *binReader) container(dst []byte, depth, at int, major byte, n uint64) ([]byte, error) {
	if depth >= r.lim.MaxDepth {
		return dst, limitError(at, "nesting too deep")
	}
	perItem := uint64(1)
	open, closing := byte('['), byte(']')
	if major == majorMap {
		perItem, open, closing = 2, '{', '}'
	}
	if n > uint64(len(r.data)-r.pos)/perItem {
		return dst, syntaxError(at, "count larger than the payload")
	}
	dst = append(dst, open)
	for i := uint64(0); i < n; i++ {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if major == majorMap {
			kat := r.pos
			km, klen, err := r.head()
			if err != nil {
				return dst, err
			}
			if km != majorText {
				return dst, syntaxError(kat, "map key is not a text string")
			}
			if dst, err = r.text(dst, kat, klen); err != nil {
				return dst, err
			}
			dst = append(dst, ':')
		}
		if dst, err = r.item(dst, depth+1); err != nil {
			return dst, err
		}
	}
	dst = append(dst, closing)
	return dst, r.checkOutput(dst)
}

// text appends the text string of n bytes at r.pos as an ASCII JSON string.
func (r *binReader) text(dst []byte, at int, n uint64) ([]byte, error) {
	if n > uint64(len(r.data)-r.pos) {
		return dst, syntaxError(at, "string longer than the payload")
	}
	start := r.pos
	r.pos += int(n)
	if int(n) > r.lim.MaxOutput {
		return dst, limitError(at, "JSON text too long")
	}
	return r.appendJSONString(dst, start, r.pos, at)
}

// appendJSONString writes the string data[from:end] as package serializer
// (and CPython's json with ensure_ascii) writes a string, so that a payload
// converts back to the very text it came from. It rejects invalid UTF-8,
// which pyjson would write as \ufffd.
func (r *binReader) appendJSONString(dst []byte, from, end, at int) ([]byte, error) {
	s := r.str[from:end]
	if pyjson.Plain(s) != len(s) && !utf8.ValidString(s) {
		return dst, syntaxError(at, "invalid UTF-8 in a text string")
	}
	return pyjson.AppendString(dst, s), nil
}

// bignum converts tag 2 or 3 and its byte string.
func (r *binReader) bignum(dst []byte, at int, tag uint64) ([]byte, error) {
	if tag != tagPositiveBignum && tag != tagNegativeBignum {
		return dst, syntaxError(at, "tag other than a bignum")
	}
	bat := r.pos
	major, n, err := r.head()
	if err != nil {
		return dst, err
	}
	if major != majorBytes {
		return dst, syntaxError(bat, "bignum content is not a byte string")
	}
	if n > uint64(len(r.data)-r.pos) {
		return dst, syntaxError(bat, "bignum longer than the payload")
	}
	if n > uint64(r.lim.MaxBignumBytes) {
		return dst, limitError(bat, "bignum too long")
	}
	content := r.data[r.pos : r.pos+int(n)]
	r.pos += int(n)
	// Integers that fit in 64 bits have their own major types.
	if len(content) <= 8 || content[0] == 0 {
		return dst, syntaxError(bat, "bignum not in its shortest form")
	}
	var v big.Int
	v.SetBytes(content)
	if tag == tagNegativeBignum {
		v.Add(&v, big.NewInt(1))
		dst = append(dst, '-')
	}
	return v.Append(dst, 10), nil
}

// simple converts false, true, null and float64.
func (r *binReader) simple(dst []byte, at int, ai uint64) ([]byte, error) {
	switch ai {
	case 20:
		return append(dst, "false"...), nil
	case 21:
		return append(dst, "true"...), nil
	case 22:
		return append(dst, "null"...), nil
	case 27:
		if len(r.data)-r.pos < 8 {
			return dst, syntaxError(r.pos, "unexpected end of payload")
		}
		bits := binary.BigEndian.Uint64(r.data[r.pos:])
		r.pos += 8
		f := math.Float64frombits(bits)
		if f != f && bits != canonicalNaN {
			return dst, syntaxError(at, "NaN not in its canonical form")
		}
		return pyjson.AppendFloat(dst, f), nil
	}
	return dst, syntaxError(at, "simple value other than false, true, null or float64")
}
