// Package boxes puts decoded strings into interface values without one heap
// allocation per string.
//
// Storing a string in an `any` makes Go allocate a 16-byte string header on
// the heap (runtime.convTstring). A decoder that returns map[string]any does
// this once per string value, and in a session with many short strings
// (a cart of items with names and prices) these small allocations are the
// largest single cost after the maps themselves. [Strings] instead writes the
// headers into a chunk shared by the strings of one decode and makes each
// interface point at its element, so a chunk of up to [MaxChunk] strings
// costs one allocation.
//
// # Safety
//
// Building an interface value from its two words relies on the layout of
// Go's empty interface (a type word, then a data word pointing at the
// value), which has been stable since Go 1.4 and which reflect and the
// runtime share. The rules that make it safe here:
//
//   - an element is written once, before its interface is made, and never
//     again, so values stay immutable as the compiler assumes;
//   - a chunk is never shared between two decodes (a [Strings] is reset
//     for every decode), so a value kept from one session never keeps
//     another session's input alive;
//   - an interior pointer keeps the whole chunk alive for the garbage
//     collector, which scans it as the []string it was allocated as.
//
// The cost is retention: a value kept alone keeps its chunk (at most
// MaxChunk*16 bytes) alive, not just its own header. A decoded session is
// almost always kept or dropped as a whole, so this is the right trade.
package boxes

import "unsafe"

// MaxChunk is the most strings one chunk holds (1 KiB of headers).
const MaxChunk = 64

// minChunk is the fewest strings a chunk holds.
const minChunk = 4

// Strings boxes strings for one decode. The zero value is ready to use;
// call [Strings.Reset] before it serves another decode.
type Strings struct {
	chunk []string
}

// eface is the layout of an empty interface value.
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

// stringType is the type word of an interface holding a string.
var stringType = func() unsafe.Pointer {
	var v any = ""
	return (*eface)(unsafe.Pointer(&v)).typ
}()

// Box returns s as an interface value, exactly as any(s) would. left is an
// estimate of the input still to decode, in bytes; when a new chunk is
// needed it holds left/16 strings, between 4 and [MaxChunk] (a string value
// takes at least three bytes of input, usually many more). The empty string
// needs no chunk.
func (b *Strings) Box(s string, left int) any {
	if s == "" {
		return ""
	}
	if len(b.chunk) == cap(b.chunk) {
		b.chunk = make([]string, 0, min(max(left/16, minChunk), MaxChunk))
	}
	b.chunk = append(b.chunk, s)
	e := eface{typ: stringType, data: unsafe.Pointer(&b.chunk[len(b.chunk)-1])}
	return *(*any)(unsafe.Pointer(&e))
}

// Reset forgets the current chunk, which stays alive for as long as the
// values boxed in it are. The next Box starts a new chunk.
func (b *Strings) Reset() { b.chunk = nil }
