package serializer

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// TestHTTPDateMatchesLayout compares the hand-written formatter with Go's
// layout "Mon, 02 Jan 2006 15:04:05 GMT" on random times of years 1..9999,
// and parses every result back.
func TestHTTPDateMatchesLayout(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	lo := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	hi := time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC).Unix()
	for range 20000 {
		tm := time.Unix(lo+r.Int64N(hi-lo+1), int64(r.IntN(1e9))).In(time.FixedZone("", (r.IntN(48)-24)*1800))
		got, err := appendHTTPDate(nil, tm)
		want := tm.UTC().Format("Mon, 02 Jan 2006 15:04:05 GMT")
		if y := tm.UTC().Year(); y < 1 || y > 9999 {
			if err == nil {
				t.Fatalf("%v: no error for year %d", tm, y)
			}
			continue
		}
		if err != nil || string(got) != want {
			t.Fatalf("appendHTTPDate(%v) = %q, %v; want %q", tm, got, err, want)
		}
		back, err := parseHTTPDate(string(got))
		if err != nil || !back.Equal(tm.Truncate(time.Second)) {
			t.Fatalf("parseHTTPDate(%q) = %v, %v", got, back, err)
		}
	}
}

// TestNumberWorkIsBounded decodes an input of the maximum size made of
// integers of the maximum length: it must finish (the test's timeout bounds
// it) and give the right count.
func TestNumberWorkIsBounded(t *testing.T) {
	num := strings.Repeat("9", DefaultMaxNumberDigits)
	n := DefaultMaxInput / (len(num) + 1)
	in := "[" + strings.Repeat(num+",", n-1) + num + "]"
	v, err := Unmarshal([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if l := v.([]any); len(l) != n {
		t.Fatalf("%d numbers, want %d", len(l), n)
	}
}
