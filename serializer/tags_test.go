package serializer_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/serializer"
)

// upperTag tags every string (Check matches anything that is a string), to
// show where user tags sit in Flask's order.
type upperTag struct{}

func (upperTag) Key() string                { return " U" }
func (upperTag) Check(v any) bool           { _, ok := v.(string); return ok }
func (upperTag) ToJSON(v any) (any, error)  { return strings.ToUpper(v.(string)), nil }
func (upperTag) ToValue(j any) (any, error) { return j, nil }

// loopTag wraps its input in a list, which would tag forever.
type loopTag struct{}

func (loopTag) Key() string                { return " L" }
func (loopTag) Check(v any) bool           { _, ok := v.(point); return ok }
func (loopTag) ToJSON(v any) (any, error)  { return []any{v}, nil }
func (loopTag) ToValue(j any) (any, error) { return j, nil }

func TestRegister(t *testing.T) {
	var s serializer.Serializer
	for _, k := range []string{" t", " di", " d", " dn", ""} {
		if err := s.Register(keyTag(k)); err == nil {
			t.Errorf("Register(%q) accepted a taken or empty key", k)
		}
	}
	if err := s.Register(pointTag{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Register(pointTag{}); err == nil {
		t.Error("Register accepted the same key twice")
	}
	if err := s.Register(upperTag{}); err != nil {
		t.Fatal(err)
	}
	if got := s.TagKeys(); !slices.Equal(got, []string{" p", " U"}) {
		t.Errorf("TagKeys = %q, want the user tags in registration order", got)
	}
	if got := new(serializer.Serializer).TagKeys(); got != nil {
		t.Errorf("TagKeys of a zero Serializer = %q, want nil (built-in tags are not listed)", got)
	}
	// Strings reach user tags; the built-in types (a Markup is text too)
	// never do.
	out, err := s.Marshal(map[string]any{"s": "abc", "m": serializer.Markup("x"), "l": []any{"y"}, "p": point{1, 2}})
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"l":[{" U":"Y"}],"m":{" m":"x"},"p":{" p":[1,2]},"s":{" U":"ABC"}}`
	if string(out) != want {
		t.Errorf("Marshal = %s, want %s", out, want)
	}
	// Also in a list of records with the same keys (written in a
	// remembered key order, with a fast path for strings when there are no
	// user tags).
	rec := func(s string) map[string]any { return map[string]any{"n": 1, "s": s} }
	out, err = s.Marshal([]any{rec("a"), rec("b"), rec("c"), rec("d")})
	const wantList = `[{"n":1,"s":{" U":"A"}},{"n":1,"s":{" U":"B"}},{"n":1,"s":{" U":"C"}},{"n":1,"s":{" U":"D"}}]`
	if err != nil || string(out) != wantList {
		t.Errorf("Marshal = %s, %v; want %s", out, err, wantList)
	}
	// Decoding untags user keys bottom-up; ToValue errors are ErrBadTag.
	v, err := s.Unmarshal([]byte(`{"a":{" p":[5,6]},"b":{" di":{" p__":1}}}`))
	m, _ := v.(map[string]any)
	if err != nil || m["a"] != (point{5, 6}) || m["b"].(map[string]any)[" p"] != int64(1) {
		t.Errorf("Unmarshal = %#v, %v", v, err)
	}
	_, err = s.Unmarshal([]byte(`{"a":{" p":"x"}}`))
	var te *serializer.TagError
	if !errors.Is(err, serializer.ErrBadTag) || !errors.As(err, &te) || te.Key != " p" {
		t.Errorf("bad content: err = %v", err)
	}
	// The default serializer does not know " p": a plain map.
	v, err = serializer.Unmarshal([]byte(`{" p":[5,6]}`))
	if _, ok := v.(map[string]any); err != nil || !ok {
		t.Errorf("default serializer = %#v, %v", v, err)
	}
	// A tag whose ToJSON result holds its input stops at the depth limit.
	var loop serializer.Serializer
	if err := loop.Register(loopTag{}); err != nil {
		t.Fatal(err)
	}
	if _, err := loop.Marshal(point{}); !errors.Is(err, serializer.ErrTooDeep) {
		t.Errorf("self-wrapping tag: err = %v, want ErrTooDeep", err)
	}
	// The ToJSON result itself is not offered to the user tags again.
	if out, err := s.Marshal(serializer.Tuple{"q"}); err != nil || string(out) != `{" t":[{" U":"Q"}]}` {
		t.Errorf("Marshal = %s, %v", out, err)
	}
}

type keyTag string

func (k keyTag) Key() string              { return string(k) }
func (keyTag) Check(any) bool             { return false }
func (keyTag) ToJSON(v any) (any, error)  { return v, nil }
func (keyTag) ToValue(j any) (any, error) { return j, nil }

func TestNativeTime(t *testing.T) {
	s := &serializer.Serializer{NativeTime: true}
	zones := []*time.Location{time.UTC, time.FixedZone("", -(9*3600 + 30*60)), time.FixedZone("X", 14*3600)}
	for _, loc := range zones {
		in := time.Date(1999, 12, 31, 23, 59, 59, 999999999, loc)
		text, err := s.Marshal(map[string]any{"t": in, "l": []any{in}})
		if err != nil {
			t.Fatal(err)
		}
		back, err := s.Unmarshal(text)
		if err != nil {
			t.Fatal(err)
		}
		for _, got := range []time.Time{back.(map[string]any)["t"].(time.Time), back.(map[string]any)["l"].([]any)[0].(time.Time)} {
			_, o1 := got.Zone()
			_, o2 := in.Zone()
			if !got.Equal(in) || o1 != o2 || got.Nanosecond() != 999999999 {
				t.Errorf("%s: native round trip = %v, want %v", text, got, in)
			}
		}
	}
	// The native serializer still reads Flask's " d" and escapes " dn".
	v, err := s.Unmarshal([]byte(`{" d":"Thu, 29 Feb 2024 23:59:58 GMT"}`))
	if err != nil || !v.(time.Time).Equal(time.Date(2024, 2, 29, 23, 59, 58, 0, time.UTC)) {
		t.Errorf("native reads \" d\": %v, %v", v, err)
	}
	if out, err := s.Marshal(map[string]any{" dn": 1}); err != nil || string(out) != `{" di":{" dn__":1}}` {
		t.Errorf("native escape = %s, %v", out, err)
	}
	if _, err := s.Unmarshal([]byte(`{" dn":"yesterday"}`)); !errors.Is(err, serializer.ErrBadTag) {
		t.Errorf("bad native time: err = %v", err)
	}
	if _, err := s.Marshal(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)); !errors.Is(err, serializer.ErrUnsupportedType) {
		t.Errorf("year 10000: err = %v", err)
	}
}
