package keyorder

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortMatchesStringOrder sorts random key sets, rich in shared
// prefixes, zero bytes, empty keys and non-ASCII bytes, and requires the
// order of slices.Sort on the strings (byte order, which is code point
// order for UTF-8).
func TestSortMatchesStringOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b", "\x00", "é", "\xff", "user_", "user_id", "zz"}
	for round := range 20000 {
		n := r.IntN(Small + 1)
		seen := map[string]bool{}
		var keys []string
		for len(keys) < n {
			var k string
			for range r.IntN(5) {
				k += alphabet[r.IntN(len(alphabet))]
			}
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
		order := make([]uint64, len(keys))
		for i, k := range keys {
			order[i] = Packed(k, i)
		}
		Sort(order, func(i int) string { return keys[i] })
		got := make([]string, len(order))
		for i, o := range order {
			got[i] = keys[uint8(o)]
		}
		want := slices.Clone(keys)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: sorted %q, want %q", round, got, want)
		}
	}
}

// TestPackedKeepsIndex checks that the low byte is the entry index and the
// rest the key's first seven bytes.
func TestPackedKeepsIndex(t *testing.T) {
	for _, c := range []struct {
		k    string
		i    int
		want uint64
	}{
		{"", 0, 0},
		{"a", 3, 0x61<<56 | 3},
		{"abcdefgh", 255, 0x61626364656667<<8 | 255},
		{"abcdefg", 7, 0x61626364656667<<8 | 7},
		{"abcdefghijk", 1, 0x61626364656667<<8 | 1},
	} {
		if got := Packed(c.k, c.i); got != c.want {
			t.Errorf("Packed(%q, %d) = %#x, want %#x", c.k, c.i, got, c.want)
		}
	}
}

// TestSortCallsKeyOnlyOnTies checks the point of packing: keys that differ
// in their first seven bytes are never compared as strings.
func TestSortCallsKeyOnlyOnTies(t *testing.T) {
	keys := []string{"username", "user_id", "roles", "prefs", "csrf_token", "_fresh", "login_time", "remember"}
	order := make([]uint64, len(keys))
	for i, k := range keys {
		order[i] = Packed(k, i)
	}
	calls := 0
	Sort(order, func(i int) string { calls++; return keys[i] })
	if calls != 0 {
		t.Errorf("key called %d times for keys with distinct 7-byte prefixes", calls)
	}
	ties := []string{"abcdefgX", "abcdefgA"}
	order = []uint64{Packed(ties[0], 0), Packed(ties[1], 1)}
	Sort(order, func(i int) string { calls++; return ties[i] })
	if calls == 0 || uint8(order[0]) != 1 {
		t.Errorf("keys with a shared 7-byte prefix: %d calls, first entry %d, want calls and entry 1", calls, uint8(order[0]))
	}
}
