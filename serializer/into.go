package serializer

import (
	"encoding"
	"errors"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// UnmarshalInto decodes data as [Serializer.Unmarshal] does and stores the
// result in the value dst points to, converting with these rules:
//
//   - structs from objects, matching keys to fields by json tag name or
//     field name, then case-insensitively as encoding/json does; unknown
//     keys are ignored. A key equal to the name wins over one that differs
//     in case; of several that differ only in case, the one that sorts
//     last wins (encoding/json keeps the last in the text, and Flask and
//     this package write keys sorted). The result never depends on Go's
//     random map order;
//   - maps with string keys from objects, slices and arrays from arrays and
//     tuples, []byte from " b" bytes;
//   - integer kinds from integers that fit, float kinds from any number,
//     strings from strings and Markup, bool from bool;
//   - Tuple, Markup, UUID, time.Time and *big.Int from their own values
//     (Markup also from a string, *big.Int also from an int);
//   - interfaces that the decoded value implements, such as any;
//   - a type with an UnmarshalJSON method from the text [Marshal] writes
//     for the value, one with an UnmarshalText method from a string (or
//     Markup) only, and a json.Number from a number (see the package doc
//     for how they are written);
//   - null sets pointers, maps, slices and interfaces to nil, is passed to
//     UnmarshalJSON methods, and leaves other values unchanged, as
//     encoding/json does.
//
// Maps, slices and interfaces are replaced, not merged into, and arrays
// must have the length of the list (encoding/json merges maps and pads or
// truncates arrays).
//
// A value that does not fit gives a *[TypeMismatchError] wrapping
// [ErrTypeMismatch] with the path to it. dst must be a non-nil pointer.
func (s *Serializer) UnmarshalInto(data []byte, dst any) error {
	target, err := pointee(dst)
	if err != nil {
		return err
	}
	v, err := s.Unmarshal(data)
	if err != nil {
		return err
	}
	return assign(target, v)
}

// Assign stores v, a value as [Unmarshal] returns it, in the value dst
// points to, with the conversion rules of [Serializer.UnmarshalInto]: it
// is UnmarshalInto without the text, for a value decoded earlier, such as
// a session's. A value of another Go type is stored when dst's type is its
// own or an interface it implements, and refused otherwise. dst must be a
// non-nil pointer; a value that does not fit gives a *[TypeMismatchError]
// wrapping [ErrTypeMismatch], and dst may then be partly set.
func Assign(v any, dst any) error {
	target, err := pointee(dst)
	if err != nil {
		return err
	}
	return assign(target, v)
}

// pointee is the value dst points to, or an error when dst is not a
// non-nil pointer.
func pointee(dst any) (reflect.Value, error) {
	rv := reflect.ValueOf(dst)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return reflect.Value{}, &TypeMismatchError{Value: "value", Type: reflect.TypeOf(dst), Path: "$"}
	}
	return rv.Elem(), nil
}

var (
	timeType   = reflect.TypeFor[time.Time]()
	bigIntType = reflect.TypeFor[*big.Int]()
)

func kindName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "bool"
	case int64, *big.Int:
		return "int"
	case float64:
		return "float"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case Tuple:
		return "tuple"
	case []byte:
		return "bytes"
	case Markup:
		return "markup"
	case UUID:
		return "uuid"
	case time.Time:
		return "datetime"
	}
	return fmt.Sprintf("%T", v)
}

func mismatch(v any, t reflect.Type) error {
	return &TypeMismatchError{Value: kindName(v), Type: t, Path: "$"}
}

func assign(dst reflect.Value, v any) error {
	t := dst.Type()
	if b, ok := v.(*big.Int); ok && b == nil {
		v = nil // only a Go value handed to Assign can be a nil *big.Int
	}
	if v == nil {
		switch dst.Kind() {
		case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface:
			dst.SetZero()
		default:
			_, err := assignNull(dst)
			return err
		}
		return nil
	}
	// Exact Go type match (time.Time, UUID, Tuple, Markup, []byte, ...).
	if vt := reflect.TypeOf(v); vt == t {
		dst.Set(reflect.ValueOf(v))
		return nil
	}
	switch t {
	case timeType:
		return mismatch(v, t)
	case bigIntType:
		if i, ok := v.(int64); ok {
			dst.Set(reflect.ValueOf(big.NewInt(i)))
			return nil
		}
		return mismatch(v, t)
	}
	if handled, err := assignUnmarshaler(dst, v); handled {
		return err
	}
	switch dst.Kind() {
	case reflect.Interface:
		rv := reflect.ValueOf(v)
		if !rv.Type().AssignableTo(t) {
			return mismatch(v, t)
		}
		dst.Set(rv)
		return nil
	case reflect.Pointer:
		if dst.IsNil() {
			dst.Set(reflect.New(t.Elem()))
		}
		return assign(dst.Elem(), v)
	case reflect.String:
		switch x := v.(type) {
		case string:
			dst.SetString(x)
		case Markup:
			dst.SetString(string(x))
		default:
			return mismatch(v, t)
		}
		return nil
	case reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			return mismatch(v, t)
		}
		dst.SetBool(b)
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, ok := v.(int64)
		if !ok || dst.OverflowInt(i) {
			return mismatch(v, t)
		}
		dst.SetInt(i)
		return nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		var u uint64
		switch x := v.(type) {
		case int64:
			if x < 0 {
				return mismatch(v, t)
			}
			u = uint64(x)
		case *big.Int:
			if !x.IsUint64() {
				return mismatch(v, t)
			}
			u = x.Uint64()
		default:
			return mismatch(v, t)
		}
		if dst.OverflowUint(u) {
			return mismatch(v, t)
		}
		dst.SetUint(u)
		return nil
	case reflect.Float32, reflect.Float64:
		var f float64
		switch x := v.(type) {
		case float64:
			f = x
		case int64:
			f = float64(x)
		case *big.Int:
			f, _ = new(big.Float).SetInt(x).Float64()
		default:
			return mismatch(v, t)
		}
		if dst.Kind() == reflect.Float32 && !math.IsInf(f, 0) && !math.IsNaN(f) && math.Abs(f) > math.MaxFloat32 {
			return mismatch(v, t)
		}
		dst.SetFloat(f)
		return nil
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			b, ok := v.([]byte)
			if !ok {
				return mismatch(v, t)
			}
			dst.SetBytes(append([]byte(nil), b...))
			return nil
		}
		items, ok := listItems(v)
		if !ok {
			return mismatch(v, t)
		}
		out := reflect.MakeSlice(t, len(items), len(items))
		for i, item := range items {
			if err := assign(out.Index(i), item); err != nil {
				return prependPath(err, indexSeg(i))
			}
		}
		dst.Set(out)
		return nil
	case reflect.Array:
		items, ok := listItems(v)
		if !ok || len(items) != dst.Len() {
			return mismatch(v, t)
		}
		for i, item := range items {
			if err := assign(dst.Index(i), item); err != nil {
				return prependPath(err, indexSeg(i))
			}
		}
		return nil
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			return mismatch(v, t)
		}
		key, ok := mapKeyFromText(t.Key())
		if !ok {
			return mismatch(v, t)
		}
		out := reflect.MakeMapWithSize(t, len(m))
		// Go's map order is random: of several entries that do not fit,
		// the error names the first key in sorted order, so that the same
		// input always gives the same error.
		var firstErr error
		var firstKey string
		for k, item := range m {
			if firstErr != nil && k > firstKey {
				continue
			}
			kv, err := key(k)
			if err != nil {
				firstErr, firstKey = &TypeMismatchError{Value: "key " + strconv.Quote(k), Type: t.Key(), Path: "$"}, k
				continue
			}
			ev := reflect.New(t.Elem()).Elem()
			if err := assign(ev, item); err != nil {
				firstErr, firstKey = err, k
				continue
			}
			out.SetMapIndex(kv, ev)
		}
		if firstErr != nil {
			return prependPath(firstErr, keySeg(firstKey))
		}
		dst.Set(out)
		return nil
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return mismatch(v, t)
		}
		fl := structFields(t)
		// Fields are set in their order in the struct, so that of several
		// values that do not fit, the error always names the same one.
		for i, k := range matchFields(fl, m) {
			if !k.found {
				continue
			}
			fv, err := fieldForSet(dst, fl.list[i].index)
			if err != nil {
				return err
			}
			if err := assign(fv, m[k.key]); err != nil {
				return prependPath(err, keySeg(k.key))
			}
		}
		return nil
	}
	return mismatch(v, t)
}

func listItems(v any) ([]any, bool) {
	switch x := v.(type) {
	case []any:
		return x, true
	case Tuple:
		return x, true
	}
	return nil, false
}

// fieldKey is the key of an object that a struct field gets its value
// from.
type fieldKey struct {
	key   string
	found bool
}

// matchFields returns, for each field of fl (by position), the key of m
// whose value the field gets. A key equal to a field's name goes to that
// field. Any other key goes to the first field whose name it equals but
// for case, as in encoding/json, unless that field has a key of its own
// name; of several such keys, the one that sorts last wins, which is the
// one encoding/json would store last when reading the keys in sorted
// order, as Flask and this package write them. So the choice never
// depends on Go's random map order. Such keys are looked up by their
// folded name (fl.byFold), so the cost grows with the number of keys and
// not with keys times fields.
func matchFields(fl *fieldList, m map[string]any) []fieldKey {
	keys := make([]fieldKey, len(fl.list))
	exact := 0
	for k := range m {
		if i, ok := fl.byName[k]; ok {
			keys[i] = fieldKey{k, true}
			exact++
		}
	}
	if exact == len(m) {
		return keys
	}
	var folded []byte
	for k := range m {
		if _, ok := fl.byName[k]; ok {
			continue
		}
		folded = appendFoldName(folded[:0], k)
		i, ok := fl.byFold[string(folded)] // a lookup that does not allocate
		if !ok {
			continue
		}
		if cur := keys[i]; !cur.found || (cur.key != fl.list[i].name && k > cur.key) {
			keys[i] = fieldKey{k, true}
		}
	}
	return keys
}

var errUnexportedEmbed = fmt.Errorf("%w: cannot set a field of a nil embedded pointer to an unexported struct", ErrTypeMismatch)

// fieldForSet walks index, allocating nil embedded pointers.
func fieldForSet(v reflect.Value, index []int) (reflect.Value, error) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				if !v.CanSet() {
					return reflect.Value{}, errUnexportedEmbed
				}
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, nil
}

// mapKeyFromText returns how an object key becomes a map key of type t,
// the reverse of mapKeyText: a string kind as it is, then an
// encoding.TextUnmarshaler, then an integer kind from its decimal digits
// (in range, no sign on unsigned kinds, no leading +).
func mapKeyFromText(t reflect.Type) (func(string) (reflect.Value, error), bool) {
	switch {
	case t.Kind() == reflect.String:
		return func(k string) (reflect.Value, error) { return reflect.ValueOf(k).Convert(t), nil }, true
	case reflect.PointerTo(t).Implements(textUnmarshalerType):
		return func(k string) (reflect.Value, error) {
			p := reflect.New(t)
			err := p.Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(k))
			return p.Elem(), err
		}, true
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(k string) (reflect.Value, error) {
			n, err := strconv.ParseInt(k, 10, t.Bits())
			if err != nil || strings.HasPrefix(k, "+") {
				return reflect.Value{}, errors.New("not an integer in range")
			}
			return reflect.ValueOf(n).Convert(t), nil
		}, true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return func(k string) (reflect.Value, error) {
			n, err := strconv.ParseUint(k, 10, t.Bits())
			if err != nil || strings.HasPrefix(k, "+") {
				return reflect.Value{}, errors.New("not an integer in range")
			}
			return reflect.ValueOf(n).Convert(t), nil
		}, true
	}
	return nil, false
}
