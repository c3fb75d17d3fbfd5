package flaskvectors

import (
	"encoding/json"
	"os"
	"testing"
)

func TestLoad(t *testing.T) {
	f, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Vectors) != f.Meta.Count {
		t.Fatalf("%d vectors, meta.count %d", len(f.Vectors), f.Meta.Count)
	}
	groups := map[string]int{}
	for _, v := range f.Vectors {
		groups[v.Group]++
		if v.Name == "" || v.Cookie == "" && v.Name != "empty_cookie" || v.Expect == "" || v.EncodeExpectation == "" {
			t.Errorf("vector %q lacks a required field", v.Name)
		}
	}
	for g, n := range f.Meta.Groups {
		if groups[g] != n {
			t.Errorf("group %s: %d vectors, meta says %d", g, groups[g], n)
		}
	}
	if f.Meta.FlaskDefaults.MaxAge != 2678400 || f.Meta.FlaskDefaults.Salt != "cookie-session" {
		t.Errorf("flask defaults = %+v", f.Meta.FlaskDefaults)
	}
	if f.Meta.Schema["typed description"] == "" {
		t.Error("meta.schema lacks the typed description")
	}
}

// TestLoadAllFields checks that decoding into the typed structs drops no
// field of the file: re-encoding each vector gives the same JSON object.
func TestLoadAllFields(t *testing.T) {
	p, err := Path()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var generic struct {
		Vectors []map[string]any `json:"vectors"`
	}
	if err := json.Unmarshal(raw, &generic); err != nil {
		t.Fatal(err)
	}
	f, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range f.Vectors {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var back map[string]any
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		for k := range generic.Vectors[i] {
			if _, ok := back[k]; !ok {
				t.Errorf("%s: field %q lost", v.Name, k)
			}
		}
		want, _ := json.Marshal(generic.Vectors[i])
		got, _ := json.Marshal(back)
		if string(want) != string(got) {
			t.Errorf("%s: re-encoded vector differs\nwant %s\n got %s", v.Name, want, got)
		}
	}
}

func descs(v *Vector) []*Desc {
	out := []*Desc{v.PayloadDescription, v.DecodedDescription}
	if v.FlaskOpenSession != nil {
		out = append(out, v.FlaskOpenSession.Session)
	}
	return out
}

func clearNaive(d *Desc) {
	d.Naive = false
	for i := range d.Items {
		clearNaive(&d.Items[i])
	}
	for i := range d.Entries {
		clearNaive(&d.Entries[i].Value)
	}
}

func TestValueDescribeRoundTrip(t *testing.T) {
	f, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, v := range f.Vectors {
		for _, d := range descs(&v) {
			if d == nil {
				continue
			}
			n++
			val, err := Value(*d)
			if err != nil {
				t.Errorf("%s: Value: %v", v.Name, err)
				continue
			}
			back, err := Describe(val)
			if err != nil {
				t.Errorf("%s: Describe: %v", v.Name, err)
				continue
			}
			want := *d
			clearNaive(&want)
			if diff := Diff(want, back); diff != "" {
				t.Errorf("%s: %s", v.Name, diff)
			}
		}
	}
	if n < 60 {
		t.Errorf("only %d descriptions checked", n)
	}
}

func TestDiff(t *testing.T) {
	a := Desc{Type: "dict", Entries: []Entry{{"a", Desc{Type: "int", Value: "1"}}, {"b", Desc{Type: "float", Value: "NaN"}}}}
	b := Desc{Type: "dict", Entries: []Entry{{"b", Desc{Type: "float", Value: "NaN"}}, {"a", Desc{Type: "int", Value: "01"}}}}
	if d := Diff(a, b); d != "" {
		t.Errorf("equal dicts differ: %s", d)
	}
	c := Desc{Type: "dict", Entries: []Entry{{"a", Desc{Type: "int", Value: "1"}}, {"b", Desc{Type: "float", Value: "-0.0"}}}}
	d := Desc{Type: "dict", Entries: []Entry{{"a", Desc{Type: "int", Value: "1"}}, {"b", Desc{Type: "float", Value: "0.0"}}}}
	if got := Diff(c, d); got != `$["b"]: float -0.0 != float 0.0` {
		t.Errorf("Diff = %q", got)
	}
	if Equal(Desc{Type: "str", Value: "x"}, Desc{Type: "markup", Value: "x"}) {
		t.Error("str equals markup")
	}
	t1 := Desc{Type: "datetime", Value: "2020-01-01T00:30:00+05:30"}
	t2 := Desc{Type: "datetime", Value: "2019-12-31T19:00:00Z"}
	if Equal(t1, t2) {
		t.Error("same instant with another offset compares equal")
	}
}
