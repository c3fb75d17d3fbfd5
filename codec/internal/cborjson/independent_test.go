package cborjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/big"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec/serializer"
	"github.com/fxamacker/cbor/v2"
)

// strictCBOR is an independent CBOR decoder (github.com/fxamacker/cbor) set
// to refuse what the subset refuses: indefinite lengths, invalid UTF-8,
// duplicate map keys.
var strictCBOR = func() cbor.DecMode {
	dm, err := cbor.DecOptions{
		DupMapKey:        cbor.DupMapKeyEnforcedAPF,
		IndefLength:      cbor.IndefLengthForbidden,
		UTF8:             cbor.UTF8RejectInvalid,
		DefaultMapType:   reflect.TypeOf(map[string]any{}),
		BigIntDec:        cbor.BigIntDecodeValue,
		MaxNestedLevels:  256,
		MaxArrayElements: 1 << 20,
		MaxMapPairs:      1 << 20,
	}.DecMode()
	if err != nil {
		panic(err)
	}
	return dm
}()

// TestIndependentDecoder checks the binary form against another CBOR
// implementation: what fxamacker/cbor decodes from FromJSON's output equals
// what encoding/json decodes from the text, number for number.
func TestIndependentDecoder(t *testing.T) {
	ser := &serializer.Serializer{NativeTime: true}
	rng := rand.New(rand.NewPCG(3, 5))
	checked := 0
	for i := 0; checked < 2000; i++ {
		text, err := ser.Marshal(randomValue(rng, 0, false))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(text, []byte("NaN")) || bytes.Contains(text, []byte("Infinity")) {
			continue // not JSON for encoding/json; TestRFC8949Examples covers them
		}
		bin, err := FromJSON(nil, text, testLimits)
		if err != nil {
			t.Fatal(err)
		}
		var fromCBOR any
		if err := strictCBOR.Unmarshal(bin, &fromCBOR); err != nil {
			t.Fatalf("value %d: fxamacker/cbor rejects %x: %v", i, bin, err)
		}
		d := json.NewDecoder(bytes.NewReader(text))
		d.UseNumber()
		var fromJSON any
		if err := d.Decode(&fromJSON); err != nil {
			t.Fatalf("value %d: encoding/json rejects %s: %v", i, text, err)
		}
		if a, b := normalize(fromCBOR), normalize(fromJSON); a != b {
			t.Fatalf("value %d: CBOR decodes to\n%s\nJSON to\n%s", i, a, b)
		}
		checked++
	}
}

// normalize writes a decoded value as text in which numbers of either
// decoder compare equal: integers in decimal, floats as their bits.
func normalize(v any) string {
	var b strings.Builder
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case nil:
			b.WriteString("null")
		case bool:
			fmt.Fprint(&b, x)
		case string:
			fmt.Fprintf(&b, "%q", x)
		case uint64:
			fmt.Fprintf(&b, "i%d", x)
		case int64:
			fmt.Fprintf(&b, "i%d", x)
		case big.Int:
			fmt.Fprintf(&b, "i%s", x.String())
		case *big.Int:
			fmt.Fprintf(&b, "i%s", x.String())
		case float64:
			fmt.Fprintf(&b, "f%x", math.Float64bits(x))
		case json.Number:
			s := x.String()
			if strings.ContainsAny(s, ".eE") {
				f, _ := x.Float64()
				fmt.Fprintf(&b, "f%x", math.Float64bits(f))
			} else {
				fmt.Fprintf(&b, "i%s", s)
			}
		case []any:
			b.WriteByte('[')
			for _, e := range x {
				walk(e)
				b.WriteByte(',')
			}
			b.WriteByte(']')
		case map[string]any:
			b.WriteByte('{')
			for _, k := range slices.Sorted(maps.Keys(x)) {
				fmt.Fprintf(&b, "%q:", k)
				walk(x[k])
				b.WriteByte(',')
			}
			b.WriteByte('}')
		default:
			fmt.Fprintf(&b, "?%T", x)
		}
	}
	walk(v)
	return b.String()
}
