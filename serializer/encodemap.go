package serializer

import (
	"slices"
	"strings"

	"github.com/cookiecodec/cookiecodec/internal/keyorder"
	"github.com/cookiecodec/cookiecodec/internal/pyjson"
)

// Map encoding. Flask sorts keys by code point at every level, so on top of
// writing its entries every map costs a gather and a sort. Maps of up to
// smallMap entries, which is every map of a typical session, gather into
// arrays on the stack and sort there by insertion on packed sort keys
// (package internal/keyorder, shared with the native payload's binary
// encoder), comparing whole strings only when two keys share their first
// seven bytes. Larger maps go through the encoder's pairs stack, and their
// order is one sort of plain integers, each a key's first six bytes packed
// above the entry's index (see appendOrder). Sorting is the one part of
// encoding that grows faster than the size: n keys take n log n
// comparisons, which shows in the scaling series' single map of up to 468
// keys, not in sessions.
//
// Lists of records (a cart of items with the same keys) skip even that.
// When two small maps of the same size follow each other at one depth, the
// encoder remembers the sorted keys of the second (a shape), and the next map
// of that size at that depth is first looked up key by key. When every
// remembered key is present, the two key sets are equal (both are n distinct
// strings), so the map is written in the remembered order without iterating
// or sorting it, and its keys are copied as text quoted once. A map with
// other keys costs at most n failed lookups before it is iterated and sorted
// as usual, and becomes the new shape. Maps without a same-sized neighbour,
// such as those of a typical session, cost only a size comparison. Shapes
// live for one Marshal call: nothing is kept between calls.

// smallMap is the largest map sorted in a stack array.
const smallMap = keyorder.Small

// shapeDepths is how many nesting levels remember a shape; maps deeper down
// are always iterated and sorted.
const shapeDepths = 8

// shape holds the sorted keys of the last small map written at one depth.
// A map's values are written at greater depths, so writing them never
// changes the shape that the map is being written with.
type shape struct {
	n    int              // number of keys; 0 when nothing is remembered
	keys [smallMap]string // sorted
	// quoted reports whether short, chunks and lens are built for keys;
	// that happens when a shape is first reused, so maps that are never
	// repeated pay only for remembering the keys.
	quoted bool
	// short reports whether every key as written (`"k0":`, then `,"k1":`
	// and so on) fits in 16 bytes without escapes: then chunks[i] holds
	// key i's text, zero-padded, and lens[i] its length, and the text is
	// copied as one array instead of through append and memmove.
	short  bool
	chunks [smallMap][16]byte
	lens   [smallMap]uint8
}

// remember makes the keys of ents, in the order of order, the shape.
func (sh *shape) remember(ents *[smallMap]kv, order *[smallMap]uint64, n int) {
	for i := range n {
		sh.keys[i] = ents[uint8(order[i])].k
	}
	clear(sh.keys[n:max(n, sh.n)])
	sh.n = n
	sh.quoted = false
}

// quote builds short, chunks and lens for the remembered keys.
func (sh *shape) quote() {
	sh.quoted = true
	sh.short = true
	for i, k := range sh.keys[:sh.n] {
		t := sh.chunks[i][:0]
		if i > 0 {
			t = append(t, ',')
		}
		if len(t)+len(k)+3 > cap(t) || pyjson.Plain(k) != len(k) {
			sh.short = false
			return
		}
		t = append(t, '"')
		t = append(t, k...)
		t = append(t, '"', ':')
		clear(sh.chunks[i][len(t):])
		sh.lens[i] = uint8(len(t))
	}
}

// appendKey appends the text of key i (with its comma and colon) the long
// way; encodeShaped copies short keys as a chunk itself.
func (sh *shape) appendKey(b []byte, i int) []byte {
	if i > 0 {
		b = append(b, ',')
	}
	b = pyjson.AppendString(b, sh.keys[i])
	return append(b, ':')
}

// forget drops the remembered keys, so that a pooled encoder keeps no
// strings of its last value alive.
func (sh *shape) forget() {
	clear(sh.keys[:sh.n])
	sh.n = 0
	sh.quoted = false
}

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
	if d := e.depth; d < shapeDepths && len(m) > 0 {
		sh := &e.shapes[d]
		if sh.n == len(m) {
			if out, ok, err := e.encodeShaped(b, m, sh); ok {
				return out, err
			}
		}
		if e.lastSize[d] == len(m) {
			e.shapesHigh = max(e.shapesHigh, d+1)
			return e.encodeSmallMap(b, m, sh)
		}
		e.lastSize[d] = len(m)
	}
	return e.encodeSmallMap(b, m, nil)
}

// encodeShaped writes m in the key order of sh if m has exactly the keys of
// sh; otherwise it writes nothing and reports false.
func (e *encoder) encodeShaped(b []byte, m map[string]any, sh *shape) ([]byte, bool, error) {
	var vals [smallMap]any
	n := sh.n
	for i, k := range sh.keys[:n] {
		v, ok := m[k]
		if !ok {
			return b, false, nil
		}
		vals[i] = v
	}
	if !sh.quoted {
		sh.quote()
	}
	if err := e.enter(); err != nil {
		return b, true, err
	}
	b = append(b, '{')
	for i := range n {
		if l := len(b); sh.short && cap(b)-l >= 16 {
			// One 16-byte copy; the bytes past the key's text are
			// spare capacity, overwritten by what follows.
			*(*[16]byte)(b[l : l+16]) = sh.chunks[i]
			b = b[:l+int(sh.lens[i])]
		} else {
			b = sh.appendKey(b, i)
		}
		if e.noUserTags {
			// The values of a typical record, without a call to encode.
			switch x := vals[i].(type) {
			case string:
				b = pyjson.AppendString(b, x)
				continue
			case int:
				b = pyjson.AppendInt(b, int64(x))
				continue
			case int64:
				b = pyjson.AppendInt(b, x)
				continue
			}
		}
		var err error
		if b, err = e.encode(b, vals[i]); err != nil {
			return b, true, prependPath(err, keySeg(sh.keys[i]))
		}
	}
	b = append(b, '}')
	e.depth--
	return b, true, nil
}

// encodeSmallMap writes a map of 0 or 2..smallMap entries and, if sh is not
// nil, remembers its keys there. The entries stay in a local array and only
// the packed sort keys move while sorting, so no pointer is written through
// a slice: no GC write barriers on the hot path.
func (e *encoder) encodeSmallMap(b []byte, m map[string]any, sh *shape) ([]byte, error) {
	var ents [smallMap]kv
	var order [smallMap]uint64 // keyorder.Packed of each entry, sorted below
	n := 0
	for k, v := range m {
		ents[n] = kv{k, v}
		order[n] = keyorder.Packed(k, n)
		n++
	}
	// Insertion sort: at most 120 comparisons, nearly all of them one
	// integer comparison.
	keyorder.Sort(order[:n], func(i int) string { return ents[i].k })
	if sh != nil {
		sh.remember(&ents, &order, n)
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
	// The entries stay where they are; their order is sorted on the order
	// stack, which nested maps extend and truncate again (so it is indexed
	// afresh on every step, as it may move when it grows).
	obase := len(e.order)
	e.order = appendOrder(e.order, e.pairs[base:])
	b = append(b, '{')
	for j := range n {
		if j > 0 {
			b = append(b, ',')
		}
		p := e.pairs[base+int(e.order[obase+j])]
		b = pyjson.AppendString(b, p.k)
		b = append(b, ':')
		var err error
		if b, err = e.encode(b, p.v); err != nil {
			e.pairs = e.pairs[:base]
			e.order = e.order[:obase]
			return b, prependPath(err, keySeg(p.k))
		}
	}
	b = append(b, '}')
	e.pairs = e.pairs[:base]
	e.order = e.order[:obase]
	e.depth--
	return b, nil
}

// maxSortedByKey is the most entries appendOrder sorts by packed keys: the
// entry index takes 16 bits of each.
const maxSortedByKey = 1 << 16

// appendOrder appends the indexes of pairs to order in the order of their
// keys. To sort, each index goes in the low 16 bits of a word whose high 48
// bits are the first six bytes of its key, zero-padded, big-endian.
// Different prefixes order their keys (as with keyorder.Packed), so one sort of
// plain integers orders nearly every entry; runs of equal prefixes are then
// ordered by the whole key. Maps of more than maxSortedByKey entries are
// sorted in place by key instead, and their indexes appended in order.
func appendOrder(order []uint64, pairs []kv) []uint64 {
	if len(pairs) > maxSortedByKey {
		slices.SortFunc(pairs, func(a, b kv) int { return strings.Compare(a.k, b.k) })
		for i := range pairs {
			order = append(order, uint64(i))
		}
		return order
	}
	start := len(order)
	for i := range pairs {
		order = append(order, keyPrefix6(pairs[i].k)<<16|uint64(i))
	}
	ord := order[start:]
	slices.Sort(ord)
	for i := 0; i < len(ord); {
		j := i + 1
		for j < len(ord) && ord[j]>>16 == ord[i]>>16 {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(ord[i:j], func(x, y uint64) int {
				return strings.Compare(pairs[uint16(x)].k, pairs[uint16(y)].k)
			})
		}
		i = j
	}
	for i := range ord {
		ord[i] &= 1<<16 - 1 // the index alone
	}
	return order
}

// keyPrefix6 packs the first six bytes of k, zero-padded, big-endian.
func keyPrefix6(k string) uint64 {
	var p uint64
	for j := 0; j < 6 && j < len(k); j++ {
		p |= uint64(k[j]) << (40 - 8*j)
	}
	return p
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
