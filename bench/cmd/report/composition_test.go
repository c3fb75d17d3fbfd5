package main

import (
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec/bench"
)

func TestCompose(t *testing.T) {
	got := compose(map[string]any{"a": []any{"x", 1.0, map[string]any{"b": true}}, "c": "yz"})
	want := composition{bytes: len(`{"a":["x",1,{"b":true}],"c":"yz"}`), values: 7, entries: 3, maps: 2, strings: 5}
	if got != want {
		t.Errorf("compose = %+v, want %+v", got, want)
	}
	// The sessions of shared/bench/sessions.md: S has 8 top-level entries
	// and a 3-entry map; L adds a cart of 40 maps of 5 entries.
	s, l := compose(bench.S()), compose(bench.L())
	if s.bytes != 255 || s.entries != 11 || s.maps != 2 {
		t.Errorf("S = %+v", s)
	}
	if l.entries != s.entries+1+40*5 || l.maps != s.maps+40 {
		t.Errorf("L = %+v", l)
	}
	var b strings.Builder
	writeComposition(&b)
	if !strings.Contains(b.String(), "| L / S | 12.2x |") {
		t.Errorf("composition table lacks the byte ratio:\n%s", b.String())
	}
}
