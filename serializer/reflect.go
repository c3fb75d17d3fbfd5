package serializer

import (
	"reflect"
	"strings"
	"sync"

	"github.com/cookiecodec/cookiecodec/internal/pyjson"
)

// encodeReflect writes the types outside the fast path: named basic types,
// pointers, other slices, arrays and string-keyed maps, and structs (written
// as objects with json-style field names, tagged like any map). A nil slice
// is written as [] and a nil map as {}, since Python has no typed None.
func (e *encoder) encodeReflect(b []byte, rv reflect.Value) ([]byte, error) {
	switch rv.Kind() {
	case reflect.Invalid:
		b = append(b, "null"...)
		return b, nil
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			b = append(b, "null"...)
			return b, nil
		}
		if err := e.enter(); err != nil {
			return b, err
		}
		b, err := e.encode(b, rv.Elem().Interface())
		e.depth--
		return b, err
	case reflect.String:
		b = pyjson.AppendString(b, rv.String())
	case reflect.Bool:
		return e.encode(b, rv.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		b = pyjson.AppendInt(b, rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		b = appendUint(b, rv.Uint())
	case reflect.Float32:
		b = pyjson.AppendFloat32(b, float32(rv.Float()))
	case reflect.Float64:
		b = pyjson.AppendFloat(b, rv.Float())
	case reflect.Slice:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return e.encode(b, rv.Bytes())
		}
		return e.encodeReflectList(b, rv)
	case reflect.Array:
		return e.encodeReflectList(b, rv)
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return b, &UnsupportedTypeError{Type: rv.Type(), Path: "$", Reason: "map keys must be strings"}
		}
		base := len(e.pairs)
		it := rv.MapRange()
		for it.Next() {
			e.pairs = append(e.pairs, kv{it.Key().String(), it.Value().Interface()})
		}
		return e.encodePairs(b, base)
	case reflect.Struct:
		fields := structFields(rv.Type())
		base := len(e.pairs)
		for _, f := range fields.list {
			fv, ok := fieldByIndex(rv, f.index)
			if !ok {
				continue // nil embedded pointer
			}
			if f.omitEmpty && isEmpty(fv) || f.omitZero && fv.IsZero() {
				continue
			}
			e.pairs = append(e.pairs, kv{f.name, fv.Interface()})
		}
		return e.encodePairs(b, base)
	default:
		return b, &UnsupportedTypeError{Type: rv.Type(), Path: "$"}
	}
	return b, nil
}

func (e *encoder) encodeReflectList(b []byte, rv reflect.Value) ([]byte, error) {
	if err := e.enter(); err != nil {
		return b, err
	}
	b = append(b, '[')
	for i := 0; i < rv.Len(); i++ {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = e.encode(b, rv.Index(i).Interface()); err != nil {
			return b, prependPath(err, indexSeg(i))
		}
	}
	b = append(b, ']')
	e.depth--
	return b, nil
}

func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}

func fieldByIndex(v reflect.Value, index []int) (reflect.Value, bool) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, true
}

type field struct {
	name      string
	index     []int
	omitEmpty bool
	omitZero  bool
}

type fieldList struct {
	list   []field
	byName map[string]int
}

var fieldCache sync.Map // reflect.Type -> *fieldList

// structFields lists the exported fields of t as encoding/json names them:
// the name from a `json:"name,omitempty,omitzero"` tag or the Go name,
// fields tagged "-" skipped, fields of untagged embedded structs promoted
// (the shallowest name wins; equally deep duplicates are dropped).
func structFields(t reflect.Type) *fieldList {
	if fl, ok := fieldCache.Load(t); ok {
		return fl.(*fieldList)
	}
	type cand struct {
		field
		depth  int
		tagged bool
	}
	var cands []cand
	for _, sf := range reflect.VisibleFields(t) {
		if sf.Anonymous {
			ft := sf.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct && sf.Tag.Get("json") == "" {
				continue // promoted fields are listed by VisibleFields
			}
		}
		if !sf.IsExported() {
			continue
		}
		// Skip fields of embedded structs that are themselves tagged (not
		// promoted) or reached through an unexported embedded non-struct.
		if len(sf.Index) > 1 && !promoted(t, sf.Index) {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		c := cand{field: field{name: sf.Name, index: sf.Index}, depth: len(sf.Index)}
		if name != "" {
			c.name, c.tagged = name, true
		}
		for opts != "" {
			var o string
			o, opts, _ = strings.Cut(opts, ",")
			switch o {
			case "omitempty":
				c.omitEmpty = true
			case "omitzero":
				c.omitZero = true
			}
		}
		cands = append(cands, c)
	}
	fl := &fieldList{byName: map[string]int{}}
	best := map[string]int{} // name -> index in cands, -1 when ambiguous
	for i, c := range cands {
		j, seen := best[c.name]
		switch {
		case !seen:
			best[c.name] = i
		case j >= 0 && cands[j].depth > c.depth:
			best[c.name] = i
		case j >= 0 && cands[j].depth == c.depth:
			if cands[j].tagged == c.tagged {
				best[c.name] = -1
			} else if c.tagged {
				best[c.name] = i
			}
		}
	}
	for i, c := range cands {
		if best[c.name] == i {
			fl.byName[c.name] = len(fl.list)
			fl.list = append(fl.list, c.field)
		}
	}
	v, _ := fieldCache.LoadOrStore(t, fl)
	return v.(*fieldList)
}

// promoted reports whether every embedded struct on the path to a field is
// untagged, so that encoding/json would promote the field.
func promoted(t reflect.Type, index []int) bool {
	for _, x := range index[:len(index)-1] {
		sf := t.Field(x)
		if !sf.Anonymous || sf.Tag.Get("json") != "" {
			return false
		}
		t = sf.Type
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return false
		}
	}
	return true
}
