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

// How values of a type are encoded: as their kind says (the zero value),
// through the type's MarshalJSON or MarshalText, through a pointer's on a
// copy of the value, or as a json.Number.
type encodeWith uint8

const (
	encodeByKind encodeWith = iota
	encodeByJSONMethod
	encodeByTextMethod
	encodeByPointerJSONMethod
	encodeByPointerTextMethod
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

// methodsOf says how values of t are encoded and decoded. MarshalJSON is
// preferred to MarshalText, as in encoding/json, and a method of the
// pointer type counts as the type's own (encoding/json calls it on values
// it can address, which are most); only the method chosen here is ever
// asserted, since asserting an interface that a reflect.StructOf type does
// not implement can crash the runtime.
func methodsOf(t reflect.Type) typeMethods {
	if m, ok := methodsCache.Load(t); ok {
		return m.(typeMethods)
	}
	var m typeMethods
	switch {
	case t == jsonNumberType:
		m = typeMethods{encodeAsNumber, decodeAsNumber}
	case t.Kind() == reflect.Interface:
	case t.Kind() == reflect.Pointer:
		// A pointer is written as its pointee, which chooses its own
		// method (so *time.Time keeps its tag), unless the pointer has
		// a method that the pointee would not choose.
		switch et := t.Elem(); {
		case t.Implements(jsonMarshalerType) && !et.Implements(jsonMarshalerType):
			m.encode = encodeByJSONMethod
		case t.Implements(textMarshalerType) && !et.Implements(jsonMarshalerType) && !et.Implements(textMarshalerType):
			m.encode = encodeByTextMethod
		}
	default:
		pt := reflect.PointerTo(t)
		switch {
		case t.Implements(jsonMarshalerType):
			m.encode = encodeByJSONMethod
		case pt.Implements(jsonMarshalerType):
			m.encode = encodeByPointerJSONMethod
		case t.Implements(textMarshalerType):
			m.encode = encodeByTextMethod
		case pt.Implements(textMarshalerType):
			m.encode = encodeByPointerTextMethod
		}
		switch {
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
// MarshalText method, as methodsOf chooses, and reports whether it did.
// MarshalJSON's text is read as this package reads any text (its limits
// and tags apply: text nested deeper than MaxDepth, or an object that
// looks like a Flask tag with bad content, is an error), and the value it
// holds is written like any other, so the output stays Flask's format;
// MarshalText's is written as a string. A method with a pointer receiver
// is called on a copy of the value, also where encoding/json would skip it
// because the value is not addressable. A nil pointer is left to the
// caller, which writes null.
func (e *encoder) encodeMarshaler(b []byte, rv reflect.Value) ([]byte, bool, error) {
	t := rv.Type()
	how := methodsOf(t).encode
	switch how {
	case encodeByKind:
		return b, false, nil
	case encodeAsNumber:
		return e.encodeNumberText(b, rv.String())
	case encodeByPointerJSONMethod, encodeByPointerTextMethod:
		c := reflect.New(t)
		c.Elem().Set(rv)
		rv = c
	}
	if rv.Kind() == reflect.Pointer && rv.IsNil() {
		return b, false, nil
	}
	if how == encodeByJSONMethod || how == encodeByPointerJSONMethod {
		text, err := rv.Interface().(json.Marshaler).MarshalJSON()
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
	if !isJSONNumber(n) {
		return b, true, &UnsupportedTypeError{Type: jsonNumberType, Path: "$", Reason: fmt.Sprintf("invalid json.Number %q", n)}
	}
	v, err := e.s.Unmarshal([]byte(n))
	if err != nil {
		return b, true, &UnsupportedTypeError{Type: jsonNumberType, Path: "$", Reason: "json.Number: " + err.Error()}
	}
	b, err = e.encode(b, v)
	return b, true, err
}

// isJSONNumber reports whether s is a number by JSON's grammar (RFC 8259
// section 6): no NaN or Infinity, no sign but '-', no leading zeros, no
// white space.
func isJSONNumber(s string) bool {
	digits := func(i int) int { // the end of the digits from i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i
	}
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		i = digits(i)
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		if j := digits(i + 1); j > i+1 {
			i = j
		} else {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if j := digits(i); j > i {
			i = j
		} else {
			return false
		}
	}
	return i == len(s)
}

// assignUnmarshaler stores v in dst through dst's own UnmarshalJSON method,
// or its UnmarshalText method (in that order, as encoding/json), and
// reports whether dst has such a method. UnmarshalText takes a string or
// Markup; any other value is a mismatch, as in encoding/json. UnmarshalJSON
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
	// Only text goes through UnmarshalText, and nothing else is stored:
	// storing a number or bytes by kind would skip the type's own checks,
	// which encoding/json refuses to do too.
	var text string
	switch x := v.(type) {
	case string:
		text = x
	case Markup:
		text = string(x)
	default:
		return true, mismatch(v, dst.Type())
	}
	if err := dst.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(text)); err != nil {
		return true, refused(err)
	}
	return true, nil
}

// assignNull stores a JSON null in dst, a value that is not a pointer,
// map, slice or interface, and reports whether it did: a type with an
// UnmarshalJSON method gets "null", as encoding/json passes it; others are
// left unchanged.
func assignNull(dst reflect.Value) (bool, error) {
	if methodsOf(dst.Type()).decode != decodeByJSONMethod || !dst.CanAddr() || !dst.CanSet() {
		return false, nil
	}
	if err := dst.Addr().Interface().(json.Unmarshaler).UnmarshalJSON([]byte("null")); err != nil {
		return true, &TypeMismatchError{Value: "null", Type: dst.Type(), Path: "$", Err: err}
	}
	return true, nil
}
