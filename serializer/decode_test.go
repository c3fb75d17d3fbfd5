package serializer_test

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/serializer"
)

var big64, _ = new(big.Int).SetString("18446744073709551616", 10)

// valueCases are inputs Python's json.loads and Flask's untag accept, with
// the Go value they decode to.
var valueCases = []struct {
	in   string
	want any
}{
	{`null`, nil},
	{` true `, true},
	{"\t\n\r false", false},
	{`0`, int64(0)},
	{`-0`, int64(0)},
	{`-0.0`, math.Copysign(0, -1)},
	{`9223372036854775807`, int64(math.MaxInt64)},
	{`-9223372036854775808`, int64(math.MinInt64)},
	{`18446744073709551616`, big64},
	{`1e400`, math.Inf(1)},
	{`-1e400`, math.Inf(-1)},
	{`1e999999`, math.Inf(1)},
	{`1e-400`, 0.0},
	{`1E5`, 100000.0},
	{`2.5e-3`, 0.0025},
	{`Infinity`, math.Inf(1)},
	{`-Infinity`, math.Inf(-1)},
	{`"a\/b\u00e9\uD83D\uDE00"`, "a/bé😀"},
	{`"\ud800"`, "\ufffd"},
	{`"\ud800x"`, "\ufffdx"},
	{`"\udc00\ud800"`, "\ufffd\ufffd"},
	{`"\ud800\u0041"`, "\ufffdA"},
	{"\"日本\"", "日本"},
	{`[]`, []any{}},
	{`{}`, map[string]any{}},
	{`{"a":1,"a":2}`, map[string]any{"a": int64(2)}},
	{`{"b":1,"a":2}`, map[string]any{"a": int64(2), "b": int64(1)}},
	{`{" t":[1],"x":2}`, map[string]any{" t": []any{int64(1)}, "x": int64(2)}},
	{`{" t":[1]," u":2}`, map[string]any{" t": []any{int64(1)}, " u": int64(2)}},
	{`{" t":[1]," t":[2]}`, serializer.Tuple{int64(2)}},
	{`{" x":1}`, map[string]any{" x": int64(1)}},
	{`{" t__":1}`, map[string]any{" t__": int64(1)}},
	{`{" di":{" t__":1}}`, map[string]any{" t": int64(1)}},
	{`{" di":{" di__":{" di":{" di__":[1]}}}}`, map[string]any{" di": map[string]any{" di": []any{int64(1)}}}},
	{`{" di":{"x__":{" t":[]}}}`, map[string]any{"x": serializer.Tuple{}}},
	{`{" dn":"2024-01-01T00:00:00Z"}`, map[string]any{" dn": "2024-01-01T00:00:00Z"}},
	{`{" b":""}`, []byte{}},
	{`{" b":"AAE="}`, []byte{0, 1}},
	{`{" b":"AAF="}`, []byte{0, 1}},
	{`{" b":"AA\nE="}`, []byte{0, 1}},
	{`{" m":"<b>&amp;"}`, serializer.Markup("<b>&amp;")},
	{`{" u":"6f1c2b7e0d9a4c3eb5a829f4e71d03bc"}`, mustUUID("6f1c2b7e-0d9a-4c3e-b5a8-29f4e71d03bc")},
	{`{" u":"6F1C2B7E-0D9A-4C3E-B5A8-29F4E71D03BC"}`, mustUUID("6f1c2b7e-0d9a-4c3e-b5a8-29f4e71d03bc")},
	{`{" u":"{6f1c2b7e-0d9a-4c3e-b5a8-29f4e71d03bc}"}`, mustUUID("6f1c2b7e-0d9a-4c3e-b5a8-29f4e71d03bc")},
	{`{" u":"urn:uuid:6f1c2b7e-0d9a-4c3e-b5a8-29f4e71d03bc"}`, mustUUID("6f1c2b7e-0d9a-4c3e-b5a8-29f4e71d03bc")},
	{`{" d":"Thu, 29 Feb 2024 23:59:58 GMT"}`, time.Date(2024, 2, 29, 23, 59, 58, 0, time.UTC)},
	{`{" d":"29 feb 2024 23:59:58 GMT"}`, time.Date(2024, 2, 29, 23, 59, 58, 0, time.UTC)},
	{`{" d":"Thu, 1 Feb 2024 01:02:03 +0200"}`, time.Date(2024, 2, 1, 1, 2, 3, 0, time.FixedZone("", 7200))},
	{`{" d":"Mon, 01 Jan 0001 00:00:00 GMT"}`, time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)},
	{`{" d":"Fri, 01 Jan 0068 00:00:00 GMT"}`, time.Date(68, 1, 1, 0, 0, 0, 0, time.UTC)},
	{`{" t":[{" t":[]},{" b":"AP8="}]}`, serializer.Tuple{serializer.Tuple{}, []byte{0, 0xff}}},
	// Strings are scanned eight bytes at a time: escapes, raw DEL and
	// non-ASCII after and between long plain runs.
	{"\"abcdefgh\x7fijklmnop\x7f\"", "abcdefgh\x7fijklmnop\x7f"},
	{`"0123456789abcdef\"0123456789abcdef\\0123456789"`, "0123456789abcdef\"0123456789abcdef\\0123456789"},
	{"\"abcdefghé01234567😀abcdefgh\"", "abcdefghé01234567😀abcdefgh"},
	// Objects past eight entries collect their entries before the map is
	// made; duplicate keys still collapse, also to a single tag key.
	{`{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"a":10}`,
		map[string]any{"a": int64(10), "b": int64(2), "c": int64(3), "d": int64(4), "e": int64(5), "f": int64(6), "g": int64(7), "h": int64(8), "i": int64(9)}},
	{`{" t":[1]," t":[2]," t":[3]," t":[4]," t":[5]," t":[6]," t":[7]," t":[8]," t":[9]}`, serializer.Tuple{int64(9)}},
	{`[{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9}},{"x":1,"y":2}]`,
		[]any{map[string]any{"a": int64(1), "b": int64(2), "c": int64(3), "d": int64(4), "e": int64(5), "f": int64(6), "g": int64(7), "h": int64(8),
			"i": map[string]any{"a": int64(1), "b": int64(2), "c": int64(3), "d": int64(4), "e": int64(5), "f": int64(6), "g": int64(7), "h": int64(8), "i": int64(9)}},
			map[string]any{"x": int64(1), "y": int64(2)}}},
}

// pyDiffers are the valueCases Python reads as another value, each a
// documented decision: lone surrogates and years below 100.
var pyDiffers = map[string]bool{
	`"\ud800"`: true, `"\ud800x"`: true, `"\udc00\ud800"`: true, `"\ud800\u0041"`: true,
	`{" d":"Mon, 01 Jan 0001 00:00:00 GMT"}`: true, `{" d":"Fri, 01 Jan 0068 00:00:00 GMT"}`: true,
}

func TestUnmarshalValues(t *testing.T) {
	for _, c := range valueCases {
		got, err := serializer.Unmarshal([]byte(c.in))
		if err != nil {
			t.Errorf("Unmarshal(%s): %v", c.in, err)
			continue
		}
		if !sameValue(got, c.want) {
			t.Errorf("Unmarshal(%s) = %#v, want %#v", c.in, got, c.want)
		}
	}
}

// TestUnmarshalString: the string form decodes every value case to what
// Unmarshal gives, refuses every reject case with the same error, and
// applies the input limit.
func TestUnmarshalString(t *testing.T) {
	for _, c := range valueCases {
		got, err := serializer.UnmarshalString(c.in)
		if err != nil || !sameValue(got, c.want) {
			t.Errorf("UnmarshalString(%s) = %#v, %v; want %#v", c.in, got, err, c.want)
		}
	}
	for _, c := range rejectCases {
		v, err := serializer.UnmarshalString(c.in)
		_, berr := serializer.Unmarshal([]byte(c.in))
		if !errors.Is(err, c.want) || fmt.Sprint(err) != fmt.Sprint(berr) {
			t.Errorf("UnmarshalString(%q) = %#v, %v; want %v (Unmarshal: %v)", c.in, v, err, c.want, berr)
		}
	}
	s := &serializer.Serializer{MaxInput: 8}
	if _, err := s.UnmarshalString(`"123456789"`); !errors.Is(err, serializer.ErrTooLarge) {
		t.Errorf("input over MaxInput: %v, want ErrTooLarge", err)
	}
}

func mustUUID(s string) serializer.UUID {
	u, err := serializer.ParseUUID(s)
	if err != nil {
		panic(err)
	}
	return u
}

// sameValue compares decoded values: floats by bits (NaN equal), big ints
// by value, times by instant and offset.
func sameValue(a, b any) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && (math.IsNaN(x) && math.IsNaN(y) || math.Float64bits(x) == math.Float64bits(y))
	case *big.Int:
		y, ok := b.(*big.Int)
		return ok && x.Cmp(y) == 0
	case time.Time:
		y, ok := b.(time.Time)
		_, ox := x.Zone()
		_, oy := y.Zone()
		return ok && x.Equal(y) && ox == oy
	case []byte:
		y, ok := b.([]byte)
		return ok && bytes.Equal(x, y)
	case []any:
		y, ok := b.([]any)
		return ok && sameList(x, y)
	case serializer.Tuple:
		y, ok := b.(serializer.Tuple)
		return ok && sameList(x, y)
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !sameValue(v, w) {
				return false
			}
		}
		return true
	}
	return a == b
}

func sameList(x, y []any) bool {
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if !sameValue(x[i], y[i]) {
			return false
		}
	}
	return true
}

// rejectCases are inputs Python's json.loads or Flask's untag rejects, and
// the quirks this package rejects on purpose (deliberate), each with the
// sentinel its error must wrap.
var rejectCases = []struct {
	in         string
	want       error
	deliberate bool // Python accepts it; see the package doc
}{
	{``, serializer.ErrSyntax, false},
	{`   `, serializer.ErrSyntax, false},
	{`{`, serializer.ErrSyntax, false},
	{`[1,]`, serializer.ErrSyntax, false},
	{`{"a":1,}`, serializer.ErrSyntax, false},
	{`{"a" 1}`, serializer.ErrSyntax, false},
	{`{1:2}`, serializer.ErrSyntax, false},
	{`{'a':1}`, serializer.ErrSyntax, false},
	{`01`, serializer.ErrSyntax, false},
	{`.5`, serializer.ErrSyntax, false},
	{`+1`, serializer.ErrSyntax, false},
	{`1.`, serializer.ErrSyntax, false},
	{`1e`, serializer.ErrSyntax, false},
	{`-`, serializer.ErrSyntax, false},
	{`--1`, serializer.ErrSyntax, false},
	{`nan`, serializer.ErrSyntax, false},
	{`-NaN`, serializer.ErrSyntax, false},
	{`+Infinity`, serializer.ErrSyntax, false},
	{`infinity`, serializer.ErrSyntax, false},
	{`tru`, serializer.ErrSyntax, false},
	{`nul`, serializer.ErrSyntax, false},
	{`{} {}`, serializer.ErrSyntax, false},
	{`{}x`, serializer.ErrSyntax, false},
	{`1 2`, serializer.ErrSyntax, false},
	{"\ufeff{}", serializer.ErrSyntax, false},
	{"\"a\nb\"", serializer.ErrSyntax, false},
	{"\"a\x00b\"", serializer.ErrSyntax, false},
	{"\"a\x1fb\"", serializer.ErrSyntax, false},
	{"\"\xff\"", serializer.ErrSyntax, false},
	{"\"\xed\xa0\x80\"", serializer.ErrSyntax, false},
	{"\"\xc3\"", serializer.ErrSyntax, false},
	{"\"abc", serializer.ErrSyntax, false},
	{`"\x"`, serializer.ErrSyntax, false},
	{`"\u12"`, serializer.ErrSyntax, false},
	{`"\u12g4"`, serializer.ErrSyntax, false},
	{`"\`, serializer.ErrSyntax, false},
	{"\f{}", serializer.ErrSyntax, false},
	{"\v{}", serializer.ErrSyntax, false},
	{`[1 2]`, serializer.ErrSyntax, false},
	{`{"a":}`, serializer.ErrSyntax, false},
	// Flask's untag rejects these too.
	{`{" t":5}`, serializer.ErrBadTag, false},
	{`{" b":"QQ"}`, serializer.ErrBadTag, false},
	{`{" b":5}`, serializer.ErrBadTag, false},
	{`{" u":"xyz"}`, serializer.ErrBadTag, false},
	{`{" u":5}`, serializer.ErrBadTag, false},
	{`{" di":5}`, serializer.ErrBadTag, false},
	{`{" di":{}}`, serializer.ErrBadTag, false},
	{`{" di":[1]}`, serializer.ErrBadTag, false},
	{`{" d":5}`, serializer.ErrBadTag, false},
	// Deliberate: Python accepts these (see the package doc).
	{`{" t":"ab"}`, serializer.ErrBadTag, true},
	{`{" t":{}}`, serializer.ErrBadTag, true},
	{`{" m":5}`, serializer.ErrBadTag, true},
	{`{" b":"-_-_"}`, serializer.ErrBadTag, true},
	{`{" b":"AA*E="}`, serializer.ErrBadTag, true},
	{`{" di":{"xy":1}}`, serializer.ErrBadTag, true},
	{`{" di":{"a__":1,"b__":2}}`, serializer.ErrBadTag, true},
	{`{" u":"6f1c2b7e0d9a-4c3eb5a829f4e71d03bc"}`, serializer.ErrBadTag, true},
	{`{" d":"not a date"}`, serializer.ErrBadTag, true},
	{`{" d":"Thu, 29 Feb 24 23:59:58 GMT"}`, serializer.ErrBadTag, true},
	{`{" d":"Thu, 30 Feb 2024 23:59:58 GMT"}`, serializer.ErrBadTag, true},
	{`{" d":"Thu, 29 Feb 2024 24:00:00 GMT"}`, serializer.ErrBadTag, true},
	{`{" d":"Thu, 29 Feb 2024 23:59:58 +2400"}`, serializer.ErrBadTag, true},
	{`{" d":"Thu, 29 Feb 2024 23:59:58 GMT "}`, serializer.ErrBadTag, true},
	{`{" d":"Thu, 18 Dec 1417 03:01:13GMT"}`, serializer.ErrBadTag, true},
	{`{" d":"18Dec 1417 03:01:13 GMT"}`, serializer.ErrBadTag, true},
	{`{" d":"18 Dec1417 03:01:13 GMT"}`, serializer.ErrBadTag, true},
	{`{" d":"18 Dec 141703:01:13 GMT"}`, serializer.ErrBadTag, true},
}

func TestUnmarshalRejects(t *testing.T) {
	for _, c := range rejectCases {
		v, err := serializer.Unmarshal([]byte(c.in))
		if !errors.Is(err, c.want) {
			t.Errorf("Unmarshal(%q) = %#v, %v; want %v", c.in, v, err, c.want)
		}
	}
}

// TestTagErrorsDoNotQuoteContent checks that rejecting a tag's content does
// not copy the content into the error: a decoded payload may be
// confidential (the native codec encrypts it), and errors reach logs.
func TestTagErrorsDoNotQuoteContent(t *testing.T) {
	const secret = "hunter2-card-4111111111111111"
	for _, tag := range []string{" u", " b", " d", " t", " di", serializer.NativeTimeKey} {
		in := `{"` + tag + `":"` + secret + `"}`
		_, err := (&serializer.Serializer{NativeTime: true}).Unmarshal([]byte(in))
		if !errors.Is(err, serializer.ErrBadTag) {
			t.Fatalf("%s: err = %v, want ErrBadTag", in, err)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: error quotes the content: %v", in, err)
		}
	}
}

func TestSyntaxErrorOffset(t *testing.T) {
	_, err := serializer.Unmarshal([]byte(`{"a":[1,2,x]}`))
	var se *serializer.SyntaxError
	if !errors.As(err, &se) || se.Offset != 10 {
		t.Fatalf("err = %v, want a SyntaxError at offset 10", err)
	}
	// The bad byte of a string is found inside an eight-byte word.
	for _, c := range []struct {
		in     string
		offset int
	}{
		{"[\"0123456789\x01\"]", 12},
		{"[\"0123456789abcdefghi\xff\"]", 21},
		{"[\"0123456789abcdefghij", 22},
		{"[\"0123456\n", 9},
	} {
		_, err := serializer.Unmarshal([]byte(c.in))
		if !errors.As(err, &se) || se.Offset != c.offset {
			t.Errorf("Unmarshal(%q): err = %v, want a SyntaxError at offset %d", c.in, err, c.offset)
		}
	}
	if got := err.Error(); got != "serializer: syntax error: invalid value at offset 10" {
		t.Errorf("message = %q", got)
	}
	_, err = serializer.Unmarshal([]byte(`{" b":"QQ"}`))
	var te *serializer.TagError
	if !errors.As(err, &te) || te.Key != " b" {
		t.Fatalf("err = %v, want a TagError for \" b\"", err)
	}
}

// TestHostileInputs covers the JSON cases of "Hostile inputs" in
// shared/spec/field-notes.md: each gets a typed error or bounded handling,
// never a panic.
func TestHostileInputs(t *testing.T) {
	t.Run("nesting 100k deep", func(t *testing.T) {
		for _, open := range []string{"[", `{"a":`, `{" t":`} {
			in := strings.Repeat(open, 100000)
			_, err := serializer.Unmarshal([]byte(in))
			var le *serializer.LimitError
			if !errors.Is(err, serializer.ErrTooDeep) || !errors.As(err, &le) || le.Limit != serializer.DefaultMaxDepth {
				t.Errorf("%s x 100000: err = %v, want ErrTooDeep", open, err)
			}
		}
	})
	t.Run("depth limit is exact", func(t *testing.T) {
		d := serializer.DefaultMaxDepth
		ok := strings.Repeat("[", d) + strings.Repeat("]", d)
		if _, err := serializer.Unmarshal([]byte(ok)); err != nil {
			t.Errorf("depth %d: %v", d, err)
		}
		deep := "[" + ok + "]"
		if _, err := serializer.Unmarshal([]byte(deep)); !errors.Is(err, serializer.ErrTooDeep) {
			t.Errorf("depth %d: err = %v, want ErrTooDeep", d+1, err)
		}
	})
	t.Run("5000-digit integer", func(t *testing.T) {
		in := "[" + strings.Repeat("7", 5000) + "]"
		_, err := serializer.Unmarshal([]byte(in))
		if !errors.Is(err, serializer.ErrTooLarge) {
			t.Errorf("err = %v, want ErrTooLarge", err)
		}
		// 4300 digits is CPython's own limit and still accepted.
		v, err := serializer.Unmarshal([]byte("-" + strings.Repeat("7", 4300)))
		if z, ok := v.(*big.Int); err != nil || !ok || len(z.String()) != 4301 {
			t.Errorf("4300 digits: %T, %v", v, err)
		}
		long := "0." + strings.Repeat("0", 5000) + "1"
		if _, err := serializer.Unmarshal([]byte(long)); !errors.Is(err, serializer.ErrTooLarge) {
			t.Errorf("5000-digit float: err = %v, want ErrTooLarge", err)
		}
	})
	t.Run("1e999999", func(t *testing.T) {
		v, err := serializer.Unmarshal([]byte(`{"x":1e999999,"y":-1e999999,"z":1e-999999}`))
		m, _ := v.(map[string]any)
		if err != nil || !math.IsInf(m["x"].(float64), 1) || !math.IsInf(m["y"].(float64), -1) || m["z"].(float64) != 0 {
			t.Errorf("= %v, %v; want Infinity, -Infinity, 0.0 as Python", v, err)
		}
	})
	t.Run("200k-element array", func(t *testing.T) {
		in := "[" + strings.Repeat("0,", 199999) + "0]"
		v, err := serializer.Unmarshal([]byte(in))
		if l, ok := v.([]any); err != nil || !ok || len(l) != 200000 {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("50k keys", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("{")
		for i := range 50000 {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(`"k`)
			b.WriteString(strings.Repeat("x", i%7))
			b.WriteString(big.NewInt(int64(i)).String())
			b.WriteString(`":1`)
		}
		b.WriteString("}")
		v, err := serializer.Unmarshal([]byte(b.String()))
		if m, ok := v.(map[string]any); err != nil || !ok || len(m) != 50000 {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("input over MaxInput", func(t *testing.T) {
		in := make([]byte, serializer.DefaultMaxInput+1)
		_, err := serializer.Unmarshal(in)
		var le *serializer.LimitError
		if !errors.Is(err, serializer.ErrTooLarge) || !errors.As(err, &le) || le.What != "input size" {
			t.Errorf("err = %v, want ErrTooLarge for the input size", err)
		}
		s := &serializer.Serializer{MaxInput: 10}
		if _, err := s.Unmarshal([]byte(`"0123456789"`)); !errors.Is(err, serializer.ErrTooLarge) {
			t.Errorf("MaxInput 10: err = %v", err)
		}
	})
	t.Run("lone surrogates", func(t *testing.T) {
		v, err := serializer.Unmarshal([]byte(`["\udfff","\ud83d"]`))
		if err != nil || !sameValue(v, []any{"\ufffd", "\ufffd"}) {
			t.Errorf("= %q, %v", v, err)
		}
	})
	t.Run("invalid UTF-8", func(t *testing.T) {
		for _, in := range []string{"\"\x80\"", "\"\xf8\x88\x80\x80\x80\"", "[\xff]", "{\"\xc0\xaf\":1}"} {
			if _, err := serializer.Unmarshal([]byte(in)); !errors.Is(err, serializer.ErrSyntax) {
				t.Errorf("%q: err = %v", in, err)
			}
		}
	})
	t.Run("raw control characters", func(t *testing.T) {
		for c := byte(0); c < 0x20; c++ {
			if _, err := serializer.Unmarshal([]byte{'"', c, '"'}); !errors.Is(err, serializer.ErrSyntax) {
				t.Errorf("%#x: err = %v", c, err)
			}
		}
	})
	t.Run("trailing garbage", func(t *testing.T) {
		for _, in := range []string{`{}}`, `{} x`, `[]]`, `1 1`, "{}\x00"} {
			if _, err := serializer.Unmarshal([]byte(in)); !errors.Is(err, serializer.ErrSyntax) {
				t.Errorf("%q: err = %v", in, err)
			}
		}
	})
	t.Run("truncations of a valid text", func(t *testing.T) {
		text, err := serializer.Marshal(map[string]any{"a": serializer.Tuple{1.5, []byte("x"), "é😀"}, "b": map[string]any{" t": nil}})
		if err != nil {
			t.Fatal(err)
		}
		for i := range len(text) {
			if _, err := serializer.Unmarshal(text[:i]); err == nil {
				t.Errorf("truncation %q accepted", text[:i])
			}
		}
	})
}
