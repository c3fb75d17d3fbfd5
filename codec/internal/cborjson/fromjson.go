package cborjson

import (
	"math"

	"github.com/cookiecodec/cookiecodec/internal/pyjson"
	"github.com/cookiecodec/cookiecodec/serializer"
	"math/big"
	"strconv"
	"unicode/utf8"
)

// FromJSON appends the binary form of text, one JSON value, to dst and
// returns the extended slice; on error it returns dst unchanged. Whitespace
// between tokens is allowed. lim.MaxDepth bounds the nesting and
// lim.MaxBignumBytes the size of integers beyond 64 bits; MaxOutput is not
// used (the binary form of serializer output is never much longer than the
// text: a float grows from at least 3 characters to 9 bytes).
//
// FromJSON is meant for the text package serializer writes. It checks the
// JSON grammar only as far as the conversion needs: it never panics and
// never writes a value the text does not hold, but it accepts some
// non-JSON number spellings that strconv.ParseFloat reads (such as "1.").
func FromJSON(dst, text []byte, lim Limits) ([]byte, error) {
	r := jsonReader{text: text, asString: string(text), lim: lim}
	start := len(dst)
	out, err := r.value(dst, 0)
	if err == nil {
		r.skipSpace()
		if r.pos != len(text) {
			err = syntaxError(r.pos, "data after the JSON value")
		}
	}
	if err != nil {
		return dst[:start], err
	}
	return out, nil
}

type jsonReader struct {
	text     []byte
	asString string // text as a string, for pyjson.Plain's word-at-a-time scan
	pos      int
	lim      Limits
}

func (r *jsonReader) skipSpace() {
	if r.pos < len(r.text) && r.text[r.pos] > ' ' {
		return // the serializer writes no whitespace
	}
	for r.pos < len(r.text) {
		switch r.text[r.pos] {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return
		}
	}
}

// literal consumes word if the text continues with it.
func (r *jsonReader) literal(word string) bool {
	if len(r.text)-r.pos >= len(word) && string(r.text[r.pos:r.pos+len(word)]) == word {
		r.pos += len(word)
		return true
	}
	return false
}

func (r *jsonReader) value(dst []byte, depth int) ([]byte, error) {
	r.skipSpace()
	if r.pos >= len(r.text) {
		return dst, syntaxError(r.pos, "unexpected end of JSON text")
	}
	switch c := r.text[r.pos]; c {
	case '{':
		return r.container(dst, depth, majorMap, '}')
	case '[':
		return r.container(dst, depth, majorArray, ']')
	case '"':
		return r.str(dst)
	case 't':
		if r.literal("true") {
			return append(dst, simpleTrue), nil
		}
	case 'f':
		if r.literal("false") {
			return append(dst, simpleFalse), nil
		}
	case 'n':
		if r.literal("null") {
			return append(dst, simpleNull), nil
		}
	case 'N':
		if r.literal("NaN") {
			return appendFloat64(dst, math.NaN()), nil
		}
	case 'I':
		if r.literal("Infinity") {
			return appendFloat64(dst, math.Inf(1)), nil
		}
	default:
		if c == '-' && r.literal("-Infinity") {
			return appendFloat64(dst, math.Inf(-1)), nil
		}
		if c == '-' || c >= '0' && c <= '9' {
			return r.number(dst)
		}
	}
	return dst, syntaxError(r.pos, "invalid JSON token")
}

// container converts an object or an array. The count is known only at the
// end, so a one-byte head is reserved and widened afterwards if needed.
func (r *jsonReader) container(dst []byte, depth int, major byte, closing byte) ([]byte, error) {
	if depth >= r.lim.MaxDepth {
		return dst, limitError(r.pos, "nesting too deep")
	}
	r.pos++ // the opening bracket
	head := len(dst)
	dst = append(dst, major)
	var n uint64
	r.skipSpace()
	if r.pos < len(r.text) && r.text[r.pos] == closing {
		r.pos++
		return dst, nil
	}
	for {
		var err error
		if major == majorMap {
			r.skipSpace()
			if r.pos >= len(r.text) || r.text[r.pos] != '"' {
				return dst, syntaxError(r.pos, "object key is not a string")
			}
			if dst, err = r.str(dst); err != nil {
				return dst, err
			}
			r.skipSpace()
			if r.pos >= len(r.text) || r.text[r.pos] != ':' {
				return dst, syntaxError(r.pos, "missing ':' after object key")
			}
			r.pos++
		}
		if dst, err = r.value(dst, depth+1); err != nil {
			return dst, err
		}
		n++
		r.skipSpace()
		if r.pos >= len(r.text) {
			return dst, syntaxError(r.pos, "unexpected end of JSON text")
		}
		c := r.text[r.pos]
		r.pos++
		if c == closing {
			break
		}
		if c != ',' {
			return dst, syntaxError(r.pos-1, "expected ',' or a closing bracket")
		}
	}
	return widenHead(dst, head, major, n), nil
}

// widenHead rewrites the one-byte head at dst[head] for a count of n,
// moving what follows if the head needs more bytes.
func widenHead(dst []byte, head int, major byte, n uint64) []byte {
	extra := headLen(n) - 1
	if extra == 0 {
		dst[head] = major | byte(n)
		return dst
	}
	end := len(dst)
	dst = append(dst, make([]byte, extra)...)
	copy(dst[head+1+extra:], dst[head+1:end])
	appendHead(dst[:head], major, n)
	return dst
}

// str converts the JSON string at r.pos (its opening quote) to a text string.
func (r *jsonReader) str(dst []byte) ([]byte, error) {
	start := r.pos + 1
	i := start + pyjson.Plain(r.asString[start:])
	ascii := true
	for ; i < len(r.text); i++ {
		c := r.text[i]
		if c == '"' || c == '\\' || c < 0x20 {
			break
		}
		if c >= utf8.RuneSelf {
			ascii = false
		}
	}
	if i < len(r.text) && r.text[i] == '"' {
		raw := r.text[start:i]
		if !ascii && !utf8.Valid(raw) {
			return dst, syntaxError(start, "invalid UTF-8 in a string")
		}
		r.pos = i + 1
		dst = appendHead(dst, majorText, uint64(len(raw)))
		return append(dst, raw...), nil
	}
	// Escapes (rare in serializer output: non-ASCII and control
	// characters): the serializer reads the literal, since its reading is
	// what the text means; a lone surrogate becomes U+FFFD, as there.
	end := start
	for end < len(r.text) && r.text[end] != '"' {
		if r.text[end] == '\\' {
			end++
		}
		end++
	}
	if end >= len(r.text) {
		return dst, syntaxError(len(r.text), "unterminated string")
	}
	v, err := stringReader.Unmarshal(r.text[r.pos : end+1])
	str, isString := v.(string)
	if err != nil || !isString {
		return dst, syntaxError(start, "invalid string")
	}
	r.pos = end + 1
	dst = appendHead(dst, majorText, uint64(len(str)))
	return append(dst, str...), nil
}

// stringReader reads escaped string literals.
var stringReader = &serializer.Serializer{}

// number converts an integer or a float.
func (r *jsonReader) number(dst []byte) ([]byte, error) {
	start := r.pos
	isFloat := false
	i := start
	for ; i < len(r.text); i++ {
		c := r.text[i]
		if c >= '0' && c <= '9' || c == '-' || c == '+' {
			continue
		}
		if c == '.' || c == 'e' || c == 'E' {
			isFloat = true
			continue
		}
		break
	}
	tok := r.text[start:i]
	r.pos = i
	if isFloat {
		f, err := strconv.ParseFloat(string(tok), 64)
		if err != nil && !isRangeError(err) {
			return dst, syntaxError(start, "invalid number")
		}
		return appendFloat64(dst, f), nil
	}
	neg := tok[0] == '-'
	digits := tok
	if neg {
		digits = tok[1:]
	}
	if len(digits) == 0 || len(digits) > 1 && digits[0] == '0' {
		return dst, syntaxError(start, "invalid integer")
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return dst, syntaxError(start, "invalid integer")
		}
	}
	if v, err := strconv.ParseUint(string(digits), 10, 64); err == nil {
		switch {
		case !neg:
			return appendHead(dst, majorUint, v), nil
		case v == 0: // "-0" is the integer 0
			return appendHead(dst, majorUint, 0), nil
		default:
			return appendHead(dst, majorNeg, v-1), nil
		}
	}
	return r.bignum(dst, start, digits, neg)
}

// bignum converts an integer that does not fit in 64 bits (or, negative,
// whose magnitude minus one does not).
func (r *jsonReader) bignum(dst []byte, start int, digits []byte, neg bool) ([]byte, error) {
	// Each decimal digit is log2(10) < 3.33 bits; reject before converting.
	if maxDigits := r.lim.MaxBignumBytes * 8 * 100 / 332; len(digits) > maxDigits+1 {
		return dst, limitError(start, "integer too long")
	}
	var v big.Int
	if _, ok := v.SetString(string(digits), 10); !ok {
		return dst, syntaxError(start, "invalid integer")
	}
	tag := uint64(tagPositiveBignum)
	if neg {
		tag = tagNegativeBignum
		v.Sub(&v, big.NewInt(1))
		if v.IsUint64() { // -2^64 itself
			return appendHead(dst, majorNeg, v.Uint64()), nil
		}
	}
	content := v.Bytes()
	if len(content) > r.lim.MaxBignumBytes {
		return dst, limitError(start, "integer too long")
	}
	dst = appendHead(dst, majorTag, tag)
	dst = appendHead(dst, majorBytes, uint64(len(content)))
	return append(dst, content...), nil
}

func isRangeError(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func appendFloat64(dst []byte, f float64) []byte {
	bits := math.Float64bits(f)
	if f != f {
		bits = canonicalNaN
	}
	return append(dst, float64Byte, byte(bits>>56), byte(bits>>48), byte(bits>>40), byte(bits>>32),
		byte(bits>>24), byte(bits>>16), byte(bits>>8), byte(bits))
}
