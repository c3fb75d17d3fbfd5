package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cookiecodec/cookiecodec/bench"
)

// composition counts what a session value is made of: the units of work of
// a serializer, which visits every value and map entry whatever their size.
type composition struct {
	bytes   int // compact JSON
	values  int // every value, containers included
	entries int // map entries (keys)
	maps    int
	strings int // string values and keys
}

func compose(v any) composition {
	var c composition
	if text, err := json.Marshal(v); err == nil {
		c.bytes = len(text)
	}
	var walk func(v any)
	walk = func(v any) {
		c.values++
		switch x := v.(type) {
		case map[string]any:
			c.maps++
			for _, e := range x {
				c.entries++
				c.strings++
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case string:
			c.strings++
		}
	}
	walk(v)
	return c
}

// writeComposition explains the L vs S goals: L is 12.2 times S's bytes but
// holds many more values per byte, and a serializer's work follows values.
func writeComposition(b *strings.Builder) {
	s, l := compose(bench.S()), compose(bench.L())
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	ratio := func(a, b int) string { return fmt.Sprintf("%.1fx", float64(a)/float64(b)) }
	p("What L and S are made of (a serializer's work follows values and map entries; a cipher's and base64's follow bytes):\n\n")
	p("| | JSON bytes | values | map entries | maps | strings (keys included) |\n|---|---:|---:|---:|---:|---:|\n")
	p("| S | %d | %d | %d | %d | %d |\n", s.bytes, s.values, s.entries, s.maps, s.strings)
	p("| L | %d | %d | %d | %d | %d |\n", l.bytes, l.values, l.entries, l.maps, l.strings)
	p("| L / S | %s | %s | %s | %s | %s |\n\n", ratio(l.bytes, s.bytes), ratio(l.values, s.values), ratio(l.entries, s.entries), ratio(l.maps, s.maps), ratio(l.strings, s.strings))
	p("L carries %s the values and %s the maps of S for %s the bytes: its cart is 40 small maps of short strings and small integers, ", ratio(l.values, s.values), ratio(l.maps, s.maps), ratio(l.bytes, s.bytes))
	p("while S's bytes are mostly long strings. A decoder must build every map and every value of the value model (`map[string]any`, `[]any`, strings, boxed integers), ")
	p("so a serializer alone whose cost per value is constant lands between the byte ratio and the value ratio; ")
	p("a codec adds per-cookie work (HMAC, base64, AEAD) that scales with bytes, which pulls its ratio towards the byte ratio. ")
	p("The goal table's row \"value-model floor\" measures this bound in the same run: it only builds the decoded value of S and of L, with the allocations `serializer.Unmarshal` makes and no parsing (`BenchmarkValueFloor`), ")
	p("and when its own L/S ratio is above the size ratio, no serializer that builds every value of this model on decode can meet a decode goal of the size ratio, however fast its parsing: the bound is the values per byte, not the maps (a bench audit measured objects built as slices instead of maps at 15.1x). ")
	p("It does not bind the codecs, whose per-cookie work brings them closer to the byte ratio, and a lazy decoder that builds values on first access could meet it by moving the work elsewhere. ")
	p("The scaling series below keeps the composition fixed and varies only the size, so its exponent is the linearity test.\n\n")
}
