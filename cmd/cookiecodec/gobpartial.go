package main

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/cookiecodec/cookiecodec/internal/gobscan"
)

// opaqueEntry is an entry of a gob session that holds a value of the
// app's own type (or one of a kind this tool does not show): its key and
// the gob name of the type. It is an element of the --json member
// "opaque".
type opaqueEntry struct {
	Key  string `json:"key"`
	Type string `json:"type"`
}

// gobPartial reads a gob session (gorilla/sessions' map[interface{}]
// interface{}) that encoding/gob cannot decode here because a value's type
// is not registered in this process (an app's own type), with
// gobscan.Walk, which needs no registry. It returns the entries that hold
// only the types this tool shows (those gob decodes here: basic types,
// []byte, time.Time, []interface{}, map[string]interface{} and
// map[interface{}]interface{} with string keys, as gobValue shows them),
// and the others, by key, with the first type name in them that it does
// not show. A key the stream holds twice is shown as gob leaves it, with
// its last value. ok is false when the stream is not such a map with
// string keys, or when a value does not fit the basic type it is named as
// (a "string" holding an integer): gob refuses such a session as a whole,
// in the app too, so no entry of it is shown as readable.
func gobPartial(plain []byte) (readable map[string]any, opaque []opaqueEntry, ok bool) {
	v, err := gobscan.Walk(plain)
	if err != nil {
		return nil, nil, false
	}
	m, isMap := v.(gobscan.Map)
	if !isMap {
		return nil, nil, false
	}
	readable = map[string]any{}
	opaqueType := map[string]string{}
	for _, e := range m {
		k, isIface := e.Key.(gobscan.Interface)
		key, isString := k.Value.(string)
		if !isIface || k.Name != "string" || !isString {
			return nil, nil, false
		}
		x, typ := gobShown(e.Value)
		if typ == misfit {
			return nil, nil, false
		}
		// gob keeps the last value of a key.
		delete(readable, key)
		delete(opaqueType, key)
		if typ == "" {
			readable[key] = x
		} else {
			opaqueType[key] = typ
		}
	}
	for key, typ := range opaqueType {
		opaque = append(opaque, opaqueEntry{key, typ})
	}
	sort.Slice(opaque, func(i, j int) bool { return opaque[i].Key < opaque[j].Key })
	return readable, opaque, true
}

// misfit is what gobShown returns for a value that does not fit the basic
// type it is named as, which gob refuses.
const misfit = "\x00misfit"

// basicNames are the gob names of the basic types that fitsBasic knows.
var basicNames = map[string]bool{
	"string": true, "bool": true, "int": true, "int8": true, "int16": true, "int32": true, "int64": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true, "uintptr": true,
	"[]uint8": true, "float64": true, "float32": true,
}

// fitsBasic reports whether x, a value of a gob walk, is one that gob
// decodes into the basic type name: the kind gob sends for it, within its
// range.
func fitsBasic(name string, x any) bool {
	switch name {
	case "string":
		_, ok := x.(string)
		return ok
	case "bool":
		_, ok := x.(bool)
		return ok
	case "[]uint8":
		_, ok := x.([]byte)
		return ok
	case "float64":
		_, ok := x.(float64)
		return ok
	case "float32":
		f, ok := x.(float64)
		return ok && (math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) <= math.MaxFloat32)
	case "int", "int64":
		_, ok := x.(int64)
		return ok
	case "int8", "int16", "int32":
		i, ok := x.(int64)
		bits := map[string]uint{"int8": 8, "int16": 16, "int32": 32}[name]
		return ok && i >= -1<<(bits-1) && i < 1<<(bits-1)
	case "uint", "uint64", "uintptr":
		_, ok := x.(uint64)
		return ok
	case "uint8", "uint16", "uint32":
		u, ok := x.(uint64)
		bits := map[string]uint{"uint8": 8, "uint16": 16, "uint32": 32}[name]
		return ok && u < 1<<bits
	}
	return false
}

// gobShown converts an interface value of a gob walk to what gob and
// gobValue make of it here, or returns the name of the first type in it
// that this tool does not show.
func gobShown(v any) (any, string) {
	iv, ok := v.(gobscan.Interface)
	if !ok {
		return nil, "?"
	}
	x := iv.Value
	switch iv.Name {
	case "":
		return nil, ""
	case "string", "bool", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr", "[]uint8", "float64", "float32": // basicNames
		if !fitsBasic(iv.Name, x) {
			return nil, misfit
		}
		return x, ""
	case "time.Time":
		enc, ok := x.(gobscan.Encoded)
		var t time.Time
		if !ok || t.GobDecode(enc.Data) != nil {
			return nil, iv.Name
		}
		return t, ""
	case "[]interface {}":
		list, ok := x.([]any)
		if !ok {
			return nil, iv.Name
		}
		out := make([]any, len(list))
		opaque := ""
		for i, e := range list {
			var typ string
			out[i], typ = gobShown(e)
			if typ == misfit {
				return nil, misfit // anywhere in the entry, even after an opaque value
			}
			if opaque == "" {
				opaque = typ
			}
		}
		if opaque != "" {
			return nil, opaque
		}
		return out, ""
	case "map[string]interface {}", "map[interface {}]interface {}":
		m, ok := x.(gobscan.Map)
		if !ok {
			return nil, iv.Name
		}
		out := make(map[string]any, len(m))
		opaque := ""
		for _, e := range m {
			val, typ := gobShown(e.Value)
			if typ == misfit {
				return nil, misfit // anywhere in the entry, even after an opaque value
			}
			k := e.Key
			if ik, ok := k.(gobscan.Interface); ok && iv.Name != "map[string]interface {}" {
				if basicNames[ik.Name] && !fitsBasic(ik.Name, ik.Value) {
					return nil, misfit
				}
				if ik.Name != "string" {
					typ = iv.Name + " with a key of type " + ik.Name
				}
				k = ik.Value
			}
			key, ok := k.(string)
			if !ok && typ == "" {
				typ = iv.Name
			}
			if opaque == "" {
				opaque = typ
			}
			if opaque == "" {
				out[key] = val
			}
		}
		if opaque != "" {
			return nil, opaque
		}
		return out, ""
	}
	return nil, iv.Name
}

// opaqueText lists opaque entries for a message: "prefs" of type
// "main.Prefs". Both are quoted: they come from the cookie.
func opaqueText(opaque []opaqueEntry) string {
	parts := make([]string, len(opaque))
	for i, o := range opaque {
		parts[i] = fmt.Sprintf("%q of type %q", o.Key, o.Type)
	}
	return strings.Join(parts, ", ")
}
