package serializer

import (
	"encoding"
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"sync"

	"github.com/cookiecodec/cookiecodec/internal/pyjson"
)

var (
	jsonMarshalerType   = reflect.TypeFor[json.Marshaler]()
	textMarshalerType   = reflect.TypeFor[encoding.TextMarshaler]()
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	jsonNumberType      = reflect.TypeFor[json.Number]()
)

func hasMarshaler(t reflect.Type) bool {
	return t.Implements(jsonMarshalerType) || t.Implements(textMarshalerType)
}

// How values of a type are encoded: as their kind says (the zero value),
// through the type's MarshalJSON or MarshalText, through a pointer's on a
// copy of the value, or as a json.Number.
type encodeWith uint8

const (
	encodeByKind encodeWith = iota
	encodeByMethod
	encodeByPointerMethod
	encodeAsNumber
)

// How values are stored into a type: as its kind says (the zero value),
// through a pointer's UnmarshalJSON, through a pointer's UnmarshalText
// (from a string only), or as a json.Number. Pointer and interface types
// are stored by kind: assign allocates a pointee and comes back with it.
type decodeWith uint8

const (
	decodeByKind decodeWith = iota
	decodeByJSONMethod
	decodeByTextMethod
	decodeAsNumber
)

type typeMethods struct {
	encode encodeWith
	decode decodeWith
}

// methodsCache holds methodsOf's answers: asking reflect on every value
// made encoding a six-field struct about 45% slower, the cache about 12%.
var methodsCache sync.Map // reflect.Type -> typeMethods

// methodsOf says how values of t are encoded and decoded.
func methodsOf(t reflect.Type) typeMethods {
	if m, ok := methodsCache.Load(t); ok {
		return m.(typeMethods)
	}
	var m typeMethods
	switch {
	case t == jsonNumberType:
		m = typeMethods{encodeAsNumber, decodeAsNumber}
	case t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface:
		// A pointer whose pointee has the method is encoded by its
		// pointee (so *time.Time keeps its tag); one whose pointer
		// receiver alone has it, through it.
		if t.Kind() == reflect.Pointer && hasMarshaler(t) && !hasMarshaler(t.Elem()) {
			m.encode = encodeByMethod
		}
	default:
		switch {
		case hasMarshaler(t):
			m.encode = encodeByMethod
		case hasMarshaler(reflect.PointerTo(t)):
			m.encode = encodeByPointerMethod
		}
		switch pt := reflect.PointerTo(t); {
		case pt.Implements(jsonUnmarshalerType):
			m.decode = decodeByJSONMethod
		case pt.Implements(textUnmarshalerType):
			m.decode = decodeByTextMethod
		}
	}
	v, _ := methodsCache.LoadOrStore(t, m)
	return v.(typeMethods)
}

// encodeMarshaler writes a value whose type has its own MarshalJSON or
// MarshalText method (in that order of preference, as encoding/json), and
// reports whether it did. MarshalJSON's text is read as this package reads
// any text, and the value it holds is written like any other, so the
// output stays Flask's format; MarshalText's is written as a string. A
// method with a pointer receiver is called on a copy of the value, also
// where encoding/json would skip it because the value is not addressable.
// A nil pointer is left to the caller, which writes null, and a pointer
// whose pointee has the method is left to the caller too, which writes the
// pointee (so *time.Time keeps its tag).
func (e *encoder) encodeMarshaler(b []byte, rv reflect.Value) ([]byte, bool, error) {
	t := rv.Type()
	switch methodsOf(t).encode {
	case encodeByKind:
		return b, false, nil
	case encodeAsNumber:
		return e.encodeNumberText(b, rv.String())
	case encodeByPointerMethod:
		c := reflect.New(t)
		c.Elem().Set(rv)
		rv = c
	}
	if rv.Kind() == reflect.Pointer && rv.IsNil() {
		return b, false, nil
	}
	if m, ok := rv.Interface().(json.Marshaler); ok {
		text, err := m.MarshalJSON()
		if err != nil {
			return b, true, &UnsupportedTypeError{Type: t, Path: "$", Reason: "its MarshalJSON failed: " + err.Error()}
		}
		v, err := e.s.Unmarshal(text)
		if err != nil {
			return b, true, &UnsupportedTypeError{Type: t, Path: "$", Reason: "its MarshalJSON wrote text that does not decode: " + err.Error()}
		}
		if err := e.enter(); err != nil {
			return b, true, err
		}
		b, err = e.encode(b, v)
		e.depth--
		return b, true, err
	}
	text, err := rv.Interface().(encoding.TextMarshaler).MarshalText()
	if err != nil {
		return b, true, &UnsupportedTypeError{Type: t, Path: "$", Reason: "its MarshalText failed: " + err.Error()}
	}
	return pyjson.AppendString(b, string(text)), true, nil
}

// encodeNumberText writes a json.Number as the number it spells, as
// encoding/json does ("" is 0), in this package's spelling of that number.
func (e *encoder) encodeNumberText(b []byte, n string) ([]byte, bool, error) {
	if n == "" {
		n = "0"
	}
	v, err := e.s.Unmarshal([]byte(n))
	switch v.(type) {
	case int64, float64, *big.Int:
	default:
		if err == nil {
			err = fmt.Errorf("%q is not a number", n)
		}
		return b, true, &UnsupportedTypeError{Type: jsonNumberType, Path: "$", Reason: "invalid json.Number: " + err.Error()}
	}
	b, err = e.encode(b, v)
	return b, true, err
}

// assignUnmarshaler stores v in dst through dst's own UnmarshalJSON method,
// or its UnmarshalText method when v is a string (in that order, as
// encoding/json), and reports whether dst has such a method. UnmarshalJSON
// gets v's text as [Marshal] writes it, which for a value its MarshalJSON
// wrote is that text with its keys sorted. Pointers are left to assign,
// which allocates the pointee and comes back here with it.
func assignUnmarshaler(dst reflect.Value, v any) (bool, error) {
	how := methodsOf(dst.Type()).decode
	if how == decodeByKind || !dst.CanAddr() || !dst.CanSet() {
		return false, nil
	}
	refused := func(err error) error {
		return &TypeMismatchError{Value: kindName(v), Type: dst.Type(), Path: "$", Err: err}
	}
	switch how {
	case decodeAsNumber:
		switch v.(type) {
		case int64, float64, *big.Int:
			text, err := Marshal(v)
			if err != nil {
				return true, refused(err)
			}
			dst.SetString(string(text))
			return true, nil
		}
		return true, mismatch(v, dst.Type())
	case decodeByJSONMethod:
		text, err := Marshal(v)
		if err == nil {
			err = dst.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(text)
		}
		if err != nil {
			return true, refused(err)
		}
		return true, nil
	}
	s, ok := v.(string)
	if !ok {
		return false, nil // not text: stored as dst's kind says
	}
	if err := dst.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
		return true, refused(err)
	}
	return true, nil
}
