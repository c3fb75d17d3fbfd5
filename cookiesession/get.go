package cookiesession

import (
	"encoding/json"
	"fmt"
	"iter"
	"maps"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"time"

	"github.com/cookiecodec/cookiecodec/serializer"
)

// Get returns the value under key converted to T, and whether that
// worked. A value of type T is returned as is. Numbers convert between
// Go's numeric types when the value fits exactly: the serializer decodes
// JSON integers as int64 (or *big.Int) and other numbers as float64, so
// Get[int] reads a stored 3 and also 3.0, but not 3.5 or 1e300; Get[float64]
// reads integers up to 2^53; Get[float32] reads what a float32 was stored
// as.
//
// Other values convert as [serializer.UnmarshalInto] converts, so what
// went in comes back after the round trip through the cookie: a struct
// stored with Set (saved as a map, keyed by json tags) is read by
// Get[User] or Get[*User], a []string (saved as a list) by Get[[]string],
// a time.Duration (saved as an integer) by Get[time.Duration]. Unknown map
// keys are ignored, as encoding/json ignores them. Each such Get converts
// anew: keep the result rather than calling Get in a loop.
//
// A value stored with [Session.Set] in this request converts as it will
// after the cookie's round trip, so Get answers the same now and in the
// next request: a []Item set now is read by Get[[]Product] now too (fields
// matched by name), a `type Level int` by Get[int], and a struct comes
// back without the fields the serializer does not save (unexported ones,
// those tagged json:"-"), as it will from the cookie. Scalars of type T
// are returned as they are; a struct, pointer, slice or map set in this
// request, or a map[string]any or []any holding one, or any value
// outside the decoded value model (an int, a named string type), at any
// depth, is written and read back on each such Get.
//
// Missing keys and other mismatches return the zero value and false, and
// so does a key that holds null (Python's None): [Session.Has] tells it
// from a missing one. For the reason a value did not convert, call
// serializer.Assign(s.Get(key), &dst), whose error names the path
// ("cannot store float in int at $[0].qty"). Numbers inside lists, maps
// and structs follow Assign's rules, not the exact-fit rule above: a
// Python 1.0 in a list is not an int there.
func Get[T any](s *Session, key string) (T, bool) {
	var out T
	v := s.Get(key)
	if v == nil {
		return out, false
	}
	if carriedAsIs(v) {
		if t, ok := v.(T); ok {
			return t, true
		}
		if convert(v, &out) {
			return out, true
		}
	}
	// v may be a Go value set in this request: convert what the cookie
	// will carry of it. A decoded scalar would come back unchanged.
	if !decodedScalar(v) {
		if carried, ok := s.m.roundTrip(v); ok {
			var fresh T // convert may have set part of out
			if convert(carried, &fresh) {
				return fresh, true
			}
		}
	}
	var zero T
	return zero, false
}

// convert stores v in out by Get's rules: numbers exactly, the rest as
// serializer.Assign does.
func convert[T any](v any, out *T) bool {
	if convertNumber(v, out) {
		return true
	}
	return !isBasicNumber(out) && serializer.Assign(v, out) == nil
}

// carriedAsIs reports whether the cookie carries v as it is, so that Get
// may return or convert it without a round trip through the serializer:
// scalars, and the value model's containers holding only the value
// model, which the serializer decodes. A struct, pointer, array, or a
// slice or map of another type is a Go value set in this request, which
// the serializer may write only in part (not its unexported or json:"-"
// fields), and so is a container holding one, or a scalar outside the
// value model, at any depth.
func carriedAsIs(v any) bool {
	switch v.(type) {
	case map[string]any, []any, serializer.Tuple:
		return modelBelow(v, serializer.DefaultMaxDepth)
	}
	if decodedScalar(v) {
		return true
	}
	// A scalar of another type (an int, a `type Level int`) converts to
	// T as the decoded one will.
	switch reflect.TypeOf(v).Kind() {
	case reflect.Struct, reflect.Pointer, reflect.Array, reflect.Slice, reflect.Map, reflect.Interface:
		return false
	}
	return true
}

// modelBelow reports whether v is in the serializer's value model all the
// way down, at most depth containers deep (a deeper one is left to the
// round trip, which refuses it): inside a container, an int or a named
// string would come back as int64 or string, so the caller's type
// assertions would differ between this request and the next.
func modelBelow(v any, depth int) bool {
	var items iter.Seq[any]
	switch x := v.(type) {
	case map[string]any:
		items = maps.Values(x)
	case []any:
		items = slices.Values(x)
	case serializer.Tuple:
		items = slices.Values([]any(x))
	default:
		return decodedScalar(v)
	}
	if depth == 0 {
		return false
	}
	for e := range items {
		if !modelBelow(e, depth-1) {
			return false
		}
	}
	return true
}

// decodedScalar reports whether v is a scalar as the serializer decodes
// it, which a round trip through the serializer leaves as it is.
func decodedScalar(v any) bool {
	switch v.(type) {
	case nil, string, bool, int64, float64, *big.Int, []byte, time.Time,
		serializer.Markup, serializer.UUID:
		return true
	}
	return false
}

// serializerOrDefault is the codec's serializer, or Flask's tagged JSON
// for a codec that does not say which it uses.
func (m *Manager) serializerOrDefault() *serializer.Serializer {
	if m.ser != nil {
		return m.ser
	}
	return defaultSerializer
}

var defaultSerializer = new(serializer.Serializer)

// roundTrip returns v as the cookie will carry it: written by the codec's
// serializer and read back. ok is false when the serializer refuses v.
func (m *Manager) roundTrip(v any) (carried any, ok bool) {
	if m == nil {
		return nil, false
	}
	ser := m.serializerOrDefault()
	text, err := ser.Marshal(v)
	if err != nil {
		return nil, false
	}
	carried, err = ser.Unmarshal(text)
	return carried, err == nil
}

// storable returns an error when the codec's serializer could never save
// value under key (see [Session.Set]). Scalars pass without a check; a
// codec of another package, whose serializer is unknown, is not checked.
func (m *Manager) storable(key string, value any) error {
	if m.ser == nil {
		return nil
	}
	switch value.(type) {
	case nil, string, bool, int, int8, int16, int32, int64,
		uint, uint8, uint16, uint32, uint64, float32, float64:
		return nil
	}
	if _, err := m.ser.Marshal(map[string]any{key: value}); err != nil {
		return fmt.Errorf("cookiesession: the value for %q cannot be saved, nothing was stored: %w", key, err)
	}
	return nil
}

// isBasicNumber reports whether p points to one of the numeric types
// convertNumber handles: for those, its exact rules decide alone.
func isBasicNumber(p any) bool {
	switch p.(type) {
	case *int, *int8, *int16, *int32, *int64, *uint, *uint8, *uint16, *uint32, *uint64, *float32, *float64:
		return true
	}
	return false
}

// number is a numeric value reduced to one of three exact forms.
type number struct {
	kind int // 0 none, 1 int, 2 uint, 3 float
	i    int64
	u    uint64
	f    float64
}

func asNumber(v any) number {
	switch x := v.(type) {
	case int:
		return number{kind: 1, i: int64(x)}
	case int8:
		return number{kind: 1, i: int64(x)}
	case int16:
		return number{kind: 1, i: int64(x)}
	case int32:
		return number{kind: 1, i: int64(x)}
	case int64:
		return number{kind: 1, i: x}
	case uint:
		return number{kind: 2, u: uint64(x)}
	case uint8:
		return number{kind: 2, u: uint64(x)}
	case uint16:
		return number{kind: 2, u: uint64(x)}
	case uint32:
		return number{kind: 2, u: uint64(x)}
	case uint64:
		return number{kind: 2, u: x}
	case float32:
		return number{kind: 3, f: float64(x)}
	case float64:
		return number{kind: 3, f: x}
	case *big.Int:
		if x.IsInt64() {
			return number{kind: 1, i: x.Int64()}
		}
		if x.IsUint64() {
			return number{kind: 2, u: x.Uint64()}
		}
		f, acc := new(big.Float).SetInt(x).Float64()
		if acc == big.Exact {
			return number{kind: 3, f: f}
		}
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return number{kind: 1, i: i}
		}
		if f, err := x.Float64(); err == nil {
			return number{kind: 3, f: f}
		}
	}
	return number{}
}

// toInt returns n as an int64 if it is one exactly.
func (n number) toInt() (int64, bool) {
	switch n.kind {
	case 1:
		return n.i, true
	case 2:
		return int64(n.u), n.u <= math.MaxInt64
	case 3:
		if n.f == math.Trunc(n.f) && n.f >= -(1<<63) && n.f < 1<<63 {
			return int64(n.f), true
		}
	}
	return 0, false
}

// toUint returns n as a uint64 if it is one exactly.
func (n number) toUint() (uint64, bool) {
	switch n.kind {
	case 1:
		return uint64(n.i), n.i >= 0
	case 2:
		return n.u, true
	case 3:
		if n.f == math.Trunc(n.f) && n.f >= 0 && n.f < 1<<64 {
			return uint64(n.f), true
		}
	}
	return 0, false
}

// toFloat returns n as a float64 if it converts exactly (integers up to
// 2^53 in magnitude).
func (n number) toFloat() (float64, bool) {
	const exact = 1 << 53
	switch n.kind {
	case 1:
		return float64(n.i), n.i >= -exact && n.i <= exact
	case 2:
		return float64(n.u), n.u <= exact
	case 3:
		return n.f, true
	}
	return 0, false
}

func convertNumber(v any, out any) bool {
	n := asNumber(v)
	if n.kind == 0 {
		return false
	}
	switch p := out.(type) {
	case *int:
		return setSigned(p, n, strconv.IntSize)
	case *int8:
		return setSigned(p, n, 8)
	case *int16:
		return setSigned(p, n, 16)
	case *int32:
		return setSigned(p, n, 32)
	case *int64:
		return setSigned(p, n, 64)
	case *uint:
		return setUnsigned(p, n, strconv.IntSize)
	case *uint8:
		return setUnsigned(p, n, 8)
	case *uint16:
		return setUnsigned(p, n, 16)
	case *uint32:
		return setUnsigned(p, n, 32)
	case *uint64:
		return setUnsigned(p, n, 64)
	case *float64:
		f, ok := n.toFloat()
		*p = f
		return ok
	case *float32:
		f, ok := n.toFloat()
		if !ok || (float64(float32(f)) != f && !math.IsNaN(f) && !storedAsFloat32(f)) {
			return false
		}
		*p = float32(f)
		return true
	}
	return false
}

// storedAsFloat32 reports whether f is how a float32 is written: the
// shortest decimal that reads back as that float32 (0.1 for float32(0.1),
// whose float64 value is 0.10000000149011612).
func storedAsFloat32(f float64) bool {
	x := float32(f)
	if math.IsInf(float64(x), 0) {
		return false
	}
	back, err := strconv.ParseFloat(strconv.FormatFloat(float64(x), 'g', -1, 32), 64)
	return err == nil && back == f
}

// setSigned stores n in *p if it is an integer that fits in bits bits.
func setSigned[T ~int | ~int8 | ~int16 | ~int32 | ~int64](p *T, n number, bits uint) bool {
	i, ok := n.toInt()
	if !ok || bits < 64 && (i < -(1<<(bits-1)) || i >= 1<<(bits-1)) {
		return false
	}
	*p = T(i)
	return true
}

// setUnsigned stores n in *p if it is a non-negative integer that fits in
// bits bits.
func setUnsigned[T ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64](p *T, n number, bits uint) bool {
	u, ok := n.toUint()
	if !ok || bits < 64 && u >= 1<<bits {
		return false
	}
	*p = T(u)
	return true
}
