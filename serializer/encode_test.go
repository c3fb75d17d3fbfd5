package serializer_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/internal/pyjson"
	"github.com/cookiecodec/cookiecodec/serializer"
)

type role string

type address struct {
	City string `json:"city"`
	Zip  string `json:"zip,omitempty"`
}

type base struct {
	ID      int `json:"id"`
	Created time.Time
}

type user struct {
	base
	Name    string            `json:"name"`
	Roles   []role            `json:"roles"`
	Addr    *address          `json:"addr,omitempty"`
	Tags    map[string]string `json:"tags,omitempty"`
	Avatar  []byte            `json:"avatar"`
	Skip    string            `json:"-"`
	Score   float32           `json:"score"`
	Zero    time.Time         `json:"zero,omitzero"`
	private int
}

func TestMarshalValues(t *testing.T) {
	negZero := math.Copysign(0, -1)
	huge, _ := new(big.Int).SetString("-123456789012345678901234567890", 10)
	cases := []struct {
		v    any
		want string
	}{
		{nil, `null`},
		{map[string]any{}, `{}`},
		{[]any{}, `[]`},
		{map[string]any{"b": 1, "a": 2, "B": 3, "_": 4, " ": 5, "é": 6, "😀": 7, "\uffff": 8},
			`{" ":5,"B":3,"_":4,"a":2,"b":1,"\u00e9":6,"\uffff":8,"\ud83d\ude00":7}`},
		{[]any{int8(-8), int16(-16), int32(-32), int64(-64), uint(1), uint8(8), uint16(16), uint32(32), uint64(math.MaxUint64), uintptr(7)},
			`[-8,-16,-32,-64,1,8,16,32,18446744073709551615,7]`},
		{[]any{1.0, negZero, float32(0.1), 1e16, 1e-5, math.NaN(), math.Inf(1), math.Inf(-1)},
			`[1.0,-0.0,0.1,1e+16,1e-05,NaN,Infinity,-Infinity]`},
		{huge, `-123456789012345678901234567890`},
		{big.NewInt(5), `5`},
		{(*big.Int)(nil), `null`},
		{[]string{"a", "b"}, `["a","b"]`},
		{[]string(nil), `[]`},
		{map[string]string{"z": "1", "a": "2"}, `{"a":"2","z":"1"}`},
		{map[string]int{"n": 1}, `{"n":1}`},
		{map[role]role{"admin": "x"}, `{"admin":"x"}`},
		{map[string]any(nil), `{}`},
		{[]int{1, 2}, `[1,2]`},
		{[2]bool{true, false}, `[true,false]`},
		{[]role{"a"}, `["a"]`},
		{[]map[string]any{{"a": 1}, {}}, `[{"a":1},{}]`},
		{[]byte(nil), `{" b":""}`},
		{[]byte{0xfb, 0xff}, `{" b":"+/8="}`},
		{serializer.Tuple{}, `{" t":[]}`},
		{serializer.Markup("<i>&amp;</i>"), `{" m":"<i>&amp;</i>"}`},
		{serializer.UUID{0: 0xab, 15: 0x01}, `{" u":"ab000000000000000000000000000001"}`},
		{time.Date(2020, 1, 1, 0, 30, 0, 999999999, time.FixedZone("", 19800)), `{" d":"Tue, 31 Dec 2019 19:00:00 GMT"}`},
		{time.Time{}, `{" d":"Mon, 01 Jan 0001 00:00:00 GMT"}`},
		{ptr(time.Date(2024, 2, 29, 23, 59, 58, 0, time.UTC)), `{" d":"Thu, 29 Feb 2024 23:59:58 GMT"}`},
		{(*time.Time)(nil), `null`},
		{ptr("x"), `"x"`},
		{(*int)(nil), `null`},
		{ptr(ptr(3)), `3`},
		{[]any{ptr(serializer.Tuple{1})}, `[{" t":[1]}]`},
		// The " di" escape, at the top and nested, for every tag key.
		{map[string]any{" t": 1}, `{" di":{" t__":1}}`},
		{map[string]any{" di": 1}, `{" di":{" di__":1}}`},
		{map[string]any{" b": "x"}, `{" di":{" b__":"x"}}`},
		{map[string]any{" m": "x"}, `{" di":{" m__":"x"}}`},
		{map[string]any{" u": "x"}, `{" di":{" u__":"x"}}`},
		{map[string]any{" d": "x"}, `{" di":{" d__":"x"}}`},
		{map[string]any{" di": map[string]any{" di": []any{1}}}, `{" di":{" di__":{" di":{" di__":[1]}}}}`},
		{map[string]string{" t": "x"}, `{" di":{" t__":"x"}}`},
		{map[string]any{" t": 1, " u": 2}, `{" t":1," u":2}`},
		{map[string]any{" x": 1}, `{" x":1}`},
		{map[string]any{" t__": 1}, `{" t__":1}`},
		{map[string]any{" dn": 1}, `{" dn":1}`},
		{struct {
			T int `json:" t"`
		}{1}, `{" di":{" t__":1}}`},
		// Structs use json-style names, sorted like any map.
		{user{base: base{ID: 7, Created: time.Unix(0, 0)}, Name: "ann", Roles: []role{"admin"}, Avatar: []byte{1}, Skip: "no", Score: 0.5, private: 1},
			`{"Created":{" d":"Thu, 01 Jan 1970 00:00:00 GMT"},"avatar":{" b":"AQ=="},"id":7,"name":"ann","roles":["admin"],"score":0.5}`},
		{&user{Addr: &address{City: "Köln"}, Tags: map[string]string{"k": "v"}},
			`{"Created":{" d":"Mon, 01 Jan 0001 00:00:00 GMT"},"addr":{"city":"K\u00f6ln"},"avatar":{" b":""},"id":0,"name":"","roles":[],"score":0.0,"tags":{"k":"v"}}`},
	}
	for _, c := range cases {
		got, err := serializer.Marshal(c.v)
		if err != nil || string(got) != c.want {
			t.Errorf("Marshal(%#v)\n got %s (%v)\nwant %s", c.v, got, err, c.want)
		}
		app, err := serializer.AppendMarshal([]byte("pre"), c.v)
		if err != nil || string(app) != "pre"+c.want {
			t.Errorf("AppendMarshal(%#v) = %s, %v", c.v, app, err)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestMarshalUnsupported(t *testing.T) {
	type item struct {
		Price complex128 `json:"price"`
	}
	cases := []struct {
		v    any
		path string
	}{
		{make(chan int), "$"},
		{map[string]any{"cart": []any{1, 2, 3, item{}}}, "$.cart[3].price"},
		{map[string]any{"f": func() {}}, "$.f"},
		// Maps with the keys of the map before them (written in the
		// remembered order) report their own path.
		{[]any{map[string]any{"a": 1, "b": 2}, map[string]any{"b": 3, "a": 4}, map[string]any{"a": 5, "b": 1i}}, "$[2].b"},
		{map[string]any{"a b": map[float64]string{1: "x"}}, `$["a b"]`},
		{[]any{serializer.Tuple{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}}, "$[0][0]"},
		{map[string]any{" t": struct{ C chan int }{}}, `$[" t"].C`},
	}
	for _, c := range cases {
		_, err := serializer.Marshal(c.v)
		var ue *serializer.UnsupportedTypeError
		if !errors.Is(err, serializer.ErrUnsupportedType) || !errors.As(err, &ue) || ue.Path != c.path {
			t.Errorf("Marshal(%#v): err = %v, want ErrUnsupportedType at %s", c.v, err, c.path)
		}
		out, err := serializer.AppendMarshal([]byte("keep"), c.v)
		if err == nil || string(out) != "keep" {
			t.Errorf("AppendMarshal on error = %q, %v", out, err)
		}
	}
	_, err := serializer.Marshal(map[string]any{"cart": []any{1, 2, 3, item{}}})
	if got := err.Error(); got != "serializer: unsupported type complex128 at $.cart[3].price" {
		t.Errorf("message = %q", got)
	}
}

func TestMarshalLimits(t *testing.T) {
	// A cyclic value stops at the depth limit.
	cyc := map[string]any{}
	cyc["self"] = cyc
	if _, err := serializer.Marshal(cyc); !errors.Is(err, serializer.ErrTooDeep) {
		t.Errorf("cycle: err = %v, want ErrTooDeep", err)
	}
	l := []any{nil}
	l[0] = l
	if _, err := serializer.Marshal(l); !errors.Is(err, serializer.ErrTooDeep) {
		t.Errorf("list cycle: err = %v, want ErrTooDeep", err)
	}
	type node struct{ Next *node }
	n := &node{}
	n.Next = n
	if _, err := serializer.Marshal(n); !errors.Is(err, serializer.ErrTooDeep) {
		t.Errorf("pointer cycle: err = %v, want ErrTooDeep", err)
	}
	// Depth is exact: MaxDepth nested lists encode, one more does not.
	s := &serializer.Serializer{MaxDepth: 3}
	if out, err := s.Marshal([]any{[]any{[]any{}}}); err != nil || string(out) != "[[[]]]" {
		t.Errorf("depth 3 = %s, %v", out, err)
	}
	if _, err := s.Marshal([]any{[]any{[]any{[]any{}}}}); !errors.Is(err, serializer.ErrTooDeep) {
		t.Errorf("depth 4: err = %v", err)
	}
	if _, err := s.Marshal(map[string]any{"a": map[string]any{" t": serializer.Tuple{}}}); !errors.Is(err, serializer.ErrTooDeep) {
		t.Errorf("escape and tuple count as levels: err = %v", err)
	}
	// CPython refuses to write ints of more than 4300 digits; so does Go.
	z, _ := new(big.Int).SetString(strings.Repeat("9", 4300), 10)
	if out, err := serializer.Marshal(z); err != nil || len(out) != 4300 {
		t.Errorf("4300 digits: %d bytes, %v", len(out), err)
	}
	z.Mul(z, big.NewInt(10))
	if _, err := serializer.Marshal(z); !errors.Is(err, serializer.ErrTooLarge) {
		t.Errorf("4301 digits: err = %v, want ErrTooLarge", err)
	}
}

func TestRoundTripModel(t *testing.T) {
	v := map[string]any{
		"t": serializer.Tuple{int64(1), "two", 3.0, serializer.Tuple{}},
		"b": []byte("bytes"), "m": serializer.Markup("<b>"), "u": serializer.UUID{1, 2, 3},
		"d":   time.Date(2024, 2, 29, 23, 59, 58, 0, time.UTC),
		" t":  map[string]any{" di": []any{nil, true, false}},
		"big": big64, "nan": math.NaN(), "neg0": math.Copysign(0, -1),
		"s": "Jürgen \u2028 😀 \x00\x7f",
	}
	text, err := serializer.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	back, err := serializer.Unmarshal(text)
	if err != nil {
		t.Fatal(err)
	}
	if !sameValue(back, v) {
		t.Errorf("round trip:\n got %#v\nwant %#v", back, v)
	}
}

// TestConcurrentUse runs Marshal and Unmarshal from several goroutines on
// one Serializer (run it with -race): the pooled encoders and decoders must
// not share state.
func TestConcurrentUse(t *testing.T) {
	s := &serializer.Serializer{NativeTime: true}
	v := sessionL()
	want, err := s.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		go func() {
			for i := 0; i < 50; i++ {
				out, err := s.Marshal(v)
				if err == nil && string(out) != string(want) {
					err = errors.New("different text")
				}
				if err == nil {
					var back any
					back, err = s.Unmarshal(out)
					if err == nil && len(back.(map[string]any)) != len(v) {
						err = errors.New("different value")
					}
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for g := 0; g < 8; g++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// TestMarshalKeyOrder checks the key order of maps of every size up to
// past the stack-sorted ones, with keys built to defeat a prefix
// comparison: long shared prefixes, lengths around seven and eight bytes,
// NUL and DEL bytes, non-ASCII code points, and the empty key.
func TestMarshalKeyOrder(t *testing.T) {
	pool := []string{"", "a", "a\x00", "a\x00\x00", "abcdefg", "abcdefg\x00", "abcdefgh", "abcdefgh\x00",
		"abcdefgi", "abcdefghij", "abcdefghi", "abcdefg\x7f", "abcdef", "abcdefgé", "abcdefg\u0100",
		"abcdefgh😀", "abcdefgh\uffff", "b", "\x7f", "é", "😀", "\uffff", "user_id", "username", "user",
		"csrf_token", "_fresh", "A", "Z", "zzzzzzzzzzzzzzzz", "zzzzzzzzzzzzzzzy"}
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n <= len(pool); n++ {
		for range 50 {
			m := make(map[string]any, n)
			for _, i := range r.Perm(len(pool))[:n] {
				m[pool[i]] = i
			}
			keys := slices.Sorted(maps.Keys(m))
			want := []byte{'{'}
			for i, k := range keys {
				if i > 0 {
					want = append(want, ',')
				}
				want = pyjson.AppendString(want, k)
				want = append(want, ':')
				want = pyjson.AppendInt(want, int64(m[k].(int)))
			}
			want = append(want, '}')
			got, err := serializer.Marshal(m)
			if err != nil || string(got) != string(want) {
				t.Fatalf("Marshal(%q)\n got %s (%v)\nwant %s", keys, got, err, want)
			}
		}
	}
}

// TestMarshalNestedLargeMaps checks large maps inside large maps, whose
// sort orders share one stack in the encoder, against encoding/json (which
// also sorts keys by byte order and writes plain ASCII keys and integers
// the same way).
func TestMarshalNestedLargeMaps(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var build func(depth int) map[string]any
	build = func(depth int) map[string]any {
		m := map[string]any{}
		for i := range 17 + r.IntN(30) {
			k := fmt.Sprintf("key%03d", r.IntN(1000)) + strings.Repeat("x", r.IntN(3))
			if depth < 2 && i%7 == 0 {
				m[k] = build(depth + 1)
			} else {
				m[k] = i
			}
		}
		return m
	}
	for range 20 {
		m := build(0)
		got, err := serializer.Marshal(m)
		want, _ := json.Marshal(m)
		if err != nil || string(got) != string(want) {
			t.Fatalf("Marshal\n got %s (%v)\nwant %s", got, err, want)
		}
	}
}

// TestMarshalHugeMap checks a map too large for the packed sort indexes
// (over 65,536 entries), which is sorted by key in place instead.
func TestMarshalHugeMap(t *testing.T) {
	m := make(map[string]any, 70000)
	for i := range 70000 {
		m[fmt.Sprintf("k%x", i*7919%70001)] = i
	}
	got, err := serializer.Marshal(m)
	want, _ := json.Marshal(m)
	if err != nil || string(got) != string(want) {
		t.Fatalf("Marshal of a %d-key map differs from encoding/json (%v)", len(m), err)
	}
}

// TestMarshalRepeatedShapes checks lists of maps that share their keys
// (which reuse the sorted keys of the map before them), mixed with maps of
// the same size and other keys, maps that differ only in their last key,
// and nesting past the depths that remember keys, against encoding/json
// (which also sorts keys by byte order; the values are plain ASCII, so both
// write the same text).
func TestMarshalRepeatedShapes(t *testing.T) {
	keySets := [][]string{
		{"id", "name", "price", "qty", "sku"},
		{"id", "name", "price", "qty", "skv"},
		{"id", "name", "price", "qty", "aaa"},
		{"a", "b"}, {"b", "c"}, {"a", "c"},
		// Keys whose text does not fit the 16-byte copy: long, or
		// escaped (encoding/json writes "\u003c" where Flask writes "<",
		// so only escapes both write alike).
		{"a", "a_rather_long_key_name"}, {"a", "exactly_12ch"}, {"a", "exactly_13chr"}, {"exactly_13chr", "z"},
		{"a", "quote\"d", "back\\slash", "tab\t"},
		{"k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "k10", "k11", "k12", "k13", "k14", "k15", "k16"},
		{"k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "k10", "k11", "k12", "k13", "k14", "k15", "k17"},
	}
	r := rand.New(rand.NewPCG(3, 4))
	budget := 0 // values left to make in this round
	var gen func(depth int) any
	gen = func(depth int) any {
		budget--
		switch x := r.IntN(10); {
		case depth > 11 || budget <= 0 || x < 4:
			if x%2 == 0 {
				return int64(r.IntN(100))
			}
			return keySets[r.IntN(len(keySets))][0]
		case x < 6:
			l := make([]any, r.IntN(6))
			for i := range l {
				l[i] = gen(depth + 1)
			}
			return l
		default:
			ks := keySets[r.IntN(len(keySets))]
			m := make(map[string]any, len(ks))
			for _, k := range ks {
				m[k] = gen(depth + 1)
			}
			return m
		}
	}
	for range 300 {
		budget = 500
		v := gen(0)
		got, err := serializer.Marshal(v)
		want, _ := json.Marshal(v)
		if err != nil || string(got) != string(want) {
			t.Fatalf("Marshal\n got %s (%v)\nwant %s", got, err, want)
		}
		// Growing from nothing, the buffer is often nearly full.
		if got, err := serializer.AppendMarshal(nil, v); err != nil || string(got) != string(want) {
			t.Fatalf("AppendMarshal\n got %s (%v)\nwant %s", got, err, want)
		}
	}
}

// TestMarshalOpaqueStructs: a struct with fields of which none is
// exported (an error value, a type with only private state) is refused
// with a reason, instead of being written as {} and read back empty (a Go
// developer's cart line with unexported fields came back zero in the next
// request, and an errors.New as an empty map). Structs with no fields, or
// whose fields are all skipped with `json:"-"`, are written as {} as
// before: that is asked for.
func TestMarshalOpaqueStructs(t *testing.T) {
	type line struct {
		sku string
		qty int
	}
	type hidden struct {
		Secret string `json:"-"`
	}
	type withLock struct {
		Name string
		Lock struct{ state int }
	}
	refused := []struct {
		v      any
		path   string
		reason string
	}{
		{line{"A-1", 2}, "$", "no exported fields"},
		{map[string]any{"item": &line{"A-1", 2}}, "$.item", "no exported fields"},
		{map[string]any{"err": errors.New("payment declined")}, "$.err", "store err.Error()"},
		{map[string]any{"err": fmt.Errorf("wrapped: %w", io.EOF)}, "$.err", "store err.Error()"},
		{withLock{Name: "a"}, "$.Lock", "no exported fields"},
	}
	for _, c := range refused {
		_, err := serializer.Marshal(c.v)
		var ue *serializer.UnsupportedTypeError
		if !errors.As(err, &ue) || ue.Path != c.path || !strings.Contains(ue.Reason, c.reason) {
			t.Errorf("Marshal(%#v): %v; want ErrUnsupportedType at %s saying %q", c.v, err, c.path, c.reason)
		}
	}
	for _, v := range []any{struct{}{}, hidden{"x"}, map[string]any{"h": hidden{"x"}}} {
		if out, err := serializer.Marshal(v); err != nil || !strings.Contains(string(out), "{}") {
			t.Errorf("Marshal(%#v) = %s, %v; want {}", v, out, err)
		}
	}
}

// TestUUIDText: encoding/json writes a UUID as its canonical string and
// reads it back (an API echoing a session struct printed 16 numbers),
// while the serializer still writes the " u" tag Flask reads.
func TestUUIDText(t *testing.T) {
	type order struct{ Ref serializer.UUID }
	u, err := serializer.ParseUUID("74debc3e-59a4-4d6b-9c38-9f0c0e0f1a2b")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(order{u})
	if err != nil || string(b) != `{"Ref":"74debc3e-59a4-4d6b-9c38-9f0c0e0f1a2b"}` {
		t.Errorf("encoding/json: %s, %v", b, err)
	}
	var back order
	if err := json.Unmarshal(b, &back); err != nil || back.Ref != u {
		t.Errorf("encoding/json back: %v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"Ref":"not a uuid"}`), &back); err == nil {
		t.Error("encoding/json took a bad UUID")
	}
	text, err := serializer.Marshal(order{u})
	if err != nil || string(text) != `{"Ref":{" u":"74debc3e59a44d6b9c389f0c0e0f1a2b"}}` {
		t.Errorf("serializer: %s, %v", text, err)
	}
	var into order
	if err := serializer.UnmarshalInto(text, &into); err != nil || into.Ref != u {
		t.Errorf("serializer back: %v, %v", into, err)
	}
}

// dupText is a TextMarshaler key type whose keys can share a text.
type dupText struct{ a, b int }

func (d dupText) MarshalText() ([]byte, error) { return []byte(strconv.Itoa(d.a + d.b)), nil }

// TestMapKeys: maps with integer or TextMarshaler keys are written as
// encoding/json writes them, and as Python's json.dumps writes a dict's int
// keys: their text, sorted as strings like every key. UnmarshalInto reads
// them back, refusing a key that is not an integer in range. A cart keyed
// by product id was refused before (a Go developer's finding).
func TestMapKeys(t *testing.T) {
	text, err := serializer.Marshal(map[string]any{"cart": map[int]int{10: 1, 2: 3, -1: 5}})
	if err != nil || string(text) != `{"cart":{"-1":5,"10":1,"2":3}}` {
		t.Errorf("int keys: %s, %v", text, err)
	}
	var cart struct{ Cart map[int]int }
	if err := serializer.UnmarshalInto(text, &cart); err != nil || cart.Cart[10] != 1 || cart.Cart[-1] != 5 || len(cart.Cart) != 3 {
		t.Errorf("int keys back: %v, %v", cart, err)
	}
	u, _ := serializer.ParseUUID("74debc3e59a44d6b9c389f0c0e0f1a2b")
	text, err = serializer.Marshal(map[serializer.UUID]bool{u: true})
	if err != nil || string(text) != `{"74debc3e-59a4-4d6b-9c38-9f0c0e0f1a2b":true}` {
		t.Errorf("TextMarshaler keys: %s, %v", text, err)
	}
	var seen map[serializer.UUID]bool
	if err := serializer.UnmarshalInto(text, &seen); err != nil || !seen[u] {
		t.Errorf("TextUnmarshaler keys back: %v, %v", seen, err)
	}
	for _, bad := range []struct {
		text string
		dst  any
	}{
		{`{"x":1}`, new(map[int]int)},
		{`{"300":1}`, new(map[uint8]int)},
		{`{"-1":1}`, new(map[uint]int)},
		{`{"+1":1}`, new(map[int]int)},
		{`{"not a uuid":true}`, new(map[serializer.UUID]bool)},
	} {
		if err := serializer.UnmarshalInto([]byte(bad.text), bad.dst); !errors.Is(err, serializer.ErrTypeMismatch) {
			t.Errorf("UnmarshalInto(%s, %T): %v, want ErrTypeMismatch", bad.text, bad.dst, err)
		}
	}
	if _, err := serializer.Marshal(map[dupText]int{{1, 2}: 1, {3, 0}: 2}); !errors.Is(err, serializer.ErrUnsupportedType) || !strings.Contains(err.Error(), `two keys are written as "3"`) {
		t.Errorf("keys with one text: %v, want ErrUnsupportedType", err)
	}
	if _, err := serializer.Marshal(map[float64]int{1: 1}); !errors.Is(err, serializer.ErrUnsupportedType) {
		t.Errorf("float keys: %v, want ErrUnsupportedType", err)
	}
}
