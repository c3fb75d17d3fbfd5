package bench

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/cookiecodec/cookiecodec/internal/boxes"
	"github.com/cookiecodec/cookiecodec/serializer"
)

// BenchmarkValueFloor is the floor of every decoder that returns the value
// model (map[string]any, []any, boxed strings and integers): it builds the
// value serializer.Unmarshal returns for S and L, with the same allocations
// (a copy of the input, each map made at its final size, each list, string
// headers in shared chunks, integers boxed), from a list of the values made
// before the loop, without parsing or any crypto.
//
// Its L/S ratio is what the "L vs S" goals of the decoders are up against:
// L's 40 small maps cost more to build per byte than S's long strings, so a
// decoder whose parsing were free would still have this ratio.
func BenchmarkValueFloor(b *testing.B) {
	for _, s := range sessions {
		text, err := serializer.Marshal(s.value())
		if err != nil {
			b.Fatal(err)
		}
		want, err := serializer.Unmarshal(text)
		if err != nil {
			b.Fatal(err)
		}
		var ops []buildOp
		flatten(&ops, "", want)
		b.Run(s.name+"/decode", func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			var got any
			for b.Loop() {
				got = build(ops, text)
			}
			if !reflect.DeepEqual(got, want) {
				b.Fatalf("built %v, want %v", got, want)
			}
		})
	}
}

// TestValueFloorBuildsUnmarshalsValue checks that the floor builds exactly
// what Unmarshal returns, with no more allocations, so that it is a floor.
func TestValueFloorBuildsUnmarshalsValue(t *testing.T) {
	for _, s := range sessions {
		text, _ := serializer.Marshal(s.value())
		want, _ := serializer.Unmarshal(text)
		var ops []buildOp
		flatten(&ops, "", want)
		if got := build(ops, text); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: built %v, want %v", s.name, got, want)
		}
		floor := testing.AllocsPerRun(20, func() { build(ops, text) })
		unmarshal := testing.AllocsPerRun(20, func() { serializer.Unmarshal(text) })
		if floor > unmarshal {
			t.Errorf("%s: the floor makes %v allocations, Unmarshal %v", s.name, floor, unmarshal)
		}
	}
}

// buildOp is one value of a decoded session in text order: a string, an
// int64, a bool, or an object or array of n entries (which follow it).
type buildOp struct {
	kind byte // 's', 'i', 'b', '{' or '['
	key  string
	n    int
	s    string
	i    int64
	t    bool
}

func flatten(ops *[]buildOp, key string, v any) {
	switch x := v.(type) {
	case string:
		*ops = append(*ops, buildOp{kind: 's', key: key, s: x})
	case int64:
		*ops = append(*ops, buildOp{kind: 'i', key: key, i: x})
	case bool:
		*ops = append(*ops, buildOp{kind: 'b', key: key, t: x})
	case []any:
		*ops = append(*ops, buildOp{kind: '[', key: key, n: len(x)})
		for _, item := range x {
			flatten(ops, "", item)
		}
	case map[string]any:
		*ops = append(*ops, buildOp{kind: '{', key: key, n: len(x)})
		for _, k := range slices.Sorted(maps.Keys(x)) {
			flatten(ops, k, x[k])
		}
	default:
		panic(fmt.Sprintf("flatten: %T", v))
	}
}

// build makes the value of ops, copying text once as Unmarshal does.
func build(ops []buildOp, text []byte) any {
	inputCopy = string(text)
	b := builder{ops: ops, left: len(text)}
	return b.value()
}

// inputCopy keeps build's copy of the input from being optimized away.
var inputCopy string

type builder struct {
	ops  []buildOp
	pos  int
	strs boxes.Strings
	left int
}

func (r *builder) value() any {
	o := &r.ops[r.pos]
	r.pos++
	switch o.kind {
	case 's':
		return r.strs.Box(o.s, r.left*(len(r.ops)-r.pos)/len(r.ops))
	case 'i':
		return o.i
	case 'b':
		return o.t
	case '[':
		l := make([]any, o.n)
		for i := range l {
			l[i] = r.value()
		}
		return l
	}
	m := make(map[string]any, o.n)
	for range o.n {
		k := r.ops[r.pos].key
		m[k] = r.value()
	}
	return m
}
