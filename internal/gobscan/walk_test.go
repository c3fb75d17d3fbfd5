package gobscan

import (
	"bytes"
	"encoding/gob"
	"reflect"
	"testing"
	"time"
)

// walkPrefs stands for an app's own type, which the reading program does
// not have.
type walkPrefs struct {
	Theme string
	Size  int
	Tags  []string
	Inner struct{ On bool }
	Any   any
}

// TestWalk: Walk reads a gorilla-style session, a map[any]any, into
// generic values without the registry: basic values, a registered
// time.Time (its GobEncode bytes), nested maps and slices, and a struct of
// the app's own type with its fields by name.
func TestWalk(t *testing.T) {
	gob.RegisterName("main.walkPrefs", walkPrefs{})
	gob.Register(time.Time{})
	gob.Register([]any{})
	when := time.Date(2024, 2, 29, 23, 59, 58, 0, time.UTC)
	prefs := walkPrefs{Theme: "dark", Size: -3, Tags: []string{"a", "b"}, Any: 1.5}
	prefs.Inner.On = true
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(map[any]any{"prefs": prefs}); err != nil {
		t.Fatal(err)
	}
	got, err := Walk(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	want := Map{{Interface{"string", "prefs"}, Interface{"main.walkPrefs", Struct{Type: "walkPrefs", Fields: []Field{
		{"Theme", "dark"}, {"Size", int64(-3)}, {"Tags", []any{"a", "b"}},
		{"Inner", Struct{Type: "struct { On bool }", Fields: []Field{{"On", true}}}},
		{"Any", Interface{"float64", 1.5}},
	}}}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Walk = %#v\nwant %#v", got, want)
	}

	b.Reset()
	if err := gob.NewEncoder(&b).Encode(map[any]any{"n": uint8(7), "when": when, "list": []any{"x", int64(2)}, "raw": []byte("hi"), "nil": nil}); err != nil {
		t.Fatal(err)
	}
	got, err = Walk(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]Interface{}
	for _, e := range got.(Map) {
		m[e.Key.(Interface).Value.(string)] = e.Value.(Interface)
	}
	tb, _ := when.GobEncode()
	for k, want := range map[string]Interface{
		"n":    {"uint8", uint64(7)},
		"when": {"time.Time", Encoded{Type: "Time", Data: tb}},
		"list": {"[]interface {}", []any{Interface{"string", "x"}, Interface{"int64", int64(2)}}},
		"raw":  {"[]uint8", []byte("hi")},
		"nil":  {},
	} {
		if !reflect.DeepEqual(m[k], want) {
			t.Errorf("%s: %#v, want %#v", k, m[k], want)
		}
	}
}

// TestWalkRefusesWhatCheckRefuses: Walk checks first.
func TestWalkRefusesWhatCheckRefuses(t *testing.T) {
	for _, data := range encoderOutput(t) {
		bad := data[:len(data)-1]
		if Check(bad) == nil {
			continue
		}
		if _, err := Walk(bad); err == nil {
			t.Errorf("Walk accepts %x, which Check refuses", bad)
		}
	}
}
