package serializer_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/cookiecodec/cookiecodec/serializer"
)

func Example() {
	session := map[string]any{
		"user_id": 12345,
		"cart":    serializer.Tuple{"SKU-1", 2},
		"seen":    time.Date(2024, 5, 1, 12, 34, 56, 789, time.UTC),
		"price":   1e-05,
		"name":    "Jürgen",
	}
	text, err := serializer.Marshal(session)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(text))

	back, err := serializer.Unmarshal(text)
	if err != nil {
		panic(err)
	}
	m := back.(map[string]any)
	fmt.Printf("%T %v\n", m["cart"], m["cart"])
	fmt.Printf("%T %v\n", m["user_id"], m["user_id"])
	// Output:
	// {"cart":{" t":["SKU-1",2]},"name":"J\u00fcrgen","price":1e-05,"seen":{" d":"Wed, 01 May 2024 12:34:56 GMT"},"user_id":12345}
	// serializer.Tuple [SKU-1 2]
	// int64 12345
}

func ExampleUnmarshalInto() {
	var s struct {
		UserID int64     `json:"user_id"`
		Roles  []string  `json:"roles"`
		Seen   time.Time `json:"seen"`
	}
	text := `{"roles":["admin"],"seen":{" d":"Wed, 01 May 2024 12:34:56 GMT"},"user_id":7}`
	if err := serializer.UnmarshalInto([]byte(text), &s); err != nil {
		panic(err)
	}
	fmt.Println(s.UserID, s.Roles, s.Seen)
	// Output: 7 [admin] 2024-05-01 12:34:56 +0000 UTC
}

func ExampleUnmarshalString() {
	// A cookie's payload often arrives as a string; decoding it in place
	// saves the copy that Unmarshal makes of a []byte.
	payload := `{"cart":{" t":["SKU-1",2]},"user_id":7}`
	v, err := serializer.UnmarshalString(payload)
	if err != nil {
		panic(err)
	}
	m := v.(map[string]any)
	fmt.Printf("%#v %d\n", m["cart"], m["user_id"])
	// Output: serializer.Tuple{"SKU-1", 2} 7
}

func ExampleMarshal_unsupported() {
	type item struct {
		Price complex128 `json:"price"`
	}
	_, err := serializer.Marshal(map[string]any{"cart": []any{item{}}})
	fmt.Println(err)
	fmt.Println(errors.Is(err, serializer.ErrUnsupportedType))
	// Output:
	// serializer: unsupported type complex128 at $.cart[0].price
	// true
}

// point is stored with a user tag " p" as [x, y].
type point struct{ X, Y int64 }

type pointTag struct{}

func (pointTag) Key() string { return " p" }

func (pointTag) Check(v any) bool { _, ok := v.(point); return ok }

func (pointTag) ToJSON(v any) (any, error) {
	p := v.(point)
	return []any{p.X, p.Y}, nil
}

func (pointTag) ToValue(j any) (any, error) {
	l, ok := j.([]any)
	if !ok || len(l) != 2 {
		return nil, errors.New("want [x, y]")
	}
	x, ok1 := l[0].(int64)
	y, ok2 := l[1].(int64)
	if !ok1 || !ok2 {
		return nil, errors.New("want integers")
	}
	return point{x, y}, nil
}

func ExampleSerializer_Register() {
	var s serializer.Serializer
	if err := s.Register(pointTag{}); err != nil {
		panic(err)
	}
	text, _ := s.Marshal(map[string]any{"at": point{3, 4}, " p": "escaped"})
	fmt.Println(string(text))
	back, _ := s.Unmarshal([]byte(`{"at":{" p":[3,4]}}`))
	fmt.Printf("%+v\n", back.(map[string]any)["at"])
	// Output:
	// {" p":"escaped","at":{" p":[3,4]}}
	// {X:3 Y:4}
}

func ExampleSerializer_nativeTime() {
	s := serializer.Serializer{NativeTime: true}
	t := time.Date(2024, 5, 1, 12, 34, 56, 123456789, time.FixedZone("CEST", 2*3600))
	text, _ := s.Marshal(map[string]any{"at": t})
	fmt.Println(string(text))
	back, _ := s.Unmarshal(text)
	fmt.Println(back.(map[string]any)["at"].(time.Time).Equal(t))
	// Output:
	// {"at":{" dn":"2024-05-01T12:34:56.123456789+02:00"}}
	// true
}
