package cborjson

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/serializer"
)

var testLimits = Limits{MaxDepth: 256, MaxOutput: 1 << 20, MaxBignumBytes: 1786}

// The examples of RFC 8949 Appendix A that fall inside the subset, with the
// JSON text package serializer writes for the same value.
var rfcExamples = []struct{ json, hex string }{
	{`0`, "00"},
	{`1`, "01"},
	{`10`, "0a"},
	{`23`, "17"},
	{`24`, "1818"},
	{`25`, "1819"},
	{`100`, "1864"},
	{`1000`, "1903e8"},
	{`1000000`, "1a000f4240"},
	{`1000000000000`, "1b000000e8d4a51000"},
	{`18446744073709551615`, "1bffffffffffffffff"},
	{`18446744073709551616`, "c249010000000000000000"},
	{`-18446744073709551616`, "3bffffffffffffffff"},
	{`-18446744073709551617`, "c349010000000000000000"},
	{`-1`, "20"},
	{`-10`, "29"},
	{`-100`, "3863"},
	{`-1000`, "3903e7"},
	{`1.1`, "fb3ff199999999999a"},
	{`1e+300`, "fb7e37e43c8800759c"},
	{`-4.1`, "fbc010666666666666"},
	{`Infinity`, "fb7ff0000000000000"},
	{`NaN`, "fb7ff8000000000000"},
	{`-Infinity`, "fbfff0000000000000"},
	{`false`, "f4"},
	{`true`, "f5"},
	{`null`, "f6"},
	{`""`, "60"},
	{`"a"`, "6161"},
	{`"IETF"`, "6449455446"},
	{`"\"\\"`, "62225c"},
	{`"\u00fc"`, "62c3bc"},
	{`"\u6c34"`, "63e6b0b4"},
	{`"\ud800\udd51"`, "64f0908591"},
	{`[]`, "80"},
	{`[1,2,3]`, "83010203"},
	{`[1,[2,3],[4,5]]`, "8301820203820405"},
	{`[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25]`,
		"98190102030405060708090a0b0c0d0e0f101112131415161718181819"},
	{`{}`, "a0"},
	{`{"a":1,"b":[2,3]}`, "a26161016162820203"},
	{`["a",{"b":"c"}]`, "826161a161626163"},
	{`{"a":"A","b":"B","c":"C","d":"D","e":"E"}`, "a56161614161626142616361436164614461656145"},
}

func TestRFC8949Examples(t *testing.T) {
	for _, ex := range rfcExamples {
		want, _ := hex.DecodeString(ex.hex)
		got, err := FromJSON(nil, []byte(ex.json), testLimits)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("FromJSON(%s) = %x, %v; want %s", ex.json, got, err, ex.hex)
		}
		text, err := ToJSON(nil, want, testLimits)
		if err != nil || string(text) != ex.json {
			t.Errorf("ToJSON(%s) = %s, %v; want %s", ex.hex, text, err, ex.json)
		}
	}
}

// TestFromJSONSpellings covers JSON text that serializer does not write
// but that means the same value: whitespace, "-0", other escapes.
func TestFromJSONSpellings(t *testing.T) {
	cases := []struct{ in, want string }{
		{" [ 1 , 2 ] ", "[1,2]"},
		{"-0", "0"},
		{`"\/\u00FC"`, `"/\u00fc"`},
		{"\"caf\u00e9\"", `"caf\u00e9"`}, // raw UTF-8 in the text
		{`1E2`, `100.0`},
		{`1e999`, `Infinity`},
		{"{\"k\" : \"v\"}", `{"k":"v"}`},
		// Lone surrogates read as U+FFFD, as the serializer reads them.
		{`"\ud800"`, `"\ufffd"`},
		{`"\udc00\udc00"`, `"\ufffd\ufffd"`},
		{`"\ud800\u0041"`, `"\ufffdA"`},
	}
	for _, c := range cases {
		bin, err := FromJSON(nil, []byte(c.in), testLimits)
		if err != nil {
			t.Errorf("FromJSON(%q): %v", c.in, err)
			continue
		}
		out, err := ToJSON(nil, bin, testLimits)
		if err != nil || string(out) != c.want {
			t.Errorf("%q: ToJSON = %s, %v; want %s", c.in, out, err, c.want)
		}
	}
}

func TestFromJSONRejects(t *testing.T) {
	for _, in := range []string{
		``, ` `, `[`, `[1,]`, `[1 2]`, `{"a"}`, `{"a":}`, `{1:2}`, `"abc`, `"a\x"`, `"\u12"`,
		"\"a\x01\"", "\"\xff\"", `tru`, `nul`, `01`,
		`-`, `1-2`, `--1`, `1.2.3`, `[1]x`, `{"a":1}}`, `+1`, `NaNa`,
		strings.Repeat("[", 300) + strings.Repeat("]", 300),
		strings.Repeat("9", 5000),
	} {
		got, err := FromJSON([]byte("keep"), []byte(in), testLimits)
		if err == nil {
			t.Errorf("FromJSON(%.40q) = %x, want an error", in, got)
			continue
		}
		if string(got) != "keep" {
			t.Errorf("FromJSON(%.40q) changed dst on error: %q", in, got)
		}
		if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrLimit) {
			t.Errorf("FromJSON(%.40q): untyped error %v", in, err)
		}
	}
}

// TestToJSONRejects lists, per rule of the subset, a CBOR item that breaks it.
func TestToJSONRejects(t *testing.T) {
	cases := []struct{ why, hex string }{
		{"empty", ""},
		{"non-shortest 1-byte head", "1817"},
		{"non-shortest 2-byte head", "1900ff"},
		{"non-shortest 4-byte head", "1a0000ffff"},
		{"non-shortest 8-byte head", "1b00000000ffffffff"},
		{"non-shortest text length", "780161"},
		{"reserved additional information", "1c"},
		{"indefinite array", "9f01ff"},
		{"indefinite text", "7f6161ff"},
		{"break outside", "ff"},
		{"byte string", "4161"},
		{"tag 0", "c06161"},
		{"tag 37", "d82550" + strings.Repeat("00", 16)},
		{"bignum that fits in 64 bits", "c2480100000000000000"},
		{"bignum with a leading zero", "c24a00010000000000000000"},
		{"bignum content not bytes", "c201"},
		{"float16", "f93c00"},
		{"float32", "fa3f800000"},
		{"non-canonical NaN", "fb7ff8000000000001"},
		{"undefined", "f7"},
		{"simple value 16", "f0"},
		{"invalid UTF-8", "61ff"},
		{"UTF-8 surrogate", "63eda080"},
		{"map key not text", "a10101"},
		{"truncated array", "830102"},
		{"count beyond payload", "9bffffffffffffffff01"},
		{"text beyond payload", "7bffffffffffffffff61"},
		{"trailing byte", "0101"},
		{"truncated float", "fb3ff1"},
		{"too deep", strings.Repeat("81", 300) + "01"},
	}
	for _, c := range cases {
		in, _ := hex.DecodeString(c.hex)
		got, err := ToJSON([]byte("keep"), in, testLimits)
		if err == nil {
			t.Errorf("%s: ToJSON(%s) = %s, want an error", c.why, c.hex, got)
			continue
		}
		if string(got) != "keep" {
			t.Errorf("%s: dst changed on error: %q", c.why, got)
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: untyped error %v", c.why, err)
		}
	}
}

func TestToJSONLimits(t *testing.T) {
	// 100 strings of 100 bytes: 10 KB of JSON text from 10 KB of data.
	var data []byte
	data = appendHead(data, majorArray, 100)
	for range 100 {
		data = appendHead(data, majorText, 100)
		data = append(data, bytes.Repeat([]byte{'x'}, 100)...)
	}
	lim := testLimits
	lim.MaxOutput = 5000
	if _, err := ToJSON(nil, data, lim); !errors.Is(err, ErrLimit) {
		t.Errorf("output limit: got %v, want ErrLimit", err)
	}
	lim.MaxOutput = 20000
	if _, err := ToJSON(nil, data, lim); err != nil {
		t.Errorf("within the output limit: %v", err)
	}
	// One control character becomes six bytes of JSON: the output limit,
	// not the input size, bounds the work.
	ctl := appendHead(nil, majorText, 1000)
	ctl = append(ctl, bytes.Repeat([]byte{1}, 1000)...)
	lim.MaxOutput = 5000
	if _, err := ToJSON(nil, ctl, lim); !errors.Is(err, ErrLimit) {
		t.Errorf("escaped text beyond the limit: got %v, want ErrLimit", err)
	}
	big := append([]byte{0xc2, 0x59, 0x08, 0x00, 1}, make([]byte, 2047)...)
	if _, err := ToJSON(nil, big, testLimits); !errors.Is(err, ErrLimit) {
		t.Errorf("bignum of 2048 bytes: got %v, want ErrLimit", err)
	}
	deep := strings.Repeat("[", 256) + strings.Repeat("]", 256)
	bin, err := FromJSON(nil, []byte(deep), testLimits)
	if err != nil {
		t.Fatalf("256 levels: %v", err)
	}
	if _, err := ToJSON(nil, bin, testLimits); err != nil {
		t.Errorf("256 levels back: %v", err)
	}
	lim = testLimits
	lim.MaxDepth = 255
	if _, err := ToJSON(nil, bin, lim); !errors.Is(err, ErrLimit) {
		t.Errorf("256 levels with MaxDepth 255: got %v, want ErrLimit", err)
	}
}

// TestWideHeads checks containers and strings whose heads take 2, 3 and 5
// bytes, so that FromJSON moves the content after the reserved byte.
func TestWideHeads(t *testing.T) {
	for _, n := range []int{23, 24, 255, 256, 65535, 65536} {
		items := make([]string, n)
		for i := range items {
			items[i] = "0"
		}
		text := "[" + strings.Join(items, ",") + "]"
		bin, err := FromJSON(nil, []byte(text), testLimits)
		if err != nil {
			t.Fatalf("%d items: %v", n, err)
		}
		if want := headLen(uint64(n)) + n; len(bin) != want {
			t.Errorf("%d items: %d bytes, want %d", n, len(bin), want)
		}
		back, err := ToJSON(nil, bin, testLimits)
		if err != nil || string(back) != text {
			t.Errorf("%d items: round trip failed: %v", n, err)
		}
		s := `"` + strings.Repeat(`\n`, n) + `"`
		bin, err = FromJSON(nil, []byte(s), testLimits)
		if err != nil || len(bin) != headLen(uint64(n))+n {
			t.Errorf("escaped string of %d bytes: %d bytes, %v", n, len(bin), err)
		}
		if back, err := ToJSON(nil, bin, testLimits); err != nil || string(back) != s {
			t.Errorf("escaped string of %d bytes: round trip failed: %v", n, err)
		}
	}
}

// TestRoundTripSerializerText: for every kind of value the serializer
// writes, FromJSON then ToJSON gives back the serializer's text byte for
// byte, and the binary form is never longer than the text except for floats.
func TestRoundTripSerializerText(t *testing.T) {
	ser := &serializer.Serializer{NativeTime: true}
	rng := rand.New(rand.NewPCG(7, 11))
	for i := range 3000 {
		v := randomValue(rng, 0, false)
		text, err := ser.Marshal(v)
		if err != nil {
			t.Fatalf("value %d: Marshal: %v", i, err)
		}
		bin, err := FromJSON(nil, text, testLimits)
		if err != nil {
			t.Fatalf("value %d: FromJSON(%s): %v", i, text, err)
		}
		back, err := ToJSON(nil, bin, testLimits)
		if err != nil || !bytes.Equal(back, text) {
			t.Fatalf("value %d: ToJSON = %s, %v; want %s", i, back, err, text)
		}
		if _, err := ser.Unmarshal(back); err != nil {
			t.Fatalf("value %d: serializer rejects the text: %v", i, err)
		}
	}
}

func TestSessionS(t *testing.T) {
	text, bin := marshalBinary(t, &serializer.Serializer{}, sessionS)
	// 255 bytes of text; the count in the package doc is for this session.
	if len(text) != 255 || len(bin) != 203 {
		t.Errorf("session S: %d bytes of JSON, %d of binary; want 255 and 203", len(text), len(bin))
	}
}

func TestAllocations(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts")
	}
	text, _ := serializer.Marshal(map[string]any{"a": []any{1, "two", 3.5, true, nil}, "b": "c d"})
	escaped, _ := serializer.Marshal(map[string]any{"b": "c\nd"})
	bin := make([]byte, 0, 256)
	out := make([]byte, 0, 256)
	// One allocation each: the input as a string, for package pyjson's
	// scanning and escaping (the direct paths of value.go make none of
	// these). An escaped string costs a serializer read of its literal.
	if n := testing.AllocsPerRun(100, func() { bin, _ = FromJSON(bin[:0], text, testLimits) }); n > 1 {
		t.Errorf("FromJSON allocates %v times, want at most 1", n)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = FromJSON(out[:0], escaped, testLimits) }); n > 4 {
		t.Errorf("FromJSON with an escaped string allocates %v times, want at most 4", n)
	}
	if n := testing.AllocsPerRun(100, func() { out, _ = ToJSON(out[:0], bin, testLimits) }); n > 1 {
		t.Errorf("ToJSON allocates %v times, want at most 1", n)
	}
}

// marshalBinary returns the serializer's text of v and its binary form.
func marshalBinary(t *testing.T, ser *serializer.Serializer, v any) (text, bin []byte) {
	t.Helper()
	text, err := ser.Marshal(v)
	if err != nil {
		t.Fatalf("Marshal(%#v): %v", v, err)
	}
	if bin, err = FromJSON(nil, text, testLimits); err != nil {
		t.Fatalf("FromJSON(%s): %v", text, err)
	}
	return text, bin
}

// randomValue builds a value of package serializer's model, with strings
// across Unicode, integers across every head size and floats including the
// special values. With plain, it stays in the plain model of value.go
// (nil, bool, int64, float64, string, map[string]any, []any); otherwise
// half the values are of the other types (bytes, Markup, UUID, times,
// tuples, integers beyond int64).
func randomValue(rng *rand.Rand, depth int, plain bool) any {
	kind := rng.IntN(8) // nil, bool, int, float, string (twice), map, list
	if !plain && rng.IntN(2) == 0 {
		kind = 8 + rng.IntN(5) // bytes, Markup, UUID, time, tuple
	}
	if depth > 4 && (kind == 6 || kind == 7 || kind == 12) {
		kind = 4 // no deeper containers
	}
	switch kind {
	case 0:
		return nil
	case 1:
		return rng.IntN(2) == 0
	case 2:
		if plain {
			return (rng.Int64() >> rng.IntN(64)) * int64(1-2*rng.IntN(2))
		}
		return randomInt(rng)
	case 3:
		return randomFloat(rng)
	case 4, 5:
		return randomString(rng)
	case 6:
		m := map[string]any{}
		for range rng.IntN(30) {
			m[randomString(rng)] = randomValue(rng, depth+1, plain)
		}
		return m
	case 7:
		l := make([]any, rng.IntN(30))
		for i := range l {
			l[i] = randomValue(rng, depth+1, plain)
		}
		return l
	case 8:
		b := make([]byte, rng.IntN(40))
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	case 9:
		return serializer.Markup(randomString(rng))
	case 10:
		var u serializer.UUID
		for i := range u {
			u[i] = byte(rng.Uint32())
		}
		return u
	case 11:
		return time.Unix(rng.Int64N(1<<34), rng.Int64N(1e9)).In(time.FixedZone("", (rng.IntN(48)-24)*1800))
	default:
		t := make(serializer.Tuple, rng.IntN(5))
		for i := range t {
			t[i] = randomValue(rng, depth+1, plain)
		}
		return t
	}
}

func randomInt(rng *rand.Rand) any {
	switch rng.IntN(6) {
	case 0:
		return int64(rng.IntN(48) - 24)
	case 1:
		return int64(rng.Uint64() >> rng.IntN(64))
	case 2:
		return -int64(rng.Uint64() >> (1 + rng.IntN(63)))
	case 3:
		return rng.Uint64()
	case 4:
		return int64(math.MinInt64)
	default:
		v := new(big.Int).Lsh(big.NewInt(int64(rng.Uint32())+1), uint(60+rng.IntN(200)))
		if rng.IntN(2) == 0 {
			v.Neg(v)
		}
		return v
	}
}

func randomFloat(rng *rand.Rand) float64 {
	switch rng.IntN(8) {
	case 0:
		return math.NaN()
	case 1:
		return math.Inf(1 - 2*rng.IntN(2))
	case 2:
		return math.Copysign(0, -1)
	case 3:
		return float64(rng.IntN(1000))
	default:
		return math.Float64frombits(rng.Uint64())
	}
}

func randomString(rng *rand.Rand) string {
	var b strings.Builder
	for range rng.IntN(20) {
		switch rng.IntN(6) {
		case 0:
			b.WriteRune(rune(rng.IntN(0x20)))
		case 1:
			b.WriteRune(rune(0x80 + rng.IntN(0xd800-0x80)))
		case 2:
			b.WriteRune(rune(0x10000 + rng.IntN(0x100000)))
		case 3:
			b.WriteByte(`"\/`[rng.IntN(3)])
		default:
			b.WriteByte(byte(0x20 + rng.IntN(0x5f)))
		}
	}
	return b.String()
}
