// Package gobscan checks an encoding/gob stream before encoding/gob decodes
// it, so that a hostile stream cannot make gob allocate or loop by counts
// the stream does not hold, as far as the stream alone can tell (see the
// end of this comment for what it cannot).
//
// encoding/gob sizes a map by the count the data claims before it reads
// one entry (reflect.MakeMapWithSize), so 51 bytes claiming 2^24 entries
// allocate 1.3 GB and 2^30 exhausts memory; when it skips a field, it loops
// over a map's claimed entries even when they take no bytes. Gorilla
// session cookies are gob, and after their MAC they are trusted, so a
// leaked old key would let anyone crash a server that still reads them.
//
// [Check] walks the stream the way encoding/gob's Decoder reads it (its
// message framing, type definitions, and values by their wire types) and
// refuses it when:
//   - a map, slice or array claims more elements than bytes remain in the
//     stream, or an element takes no bytes (every value a gob Encoder
//     writes takes at least one);
//   - values nest deeper than [MaxDepth];
//   - a type definition is malformed, defines a reserved or known id, or
//     has more than one kind;
//   - a type id does not fit gob's 32 bits (gob would truncate it), or a
//     value uses one that is neither basic nor defined;
//   - an interface value inside a struct has a byte count that differs
//     from the bytes its value takes, defines a type inside its value, or
//     is nil. gob skips such a value by its byte count when the local
//     struct lacks the field, and walks it otherwise; these rules make both
//     readings end at the same byte, so the walk checked what gob will
//     read. A nil interface value cannot meet them: gob reads it as one
//     byte, but when skipping it reads a type id and a count after that
//     byte and skips by the count.
//
// Two shapes of gob's own Encoder output are therefore refused, both under
// a struct field of a registered type: a nil inside a map, slice or array
// of interface values (a nil interface field itself is not sent); and an
// interface value holding another whose type the stream has not defined
// yet (its byte count then covers only part of it). The readers of this
// module refuse such a gorilla cookie as a bad payload, and its user logs
// in again.
//
// It also refuses a struct type with two fields of one name, or a field
// without one: gob matches wire fields to the destination's by name, and
// reads every field of one local type with the decoder it built for the
// first, whatever wire type the others have.
//
// A stream that passes holds, in every count, no more elements than it has
// bytes. Check itself takes time and memory linear in the stream.
//
// What Check cannot see: gob's reading also depends on the destination's
// types, which a stream does not carry. Within one struct, gob reuses the
// decoder it built for a local type on every field of that type; a
// stream crafted to give two such fields (say Home and Work, both an
// Address) two different wire types is read by gob with the first one's,
// which Check did not walk, and can again claim any count. gob's own
// Encoder never writes that (one Go type, one wire type), so only a
// stream made by someone who holds the MAC key can; they can also forge
// any session. Gob's costs also scale with the destination: an element
// of a registered type of 64 KB costs 64 KB per byte of stream, and a
// struct whose many skipped fields each nest slices costs gob time and
// memory quadratic in the stream (a few MB at 4 KB). Check bounds the
// stream's own claims, not these: retire the old keys when a migration
// is over.
//
// Check does not check what gob checks against the destination's types
// (registration, compatibility), nor anything after the first value, which
// gob's Decoder.Decode does not read.
//
// [Walk] reads a stream Check accepts into generic values without
// encoding/gob, so without its registry of interface types: a program can
// show what a stream holds of types it does not have.
package gobscan

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"math"
)

// MaxDepth is the deepest nesting of values [Check] accepts, the limit
// encoding/gob itself puts on values it skips. An interface value and the
// value in it are two levels.
const MaxDepth = 10000

// Error is why [Check] refused a stream: Offset is the byte of the stream
// where the fault was found.
type Error struct {
	Offset int
	Reason string
}

func (e *Error) Error() string {
	return fmt.Sprintf("gob stream, byte %d: %s", e.Offset, e.Reason)
}

// The type ids encoding/gob predefines for values, and the first id it
// grants to a stream's own types.
const (
	idBool      = 1
	idInt       = 2
	idUint      = 3
	idFloat     = 4
	idBytes     = 5
	idString    = 6
	idComplex   = 7
	idInterface = 8
	firstUserID = 64
)

// maxTypeName is the longest interface type name encoding/gob reads.
const maxTypeName = 1024

// kind is what a stream's type definition defines: the fields of gob's
// wireType, in their order.
type kind int

const (
	kindArray kind = iota
	kindSlice
	kindStruct
	kindMap
	kindGobEncoder
	kindBinaryMarshaler
	kindTextMarshaler
	kinds // the number of wireType fields
)

// wireType is what Check keeps of a type definition.
type wireType struct {
	kind      kind
	elem, key int64    // element and key type ids (arrays, slices, maps)
	length    int64    // array length
	fields    []int64  // struct field type ids, by field number
	name      string   // the type's name (CommonType.Name), for Walk
	names     []string // struct field names, by field number, for Walk
}

type scanner struct {
	size     int    // the length of the whole stream
	buf      []byte // the unread rest of the current message
	rest     []byte // the messages after it
	types    map[int64]*wireType
	depth    int // values being read
	inStruct int // structs being read
	defined  int // type definitions read so far
}

// Check reports whether data is a gob stream whose first value encoding/gob
// can read without trusting a count the stream does not hold; see the
// package documentation. It returns nil or an *[Error].
func Check(data []byte) error {
	s := &scanner{size: len(data), rest: data, types: map[int64]*wireType{}}
	id, err := s.typeSequence(false)
	if err != nil {
		return err
	}
	return s.message(id)
}

// Decode decodes the first value of the gob stream data into dst, as
// gob.NewDecoder(bytes.NewReader(data)).Decode(dst) does, once [Check]
// accepts it. A panic in gob (a map key of a slice or map type: "hash of
// unhashable type") is returned as an error. Errors are Check's *[Error],
// gob's, or the panic's.
func Decode(data []byte, dst any) (err error) {
	if err := Check(data); err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("gob panicked: %v", p)
		}
	}()
	return gob.NewDecoder(bytes.NewReader(data)).Decode(dst)
}

func (s *scanner) offset() int { return s.size - len(s.rest) - len(s.buf) }

func (s *scanner) remaining() int { return len(s.buf) + len(s.rest) }

func (s *scanner) fail(format string, args ...any) error {
	return &Error{Offset: s.offset(), Reason: fmt.Sprintf(format, args...)}
}

// readUint reads one of gob's unsigned integers from the front of *p: a
// byte below 0x80 is the value; otherwise its negation is the number (at
// most 8) of big-endian bytes that follow.
func readUint(p *[]byte) (uint64, bool) {
	b := *p
	if len(b) == 0 {
		return 0, false
	}
	if b[0] <= 0x7f {
		*p = b[1:]
		return uint64(b[0]), true
	}
	n := -int(int8(b[0]))
	if n > 8 || len(b)-1 < n {
		return 0, false
	}
	var x uint64
	for _, c := range b[1 : 1+n] {
		x = x<<8 | uint64(c)
	}
	*p = b[1+n:]
	return x, true
}

func (s *scanner) uint() (uint64, error) {
	x, ok := readUint(&s.buf)
	if !ok {
		return 0, s.fail("bad or missing unsigned integer")
	}
	return x, nil
}

// int reads a signed integer: the low bit of the unsigned one is the sign,
// and the value is complemented when it is set.
func (s *scanner) int() (int64, error) {
	x, err := s.uint()
	if x&1 != 0 {
		return ^int64(x >> 1), err
	}
	return int64(x >> 1), err
}

// typeID reads a type id: gob keeps it in an int32 and truncates what does
// not fit, so such an id is refused (it would mean one type to Check and
// another to gob).
func (s *scanner) typeID() (int64, error) {
	id, err := s.int()
	if err == nil && (id <= math.MinInt32 || id > math.MaxInt32) {
		return 0, s.fail("type id %d does not fit 32 bits", id)
	}
	return id, err
}

// bytes skips a string, a []byte or a GobEncoder's data: a count, then that
// many bytes of the current message.
func (s *scanner) bytes() error {
	_, err := s.str()
	return err
}

// str reads what bytes skips and returns it.
func (s *scanner) str() ([]byte, error) {
	n, err := s.uint()
	if err != nil {
		return nil, err
	}
	if n > uint64(len(s.buf)) {
		return nil, s.fail("%d bytes claimed, %d left in the message", n, len(s.buf))
	}
	b := s.buf[:n]
	s.buf = s.buf[n:]
	return b, nil
}

// nextMessage makes the next message of the stream the current one.
func (s *scanner) nextMessage() error {
	n, ok := readUint(&s.rest)
	if !ok {
		return s.fail("bad or missing message length")
	}
	if n > uint64(len(s.rest)) {
		return s.fail("message of %d bytes, %d left in the stream", n, len(s.rest))
	}
	s.buf, s.rest = s.rest[:n], s.rest[n:]
	return nil
}

// typeSequence reads type definitions until a value's type id, as gob's
// Decoder.decodeTypeSequence does: it moves to the next message whenever
// the current one ends, and within an interface value it skips the count
// that follows a definition.
func (s *scanner) typeSequence(inInterface bool) (int64, error) {
	for {
		if len(s.buf) == 0 {
			if err := s.nextMessage(); err != nil {
				return 0, err
			}
		}
		id, err := s.typeID()
		if err != nil {
			return 0, err
		}
		if id >= 0 {
			return id, nil
		}
		if err := s.defineType(-id); err != nil {
			return 0, err
		}
		if len(s.buf) > 0 {
			if !inInterface {
				return 0, s.fail("data after a type definition")
			}
			if _, err := s.uint(); err != nil {
				return 0, err
			}
		}
	}
}

// fields reads the field numbers of a struct value of n fields as gob
// does: each is a positive delta from the one before, and the value ends
// at a zero delta or at the end of the message. read reads each field.
func (s *scanner) fields(n int, read func(field int) error) error {
	field := -1
	for len(s.buf) > 0 {
		delta, err := s.uint()
		if err != nil {
			return err
		}
		if delta == 0 {
			return nil
		}
		if delta > uint64(n-1-field) {
			return s.fail("field number out of range")
		}
		field += int(delta)
		if err := read(field); err != nil {
			return err
		}
	}
	return nil
}

// count reads the element count of a map, slice or array. Every element a
// gob Encoder writes takes a byte or more, so a count above the bytes left
// is a lie.
func (s *scanner) count() (uint64, error) {
	n, err := s.uint()
	if err != nil {
		return 0, err
	}
	if n > uint64(s.remaining()) {
		return 0, s.fail("%d elements claimed, %d bytes left in the stream", n, s.remaining())
	}
	return n, nil
}

// defineType reads the definition of type id: gob's wireType, a struct of
// seven pointers of which exactly one is set.
func (s *scanner) defineType(id int64) error {
	if id < firstUserID || id > math.MaxInt32 || s.types[id] != nil {
		return s.fail("type id %d is reserved or defined twice", id)
	}
	s.defined++
	t := &wireType{kind: kinds}
	set := 0
	// commonType is gob's CommonType: Name string, Id int.
	commonType := func() error {
		return s.fields(2, func(f int) error {
			if f == 0 {
				name, err := s.str()
				t.name = string(name)
				return err
			}
			_, err := s.int()
			return err
		})
	}
	typeIDs := func(ids ...*int64) func(f int) error {
		return func(f int) error {
			if f == 0 {
				return commonType()
			}
			var err error
			*ids[f-1], err = s.int()
			return err
		}
	}
	err := s.fields(int(kinds), func(f int) error {
		set++
		t.kind = kind(f)
		switch t.kind {
		case kindArray: // arrayType: CommonType, Elem, Len
			return s.fields(3, typeIDs(&t.elem, &t.length))
		case kindSlice: // sliceType: CommonType, Elem
			return s.fields(2, typeIDs(&t.elem))
		case kindMap: // mapType: CommonType, Key, Elem
			return s.fields(3, typeIDs(&t.key, &t.elem))
		case kindStruct: // structType: CommonType, Field []fieldType
			return s.fields(2, func(f int) error {
				if f == 0 {
					return commonType()
				}
				n, err := s.count()
				if err != nil {
					return err
				}
				t.fields = make([]int64, n)
				t.names = make([]string, n)
				names := make(map[string]bool, n)
				for i := range t.fields {
					// fieldType: Name string, Id int.
					var name []byte
					err := s.fields(2, func(f int) error {
						if f == 0 {
							var err error
							name, err = s.str()
							return err
						}
						var err error
						t.fields[i], err = s.int()
						return err
					})
					if err != nil {
						return err
					}
					// gob matches wire fields to local ones by name and
					// shares one decoder among fields of one local type:
					// two fields of one name would be read with the
					// first one's wire type. gob's Encoder writes neither
					// a repeated nor an empty name.
					if len(name) == 0 || names[string(name)] {
						return s.fail("struct field without a name, or with the name of another")
					}
					names[string(name)] = true
					t.names[i] = string(name)
				}
				return nil
			})
		default: // gobEncoderType: CommonType
			return s.fields(1, typeIDs())
		}
	})
	if err != nil {
		return err
	}
	if set != 1 {
		return s.fail("type definition of %d kinds", set)
	}
	if t.kind == kindArray && t.length < 0 {
		return s.fail("array of length %d", t.length)
	}
	// gob reads these ids into int32s and fails on one that does not fit.
	for _, id := range append([]int64{t.elem, t.key}, t.fields...) {
		if id < math.MinInt32 || id > math.MaxInt32 {
			return s.fail("type id %d does not fit 32 bits", id)
		}
	}
	s.types[id] = t
	return nil
}

// message reads a value as gob's Decoder.decodeValue does, at the top of
// the stream or of an interface value: a struct as it is, anything else
// after a zero field delta.
func (s *scanner) message(id int64) error {
	if t := s.types[id]; t != nil && t.kind == kindStruct {
		return s.value(id)
	}
	delta, err := s.uint()
	if err != nil {
		return err
	}
	if delta != 0 {
		return s.fail("value without its zero field delta")
	}
	return s.value(id)
}

// value reads one value of type id.
func (s *scanner) value(id int64) error {
	if s.depth >= MaxDepth {
		return s.fail("values nested more than %d deep", MaxDepth)
	}
	s.depth++
	defer func() { s.depth-- }()
	switch id {
	case idBool, idInt, idUint, idFloat:
		_, err := s.uint()
		return err
	case idComplex:
		if _, err := s.uint(); err != nil {
			return err
		}
		_, err := s.uint()
		return err
	case idBytes, idString:
		return s.bytes()
	case idInterface:
		return s.iface()
	}
	t := s.types[id]
	if t == nil {
		return s.fail("undefined type id %d", id)
	}
	switch t.kind {
	case kindArray, kindSlice:
		n, err := s.count()
		if err != nil {
			return err
		}
		if t.kind == kindArray && n != uint64(t.length) {
			return s.fail("array of %d elements, its type has %d", n, t.length)
		}
		for range n {
			if err := s.element(t.elem); err != nil {
				return err
			}
		}
	case kindMap:
		n, err := s.count()
		if err != nil {
			return err
		}
		for range n {
			if err := s.element(t.key); err != nil {
				return err
			}
			if err := s.element(t.elem); err != nil {
				return err
			}
		}
	case kindStruct:
		s.inStruct++
		defer func() { s.inStruct-- }()
		return s.fields(len(t.fields), func(f int) error { return s.value(t.fields[f]) })
	default: // GobEncoder, BinaryMarshaler, TextMarshaler: the encoded bytes
		return s.bytes()
	}
	return nil
}

// element reads an element of a map, slice or array, which takes a byte or
// more.
func (s *scanner) element(id int64) error {
	before := s.remaining()
	if err := s.value(id); err != nil {
		return err
	}
	if s.remaining() == before {
		return s.fail("element of no bytes")
	}
	return nil
}

// iface reads an interface value: the concrete type's name (none for nil),
// its type definitions and id, a byte count, and the value.
func (s *scanner) iface() error {
	n, err := s.uint()
	if err != nil {
		return err
	}
	if n > uint64(len(s.buf)) {
		return s.fail("type name of %d bytes, %d left in the message", n, len(s.buf))
	}
	if n == 0 {
		// A nil interface value. gob's skipping reads on past it (a type
		// id, a count and that many bytes), so inside a struct it would
		// leave gob and this walk at different bytes.
		if s.inStruct > 0 {
			return s.fail("nil interface value in a struct")
		}
		return nil
	}
	if n > maxTypeName {
		return s.fail("type name of %d bytes", n)
	}
	s.buf = s.buf[n:]
	id, err := s.typeSequence(true)
	if err != nil {
		return err
	}
	size, err := s.uint()
	if err != nil {
		return err
	}
	start, defined := s.offset(), s.defined
	if err := s.message(id); err != nil {
		return err
	}
	if s.inStruct > 0 {
		// gob skips this value by its count if the destination lacks
		// the field: the count must end where the value does.
		if s.defined != defined {
			return s.fail("interface value in a struct defines a type")
		}
		if took := s.offset() - start; uint64(took) != size {
			return s.fail("interface value in a struct of %d bytes claims %d", took, size)
		}
	}
	return nil
}
