package main

import (
	"bytes"
	"encoding/gob"
	"testing"
)

// Types registered under names that the tests then patch in the stream,
// to make what only a holder of the MAC key could send: a value labelled
// with a basic type it does not fit.
type (
	partialPrefs struct{ Theme string }
	labelledInt  int64 // registered as "strinx", patched to "string"
	labelledBig  int64 // registered as "intX", patched to "int8"
)

func init() {
	gob.RegisterName("partial.Prefs", partialPrefs{})
	gob.RegisterName("strinx", labelledInt(0))
	gob.RegisterName("intX", labelledBig(0))
}

// orderedGob encodes m with gob until the stream has first ahead of
// second (Go's map order is random).
func orderedGob(t *testing.T, m map[any]any, first, second string) []byte {
	t.Helper()
	for range 1000 {
		var b bytes.Buffer
		if err := gob.NewEncoder(&b).Encode(m); err != nil {
			t.Fatal(err)
		}
		d := b.Bytes()
		i, j := bytes.Index(d, []byte(first)), bytes.Index(d, []byte(second))
		if i >= 0 && j > i {
			return d
		}
	}
	t.Fatalf("no encoding with %q before %q", first, second)
	return nil
}

// patch replaces the first old in d with new, of the same length.
func patch(d []byte, old, new string) []byte { return bytes.Replace(d, []byte(old), []byte(new), 1) }

// TestGobPartialAsGobReadsIt: the partial view of a gob session shows what
// gob, and so the app, makes of it. A security review found a value
// labelled "string" that holds an integer shown as readable (gob refuses
// the whole session, in the app too), and a key given twice shown with its
// first value (gob keeps the last).
func TestGobPartialAsGobReadsIt(t *testing.T) {
	label := patch(orderedGob(t, map[any]any{"role": labelledInt(5), "prefs": partialPrefs{"dark"}, "user": "alice"}, "partial.Prefs", "strinx"), "strinx", "string")
	if r, o, ok := gobPartial(label); ok {
		t.Errorf("an int labelled string: readable %v, opaque %v; want no partial view", r, o)
	}
	// The misfit after an app's value inside a list (a re-test found it
	// missed there: the entry was only called opaque).
	nested := patch(orderedGob(t, map[any]any{"l": []any{partialPrefs{"dark"}, labelledInt(5)}, "user": "alice"}, "partial.Prefs", "strinx"), "strinx", "string")
	if r, o, ok := gobPartial(nested); ok {
		t.Errorf("an int labelled string after an app value in a list: readable %v, opaque %v; want no partial view", r, o)
	}
	nestedMap := patch(orderedGob(t, map[any]any{"m": map[string]any{"a": partialPrefs{"dark"}, "b": labelledInt(5)}}, "partial.Prefs", "strinx"), "strinx", "string")
	if r, o, ok := gobPartial(nestedMap); ok {
		t.Errorf("an int labelled string after an app value in a map: readable %v, opaque %v; want no partial view", r, o)
	}
	big := patch(orderedGob(t, map[any]any{"n": labelledBig(300), "prefs": partialPrefs{"dark"}}, "", "intX"), "intX", "int8")
	if r, o, ok := gobPartial(big); ok {
		t.Errorf("300 labelled int8: readable %v, opaque %v; want no partial view", r, o)
	}
	dup := patch(orderedGob(t, map[any]any{"rolf": "admin", "role": partialPrefs{"dark"}, "user": "alice"}, "rolf", "partial.Prefs"), "rolf", "role")
	r, o, ok := gobPartial(dup)
	if !ok || r["user"] != "alice" || r["role"] != nil || len(o) != 1 || o[0] != (opaqueEntry{"role", "partial.Prefs"}) {
		t.Errorf("role twice, the app's type last: readable %v, opaque %v, ok %v; want role opaque only", r, o, ok)
	}
	dup = patch(orderedGob(t, map[any]any{"rolf": partialPrefs{"dark"}, "role": "admin", "user": "alice"}, "partial.Prefs", "role"), "rolf", "role")
	if r, o, ok = gobPartial(dup); !ok || r["role"] != "admin" || len(o) != 0 {
		t.Errorf("role twice, a string last: readable %v, opaque %v, ok %v; want role readable", r, o, ok)
	}
	fine := orderedGob(t, map[any]any{"n": int8(-5), "u": uint16(700), "f": float32(1.5), "prefs": partialPrefs{"dark"}}, "", "partial.Prefs")
	if r, o, ok = gobPartial(fine); !ok || r["n"] != int64(-5) || r["u"] != uint64(700) || r["f"] != 1.5 || len(o) != 1 {
		t.Errorf("basic values in range: readable %v, opaque %v, ok %v", r, o, ok)
	}
}
