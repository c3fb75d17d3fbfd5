package serializer

import (
	"encoding/binary"
	"slices"
	"strings"

	"github.com/cookiecodec/cookiecodec/internal/pyjson"
)

// Map encoding. Flask sorts keys by code point at every level, so on top of
// writing its entries every map costs a gather and a sort. Maps of up to
// smallMap entries, which is every map of a typical session, gather into
// arrays on the stack and sort there by insertion on packed sort keys (see
// sortKey), comparing whole strings only when two keys share their first
// seven bytes. Larger maps go through the encoder's pairs stack.

// smallMap is the largest map sorted in a stack array.
const smallMap = 16

// encodeMap writes m with sorted keys, or with the " di" escape when its only
// key is a tag key.
func (e *encoder) encodeMap(b []byte, m map[string]any) ([]byte, error) {
	switch n := len(m); {
	case n == 1:
		for k, v := range m {
			return e.encodeOne(b, k, v)
		}
	case n > smallMap:
		base := len(e.pairs)
		for k, v := range m {
			e.pairs = append(e.pairs, kv{k, v})
		}
		return e.encodePairs(b, base)
	}
	return e.encodeSmallMap(b, m)
}

// encodeSmallMap writes a map of 0 or 2..smallMap entries. The entries stay
// in a local array and only the packed sort keys move while sorting, so no
// pointer is written through a slice: no GC write barriers on the hot path.
func (e *encoder) encodeSmallMap(b []byte, m map[string]any) ([]byte, error) {
	var ents [smallMap]kv
	var order [smallMap]uint64 // sortKey of each entry, sorted below
	n := 0
	for k, v := range m {
		ents[n] = kv{k, v}
		order[n] = sortKey(k, n)
		n++
	}
	// Insertion sort: at most 120 comparisons, nearly all of them one
	// integer comparison.
	for i := 1; i < n; i++ {
		x := order[i]
		j := i
		for ; j > 0; j-- {
			y := order[j-1]
			if x>>8 > y>>8 || x>>8 == y>>8 && ents[uint8(x)].k > ents[uint8(y)].k {
				break
			}
			order[j] = y
		}
		order[j] = x
	}
	if err := e.enter(); err != nil {
		return b, err
	}
	b = append(b, '{')
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		p := &ents[uint8(order[i])]
		b = pyjson.AppendString(b, p.k)
		b = append(b, ':')
		var err error
		if b, err = e.encode(b, p.v); err != nil {
			return b, prependPath(err, keySeg(p.k))
		}
	}
	b = append(b, '}')
	e.depth--
	return b, nil
}

// sortKey packs the first seven bytes of k (zero-padded) above the entry
// index i (< 256). Byte order is code-point order for UTF-8, so for two
// keys whose packed prefixes differ, the smaller prefix belongs to the
// smaller key: either a byte differs, or the shorter key ran out of bytes
// first and is a prefix of the other. Equal prefixes need a full string
// comparison.
func sortKey(k string, i int) uint64 {
	var p uint64
	if len(k) >= 8 {
		p = binary.BigEndian.Uint64([]byte(k[:8])) &^ 0xff
	} else {
		for j := 0; j < len(k); j++ {
			p |= uint64(k[j]) << (56 - 8*j)
		}
	}
	return p | uint64(i)
}

// encodeOne writes a one-entry object, escaping a tag key as Flask's TagDict.
func (e *encoder) encodeOne(b []byte, k string, v any) ([]byte, error) {
	if err := e.enter(); err != nil {
		return b, err
	}
	esc := e.s.isTagKey(k)
	if esc {
		b = append(b, `{" di":`...)
		e.depth++
		if e.depth > e.maxDepth {
			return b, &LimitError{What: "depth", Limit: e.maxDepth, Offset: -1}
		}
		b = append(b, '{')
		b = pyjson.AppendString(b, k+"__")
	} else {
		b = append(b, '{')
		b = pyjson.AppendString(b, k)
	}
	b = append(b, ':')
	var err error
	if b, err = e.encode(b, v); err != nil {
		return b, prependPath(err, keySeg(k))
	}
	b = append(b, '}')
	if esc {
		b = append(b, '}')
		e.depth--
	}
	e.depth--
	return b, nil
}

// encodePairs sorts and writes e.pairs[base:], then pops them.
func (e *encoder) encodePairs(b []byte, base int) ([]byte, error) {
	n := len(e.pairs) - base
	e.pairsHigh = max(e.pairsHigh, len(e.pairs))
	if n == 1 {
		p := e.pairs[base]
		e.pairs = e.pairs[:base]
		return e.encodeOne(b, p.k, p.v)
	}
	if err := e.enter(); err != nil {
		e.pairs = e.pairs[:base]
		return b, err
	}
	slices.SortFunc(e.pairs[base:], func(a, b kv) int { return strings.Compare(a.k, b.k) })
	b = append(b, '{')
	for i := base; i < len(e.pairs); i++ {
		if i > base {
			b = append(b, ',')
		}
		p := e.pairs[i]
		b = pyjson.AppendString(b, p.k)
		b = append(b, ':')
		var err error
		if b, err = e.encode(b, p.v); err != nil {
			e.pairs = e.pairs[:base]
			return b, prependPath(err, keySeg(p.k))
		}
	}
	b = append(b, '}')
	e.pairs = e.pairs[:base]
	e.depth--
	return b, nil
}

// encodeSortedMap writes a map whose values are plain strings or numbers.
func encodeSortedMap[V any](e *encoder, b []byte, m map[string]V) ([]byte, error) {
	base := len(e.pairs)
	for k, v := range m {
		e.pairs = append(e.pairs, kv{k, v})
	}
	if len(m) == 0 {
		if err := e.enter(); err != nil {
			return b, err
		}
		b = append(b, "{}"...)
		e.depth--
		return b, nil
	}
	return e.encodePairs(b, base)
}
