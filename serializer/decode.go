package serializer

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"sync"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/cookiecodec/cookiecodec/internal/boxes"
	"github.com/cookiecodec/cookiecodec/internal/pyjson"
)

// Unmarshal decodes tagged JSON text as Flask's loads does and returns the
// value: map[string]any, []any, string, bool, nil, int64 (or *big.Int beyond
// int64), float64, and for the tags Tuple, []byte, Markup, UUID and
// time.Time. Objects are untagged bottom-up: every object whose only key is
// a registered tag key is replaced by the tag's value.
//
// It accepts what Python's json.loads accepts (JSON whitespace, NaN,
// Infinity, -Infinity, integers of any size up to MaxNumberDigits, duplicate
// keys with the last value winning, keys in any order) and rejects what it
// rejects (raw control characters in strings, invalid UTF-8, trailing data,
// leading zeros, single quotes) with [ErrSyntax]. Input longer than MaxInput
// or number literals longer than MaxNumberDigits give [ErrTooLarge], nesting
// deeper than MaxDepth gives [ErrTooDeep], tags with bad content give
// [ErrBadTag]. The work is linear in the input size.
//
// Decoded strings share one copy of the input, and their string headers
// share a few allocations (see internal/boxes).
func (s *Serializer) Unmarshal(data []byte) (any, error) {
	if err := s.checkInput(len(data)); err != nil {
		return nil, err // before the copy
	}
	return s.unmarshal(string(data))
}

// UnmarshalString is [Serializer.Unmarshal] of text held in a string. The
// decoded strings share text's memory, so no copy of the input is made:
// the caller saves one allocation and copy when it has the text as a
// string already, and the whole of text stays in memory while any decoded
// string does. The limits and errors are Unmarshal's.
func (s *Serializer) UnmarshalString(text string) (any, error) {
	if err := s.checkInput(len(text)); err != nil {
		return nil, err
	}
	return s.unmarshal(text)
}

// checkInput applies MaxInput to an input of n bytes.
func (s *Serializer) checkInput(n int) error {
	if max := s.maxInput(); n > max {
		return &LimitError{What: "input size", Limit: max, Offset: 0}
	}
	return nil
}

// unmarshal decodes text, whose length has been checked.
func (s *Serializer) unmarshal(text string) (any, error) {
	d := decoderPool.Get().(*decoder)
	d.reset(s, text)
	v, err := d.top()
	d.release(err != nil)
	return v, err
}

type decoder struct {
	s         *Serializer
	in        string
	i         int
	depth     int
	maxDepth  int
	maxDigits int
	stack     []any // scratch for array items
	pairs     []kv  // scratch for object entries
	scratch   []byte
	strs      boxes.Strings // string values, boxed in chunks
}

var decoderPool = sync.Pool{New: func() any {
	return &decoder{stack: make([]any, 0, 64), pairs: make([]kv, 0, 32), scratch: make([]byte, 0, 256)}
}}

func (d *decoder) reset(s *Serializer, in string) {
	d.s = s
	d.in = in
	d.i = 0
	d.depth = 0
	d.maxDepth = s.maxDepth()
	d.maxDigits = s.maxDigits()
}

// release returns d to the pool. Arrays and objects clear their part of the
// stacks when they finish; after an error the stacks are cleared here, so
// that the pool never keeps decoded values alive.
func (d *decoder) release(failed bool) {
	d.s = nil
	d.in = ""
	d.strs.Reset()
	if cap(d.stack) > 4096 || cap(d.pairs) > 4096 || cap(d.scratch) > 64<<10 {
		return
	}
	if failed {
		clear(d.stack[:cap(d.stack)])
		clear(d.pairs[:cap(d.pairs)])
	}
	d.stack = d.stack[:0]
	d.pairs = d.pairs[:0]
	decoderPool.Put(d)
}

func (d *decoder) syntax(msg string) error {
	return &SyntaxError{Offset: d.i, Msg: msg}
}

func (d *decoder) top() (any, error) {
	d.ws()
	if d.i >= len(d.in) {
		return nil, d.syntax("unexpected end of input")
	}
	v, err := d.value()
	if err != nil {
		return nil, err
	}
	d.ws()
	if d.i != len(d.in) {
		return nil, d.syntax("extra data after the value")
	}
	return v, nil
}

func (d *decoder) ws() {
	for d.i < len(d.in) {
		switch d.in[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *decoder) literal(word string, v any) (any, error) {
	if len(d.in)-d.i >= len(word) && d.in[d.i:d.i+len(word)] == word {
		d.i += len(word)
		return v, nil
	}
	return nil, d.syntax("invalid value")
}

// Boxed once, so that decoding the tokens does not allocate.
var (
	posInf = any(math.Inf(1))
	negInf = any(math.Inf(-1))
	nan    = any(math.NaN())
)

func (d *decoder) value() (any, error) {
	if d.i >= len(d.in) {
		return nil, d.syntax("unexpected end of input")
	}
	switch c := d.in[d.i]; c {
	case '"':
		s, err := d.str()
		if err != nil {
			return nil, err
		}
		return d.strs.Box(s, len(d.in)-d.i), nil
	case '{':
		return d.object()
	case '[':
		return d.array()
	case 't':
		return d.literal("true", true)
	case 'f':
		return d.literal("false", false)
	case 'n':
		return d.literal("null", nil)
	case 'N':
		return d.literal("NaN", nan)
	case 'I':
		return d.literal("Infinity", posInf)
	case '-':
		if d.i+1 < len(d.in) && d.in[d.i+1] == 'I' {
			d.i++
			v, err := d.literal("Infinity", negInf)
			if err != nil {
				d.i--
			}
			return v, err
		}
		return d.number()
	default:
		if c >= '0' && c <= '9' {
			return d.number()
		}
		return nil, d.syntax("invalid value")
	}
}

func (d *decoder) enter() error {
	d.depth++
	if d.depth > d.maxDepth {
		return &LimitError{What: "depth", Limit: d.maxDepth, Offset: d.i}
	}
	return nil
}

// open enters an array or object at its opening bracket and reports whether
// it is empty (then it is already left again).
func (d *decoder) open(close byte) (empty bool, err error) {
	if err := d.enter(); err != nil {
		return false, err
	}
	d.i++ // '[' or '{'
	d.ws()
	if d.i < len(d.in) && d.in[d.i] == close {
		d.i++
		d.depth--
		return true, nil
	}
	return false, nil
}

// next reads what follows an item: ',' (done false) or the closing bracket
// (done true).
func (d *decoder) next(close byte) (done bool, err error) {
	d.ws()
	if d.i >= len(d.in) {
		return false, d.syntax("unexpected end of input")
	}
	switch d.in[d.i] {
	case ',':
		d.i++
		return false, nil
	case close:
		d.i++
		return true, nil
	}
	return false, d.syntax("expected ',' or '" + string(close) + "'")
}

// smallArray is how many items an array collects in a local array before
// spilling to the shared stack.
const smallArray = 8

func (d *decoder) array() (any, error) {
	if empty, err := d.open(']'); err != nil || empty {
		if err != nil {
			return nil, err
		}
		return []any{}, nil
	}
	// Items go to a local array first (direct stores to the stack need no
	// GC write barriers), then to d.stack when there are more.
	var local [smallArray]any
	n := 0
	base := len(d.stack)
	for {
		d.ws()
		v, err := d.value()
		if err != nil {
			d.stack = d.stack[:base]
			return nil, err
		}
		switch {
		case n < smallArray:
			local[n] = v
		case n == smallArray:
			d.stack = append(d.stack, local[:]...)
			fallthrough
		default:
			d.stack = append(d.stack, v)
		}
		n++
		done, err := d.next(']')
		if err != nil {
			d.stack = d.stack[:base]
			return nil, err
		}
		if done {
			break
		}
	}
	out := make([]any, n)
	if n <= smallArray {
		copy(out, local[:n])
	} else {
		copy(out, d.stack[base:])
		clear(d.stack[base:])
		d.stack = d.stack[:base]
	}
	d.depth--
	return out, nil
}

// smallObject is how many entries an object collects in a local array
// before spilling to the shared pairs stack.
const smallObject = 8

// object reads an object. Its entries are collected first, so that the map
// is made once at its final size (a map built by assignment grows, and
// rehashes, at 8, 16, 32, ... entries), and a one-entry object that is a
// tag needs no map at all.
func (d *decoder) object() (any, error) {
	if empty, err := d.open('}'); err != nil || empty {
		if err != nil {
			return nil, err
		}
		return map[string]any{}, nil
	}
	// As in array, the first entries go to a local array (direct stores
	// need no GC write barriers), the rest to d.pairs.
	var local [smallObject]kv
	n := 0
	base := len(d.pairs)
	for {
		d.ws()
		if d.i >= len(d.in) || d.in[d.i] != '"' {
			return nil, d.syntax("expected a string key in object")
		}
		k, err := d.str()
		if err != nil {
			return nil, err
		}
		d.ws()
		if d.i >= len(d.in) || d.in[d.i] != ':' {
			return nil, d.syntax("expected ':' after object key")
		}
		d.i++
		d.ws()
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		switch {
		case n < smallObject:
			local[n] = kv{k, v}
		case n == smallObject:
			d.pairs = append(d.pairs, local[:]...)
			fallthrough
		default:
			d.pairs = append(d.pairs, kv{k, v})
		}
		n++
		done, err := d.next('}')
		if err != nil {
			return nil, err
		}
		if done {
			break
		}
	}
	d.depth--
	if n == 1 {
		if d.s.isTagKey(local[0].k) {
			return d.untag(local[0].k, local[0].v)
		}
		return map[string]any{local[0].k: local[0].v}, nil
	}
	m := make(map[string]any, n)
	if n <= smallObject {
		for i := range n {
			m[local[i].k] = local[i].v
		}
	} else {
		for _, p := range d.pairs[base:] {
			m[p.k] = p.v
		}
		clear(d.pairs[base:])
		d.pairs = d.pairs[:base]
	}
	if len(m) == 1 {
		// Duplicate keys collapse to the last value, as in a Python dict.
		for k, v := range m {
			if d.s.isTagKey(k) {
				return d.untag(k, v)
			}
		}
	}
	return m, nil
}

func (d *decoder) untag(k string, v any) (any, error) {
	out, err := d.s.untag(k, v)
	if err != nil {
		return nil, &TagError{Key: k, Offset: d.i, Err: err}
	}
	return out, nil
}

// str reads a string literal. Strings without escapes are substrings of the
// input.
func (d *decoder) str() (string, error) {
	in := d.in
	start := d.i + 1 // after the opening quote
	i := start
	for {
		// Printable ASCII other than '"' and '\\' needs no checks;
		// pyjson.Plain skips it eight bytes at a time.
		i += pyjson.Plain(in[i:])
		if i >= len(in) {
			d.i = i
			return "", d.syntax("unterminated string")
		}
		switch c := in[i]; {
		case c == '"':
			d.i = i + 1
			return in[start:i], nil
		case c == '\\':
			d.i = i
			return d.strEscaped(start)
		case c < 0x20:
			d.i = i
			return "", d.syntax("invalid control character in string")
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(in[i:])
			if r == utf8.RuneError && size == 1 {
				d.i = i
				return "", d.syntax("invalid UTF-8")
			}
			i += size
		default: // DEL, which JSON allows unescaped
			i++
		}
	}
}

// strEscaped continues a string from start that has an escape at d.i.
// Lone surrogate escapes (\ud800 alone), which Python keeps, become U+FFFD:
// a Go string cannot hold them as valid UTF-8.
func (d *decoder) strEscaped(start int) (string, error) {
	in := d.in
	b := append(d.scratch[:0], in[start:d.i]...)
	for d.i < len(in) {
		c := in[d.i]
		switch {
		case c == '"':
			d.i++
			d.scratch = b
			return string(b), nil
		case c == '\\':
			if d.i+1 >= len(in) {
				return "", d.syntax("unterminated string")
			}
			e := in[d.i+1]
			d.i += 2
			switch e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, ok := d.hex4()
				if !ok {
					return "", d.syntax("invalid \\u escape")
				}
				if utf16.IsSurrogate(r) {
					r2 := rune(-1)
					if r < 0xdc00 && d.i+1 < len(in) && in[d.i] == '\\' && in[d.i+1] == 'u' {
						save := d.i
						d.i += 2
						if lo, ok := d.hex4(); ok && lo >= 0xdc00 && lo < 0xe000 {
							r2 = lo
						} else {
							d.i = save
						}
					}
					if r2 >= 0 {
						r = utf16.DecodeRune(r, r2)
					} else {
						r = utf8.RuneError
					}
				}
				b = utf8.AppendRune(b, r)
			default:
				d.i--
				return "", d.syntax("invalid escape")
			}
		case c < 0x20:
			return "", d.syntax("invalid control character in string")
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(in[d.i:])
			if r == utf8.RuneError && size == 1 {
				return "", d.syntax("invalid UTF-8")
			}
			b = append(b, in[d.i:d.i+size]...)
			d.i += size
		default:
			b = append(b, c)
			d.i++
		}
	}
	d.scratch = b
	return "", d.syntax("unterminated string")
}

func (d *decoder) hex4() (rune, bool) {
	if d.i+4 > len(d.in) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(d.in[d.i : d.i+4]) {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	d.i += 4
	return r, true
}

// number reads -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)? as Python's
// json scanner does: with '.', 'e' or 'E' it is a float64 (overflow gives
// ±Inf as in Python), otherwise an int64, or a *big.Int beyond int64.
func (d *decoder) number() (any, error) {
	in := d.in
	start := d.i
	if in[d.i] == '-' {
		d.i++
	}
	digits := 0
	if d.i < len(in) && in[d.i] == '0' {
		d.i++
		digits++
	} else {
		for d.i < len(in) && in[d.i] >= '0' && in[d.i] <= '9' {
			d.i++
			digits++
		}
		if digits == 0 {
			return nil, d.syntax("invalid number")
		}
	}
	isFloat := false
	if d.i+1 < len(in) && in[d.i] == '.' && in[d.i+1] >= '0' && in[d.i+1] <= '9' {
		isFloat = true
		d.i++
		for d.i < len(in) && in[d.i] >= '0' && in[d.i] <= '9' {
			d.i++
			digits++
		}
	}
	if d.i < len(in) && (in[d.i] == 'e' || in[d.i] == 'E') {
		j := d.i + 1
		if j < len(in) && (in[j] == '+' || in[j] == '-') {
			j++
		}
		if j < len(in) && in[j] >= '0' && in[j] <= '9' {
			isFloat = true
			for j < len(in) && in[j] >= '0' && in[j] <= '9' {
				j++
				digits++
			}
			d.i = j
		}
	}
	if digits > d.maxDigits {
		return nil, &LimitError{What: "number length", Limit: d.maxDigits, Offset: start}
	}
	lit := in[start:d.i]
	if isFloat {
		f, err := strconv.ParseFloat(lit, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return nil, &SyntaxError{Offset: start, Msg: "invalid number"}
		}
		return f, nil
	}
	if digits <= 18 {
		var n int64
		for _, c := range []byte(lit) {
			if c != '-' {
				n = n*10 + int64(c-'0')
			}
		}
		if lit[0] == '-' {
			n = -n
		}
		return n, nil
	}
	if n, err := strconv.ParseInt(lit, 10, 64); err == nil {
		return n, nil
	}
	z, ok := new(big.Int).SetString(lit, 10)
	if !ok {
		return nil, &SyntaxError{Offset: start, Msg: "invalid number"}
	}
	return z, nil
}

// untag converts the content v of a one-key object with tag key k.
func (s *Serializer) untag(k string, v any) (any, error) {
	switch k {
	case " di":
		m, ok := v.(map[string]any)
		if !ok || len(m) != 1 {
			return nil, errors.New("content must be an object with exactly one key")
		}
		for ek, ev := range m {
			if len(ek) < 2 || ek[len(ek)-2:] != "__" {
				return nil, errors.New(`escaped key must end with "__"`)
			}
			return map[string]any{ek[:len(ek)-2]: ev}, nil
		}
	case " t":
		l, ok := v.([]any)
		if !ok {
			return nil, errors.New("content must be an array")
		}
		return Tuple(l), nil
	case " b":
		str, ok := v.(string)
		if !ok {
			return nil, errors.New("content must be a string")
		}
		b, err := base64.StdEncoding.DecodeString(str)
		if err != nil {
			return nil, fmt.Errorf("content is not padded standard base64: %w", err)
		}
		return b, nil
	case " m":
		str, ok := v.(string)
		if !ok {
			return nil, errors.New("content must be a string")
		}
		return Markup(str), nil
	case " u":
		str, ok := v.(string)
		if !ok {
			return nil, errors.New("content must be a string")
		}
		u, err := ParseUUID(str)
		if err != nil {
			// Not ParseUUID's error, which quotes the text: a decoded
			// payload may be confidential (the native codec encrypts it),
			// and errors reach logs.
			return nil, errors.New("content is not a UUID (32 hex digits, optionally hyphenated, in braces or after urn:uuid:)")
		}
		return u, nil
	case " d":
		str, ok := v.(string)
		if !ok {
			return nil, errors.New("content must be a string")
		}
		return parseHTTPDate(str)
	case NativeTimeKey:
		str, ok := v.(string)
		if !ok {
			return nil, errors.New("content must be a string")
		}
		t, err := parseNativeTime(str)
		if err != nil {
			return nil, err
		}
		return t, nil
	}
	if t := s.userTag(k); t != nil {
		return t.ToValue(v)
	}
	return nil, errors.New("unknown tag")
}
