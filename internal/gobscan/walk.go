package gobscan

import (
	"math"
	"math/bits"
)

// The values [Walk] returns, besides bool, int64, uint64, float64,
// complex128, string and []byte for gob's basic types, and []any for a
// slice or an array.
type (
	// Interface is an interface value: Name is the name its concrete type
	// was registered under with gob (gob.Register, gob.RegisterName), ""
	// for a nil interface value, and Value the value.
	Interface struct {
		Name  string
		Value any
	}
	// Map is a map's entries in stream order.
	Map []MapEntry
	// MapEntry is one entry of a Map.
	MapEntry struct{ Key, Value any }
	// Struct is a struct value: its type's name in the stream and the
	// fields the stream holds (gob sends no zero field), in field order.
	Struct struct {
		Type   string
		Fields []Field
	}
	// Field is one field of a Struct.
	Field struct {
		Name  string
		Value any
	}
	// Encoded is the value of a type that encodes itself (GobEncoder,
	// BinaryMarshaler, TextMarshaler): its type's name and its bytes.
	Encoded struct {
		Type string
		Data []byte
	}
)

// Walk reads the first value of the gob stream data, once [Check] accepts
// it, without encoding/gob: into the generic values above, whatever the
// types, registered in this process or not. It is for showing a stream
// that holds values of types the reading program does not have (an app's
// own types in a gorilla session); gob's own Decoder needs every
// interface value's type registered. Errors are Check's *[Error].
//
// Walk reads what Check walked, the same way, so its costs are Check's
// bounds: time and values linear in the stream.
func Walk(data []byte) (any, error) {
	if err := Check(data); err != nil {
		return nil, err
	}
	s := &scanner{size: len(data), rest: data, types: map[int64]*wireType{}}
	id, err := s.typeSequence(false)
	if err != nil {
		return nil, err
	}
	return s.walkMessage(id)
}

// walkMessage is message, keeping the value.
func (s *scanner) walkMessage(id int64) (any, error) {
	if t := s.types[id]; t == nil || t.kind != kindStruct {
		delta, err := s.uint()
		if err != nil {
			return nil, err
		}
		if delta != 0 {
			return nil, s.fail("value without its zero field delta")
		}
	}
	return s.walkValue(id)
}

// float reads one of gob's floats: the bits of the float64, byte-reversed,
// as an unsigned integer.
func (s *scanner) float() (float64, error) {
	u, err := s.uint()
	return math.Float64frombits(bits.ReverseBytes64(u)), err
}

// walkValue is value, keeping the value.
func (s *scanner) walkValue(id int64) (any, error) {
	if s.depth >= MaxDepth {
		return nil, s.fail("values nested more than %d deep", MaxDepth)
	}
	s.depth++
	defer func() { s.depth-- }()
	switch id {
	case idBool:
		u, err := s.uint()
		return u != 0, err
	case idInt:
		return s.int()
	case idUint:
		return s.uint()
	case idFloat:
		return s.float()
	case idComplex:
		re, err := s.float()
		if err != nil {
			return nil, err
		}
		im, err := s.float()
		return complex(re, im), err
	case idBytes:
		b, err := s.str()
		return append([]byte{}, b...), err
	case idString:
		b, err := s.str()
		return string(b), err
	case idInterface:
		return s.walkIface()
	}
	t := s.types[id]
	if t == nil {
		return nil, s.fail("undefined type id %d", id)
	}
	switch t.kind {
	case kindArray, kindSlice:
		n, err := s.count()
		if err != nil {
			return nil, err
		}
		out := make([]any, 0, n)
		for range n {
			v, err := s.walkValue(t.elem)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case kindMap:
		n, err := s.count()
		if err != nil {
			return nil, err
		}
		out := make(Map, 0, n)
		for range n {
			k, err := s.walkValue(t.key)
			if err != nil {
				return nil, err
			}
			v, err := s.walkValue(t.elem)
			if err != nil {
				return nil, err
			}
			out = append(out, MapEntry{k, v})
		}
		return out, nil
	case kindStruct:
		out := Struct{Type: t.name}
		err := s.fields(len(t.fields), func(f int) error {
			v, err := s.walkValue(t.fields[f])
			out.Fields = append(out.Fields, Field{t.names[f], v})
			return err
		})
		return out, err
	default: // GobEncoder, BinaryMarshaler, TextMarshaler: the encoded bytes
		b, err := s.str()
		return Encoded{Type: t.name, Data: append([]byte{}, b...)}, err
	}
}

// walkIface is iface, keeping the value.
func (s *scanner) walkIface() (any, error) {
	n, err := s.uint()
	if err != nil {
		return nil, err
	}
	if n > uint64(len(s.buf)) || n > maxTypeName {
		return nil, s.fail("type name of %d bytes", n)
	}
	if n == 0 {
		return Interface{}, nil
	}
	name := string(s.buf[:n])
	s.buf = s.buf[n:]
	id, err := s.typeSequence(true)
	if err != nil {
		return nil, err
	}
	if _, err := s.uint(); err != nil { // the byte count
		return nil, err
	}
	v, err := s.walkMessage(id)
	return Interface{name, v}, err
}
