package boxes

import (
	"fmt"
	"reflect"
	"runtime"
	"strconv"
	"testing"
)

// TestBoxIsAnyString checks that a boxed string behaves as any(s) in every
// way a caller can observe: type switches and assertions, ==, map keys,
// reflect and fmt, across chunk boundaries and after garbage collections.
func TestBoxIsAnyString(t *testing.T) {
	var b Strings
	const n = 3*MaxChunk + 5
	want := make([]string, n)
	got := make([]any, n)
	for i := range n {
		want[i] = "value " + strconv.Itoa(i) // a fresh heap string each
		got[i] = b.Box(want[i], 1<<20)
		if i%50 == 0 {
			runtime.GC()
		}
	}
	runtime.GC()
	seen := map[any]int{}
	for i, v := range got {
		s, ok := v.(string)
		if !ok || s != want[i] {
			t.Fatalf("%d: got %#v, want %q", i, v, want[i])
		}
		if v != any(want[i]) {
			t.Fatalf("%d: boxed value != any(%q)", i, want[i])
		}
		switch x := v.(type) {
		case string:
			if x != want[i] {
				t.Fatalf("%d: type switch gives %q", i, x)
			}
		default:
			t.Fatalf("%d: type switch gives %T", i, v)
		}
		if rv := reflect.ValueOf(v); rv.Kind() != reflect.String || rv.String() != want[i] {
			t.Fatalf("%d: reflect sees %v %q", i, rv.Kind(), rv.String())
		}
		if fmt.Sprint(v) != want[i] {
			t.Fatalf("%d: fmt prints %q", i, fmt.Sprint(v))
		}
		seen[v] = i
	}
	for i, s := range want {
		if seen[s] != i {
			t.Fatalf("map lookup of %q gives %d, want %d", s, seen[s], i)
		}
	}
}

// TestBoxAllocations checks the point of the package: one allocation per
// chunk instead of one per string, the chunk sized from the input left.
func TestBoxAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes allocation counts")
	}
	strs := make([]string, MaxChunk+1)
	for i := range strs {
		strs[i] = "s" + strconv.Itoa(i)
	}
	for _, c := range []struct {
		boxes, left int
		allocs      float64
	}{
		{1, 10, 1},            // a chunk of minChunk strings
		{minChunk, 10, 1},     // exactly one small chunk
		{minChunk + 1, 10, 2}, // a second chunk
		{16, 16 * 16, 1},      // left/16 strings
		{MaxChunk, 1 << 20, 1},
		{MaxChunk + 1, 1 << 20, 2},
	} {
		got := testing.AllocsPerRun(50, func() {
			var b Strings
			for i := range c.boxes {
				sink = b.Box(strs[i], c.left)
			}
		})
		if got != c.allocs {
			t.Errorf("%d boxes with %d bytes left: %v allocations, want %v", c.boxes, c.left, got, c.allocs)
		}
	}
	if got := testing.AllocsPerRun(50, func() { var b Strings; sink = b.Box("", 10) }); got != 0 {
		t.Errorf("the empty string: %v allocations, want 0", got)
	}
}

// TestResetStartsNewChunk checks that values boxed before Reset do not share
// a chunk with values boxed after it, so that one decode's values never keep
// another decode's strings alive.
func TestResetStartsNewChunk(t *testing.T) {
	var b Strings
	first := b.Box("first", 1<<20)
	firstChunk := &b.chunk[:1][0]
	b.Reset()
	second := b.Box("second", 1<<20)
	if &b.chunk[:1][0] == firstChunk {
		t.Fatal("the chunk was reused after Reset")
	}
	if first != "first" || second != "second" {
		t.Fatalf("got %v, %v", first, second)
	}
}

var sink any
