package gobscan

import (
	"bytes"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

// account is a registered struct of the kind gorilla apps keep in
// sessions: nested maps, a recursive pointer, an array, an empty struct and
// a GobEncoder (time.Time).
type account struct {
	Name   string
	Tags   []string
	Extra  map[string]any
	Next   *account
	Key    [4]byte
	Seen   time.Time
	Marker struct{}
}

type pair struct{ A, B int }

func init() {
	for _, v := range []any{
		map[string]any{}, map[string]int{}, []any{}, [3]int{}, account{},
		time.Time{}, []pair{}, []struct{}{}, map[pair]string{},
	} {
		gob.Register(v)
	}
}

// encoderOutput is what gob's own Encoder writes for the values of a
// gorilla session, in every shape the stream's framing takes: type
// definitions at the top, inside interface values, and inside interface
// values inside interface values.
func encoderOutput(t testing.TB) map[string][]byte {
	t.Helper()
	when := time.Date(2024, 5, 1, 12, 34, 56, 0, time.UTC)
	values := map[string]any{
		"session S": map[any]any{
			"_fresh": true, "csrf_token": "9f86d081884c7d659a2feaa0c55ad015",
			"login_time": when, "prefs": map[string]any{"lang": "en-US", "theme": "dark"},
			"roles": []string{"admin", "editor"}, "user_id": 12345, "username": "alice",
		},
		"nested interfaces": map[any]any{
			"a": map[string]any{"b": []any{1, "two", nil, map[string]any{"c": [3]int{1, 2, 3}}}},
			"d": []any{map[string]int{"e": 5}},
		},
		"struct": map[any]any{"acct": account{
			Name: "n", Tags: []string{"x"}, Key: [4]byte{1, 2, 3, 4}, Seen: when,
			Extra: map[string]any{"s": []string{"a"}, "i": 7},
			Next:  &account{Name: "m", Next: &account{Name: "o"}},
		}},
		"struct first, then the same types": map[any]any{
			"1": account{Name: "a"}, "2": account{Name: "b", Extra: map[string]any{"x": 1}},
		},
		"every basic type": map[any]any{
			"bool": false, "int": -7, "uint": uint(7), "float": 1.5, "bytes": []byte{0, 1},
			"string": "", "complex": complex(1, -2), "int8": int8(-1), "max": uint64(1<<64 - 1),
		},
		"empty structs and struct keys": map[any]any{
			"empty": []struct{}{{}, {}, {}}, "pairs": []pair{{}, {1, 2}},
			"keys": map[pair]string{{}: "zero", {1, 2}: "one-two"},
		},
		"empty map":     map[any]any{},
		"top-level int": 42,
		"top-level struct": account{
			Name: "top", Extra: map[string]any{"k": "v"},
		},
	}
	out := map[string][]byte{}
	for name, v := range values {
		var b bytes.Buffer
		if err := gob.NewEncoder(&b).Encode(v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = b.Bytes()
	}
	return out
}

// decodeAs decodes data with gob into a new value of the type the case
// holds, as the readers of this module do (into a map[any]any, mostly). A
// panic in gob (a key of a type Go cannot hash) is returned as an error,
// as the readers recover it.
func decodeAs(name string, data []byte) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("gob panics: %v", p)
		}
	}()
	var dst any
	switch name {
	case "top-level int":
		dst = new(int)
	case "top-level struct":
		dst = new(account)
	default:
		dst = &map[any]any{}
	}
	return gob.NewDecoder(bytes.NewReader(data)).Decode(dst)
}

func TestCheckAcceptsEncoderOutput(t *testing.T) {
	for name, data := range encoderOutput(t) {
		if err := decodeAs(name, data); err != nil {
			t.Fatalf("%s: gob cannot decode its own output: %v", name, err)
		}
		if err := Check(data); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestCheckRefusesEncoderShapes: the two shapes of gob's own output that
// Check refuses, as its doc says, both under a struct field: an interface
// value holding a second one of a type the stream has not defined yet, and
// a nil in a map of interface values. gob reads both when the struct has
// the field; Check cannot tell whether it has.
func TestCheckRefusesEncoderShapes(t *testing.T) {
	for _, c := range []struct {
		value  any
		reason string
	}{
		{map[any]any{"acct": account{Extra: map[string]any{"m": map[string]any{"p": []pair{{1, 2}}}}}}, "defines a type"},
		{map[any]any{"acct": account{Extra: map[string]any{"nil": nil}}}, "nil interface value in a struct"},
	} {
		var b bytes.Buffer
		if err := gob.NewEncoder(&b).Encode(c.value); err != nil {
			t.Fatal(err)
		}
		if err := decodeAs("", b.Bytes()); err != nil {
			t.Fatalf("gob cannot decode its own output: %v", err)
		}
		err := Check(b.Bytes())
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(e.Reason, c.reason) {
			t.Fatalf("Check: %v, want a refusal containing %q", err, c.reason)
		}
	}
	var b bytes.Buffer
	// Such a value is accepted when its types are defined earlier in the
	// stream: here map[string]any and []string, the types of two fields of
	// account, whose definitions precede the struct's value.
	v := map[any]any{"acct": account{Extra: map[string]any{"m": map[string]any{"t": []string{"x"}}}}}
	if err := gob.NewEncoder(&b).Encode(v); err != nil {
		t.Fatal(err)
	}
	if err := Check(b.Bytes()); err != nil {
		t.Fatalf("with the type defined first: %v", err)
	}
}

// stream builds a gob stream from hex messages: each is written with its
// length in front.
func stream(t *testing.T, messages ...string) []byte {
	t.Helper()
	var out []byte
	for _, m := range messages {
		b, err := hex.DecodeString(strings.ReplaceAll(m, " ", ""))
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case len(b) <= 0x7f:
			out = append(out, byte(len(b)))
		case len(b) <= 0xffff:
			out = append(out, 0xfe, byte(len(b)>>8), byte(len(b)))
		default:
			t.Fatal("message too long for this helper")
		}
		out = append(out, b...)
	}
	return out
}

// Type definitions used by the hostile streams, as gob writes them. Ids
// are signed integers: ff80 is 64, ff82 is 65; their negations -64 and
// -65 are 7f and ff81.
const (
	// type 64 = map[interface{}]interface{}: MapT{CommonType{Id: 64}, Key: 8, Elem: 8}
	defAnyMap = "7f 04 01 02 ff80 00 01 10 01 10 00 00"
	// type 65 = []interface{}: SliceT{CommonType{Id: 65}, Elem: 8}
	defAnySlice = "ff81 02 01 02 ff82 00 01 10 00 00"
	// type 65 = [2]int: ArrayT{CommonType{Id: 65}, Elem: 2, Len: 2}
	defIntArray = "ff81 01 01 02 ff82 00 01 04 01 04 00 00"
	// type 65 = struct{ A interface{} }: StructT{CommonType{Id: 65}, Field: [{A, 8}]}
	defIfaceStruct = "ff81 03 01 02 ff82 00 01 01 01 01 41 01 10 00 00 00"
)

func TestCheckRefuses(t *testing.T) {
	cases := []struct {
		name   string
		data   []byte
		reason string
	}{
		{"a map claiming 2^24 entries", stream(t, defAnyMap, "ff80 00 f8 0000000001000000"), "elements claimed"},
		{"a map claiming 2^63 entries", stream(t, defAnyMap, "ff80 00 f8 8000000000000000"), "elements claimed"},
		{"a nested map claiming 2^30 entries",
			// {"k": map[string]int{...2^30}} with map[string]int as type 65
			stream(t, defAnyMap, "ff80 00 01 06 737472696e67 0c 03 00 01 6b"+
				" 0e 6d61705b737472696e675d696e74 ff81 04 01 02 ff82 00 01 0c 01 04 00 00",
				"ff82 0a 00 fc 40000000"), "elements claimed"},
		{"a slice claiming more than the stream holds", stream(t, defAnySlice, "ff82 00 05 00 00 00"), "elements claimed"},
		{"an array of the wrong length", stream(t, defIntArray, "ff82 00 01 02"), "array of 1 elements"},
		// []struct{}: type 65 is the empty struct, 66 the slice of it.
		{"more empty elements than bytes", stream(t, "ff81 03 01 02 ff82 00 01 00 00 00", "ff83 02 01 02 ff84 00 01 ff82 00 00", "ff84 00 03"), "elements claimed"},
		{"empty elements", append(stream(t, "ff81 03 01 02 ff82 00 01 00 00 00", "ff83 02 01 02 ff84 00 01 ff82 00 00", "ff84 00 03"), 0, 0, 0), "element of no bytes"},
		{"a struct field out of range", stream(t, defIfaceStruct, "ff82 02 00"), "field number out of range"},
		{"a type defined twice", stream(t, defAnyMap, defAnyMap, "ff80 00 00"), "defined twice"},
		{"a reserved type id", stream(t, "0f 04 01 02 ff80 00 01 10 01 10 00 00", "ff80 00 00"), "reserved"},
		{"a type of two kinds", stream(t, "7f 02 01 02 ff80 00 01 10 00 02 01 02 ff80 00 01 10 01 10 00 00", "ff80 00 00"), "2 kinds"},
		{"a type of no kind", stream(t, "7f 00", "ff80 00 00"), "0 kinds"},
		{"an undefined type", stream(t, "ff90 00 00"), "undefined type id"},
		{"data after a type definition", stream(t, defAnyMap+" 00"), "data after a type definition"},
		{"a value without its singleton delta", stream(t, defAnyMap, "ff80 01 00"), "zero field delta"},
		{"a message longer than the stream", []byte{0x20, 0x00}, "message of 32 bytes"},
		{"a bad unsigned integer", stream(t, defAnyMap, "ff80 00 80"), "bad or missing unsigned integer"},
		{"an empty stream", nil, "message length"},
		{"a string longer than its message", stream(t, "0c 00 05 61"), "bytes claimed"},
		{"a type name too long", stream(t, defAnyMap, "ff80 00 01 fe0401"+strings.Repeat("61", 1025)+" 00"), "type name of"},
		{"an interface value in a struct whose count skips less than it holds",
			// struct{A interface{}}{A: int(2)}: name "int", type 2, count 1 (true: 2)
			stream(t, defIfaceStruct, "ff82 01 03 696e74 04 01 00 04 00"), "claims 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Check(c.data)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Check: %v, want an *Error", err)
			}
			if !strings.Contains(e.Reason, c.reason) {
				t.Fatalf("Check: %v, want a reason containing %q", err, c.reason)
			}
			if e.Offset < 0 || e.Offset > len(c.data) {
				t.Fatalf("offset %d outside the %d-byte stream", e.Offset, len(c.data))
			}
		})
	}
}

// TestCheckRefusesStructSkipDesync: an interface value in a struct whose
// count differs from its length is dangerous, not only odd. gob skips it by
// the count when the destination lacks the field; here the count lands on
// field B, a map claiming 2^20 entries, where a walk of the value reads a
// 4-byte string that swallows the count. The stream is read into a struct
// without field A.
func TestCheckRefusesStructSkipDesync(t *testing.T) {
	type withoutA struct{ B map[string]int }
	// Type 65 = struct{ A interface{}; P, Q, R int; B map[string]int },
	// with map[string]int as type 66.
	def := "ff81 03 01 02 ff82 00 01 05 01 01 41 01 10 00 01 01 50 01 04 00" +
		" 01 01 51 01 04 00 01 01 52 01 04 00 01 01 42 01 ff84 00 00 00"
	defMap := "ff83 04 01 02 ff84 00 01 0c 01 04 00 00"
	// Field A (delta 1): type name "string", type 6, count 1. gob skips
	// one byte (00) and reads delta 4 to field B and its count fd100000.
	// A walk reads the singleton delta 00, then a string of 4 bytes.
	data := stream(t, def, defMap, "ff82 01 06 737472696e67 0c 01 00 04 fd100000")
	err := Check(data)
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(e.Reason, "claims 1") {
		t.Fatalf("Check: %v, want the refusal of the lying count", err)
	}
	// Without Check, gob sizes B by the hidden count.
	var dst withoutA
	allocated := bytesAllocatedBy(func() { _ = gob.NewDecoder(bytes.NewReader(data)).Decode(&dst) })
	if allocated < 8<<20 {
		t.Fatalf("gob allocated %d bytes: this stream no longer shows the danger it is here for", allocated)
	}
	t.Logf("without Check, gob allocates %d MB for this %d-byte stream", allocated>>20, len(data))
}

// bytesAllocatedBy returns the bytes one call of f allocates.
func bytesAllocatedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// allocationBound is the most that gob may allocate to decode a stream
// that Check accepts, for the streams of these tests (up to 8 KB): counts
// are bounded by the stream's length, so this is far above what they cost
// and far below a count that lies (2^24 map entries cost 1.3 GB).
func allocationBound(n int) uint64 { return 1<<20 + 4096*uint64(n) }

// TestCheckBoundsWhatGobAllocates changes the encoder's output every way a
// byte can change, and cuts it at every length: Check never panics, and
// whatever it accepts, gob decodes within the allocation bound.
func TestCheckBoundsWhatGobAllocates(t *testing.T) {
	accepted, refused := 0, 0
	try := func(name string, data []byte) {
		if err := Check(data); err != nil {
			refused++
			return
		}
		accepted++
		if a := bytesAllocatedBy(func() { _ = decodeAs(name, data) }); a > allocationBound(len(data)) {
			t.Errorf("%s: gob allocated %d bytes for an accepted %d-byte stream %x", name, a, len(data), data)
		}
	}
	for name, data := range encoderOutput(t) {
		for n := range len(data) {
			try(name, data[:n])
		}
		changed := make([]byte, len(data))
		for i := range data {
			for _, b := range []byte{0x00, 0x01, 0x7f, 0x80, 0xf8, 0xfc, 0xff, data[i] + 1, data[i] - 1} {
				copy(changed, data)
				changed[i] = b
				try(name, changed)
			}
		}
	}
	if accepted == 0 || refused == 0 {
		t.Fatalf("accepted %d, refused %d: the changes should produce both", accepted, refused)
	}
	t.Logf("accepted %d changed streams, refused %d", accepted, refused)
}

func TestCheckDepth(t *testing.T) {
	// Each level is two values: the interface and the slice in it.
	var v any = "bottom"
	for range MaxDepth / 4 {
		v = []any{v}
	}
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(map[any]any{"deep": v}); err != nil {
		t.Fatal(err)
	}
	if err := Check(b.Bytes()); err != nil {
		t.Fatalf("%d levels: %v", MaxDepth/4, err)
	}
	for range MaxDepth / 4 {
		v = []any{v}
	}
	b.Reset()
	if err := gob.NewEncoder(&b).Encode(map[any]any{"deep": v}); err != nil {
		t.Fatal(err)
	}
	err := Check(b.Bytes())
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(e.Reason, "nested more than") {
		t.Fatalf("%d levels: %v, want the depth refusal", MaxDepth/2, err)
	}
}

// TestCheckSkipsTrailingData: gob's Decoder.Decode reads the first value
// only; what follows it is not checked, as gob does not read it.
func TestCheckSkipsTrailingData(t *testing.T) {
	data := append(stream(t, defAnyMap, "ff80 00 00"), 0xff, 0xff)
	if err := Check(data); err != nil {
		t.Fatal(err)
	}
	m := map[any]any{}
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&m); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m, map[any]any{}) {
		t.Fatalf("decoded %v", m)
	}
}

// Streams from an adversarial review of Check, each accepted by an earlier
// version and each making gob allocate or loop by a count the walk never
// saw. The first three hide the count behind a nil interface value in a
// field that gob skips (the destination type lacks it): gob's skipping
// reads a type id and a byte count after the nil, and drops that many
// bytes. The fourth defines type 2^32-70, which gob truncates to type 70.
const (
	// T (skipT here) with a wire field X []interface{} = [nil]: gob then
	// reads field M's count as 2^22.
	nilSkipsToMap = "11ff81040101016d01ff82000110011000000fff83020101017301ff84000110000011ff85040101016d01ff8600010c" +
		"010400002fff87030101015401ff8800010501015801ff8400010150010400010149010400010153010c0001014d01ff" +
		"8600000022ff82000106737472696e670c0300016b0154ff880d0101000202010504fd40000000"
	// The same against account, whose Extra gob then sizes at 2^21.
	nilSkipsToAccount = "11ff81040101016d01ff82000110011000000fff83020101017301ff84000110000011ff85040101016d01ff8600010c" +
		"011000003cff87030101076163636f756e7401ff8800010501015801ff840001015001040001015101040001044e616d" +
		"65010c000105457874726101ff860000005cff82000106737472696e670c0300016b3b6769746875622e636f6d2f636f" +
		"6f6b6965636f6465632f636f6f6b6965636f6465632f696e7465726e616c2f676f627363616e2e6163636f756e74ff88" +
		"0d0101000202010504fd20000000"
	// U (skipU) with a wire field map[E]E of empty structs, which gob
	// skips looping 2^40 times over entries of no bytes.
	nilSkipsToLoop = "11ff81040101016d01ff82000110011000000fff83020101017301ff8400011000000fff89030101014501ff8a000100" +
		"000013ff85040101016d01ff860001ff8a01ff8a00002fff87030101015501ff8800010501015801ff84000101500104" +
		"00010149010400010153010c0001014d01ff8600000025ff82000106737472696e670c0300016b0155ff881001010002" +
		"02010804fa01000000000000"
	// A value of T inside a definition of type -(2^32-70).
	truncatedTypeID = "11ff81040101016d01ff820001100110000011ff85040101016d01ff8600010c0104000031ff8b030101015401ff8c00" +
		"010501014901040001024431010400010244320104000102443301040001014d01ff860000002eff8200010673747269" +
		"6e670c0300016b0154fb01ffffff7304010104fd40000000010c0104000004ff8c03010200"
)

// skipT and skipU are the types the review's streams name "T" and "U".
type skipT struct {
	I int
	M map[string]int
}

type skipU struct{ I int }

func init() {
	gob.RegisterName("T", skipT{})
	gob.RegisterName("U", skipU{})
}

// TestCheckRefusesSkipBypasses: each stream is refused, for the reason
// that closes it; and (bar the endless one) gob without Check allocates
// more than the bound, so the stream still shows what it is here for.
func TestCheckRefusesSkipBypasses(t *testing.T) {
	for _, c := range []struct {
		name, stream, reason string
		decode               bool
	}{
		{"nil before a map of T", nilSkipsToMap, "nil interface value in a struct", true},
		{"nil before account's Extra", nilSkipsToAccount, "nil interface value in a struct", true},
		{"nil before an endless skip", nilSkipsToLoop, "nil interface value in a struct", false},
		{"a type id beyond 32 bits", truncatedTypeID, "does not fit 32 bits", true},
	} {
		data, err := hex.DecodeString(c.stream)
		if err != nil {
			t.Fatal(err)
		}
		err = Check(data)
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(e.Reason, c.reason) {
			t.Errorf("%s: Check: %v, want a refusal containing %q", c.name, err, c.reason)
		}
		if c.decode {
			if a := bytesAllocatedBy(func() { _ = decodeAs("", data) }); a <= allocationBound(len(data)) {
				t.Errorf("%s: gob allocated only %d bytes: the stream no longer shows the danger", c.name, a)
			}
		}
	}
}

// dupA is the type a second review's streams name "A": one struct field
// (Next) and one empty struct (Marker) are enough for its attack.
type dupA struct {
	Name   string
	Extra  map[string]any
	Next   *dupA
	Marker struct{}
}

func init() { gob.RegisterName("A", dupA{}) }

// TestCheckRefusesRepeatedFieldNames: gob compiles one decoder per local
// type within a struct and reuses it, so two wire fields of one name, of
// two wire struct types, are both read with the first's. The second
// review's streams: Next's second type is read as the first, whose map
// count (2^20) is a string's bytes; and Marker's, whose map of empty
// structs gob skips looping 2^63-1 times.
func TestCheckRefusesRepeatedFieldNames(t *testing.T) {
	const anyMapType = "ff81 04 02 0c 01 10 00 00" // 65 = map[string]interface{}
	alloc := stream(t, defAnyMap, anyMapType,
		"ff83 03 02 02 01 01 58 01 04 00 01 05 4578747261 01 ff82 00 00 00",       // 66 = {X int; Extra 65}
		"ff85 03 02 01 01 01 53 01 0c 00 00 00",                                   // 67 = {S string}
		"ff87 03 02 02 01 04 4e657874 01 ff84 00 01 04 4e657874 01 ff86 00 00 00", // 68 = {Next 66; Next 67}
		"ff80 00 01 06 737472696e67 0c 03 00 01 6b 01 41 ff88 0a 02 01 05 01 fd100000 00 00")
	loop := stream(t, defAnyMap,
		"ff81 03 00 00",                 // 65 = struct{}
		"ff83 04 02 ff82 01 ff82 00 00", // 66 = map[65]65
		"ff85 03 02 02 01 01 58 01 04 00 01 01 5a 01 ff84 00 00 00",                       // 67 = {X int; Z 66}
		"ff87 03 02 01 01 01 53 01 0c 00 00 00",                                           // 68 = {S string}
		"ff89 03 02 02 01 06 4d61726b6572 01 ff86 00 01 06 4d61726b6572 01 ff88 00 00 00", // 69 = {Marker 67; Marker 68}
		"ff80 00 01 06 737472696e67 0c 03 00 01 6b 01 41 ff8a 0f 02 01 0a 01 f87fffffffffffffff 00 00")
	for name, data := range map[string][]byte{"alloc": alloc, "loop": loop} {
		err := Check(data)
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(e.Reason, "the name of another") {
			t.Errorf("%s: Check: %v, want the refusal of a repeated field name", name, err)
		}
	}
	if a := bytesAllocatedBy(func() { _ = decodeAs("", alloc) }); a <= allocationBound(len(alloc)) {
		t.Errorf("gob allocated only %d bytes: the stream no longer shows the danger", a)
	}
}

// TestDecode: Decode refuses what Check refuses, before gob runs; turns
// gob's panic on a []string map key into an error; and decodes a session.
func TestDecode(t *testing.T) {
	var m map[any]any
	err := Decode(stream(t, defAnyMap, "ff80 00 f8 0000000001000000"), &m)
	var e *Error
	if !errors.As(err, &e) {
		t.Errorf("a false count: %v, want Check's *Error", err)
	}
	// {[]string{"a"}: "b"}: []string is type 65, defined inside the key.
	unhashable := stream(t, defAnyMap, "ff80 00 01 08 5b5d737472696e67 ff81 02 01 02 ff82 00 01 0c 00 00"+
		" 05 ff82 04 00 01 01 61 06 737472696e67 0c 03 00 01 62")
	if err := Check(unhashable); err != nil {
		t.Fatalf("Check: %v (the case needs a stream Check accepts)", err)
	}
	if err := Decode(unhashable, &m); err == nil || !strings.Contains(err.Error(), "unhashable") {
		t.Errorf("an unhashable key: %v, want gob's panic as an error", err)
	}
	data := encoderOutput(t)["session S"]
	m = nil
	if err := Decode(data, &m); err != nil || m["username"] != "alice" {
		t.Errorf("session S: %v, %v", err, m)
	}
}
