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

// How a type is written or read through its own methods; found once per
// type (methodsOf), since asking reflect each time made encoding a struct
// half as slow again.
const (
	ownMethodsNone       = iota
	ownMethodsValue      // the type has MarshalJSON or MarshalText (encode)
	ownMethodsPointer    // only a pointer to it has one: call it on a copy
	ownMethodsNumber     // json.Number
	ownMethodsUnmarshal  // a pointer to it has UnmarshalJSON or UnmarshalText (decode)
	ownMethodsSkipDecode // decode: no method, or the pointer case assign handles
)

type ownMethods struct{ encode, decode int }

var methodsCache sync.Map // reflect.Type -> ownMethods

func methodsOf(t reflect.Type) ownMethods {
	if m, ok := methodsCache.Load(t); ok {
		return m.(ownMethods)
	}
	var m ownMethods
	switch {
	case t == jsonNumberType:
		m.encode = ownMethodsNumber
	case t.Kind() == reflect.Pointer:
		if hasMarshaler(t) && !hasMarshaler(t.Elem()) {
			m.encode = ownMethodsValue
		}
	case hasMarshaler(t):
		m.encode = ownMethodsValue
	case hasMarshaler(reflect.PointerTo(t)):
		m.encode = ownMethodsPointer
	}
	m.decode = ownMethodsSkipDecode
	switch {
	case t == jsonNumberType:
		m.decode = ownMethodsNumber
	case t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface:
	case reflect.PointerTo(t).Implements(jsonUnmarshalerType) || reflect.PointerTo(t).Implements(textUnmarshalerType):
		m.decode = ownMethodsUnmarshal
	}
	v, _ := methodsCache.LoadOrStore(t, m)
	return v.(ownMethods)
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
	case ownMethodsNone:
		return b, false, nil
	case ownMethodsNumber:
		return e.encodeNumberText(b, rv.String())
	case ownMethodsPointer:
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
	if how == ownMethodsSkipDecode || !dst.CanAddr() || !dst.CanSet() {
		return false, nil
	}
	if how == ownMethodsNumber {
		switch v.(type) {
		case int64, float64, *big.Int:
			text, err := Marshal(v)
			if err != nil {
				return true, &TypeMismatchError{Value: kindName(v), Type: dst.Type(), Path: "$", Err: err}
			}
			dst.SetString(string(text))
			return true, nil
		}
		return true, mismatch(v, dst.Type())
	}
	p := dst.Addr()
	if p.Type().Implements(jsonUnmarshalerType) {
		text, err := Marshal(v)
		if err != nil {
			return true, &TypeMismatchError{Value: kindName(v), Type: dst.Type(), Path: "$", Err: err}
		}
		if err := p.Interface().(json.Unmarshaler).UnmarshalJSON(text); err != nil {
			return true, &TypeMismatchError{Value: kindName(v), Type: dst.Type(), Path: "$", Err: err}
		}
		return true, nil
	}
	if s, ok := v.(string); ok && p.Type().Implements(textUnmarshalerType) {
		if err := p.Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
			return true, &TypeMismatchError{Value: kindName(v), Type: dst.Type(), Path: "$", Err: err}
		}
		return true, nil
	}
	return false, nil
}
