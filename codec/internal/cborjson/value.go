package cborjson

import (
	"encoding/binary"
	"math"
	"slices"
	"unicode/utf8"

	"github.com/cookiecodec/cookiecodec/internal/boxes"
	"github.com/cookiecodec/cookiecodec/internal/keyorder"
)

// The direct paths below skip the JSON text for the plain part of the value
// model: nil, bool, string, int, int64, float64, []any and map[string]any.
// They give exactly what the text path gives (package serializer's text
// converted with FromJSON, or ToJSON's text parsed by the serializer), and
// they report ok=false for anything else, so that the caller takes the text
// path, which handles every type, tag and error. Tests check the two paths
// against each other on random values.

// Encoder writes plain values straight to the binary form. The zero value is
// ready; an Encoder keeps a scratch slice between calls and is not safe for
// concurrent use.
type Encoder struct {
	keys []string
}

// AppendValue appends the binary form of v to dst, the bytes that
// FromJSON(serializer.Marshal(v)) gives for a serializer without user tags.
// It returns ok=false, and dst unchanged, when v holds anything outside the
// plain value model, a string that is not valid UTF-8, a one-key map whose
// key starts with a space (a possible tag key, which the serializer
// escapes), or nesting deeper than maxDepth.
func (e *Encoder) AppendValue(dst []byte, v any, maxDepth int) ([]byte, bool) {
	start := len(dst)
	out, ok := e.value(dst, v, 0, maxDepth)
	if !ok {
		return dst[:start], false
	}
	return out, true
}

func (e *Encoder) value(dst []byte, v any, depth, maxDepth int) ([]byte, bool) {
	switch x := v.(type) {
	case nil:
		return append(dst, simpleNull), true
	case string:
		if !utf8.ValidString(x) {
			return dst, false
		}
		dst = appendHead(dst, majorText, uint64(len(x)))
		return append(dst, x...), true
	case bool:
		if x {
			return append(dst, simpleTrue), true
		}
		return append(dst, simpleFalse), true
	case int:
		return appendInt(dst, int64(x)), true
	case int64:
		return appendInt(dst, x), true
	case float64:
		return appendFloat64(dst, x), true
	case []any:
		if depth >= maxDepth {
			return dst, false
		}
		dst = appendHead(dst, majorArray, uint64(len(x)))
		for _, item := range x {
			var ok bool
			if dst, ok = e.value(dst, item, depth+1, maxDepth); !ok {
				return dst, false
			}
		}
		return dst, true
	case map[string]any:
		return e.object(dst, x, depth, maxDepth)
	}
	return dst, false
}

// object writes a map with its keys in code point order (byte order of
// UTF-8), as the serializer does. Maps of up to keyorder.Small entries,
// which is every map of a typical session, are gathered into arrays on the
// stack and sorted there by packed keys; larger ones go through e.keys.
func (e *Encoder) object(dst []byte, m map[string]any, depth, maxDepth int) ([]byte, bool) {
	if depth >= maxDepth {
		return dst, false
	}
	if len(m) <= keyorder.Small {
		return e.smallObject(dst, m, depth, maxDepth)
	}
	base := len(e.keys)
	defer func() { e.keys = e.keys[:base] }()
	for k := range m {
		if !utf8.ValidString(k) {
			return dst, false
		}
		e.keys = append(e.keys, k)
	}
	keys := e.keys[base:]
	slices.Sort(keys)
	dst = appendHead(dst, majorMap, uint64(len(keys)))
	for _, k := range keys {
		dst = appendHead(dst, majorText, uint64(len(k)))
		dst = append(dst, k...)
		var ok bool
		if dst, ok = e.value(dst, m[k], depth+1, maxDepth); !ok {
			return dst, false
		}
	}
	return dst, true
}

// entry is one key and value of a small map.
type entry struct {
	k string
	v any
}

// smallObject is object for a map of at most keyorder.Small entries. The
// entries stay in a local array and only their packed sort keys move, so
// the values need no second lookup in the map after sorting.
func (e *Encoder) smallObject(dst []byte, m map[string]any, depth, maxDepth int) ([]byte, bool) {
	var ents [keyorder.Small]entry
	var order [keyorder.Small]uint64
	n := 0
	for k, v := range m {
		if len(m) == 1 && len(k) > 0 && k[0] == ' ' {
			return dst, false // a possible tag key: the text path escapes it
		}
		if n == len(ents) || !utf8.ValidString(k) {
			return dst, false // n: the map grew while being read (a data race)
		}
		ents[n] = entry{k, v}
		order[n] = keyorder.Packed(k, n)
		n++
	}
	keyorder.Sort(order[:n], func(i int) string { return ents[i].k })
	dst = appendHead(dst, majorMap, uint64(n))
	for _, o := range order[:n] {
		p := &ents[uint8(o)]
		dst = appendHead(dst, majorText, uint64(len(p.k)))
		dst = append(dst, p.k...)
		var ok bool
		if dst, ok = e.value(dst, p.v, depth+1, maxDepth); !ok {
			return dst, false
		}
	}
	return dst, true
}

func appendInt(dst []byte, i int64) []byte {
	if i < 0 {
		return appendHead(dst, majorNeg, uint64(-(i + 1)))
	}
	return appendHead(dst, majorUint, uint64(i))
}

// DecodeValue returns the value that package serializer (without user tags,
// with the limits lim was derived from) reads from ToJSON's text of data. It
// returns ok=false for anything outside the plain value model: a one-key map
// whose key starts with a space (a tag), integers outside int64, bignums,
// input longer than lim.MaxOutput/6, and any input ToJSON would reject or
// that would reach a limit; the caller
// then takes the text path, which decodes or reports the error.
//
// All strings share one copy of data, as the serializer's share one copy of
// its text.
func DecodeValue(data []byte, lim Limits) (any, bool) {
	// Every binary byte becomes at most 6 bytes of text (a control
	// character becomes \u00XX): below that the serializer's input limit
	// cannot be reached.
	if len(data) == 0 || len(data) > lim.MaxOutput/6 {
		return nil, false
	}
	d := valueDecoder{data: data, str: string(data), maxDepth: lim.MaxDepth, items: len(data)}
	v, ok := d.item(0)
	if !ok || d.pos != len(data) {
		return nil, false
	}
	return v, true
}

type valueDecoder struct {
	data     []byte
	str      string // data as a string, for substrings
	pos      int
	maxDepth int
	strs     boxes.Strings // string values, boxed in chunks
	// items is how many more items the arrays and maps may claim. Each
	// item takes at least one byte, so the counts of all the containers of
	// a valid payload add up to at most len(data); charging every count
	// here bounds what the containers preallocate by the input's length.
	// Checking each count only against the bytes left would not: 256
	// nested arrays that each claim all the bytes left would preallocate
	// 256 times 16 bytes per input byte (hundreds of MB for 64 KiB).
	items int
}

// head reads an initial byte and its argument, in the shortest form only.
func (d *valueDecoder) head() (major byte, arg uint64, ok bool) {
	if d.pos >= len(d.data) {
		return 0, 0, false
	}
	ib := d.data[d.pos]
	d.pos++
	major, ai := ib&0xe0, ib&0x1f
	if major == majorSimple || ai < 24 {
		return major, uint64(ai), true
	}
	arg, next, problem := longArg(d.data, d.pos, ai)
	d.pos = next
	return major, arg, problem == ""
}

func (d *valueDecoder) text(n uint64) (string, bool) {
	if n > uint64(len(d.data)-d.pos) {
		return "", false
	}
	s := d.str[d.pos : d.pos+int(n)]
	d.pos += int(n)
	return s, utf8.ValidString(s)
}

func (d *valueDecoder) item(depth int) (any, bool) {
	major, arg, ok := d.head()
	if !ok {
		return nil, false
	}
	switch major {
	case majorUint:
		if arg > math.MaxInt64 {
			return nil, false
		}
		return int64(arg), true
	case majorNeg:
		if arg > math.MaxInt64 {
			return nil, false
		}
		return -1 - int64(arg), true
	case majorText:
		s, ok := d.text(arg)
		if !ok {
			return nil, false
		}
		return d.strs.Box(s, len(d.data)-d.pos), true
	case majorArray:
		if depth >= d.maxDepth || arg > uint64(len(d.data)-d.pos) || arg > uint64(d.items) {
			return nil, false
		}
		d.items -= int(arg)
		out := make([]any, arg)
		for i := range out {
			if out[i], ok = d.item(depth + 1); !ok {
				return nil, false
			}
		}
		return out, true
	case majorMap:
		if depth >= d.maxDepth || arg > uint64(len(d.data)-d.pos)/2 || arg > uint64(d.items)/2 {
			return nil, false
		}
		d.items -= 2 * int(arg) // a key and a value
		m := make(map[string]any, arg)
		for range arg {
			km, kn, ok := d.head()
			if !ok || km != majorText {
				return nil, false
			}
			k, ok := d.text(kn)
			if !ok {
				return nil, false
			}
			if m[k], ok = d.item(depth + 1); !ok {
				return nil, false
			}
		}
		// A map that ends up with one key (duplicates included) may be a
		// tag, which only the serializer resolves.
		if len(m) == 1 {
			for k := range m {
				if len(k) > 0 && k[0] == ' ' {
					return nil, false
				}
			}
		}
		return m, true
	case majorSimple:
		switch arg {
		case 20:
			return false, true
		case 21:
			return true, true
		case 22:
			return nil, true
		case 27:
			if len(d.data)-d.pos < 8 {
				return nil, false
			}
			bits := binary.BigEndian.Uint64(d.data[d.pos:])
			d.pos += 8
			f := math.Float64frombits(bits)
			if f != f {
				// The serializer reads the token NaN as math.NaN().
				return math.NaN(), bits == canonicalNaN
			}
			return f, true
		}
	}
	return nil, false
}
