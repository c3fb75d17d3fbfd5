package bench

import (
	"fmt"
	"strings"
)

// S returns the typical session of the benchmarks: 8 entries, 255 bytes as
// compact JSON with sorted keys. Each call returns a fresh value, so callers
// may modify it.
func S() map[string]any {
	return map[string]any{
		"user_id":    12345,
		"username":   "alice.example",
		"roles":      []any{"admin", "editor", "viewer"},
		"csrf_token": "9f86d081884c7d659a2feaa0c55ad015",
		"login_time": "2024-05-01T12:34:56Z",
		"remember":   true,
		"prefs":      map[string]any{"theme": "dark", "lang": "en-US", "tz": "Europe/Berlin"},
		"_fresh":     true,
	}
}

// L returns the large session of the benchmarks: [S] plus "cart", a list
// of 40 items, 3115 bytes as compact JSON with sorted keys. Each call returns
// a fresh value.
func L() map[string]any {
	m := S()
	cart := make([]any, 40)
	for i := range cart {
		cart[i] = map[string]any{
			"id":    i + 1,
			"sku":   fmt.Sprintf("SKU-%06d", 1000+i*7),
			"name":  fmt.Sprintf("Widget %02d", i),
			"qty":   i%5 + 1,
			"price": fmt.Sprintf("%d.%02d", 3+i%17, (i*37)%100),
		}
	}
	m["cart"] = cart
	return m
}

// ScalingSizes are the serialized sizes, in bytes, of the scaling series:
// 64 B to 16 KiB in steps of 4x.
var ScalingSizes = []int{64, 256, 1024, 4096, 16384}

// Payload returns a session whose compact, sorted JSON is exactly n bytes:
// entries "k0000", "k0001", ... with ASCII string values of a realistic
// mixture (24 bytes each), the last one sized to hit n exactly. n must be
// at least 12 (the size of {"k0000":""}); smaller n panic.
//
// Only strings are used so that the serialized size is the same for Flask's
// tagged JSON, encoding/json and the native format's serializer.
func Payload(n int) map[string]any {
	const minimum = len(`{"k0000":""}`)
	if n < minimum {
		panic(fmt.Sprintf("bench: Payload(%d): below the minimum of %d bytes", n, minimum))
	}
	m := make(map[string]any)
	left := n - 2 // the braces
	for i := 0; ; i++ {
		if i > 0 {
			left-- // the comma before this entry
		}
		key := fmt.Sprintf("k%04d", i)
		overhead := len(key) + 5 // two pairs of quotes and the colon
		room := left - overhead
		// The last entry takes all that is left, also when a full entry
		// would leave too little for another one.
		if room <= 24 || room-24 < 1+overhead {
			m[key] = filler(i, room)
			return m
		}
		m[key] = filler(i, 24)
		left -= overhead + 24
	}
}

// filler returns n bytes of printable ASCII that need no JSON escaping,
// varying with i so that entries are not all identical.
func filler(i, n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
	var b strings.Builder
	b.Grow(n)
	for j := range n {
		b.WriteByte(alphabet[(i*7+j*13)%len(alphabet)])
	}
	return b.String()
}
