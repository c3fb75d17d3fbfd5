package fuzz

import (
	"bytes"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"slices"
	"time"

	"github.com/cookiecodec/cookiecodec/serializer"
)

// zoneMode says how valueDiff compares times.
type zoneMode int

const (
	// sameZone: the same instant and the same UTC offset.
	sameZone zoneMode = iota
	// anyZone: the same instant; the offset may differ (Flask's " d"
	// writes every time in GMT, so a first round may move it to UTC).
	anyZone
)

// valueDiff returns "" when a and b are the same value of package
// serializer's model, else the path and the first difference. Floats
// compare by bits (NaN equals NaN, -0 differs from 0), integers by value
// whatever their Go type (int64 or *big.Int), maps without regard to order.
func valueDiff(path string, a, b any, zm zoneMode) string {
	if ai, ok := asBig(a); ok {
		bi, ok := asBig(b)
		if !ok || ai.Cmp(bi) != 0 {
			return fmt.Sprintf("%s: %v (%T) != %v (%T)", path, a, a, b, b)
		}
		return ""
	}
	switch x := a.(type) {
	case nil:
		if b != nil {
			return fmt.Sprintf("%s: nil != %#v", path, b)
		}
	case bool, string, serializer.Markup, serializer.UUID:
		if a != b {
			return fmt.Sprintf("%s: %#v != %#v", path, a, b)
		}
	case float64:
		y, ok := b.(float64)
		if !ok || math.Float64bits(x) != math.Float64bits(y) && !(math.IsNaN(x) && math.IsNaN(y)) {
			return fmt.Sprintf("%s: %v != %#v", path, x, b)
		}
	case []byte:
		y, ok := b.([]byte)
		if !ok || !bytes.Equal(x, y) {
			return fmt.Sprintf("%s: bytes %x != %#v", path, x, b)
		}
	case time.Time:
		y, ok := b.(time.Time)
		if !ok || !x.Equal(y) {
			return fmt.Sprintf("%s: time %v != %#v", path, x, b)
		}
		_, ox := x.Zone()
		_, oy := y.Zone()
		if zm == sameZone && ox != oy {
			return fmt.Sprintf("%s: time %v and %v have different offsets", path, x, y)
		}
	case serializer.Tuple:
		y, ok := b.(serializer.Tuple)
		if !ok {
			return fmt.Sprintf("%s: tuple != %T", path, b)
		}
		return listDiff(path, x, y, zm)
	case []any:
		y, ok := b.([]any)
		if !ok {
			return fmt.Sprintf("%s: list != %T", path, b)
		}
		return listDiff(path, x, y, zm)
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: map != %T", path, b)
		}
		if len(x) != len(y) {
			return fmt.Sprintf("%s: map of %d keys != map of %d keys", path, len(x), len(y))
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			yv, ok := y[k]
			if !ok {
				return fmt.Sprintf("%s: key %q missing", path, k)
			}
			if d := valueDiff(fmt.Sprintf("%s[%q]", path, k), x[k], yv, zm); d != "" {
				return d
			}
		}
	default:
		return fmt.Sprintf("%s: unexpected type %T in the value model", path, a)
	}
	return ""
}

func listDiff(path string, x, y []any, zm zoneMode) string {
	if len(x) != len(y) {
		return fmt.Sprintf("%s: %d items != %d items", path, len(x), len(y))
	}
	for i := range x {
		if d := valueDiff(fmt.Sprintf("%s[%d]", path, i), x[i], y[i], zm); d != "" {
			return d
		}
	}
	return ""
}

// asBig returns an integer of any Go kind as a *big.Int.
func asBig(v any) (*big.Int, bool) {
	switch x := v.(type) {
	case *big.Int:
		return x, true
	case int, int8, int16, int32, int64:
		return big.NewInt(reflect.ValueOf(x).Int()), true
	case uint, uint8, uint16, uint32, uint64, uintptr:
		return new(big.Int).SetUint64(reflect.ValueOf(x).Uint()), true
	}
	return nil, false
}

// valueDepth is the nesting depth of a decoded value: 0 for a scalar, one
// more for each list, tuple or map around it.
func valueDepth(v any) int {
	var items []any
	switch x := v.(type) {
	case []any:
		items = x
	case serializer.Tuple:
		items = x
	case map[string]any:
		d := 1
		for _, e := range x {
			d = max(d, 1+valueDepth(e))
		}
		return d
	default:
		return 0
	}
	d := 1
	for _, e := range items {
		d = max(d, 1+valueDepth(e))
	}
	return d
}

// maxIntDigits is the number of decimal digits of the longest integer in v.
func maxIntDigits(v any) int {
	switch x := v.(type) {
	case *big.Int:
		return len(new(big.Int).Abs(x).String())
	case []any:
		m := 0
		for _, e := range x {
			m = max(m, maxIntDigits(e))
		}
		return m
	case serializer.Tuple:
		return maxIntDigits([]any(x))
	case map[string]any:
		m := 0
		for _, e := range x {
			m = max(m, maxIntDigits(e))
		}
		return m
	}
	return 0
}
