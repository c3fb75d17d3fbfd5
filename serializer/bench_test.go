package serializer_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/cookiecodec/cookiecodec/serializer"
)

// sessionS is session S of shared/bench/sessions.md.
func sessionS() map[string]any {
	return map[string]any{"user_id": 12345, "username": "alice.example", "roles": []any{"admin", "editor", "viewer"}, "csrf_token": "9f86d081884c7d659a2feaa0c55ad015", "login_time": "2024-05-01T12:34:56Z", "remember": true, "prefs": map[string]any{"theme": "dark", "lang": "en-US", "tz": "Europe/Berlin"}, "_fresh": true}
}

// sessionL is session L: S plus a cart of 40 items.
func sessionL() map[string]any {
	m := sessionS()
	cart := make([]any, 40)
	for i := range cart {
		cart[i] = map[string]any{"id": i + 1, "sku": fmt.Sprintf("SKU-%06d", 1000+i*7), "name": fmt.Sprintf("Widget %02d", i), "qty": i%5 + 1, "price": fmt.Sprintf("%d.%02d", 3+i%17, (i*37)%100)}
	}
	m["cart"] = cart
	return m
}

func TestSessionSText(t *testing.T) {
	const want = `{"_fresh":true,"csrf_token":"9f86d081884c7d659a2feaa0c55ad015","login_time":"2024-05-01T12:34:56Z","prefs":{"lang":"en-US","theme":"dark","tz":"Europe/Berlin"},"remember":true,"roles":["admin","editor","viewer"],"user_id":12345,"username":"alice.example"}`
	got, err := serializer.Marshal(sessionS())
	if err != nil || string(got) != want || len(got) != 255 {
		t.Fatalf("Marshal(S) = %s, %v", got, err)
	}
}

func TestMarshalAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items at random under the race detector")
	}
	s := sessionS()
	if n := testing.AllocsPerRun(200, func() { _, _ = serializer.Marshal(s) }); n > 1 {
		t.Errorf("Marshal(S) allocates %v times, want at most 1", n)
	}
	buf := make([]byte, 0, 4096)
	if n := testing.AllocsPerRun(200, func() { _, _ = serializer.AppendMarshal(buf[:0], s) }); n > 0 {
		t.Errorf("AppendMarshal(S) allocates %v times, want 0", n)
	}
}

// TestUnmarshalAllocs bounds Unmarshal's allocations by those of the value
// it returns plus one copy of the input (a lower count passes too), and
// checks that UnmarshalString saves exactly that copy. S: two maps (header
// and slots, two allocations each), one []any and its box, one boxed
// integer above 255, one chunk of string headers (internal/boxes) and the
// copy: 9. L adds 40 maps, the cart's []any and its box and more
// string-header chunks, and its top map of nine entries is a table (four
// allocations instead of two): 95.
func TestUnmarshalAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items at random under the race detector")
	}
	for _, c := range []struct {
		name string
		v    map[string]any
		max  float64
	}{{"S", sessionS(), 9}, {"L", sessionL(), 95}} {
		text, _ := serializer.Marshal(c.v)
		n := testing.AllocsPerRun(200, func() { _, _ = serializer.Unmarshal(text) })
		if n > c.max {
			t.Errorf("Unmarshal(%s) allocates %v times, want at most %v", c.name, n, c.max)
		}
		str := string(text)
		if ns := testing.AllocsPerRun(200, func() { _, _ = serializer.UnmarshalString(str) }); ns != n-1 {
			t.Errorf("UnmarshalString(%s) allocates %v times, want one fewer than Unmarshal's %v", c.name, ns, n)
		}
	}
}

func benchSessions() []struct {
	name string
	v    map[string]any
} {
	return []struct {
		name string
		v    map[string]any
	}{{"S", sessionS()}, {"L", sessionL()}}
}

func BenchmarkMarshal(b *testing.B) {
	for _, s := range benchSessions() {
		text, _ := serializer.Marshal(s.v)
		b.Run("session="+s.name+"/impl=serializer", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				if _, err := serializer.Marshal(s.v); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("session="+s.name+"/impl=serializer-append", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(text)))
			buf := make([]byte, 0, 8192)
			for b.Loop() {
				if _, err := serializer.AppendMarshal(buf[:0], s.v); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("session="+s.name+"/impl=encoding-json", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				if _, err := json.Marshal(s.v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkUnmarshal(b *testing.B) {
	for _, s := range benchSessions() {
		text, _ := serializer.Marshal(s.v)
		b.Run("session="+s.name+"/impl=serializer", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				if _, err := serializer.Unmarshal(text); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("session="+s.name+"/impl=encoding-json", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				var m map[string]any
				if err := json.Unmarshal(text, &m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
