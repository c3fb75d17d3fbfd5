package flaskvectors

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cookiecodec/cookiecodec/internal/pyjson"
	"github.com/cookiecodec/cookiecodec/serializer"
)

// Desc is a typed description of a Python value (meta.schema "typed
// description"): null | bool | int (decimal string) | float (Python repr,
// NaN, Infinity, -Infinity) | str | bytes (b64 = standard base64) |
// tuple/list (items) | dict (entries, order as stored) | uuid (canonical) |
// datetime (RFC 3339, naive = no tzinfo, taken as UTC) | date | markup.
type Desc struct {
	Type    string  // the type name above
	Value   string  // int, float, str, uuid, datetime, date, markup
	Bool    bool    // bool
	B64     string  // bytes
	Naive   bool    // datetime
	Items   []Desc  // tuple, list
	Entries []Entry // dict
}

// Entry is one key of a dict description.
type Entry struct {
	Key   string `json:"key"`
	Value Desc   `json:"value"`
}

type descJSON struct {
	Type    string          `json:"type"`
	Value   json.RawMessage `json:"value,omitempty"`
	B64     *string         `json:"b64,omitempty"`
	Naive   *bool           `json:"naive,omitempty"`
	Items   []Desc          `json:"items,omitempty"`
	Entries []Entry         `json:"entries,omitempty"`
}

// UnmarshalJSON reads the schema's JSON form.
func (d *Desc) UnmarshalJSON(data []byte) error {
	var a descJSON
	if err := json.Unmarshal(data, &a); err != nil {
		return err
	}
	*d = Desc{Type: a.Type, Items: a.Items, Entries: a.Entries}
	if a.B64 != nil {
		d.B64 = *a.B64
	}
	if a.Naive != nil {
		d.Naive = *a.Naive
	}
	if len(a.Value) > 0 {
		if a.Type == "bool" {
			return json.Unmarshal(a.Value, &d.Bool)
		}
		return json.Unmarshal(a.Value, &d.Value)
	}
	return nil
}

// MarshalJSON writes the schema's JSON form, with only the fields the type
// uses.
func (d Desc) MarshalJSON() ([]byte, error) {
	m := map[string]any{"type": d.Type}
	switch d.Type {
	case "null":
	case "bool":
		m["value"] = d.Bool
	case "bytes":
		m["b64"] = d.B64
	case "tuple", "list":
		items := d.Items
		if items == nil {
			items = []Desc{}
		}
		m["items"] = items
	case "dict":
		entries := d.Entries
		if entries == nil {
			entries = []Entry{}
		}
		m["entries"] = entries
	case "datetime":
		m["value"] = d.Value
		m["naive"] = d.Naive
	default:
		m["value"] = d.Value
	}
	return json.Marshal(m)
}

// Value converts a description to the Go value package serializer uses for
// it: nil, bool, int64 or *big.Int, float64, string, []byte,
// serializer.Tuple, []any, map[string]any, serializer.UUID, time.Time
// (naive taken as UTC; an offset kept as a fixed zone) and serializer.Markup.
// A date, which Flask does not tag, becomes the HTTP-date string Flask
// writes for it ("Tue, 02 Jan 2024 00:00:00 GMT").
func Value(d Desc) (any, error) {
	switch d.Type {
	case "null":
		return nil, nil
	case "bool":
		return d.Bool, nil
	case "int":
		if i, err := strconv.ParseInt(d.Value, 10, 64); err == nil {
			return i, nil
		}
		z, ok := new(big.Int).SetString(d.Value, 10)
		if !ok {
			return nil, fmt.Errorf("flaskvectors: bad int %q", d.Value)
		}
		return z, nil
	case "float":
		return parseFloat(d.Value)
	case "str":
		return d.Value, nil
	case "markup":
		return serializer.Markup(d.Value), nil
	case "bytes":
		b, err := base64.StdEncoding.DecodeString(d.B64)
		if err != nil {
			return nil, fmt.Errorf("flaskvectors: bad bytes %q: %w", d.B64, err)
		}
		return b, nil
	case "uuid":
		return serializer.ParseUUID(d.Value)
	case "datetime":
		t, err := time.Parse(time.RFC3339Nano, d.Value)
		if err != nil {
			return nil, fmt.Errorf("flaskvectors: bad datetime %q: %w", d.Value, err)
		}
		if _, off := t.Zone(); off == 0 {
			t = t.UTC()
		}
		return t, nil
	case "date":
		t, err := time.Parse(time.DateOnly, d.Value)
		if err != nil {
			return nil, fmt.Errorf("flaskvectors: bad date %q: %w", d.Value, err)
		}
		return t.Format("Mon, 02 Jan 2006 15:04:05 GMT"), nil
	case "tuple", "list":
		items := make([]any, len(d.Items))
		for i, it := range d.Items {
			v, err := Value(it)
			if err != nil {
				return nil, err
			}
			items[i] = v
		}
		if d.Type == "tuple" {
			return serializer.Tuple(items), nil
		}
		return items, nil
	case "dict":
		m := make(map[string]any, len(d.Entries))
		for _, e := range d.Entries {
			v, err := Value(e.Value)
			if err != nil {
				return nil, err
			}
			m[e.Key] = v
		}
		return m, nil
	}
	return nil, fmt.Errorf("flaskvectors: unknown description type %q", d.Type)
}

func parseFloat(s string) (float64, error) {
	switch s {
	case "NaN":
		return math.NaN(), nil
	case "Infinity", "inf":
		return math.Inf(1), nil
	case "-Infinity", "-inf":
		return math.Inf(-1), nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("flaskvectors: bad float %q", s)
	}
	return f, nil
}

// Describe returns the description of a Go value of package serializer's
// model (and the other integer kinds and float32). Dict entries are sorted
// by key. A time.Time is described with its offset (Z for UTC), fractional
// seconds only when non-zero, and naive false.
func Describe(v any) (Desc, error) {
	switch x := v.(type) {
	case nil:
		return Desc{Type: "null"}, nil
	case bool:
		return Desc{Type: "bool", Bool: x}, nil
	case int64:
		return Desc{Type: "int", Value: strconv.FormatInt(x, 10)}, nil
	case *big.Int:
		return Desc{Type: "int", Value: x.String()}, nil
	case float64:
		return Desc{Type: "float", Value: string(pyjson.AppendFloat(nil, x))}, nil
	case string:
		return Desc{Type: "str", Value: x}, nil
	case serializer.Markup:
		return Desc{Type: "markup", Value: string(x)}, nil
	case []byte:
		return Desc{Type: "bytes", B64: base64.StdEncoding.EncodeToString(x)}, nil
	case serializer.UUID:
		return Desc{Type: "uuid", Value: x.String()}, nil
	case time.Time:
		s := x.Format("2006-01-02T15:04:05.999999999Z07:00")
		return Desc{Type: "datetime", Value: s}, nil
	case serializer.Tuple:
		items, err := describeAll(x)
		return Desc{Type: "tuple", Items: items}, err
	case []any:
		items, err := describeAll(x)
		return Desc{Type: "list", Items: items}, err
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		d := Desc{Type: "dict", Entries: make([]Entry, 0, len(x))}
		for _, k := range keys {
			e, err := Describe(x[k])
			if err != nil {
				return Desc{}, err
			}
			d.Entries = append(d.Entries, Entry{Key: k, Value: e})
		}
		return d, nil
	case float32:
		return Desc{Type: "float", Value: string(pyjson.AppendFloat32(nil, x))}, nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return Desc{Type: "int", Value: strconv.FormatInt(rv.Int(), 10)}, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return Desc{Type: "int", Value: strconv.FormatUint(rv.Uint(), 10)}, nil
	}
	return Desc{}, fmt.Errorf("flaskvectors: cannot describe %T", v)
}

func describeAll(xs []any) ([]Desc, error) {
	out := make([]Desc, len(xs))
	for i, x := range xs {
		d, err := Describe(x)
		if err != nil {
			return nil, err
		}
		out[i] = d
	}
	return out, nil
}

// Equal reports whether two descriptions name the same Python value: dicts
// compare without regard to entry order, ints and floats by value (NaN equals
// NaN, -0.0 differs from 0.0), datetimes by instant, offset and naivety,
// uuids and bytes by their bytes.
func Equal(a, b Desc) bool { return Diff(a, b) == "" }

// Diff returns "" when [Equal] holds, or where and how a and b first differ,
// such as `$.x[2]: int 1 != int 2`.
func Diff(a, b Desc) string { return diff("$", a, b) }

func diff(path string, a, b Desc) string {
	if a.Type != b.Type {
		return fmt.Sprintf("%s: type %s != %s", path, a.Type, b.Type)
	}
	ne := func(x, y any) string { return fmt.Sprintf("%s: %s %v != %s %v", path, a.Type, x, b.Type, y) }
	switch a.Type {
	case "null":
	case "bool":
		if a.Bool != b.Bool {
			return ne(a.Bool, b.Bool)
		}
	case "int":
		x, ok1 := new(big.Int).SetString(a.Value, 10)
		y, ok2 := new(big.Int).SetString(b.Value, 10)
		if !ok1 || !ok2 || x.Cmp(y) != 0 {
			return ne(a.Value, b.Value)
		}
	case "float":
		x, err1 := parseFloat(a.Value)
		y, err2 := parseFloat(b.Value)
		same := math.IsNaN(x) && math.IsNaN(y) || math.Float64bits(x) == math.Float64bits(y)
		if err1 != nil || err2 != nil || !same {
			return ne(a.Value, b.Value)
		}
	case "str", "markup", "date":
		if a.Value != b.Value {
			return ne(strconv.Quote(a.Value), strconv.Quote(b.Value))
		}
	case "bytes":
		x, err1 := base64.StdEncoding.DecodeString(a.B64)
		y, err2 := base64.StdEncoding.DecodeString(b.B64)
		if err1 != nil || err2 != nil || !bytes.Equal(x, y) {
			return ne(a.B64, b.B64)
		}
	case "uuid":
		x, err1 := serializer.ParseUUID(a.Value)
		y, err2 := serializer.ParseUUID(b.Value)
		if err1 != nil || err2 != nil || x != y {
			return ne(a.Value, b.Value)
		}
	case "datetime":
		x, err1 := time.Parse(time.RFC3339Nano, a.Value)
		y, err2 := time.Parse(time.RFC3339Nano, b.Value)
		_, ox := x.Zone()
		_, oy := y.Zone()
		if err1 != nil || err2 != nil || !x.Equal(y) || ox != oy || a.Naive != b.Naive {
			return ne(a.Value+naiveNote(a), b.Value+naiveNote(b))
		}
	case "tuple", "list":
		if len(a.Items) != len(b.Items) {
			return fmt.Sprintf("%s: %s of %d items != %d items", path, a.Type, len(a.Items), len(b.Items))
		}
		for i := range a.Items {
			if d := diff(fmt.Sprintf("%s[%d]", path, i), a.Items[i], b.Items[i]); d != "" {
				return d
			}
		}
	case "dict":
		bm := make(map[string]Desc, len(b.Entries))
		for _, e := range b.Entries {
			bm[e.Key] = e.Value
		}
		am := make(map[string]Desc, len(a.Entries))
		for _, e := range a.Entries {
			am[e.Key] = e.Value
		}
		if len(am) != len(bm) {
			return fmt.Sprintf("%s: dict keys %s != %s", path, keyList(a.Entries), keyList(b.Entries))
		}
		for _, e := range a.Entries {
			bv, ok := bm[e.Key]
			if !ok {
				return fmt.Sprintf("%s: key %q missing on the right", path, e.Key)
			}
			if d := diff(path+"["+strconv.Quote(e.Key)+"]", am[e.Key], bv); d != "" {
				return d
			}
		}
	default:
		return fmt.Sprintf("%s: unknown type %q", path, a.Type)
	}
	return ""
}

func naiveNote(d Desc) string {
	if d.Naive {
		return " (naive)"
	}
	return ""
}

func keyList(es []Entry) string {
	ks := make([]string, len(es))
	for i, e := range es {
		ks[i] = strconv.Quote(e.Key)
	}
	return "[" + strings.Join(ks, " ") + "]"
}
