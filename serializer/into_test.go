package serializer_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/netip"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/serializer"
)

type session struct {
	UserID   int64                      `json:"user_id"`
	Name     string                     `json:"username"`
	Roles    []string                   `json:"roles"`
	Prefs    map[string]string          `json:"prefs"`
	Fresh    bool                       `json:"_fresh"`
	Login    time.Time                  `json:"login"`
	Avatar   []byte                     `json:"avatar"`
	ID       serializer.UUID            `json:"id"`
	Pair     [2]int                     `json:"pair"`
	Note     serializer.Markup          `json:"note"`
	Ratio    float64                    `json:"ratio"`
	Small    uint8                      `json:"small"`
	Big      *big.Int                   `json:"big"`
	Any      any                        `json:"any"`
	Ptr      *address                   `json:"ptr"`
	Nested   []map[string]any           `json:"nested"`
	Tuple    serializer.Tuple           `json:"tuple"`
	ByTag    map[string]*address        `json:"by_tag"`
	CaseFold string                     // matched case-insensitively
	Skipped  string                     `json:"-"`
	Untyped  map[string]serializer.UUID `json:"untyped,omitempty"`
}

func TestUnmarshalInto(t *testing.T) {
	text := `{"_fresh":true,"any":{" t":[1]},"avatar":{" b":"AQI="},"big":18446744073709551616,` +
		`"by_tag":{"home":{"city":"Berlin","zip":"10115"}},"casefold":"yes","id":{" u":"000102030405060708090a0b0c0d0e0f"},` +
		`"login":{" d":"Thu, 29 Feb 2024 23:59:58 GMT"},"nested":[{"a":1}],"note":"plain","pair":{" t":[1,2]},` +
		`"prefs":{"lang":"en"},"ptr":{"city":"Rome"},"ratio":2,"roles":["admin","editor"],"small":255,` +
		`"tuple":{" t":["x"]},"unknown":1,"user_id":12345,"username":"alice","-":"no"}`
	var s session
	s.Skipped = "kept"
	if err := serializer.UnmarshalInto([]byte(text), &s); err != nil {
		t.Fatal(err)
	}
	want := session{
		UserID: 12345, Name: "alice", Roles: []string{"admin", "editor"}, Prefs: map[string]string{"lang": "en"},
		Fresh: true, Login: time.Date(2024, 2, 29, 23, 59, 58, 0, time.UTC), Avatar: []byte{1, 2},
		ID: serializer.UUID{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, Pair: [2]int{1, 2},
		Note: "plain", Ratio: 2, Small: 255, Big: big64, Any: serializer.Tuple{int64(1)},
		Ptr: &address{City: "Rome"}, Nested: []map[string]any{{"a": int64(1)}}, Tuple: serializer.Tuple{"x"},
		ByTag: map[string]*address{"home": {City: "Berlin", Zip: "10115"}}, CaseFold: "yes", Skipped: "kept",
	}
	if got, err := serializer.Marshal(s); err != nil {
		t.Fatal(err)
	} else if w, _ := serializer.Marshal(want); string(got) != string(w) {
		t.Errorf("UnmarshalInto:\n got %s\nwant %s", got, w)
	}
	if s.Skipped != "kept" || !s.Login.Equal(want.Login) || s.Big.Cmp(big64) != 0 {
		t.Errorf("got %+v", s)
	}

	var m map[string]int
	if err := serializer.UnmarshalInto([]byte(`{"a":1,"b":-2}`), &m); err != nil || m["a"] != 1 || m["b"] != -2 {
		t.Errorf("map = %v, %v", m, err)
	}
	var a any
	if err := serializer.UnmarshalInto([]byte(`{" b":"AA=="}`), &a); err != nil || string(a.([]byte)) != "\x00" {
		t.Errorf("any = %#v, %v", a, err)
	}
	p := &address{City: "x"}
	if err := serializer.UnmarshalInto([]byte(`null`), &p); err != nil || p != nil {
		t.Errorf("null into pointer = %v, %v", p, err)
	}
	n := 5
	if err := serializer.UnmarshalInto([]byte(`null`), &n); err != nil || n != 5 {
		t.Errorf("null into int = %v, %v", n, err)
	}
}

func TestUnmarshalIntoMismatch(t *testing.T) {
	cases := []struct {
		text string
		dst  any
		path string
	}{
		{`{"roles":["a",1]}`, new(session), "$.roles[1]"},
		{`{"user_id":1.5}`, new(session), "$.user_id"},
		{`{"small":256}`, new(session), "$.small"},
		{`{"small":-1}`, new(session), "$.small"},
		{`{"login":"yesterday"}`, new(session), "$.login"},
		{`{"pair":[1,2,3]}`, new(session), "$.pair"},
		{`{"avatar":"AQI="}`, new(session), "$.avatar"},
		{`{"by_tag":{"x y":{"city":5}}}`, new(session), `$.by_tag["x y"].city`},
		{`[1]`, new(session), "$"},
		{`{"a":"b"}`, new(map[string]int), "$.a"},
		{`99999999999999999999`, new(int64), "$"},
		{`1`, new(string), "$"},
	}
	for _, c := range cases {
		err := serializer.UnmarshalInto([]byte(c.text), c.dst)
		var me *serializer.TypeMismatchError
		if !errors.Is(err, serializer.ErrTypeMismatch) || !errors.As(err, &me) || me.Path != c.path {
			t.Errorf("UnmarshalInto(%s, %T): err = %v, want mismatch at %s", c.text, c.dst, err, c.path)
		}
	}
	if err := serializer.UnmarshalInto([]byte(`1`), nil); !errors.Is(err, serializer.ErrTypeMismatch) {
		t.Errorf("nil dst: err = %v", err)
	}
	var x int
	if err := serializer.UnmarshalInto([]byte(`1`), x); !errors.Is(err, serializer.ErrTypeMismatch) {
		t.Errorf("non-pointer dst: err = %v", err)
	}
	if err := serializer.UnmarshalInto([]byte(`{`), &x); !errors.Is(err, serializer.ErrSyntax) {
		t.Errorf("syntax: err = %v", err)
	}
}

// TestAssign checks Assign, UnmarshalInto without the text: a value
// decoded earlier converts as UnmarshalInto converts its text, and the
// same mismatches are refused with their paths.
func TestAssign(t *testing.T) {
	text := []byte(`{"user_id":7,"username":"alice","roles":["a","b"],"ptr":{"city":"Berlin"},"pair":[1,2]}`)
	var fromText, fromValue session
	if err := serializer.UnmarshalInto(text, &fromText); err != nil {
		t.Fatal(err)
	}
	v, err := serializer.Unmarshal(text)
	if err != nil {
		t.Fatal(err)
	}
	if err := serializer.Assign(v, &fromValue); err != nil {
		t.Fatal(err)
	}
	if fromValue.UserID != 7 || fromValue.Name != "alice" || len(fromValue.Roles) != 2 || fromValue.Ptr == nil || fromValue.Ptr.City != "Berlin" || fromValue.Pair != [2]int{1, 2} {
		t.Errorf("Assign gave %+v", fromValue)
	}
	if fromText.UserID != fromValue.UserID || fromText.Ptr.City != fromValue.Ptr.City {
		t.Errorf("Assign %+v differs from UnmarshalInto %+v", fromValue, fromText)
	}
	// A Go value of dst's own type is stored as is.
	var d time.Duration
	if err := serializer.Assign(90*time.Second, &d); err != nil || d != 90*time.Second {
		t.Errorf("Assign(Duration) = %v, %v", d, err)
	}
	var me *serializer.TypeMismatchError
	if err := serializer.Assign(map[string]any{"roles": []any{"a", int64(1)}}, new(session)); !errors.As(err, &me) || me.Path != "$.roles[1]" {
		t.Errorf("mismatch: err = %v", err)
	}
	if err := serializer.Assign(int64(1), nil); !errors.Is(err, serializer.ErrTypeMismatch) {
		t.Errorf("nil dst: err = %v", err)
	}
	var x int
	if err := serializer.Assign(int64(1), x); !errors.Is(err, serializer.ErrTypeMismatch) {
		t.Errorf("non-pointer dst: err = %v", err)
	}
}

// TestUnmarshalIntoDeterministic checks that the value and the error do
// not depend on Go's random map order: a key equal to a field's name wins
// over keys that differ in case, the last of those in sorted order wins
// without one, and of several values that do not fit, the error names the
// first field in the struct or the first key of a map in sorted order.
// Each case runs 64 times; before the order was fixed, the first case
// gave "a", "b" or "c" at random.
func TestUnmarshalIntoDeterministic(t *testing.T) {
	type person struct {
		Name   string
		UserID int `json:"user_id"`
		Age    int
		Zip    int
	}
	cases := []struct {
		text string
		want person
		path string // of the mismatch error, "" for none
	}{
		{`{"NAME":"c","Name":"a","name":"b"}`, person{Name: "a"}, ""},
		{`{"NAME":"c","nAme":"d","name":"b"}`, person{Name: "b"}, ""},
		{`{"USER_ID":1,"User_Id":2,"user_id":3}`, person{UserID: 3}, ""},
		{`{"USER_ID":1,"User_Id":2}`, person{UserID: 2}, ""},
		{`{"age":"x","zip":"y","name":"n"}`, person{}, "$.age"},
		{`{"Zip":"y","Age":"x"}`, person{}, "$.Age"},
	}
	for _, c := range cases {
		for range 64 {
			var got person
			err := serializer.UnmarshalInto([]byte(c.text), &got)
			var me *serializer.TypeMismatchError
			switch {
			case c.path == "" && err != nil:
				t.Fatalf("%s: %v", c.text, err)
			case c.path == "" && got != c.want:
				t.Fatalf("%s: got %+v, want %+v", c.text, got, c.want)
			case c.path != "" && (!errors.As(err, &me) || me.Path != c.path):
				t.Fatalf("%s: err = %v, want a mismatch at %s", c.text, err, c.path)
			}
		}
	}
	for range 64 {
		var m map[string]int
		err := serializer.UnmarshalInto([]byte(`{"d":"4","c":3,"b":"2","a":1}`), &m)
		var me *serializer.TypeMismatchError
		if !errors.As(err, &me) || me.Path != "$.b" {
			t.Fatalf("map: err = %v, want a mismatch at $.b", err)
		}
	}
}

// TestStringOptionIgnored pins the documented handling of encoding/json's
// ",string" option: ignored, so a number is written and read as a number.
func TestStringOptionIgnored(t *testing.T) {
	type withOption struct {
		ID int64 `json:"id,string"`
	}
	text, err := serializer.Marshal(withOption{ID: 5})
	if err != nil || string(text) != `{"id":5}` {
		t.Fatalf("Marshal = %s, %v; want {\"id\":5}", text, err)
	}
	var back withOption
	if err := serializer.UnmarshalInto(text, &back); err != nil || back.ID != 5 {
		t.Fatalf("UnmarshalInto = %+v, %v", back, err)
	}
	if err := serializer.UnmarshalInto([]byte(`{"id":"5"}`), &back); !errors.Is(err, serializer.ErrTypeMismatch) {
		t.Fatalf("a quoted number: err = %v, want a type mismatch", err)
	}
}

// money has a MarshalJSON/UnmarshalJSON pair and no exported fields, like
// decimal types: without the methods it would be written as {}.
type money struct{ cents int64 }

func (m money) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprintf(`"%d.%02d"`, m.cents/100, m.cents%100)), nil
}

func (m *money) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	var whole, frac int64
	if _, err := fmt.Sscanf(s, "%d.%02d", &whole, &frac); err != nil {
		return err
	}
	m.cents = whole*100 + frac
	return nil
}

// TestMarshalerMethods: types with their own JSON or text methods, which
// the serializer used to write field by field (netip.Addr and money as {}),
// are written through MarshalJSON or MarshalText and read back through
// UnmarshalJSON or UnmarshalText, also inside maps and slices and behind
// pointers; an UnmarshalJSON error is a type mismatch that wraps it.
func TestMarshalerMethods(t *testing.T) {
	type order struct {
		Price  money           `json:"price"`
		Client netip.Addr      `json:"client"`
		Extra  json.RawMessage `json:"extra"`
		Count  json.Number     `json:"count"`
		Tips   []money         `json:"tips"`
		Prev   *money          `json:"prev"`
	}
	in := order{Price: money{1250}, Client: netip.MustParseAddr("192.0.2.7"), Extra: json.RawMessage(`{"b":[1,2],"a":"x"}`),
		Count: "3", Tips: []money{{5}, {100}}, Prev: &money{99}}
	text, err := serializer.Marshal(in)
	want := `{"client":"192.0.2.7","count":3,"extra":{"a":"x","b":[1,2]},"prev":"0.99","price":"12.50","tips":["0.05","1.00"]}`
	if err != nil || string(text) != want {
		t.Fatalf("Marshal = %s, %v\nwant %s", text, err, want)
	}
	var out order
	if err := serializer.UnmarshalInto(text, &out); err != nil {
		t.Fatal(err)
	}
	if out.Price != in.Price || out.Client != in.Client || string(out.Extra) != `{"a":"x","b":[1,2]}` || out.Count != "3" ||
		len(out.Tips) != 2 || out.Tips[1] != (money{100}) || out.Prev == nil || *out.Prev != *in.Prev {
		t.Errorf("UnmarshalInto gave %+v", out)
	}
	var bad order
	err = serializer.UnmarshalInto([]byte(`{"price":"twelve"}`), &bad)
	var me *serializer.TypeMismatchError
	if !errors.As(err, &me) || me.Path != "$.price" || me.Err == nil {
		t.Errorf("a price UnmarshalJSON refuses: err = %v", err)
	}
}
