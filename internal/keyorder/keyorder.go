// Package keyorder puts the keys of a small map in code point order, the
// order in which Flask's serializer writes every map and in which the native
// payload's binary form stores them. Both package serializer and the native
// codec's binary encoder use it, so that the two orders cannot drift apart.
//
// The map's entries stay where they are (in an array on the caller's stack);
// only packed sort keys move: each holds a key's first seven bytes above the
// entry's index, so nearly every comparison is one integer comparison and
// whole strings are compared only when two keys share their first seven
// bytes.
package keyorder

import "encoding/binary"

// Small is the largest number of entries Sort is meant for: insertion sort
// takes at most Small*(Small-1)/2 = 120 comparisons. Larger maps are sorted
// another way by the callers. Entry indexes must be below 256 in any case.
const Small = 16

// Packed returns the sort key of map key k, entry i (0 <= i < 256): the
// first seven bytes of k, zero-padded, big-endian, above i in the low byte.
//
// Byte order is code point order for UTF-8, so for two keys whose packed
// prefixes differ, the smaller prefix belongs to the smaller key: either a
// byte differs, or the shorter key ran out of bytes first and is a prefix of
// the other (a zero byte inside a key compares like the padding, which is
// why equal prefixes are always settled by comparing the whole keys).
func Packed(k string, i int) uint64 {
	var p uint64
	if len(k) >= 8 {
		p = binary.BigEndian.Uint64([]byte(k[:8])) &^ 0xff
	} else {
		for j := 0; j < len(k); j++ {
			p |= uint64(k[j]) << (56 - 8*j)
		}
	}
	return p | uint64(uint8(i))
}

// Sort sorts order, the Packed keys of distinct map keys, so that their
// entries come in code point order of the keys. key(i) returns the key of
// entry i; it is called only when two keys share their first seven bytes.
// It is an insertion sort, for at most Small entries.
func Sort(order []uint64, key func(i int) string) {
	for i := 1; i < len(order); i++ {
		x := order[i]
		j := i
		for ; j > 0; j-- {
			y := order[j-1]
			if x>>8 > y>>8 || x>>8 == y>>8 && key(int(uint8(x))) > key(int(uint8(y))) {
				break
			}
			order[j] = y
		}
		order[j] = x
	}
}
