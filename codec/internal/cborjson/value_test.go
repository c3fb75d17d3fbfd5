package cborjson

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cookiecodec/cookiecodec/serializer"
)

// sameValue is reflect.DeepEqual with NaN equal to NaN.
func sameValue(a, b any) bool {
	return fmt.Sprintf("%#v", a) == fmt.Sprintf("%#v", b) && reflect.TypeOf(a) == reflect.TypeOf(b) &&
		(reflect.DeepEqual(a, b) || strings.Contains(fmt.Sprint(a), "NaN"))
}

// TestDirectPathsAgree: on random values, the direct encoder writes exactly
// FromJSON(Marshal(v)) whenever it accepts v, and the direct decoder returns
// exactly what the serializer reads from ToJSON's text whenever it accepts
// the data. Plain values must take the direct paths.
func TestDirectPathsAgree(t *testing.T) {
	ser := &serializer.Serializer{NativeTime: true}
	rng := rand.New(rand.NewPCG(21, 22))
	var enc Encoder
	direct, fallback := 0, 0
	for i := range 5000 {
		v := randomValue(rng, 0, i%2 == 0)
		text, want := marshalBinary(t, ser, v)
		got, ok := enc.AppendValue([]byte("x"), v, testLimits.MaxDepth)
		if ok {
			direct++
			if !bytes.Equal(got[1:], want) || got[0] != 'x' {
				t.Fatalf("value %d %#v: direct %x, via text %x", i, v, got, want)
			}
		} else {
			fallback++
			if i%2 == 0 && !strings.Contains(string(text), `" `) && !strings.Contains(string(text), `\ufffd`) {
				t.Fatalf("plain value %d refused by the direct encoder: %s", i, text)
			}
		}
		wantV, err := ser.Unmarshal(text)
		if err != nil {
			t.Fatal(err)
		}
		if gotV, ok := DecodeValue(want, testLimits); ok {
			if !sameValue(gotV, wantV) {
				t.Fatalf("value %d: direct decode %#v, serializer %#v", i, gotV, wantV)
			}
		} else if i%2 == 0 && !strings.Contains(string(text), `" `) && !bytes.Contains(want, []byte{0xc2}) && !bytes.Contains(want, []byte{0xc3}) {
			t.Fatalf("plain value %d refused by the direct decoder: %s", i, text)
		}
	}
	if direct < 2000 || fallback < 1000 {
		t.Errorf("direct %d, fallback %d: the random values do not exercise both paths", direct, fallback)
	}
}

// TestDirectEncodeSortsSharedPrefixes: maps whose keys share their first
// seven bytes or more (where the packed sort keys tie and whole keys
// decide), at every size around the small-map limit, are written in the
// serializer's order.
func TestDirectEncodeSortsSharedPrefixes(t *testing.T) {
	ser := &serializer.Serializer{NativeTime: true}
	rng := rand.New(rand.NewPCG(23, 24))
	suffixes := []string{"", "\x00", "a", "b", "é", "\U0001F600", "aa", "ab", "_1", "_10", "_2"}
	var enc Encoder
	for round := range 400 {
		m := map[string]any{}
		n := 2 + round%20 // 2..21 keys: small maps and the e.keys path
		for len(m) < n {
			k := "prefix_" + suffixes[rng.IntN(len(suffixes))] + suffixes[rng.IntN(len(suffixes))]
			if rng.IntN(4) == 0 {
				k = k[:rng.IntN(len(k)+1)]
				for !utf8.ValidString(k) { // cut inside a character
					k = k[:len(k)-1]
				}
			}
			m[k] = len(m)
		}
		_, want := marshalBinary(t, ser, m)
		got, ok := enc.AppendValue(nil, m, testLimits.MaxDepth)
		if !ok || !bytes.Equal(got, want) {
			t.Fatalf("round %d, keys of %#v: direct %x (ok %v), via text %x", round, m, got, ok, want)
		}
	}
}

// TestDirectDecodeRefuses lists inputs the direct decoder must leave to the
// text path.
func TestDirectDecodeRefuses(t *testing.T) {
	for _, c := range []struct{ why, json string }{
		{"tuple tag", `{" t":[1]}`},
		{"escaped one-key map", `{" di":{" t":1}}`},
		{"uint64 beyond int64", `9223372036854775808`},
		{"bignum", `18446744073709551616`},
	} {
		bin, err := FromJSON(nil, []byte(c.json), testLimits)
		if err != nil {
			t.Fatal(err)
		}
		if v, ok := DecodeValue(bin, testLimits); ok {
			t.Errorf("%s: direct decoder returned %#v", c.why, v)
		}
	}
	// Duplicate keys that leave one tag key: the serializer decides.
	dup := []byte{0xa2, 0x62, ' ', 't', 0x81, 0x01, 0x62, ' ', 't', 0x81, 0x02}
	if v, ok := DecodeValue(dup, testLimits); ok {
		t.Errorf("duplicate tag keys: direct decoder returned %#v", v)
	}
	for _, bad := range [][]byte{{}, {0x18, 0x01}, {0xfb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 1}, {0x61, 0xff}, {0x01, 0x01}, {0x82, 0x01}} {
		if v, ok := DecodeValue(bad, testLimits); ok {
			t.Errorf("%x: direct decoder returned %#v", bad, v)
		}
	}
	lim := testLimits
	lim.MaxOutput = 60
	if _, ok := DecodeValue([]byte{0}, lim); !ok {
		t.Error("a 1-byte payload under a 60-byte output limit must decode")
	}
	long := append([]byte{0x6b}, []byte("hello world")...)
	if _, ok := DecodeValue(long, lim); ok {
		t.Error("12 bytes could make 72 bytes of text: over the 60-byte limit, the text path must decide")
	}
}

func TestDirectEncodeRefuses(t *testing.T) {
	var enc Encoder
	deep := any(1)
	for range 300 {
		deep = []any{deep}
	}
	// Larger than keyorder.Small, so that it goes through e.keys, whose
	// scratch must be empty again after the refusal.
	largeBadKey := map[string]any{"\xff": 1}
	for i := range 20 {
		largeBadKey[fmt.Sprint("k", i)] = i
	}
	for _, v := range []any{
		serializer.Tuple{1}, []byte("x"), map[string]any{" t": 1}, "\xff", map[string]any{"\xff": 1},
		int32(1), uint64(1), []string{"a"}, deep, []any{1, struct{}{}}, largeBadKey,
	} {
		if out, ok := enc.AppendValue([]byte("keep"), v, 256); ok || string(out) != "keep" {
			t.Errorf("%#v: direct encoder accepted it (%x)", v, out)
		}
	}
	if len(enc.keys) != 0 {
		t.Errorf("scratch keys left behind: %q", enc.keys)
	}
	nan, _ := enc.AppendValue(nil, math.NaN(), 256)
	if !bytes.Equal(nan, []byte{0xfb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0}) {
		t.Errorf("NaN written as %x", nan)
	}
}

func TestDirectAllocations(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts")
	}
	var enc Encoder
	buf := make([]byte, 0, 512)
	if n := testing.AllocsPerRun(100, func() { buf, _ = enc.AppendValue(buf[:0], sessionS, 256) }); n != 0 {
		t.Errorf("AppendValue(S) allocates %v times, want 0", n)
	}
}

// TestDecodeValueFalseCounts: containers nested past the depth limit, each
// claiming as many items as there are bytes left, in 64 KiB of otherwise
// zero bytes (about 1 KB once compressed, so one cookie sealed with a
// leaked key carries it). The direct decoder must refuse them having
// preallocated no more than the input's length allows: before the item
// budget it allocated 268 MB for the arrays and 672 MB for the maps.
func TestDecodeValueFalseCounts(t *testing.T) {
	const size, levels = 64 << 10, 300
	nested := func(head byte, key []byte, perItem int) []byte {
		b := make([]byte, 0, size)
		var at []int
		for range levels {
			b = append(b, head, 0, 0) // a 2-byte count, its shortest form
			at = append(at, len(b))
			b = append(b, key...)
		}
		for _, end := range at {
			binary.BigEndian.PutUint16(b[end-2:end], uint16((size-end)/perItem))
		}
		return append(b, make([]byte, size-len(b))...)
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"arrays", nested(0x99, nil, 1)},
		{"maps", nested(0xb9, []byte{0x61, 'a'}, 2)},
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, ok := DecodeValue(tc.data, testLimits)
		runtime.ReadMemStats(&after)
		if ok {
			t.Fatalf("%s: accepted", tc.name)
		}
		// Bounded by the input: 16 bytes of slice or a few tens of bytes of
		// map per input byte at most, a few MB; the old way took hundreds.
		got := after.TotalAlloc - before.TotalAlloc
		t.Logf("%s: %d KB allocated to refuse %d bytes", tc.name, got>>10, len(tc.data))
		if got > 16<<20 {
			t.Errorf("%s: %d MB allocated to refuse %d bytes", tc.name, got>>20, len(tc.data))
		}
	}
}
