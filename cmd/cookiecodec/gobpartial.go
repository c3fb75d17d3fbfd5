package main

import (
	"fmt"
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
// not show. ok is false when the stream is not such a map with string
// keys.
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
	for _, e := range m {
		k, isIface := e.Key.(gobscan.Interface)
		key, isString := k.Value.(string)
		if !isIface || k.Name != "string" || !isString {
			return nil, nil, false
		}
		if x, typ := gobShown(e.Value); typ == "" {
			readable[key] = x
		} else {
			opaque = append(opaque, opaqueEntry{key, typ})
		}
	}
	sort.Slice(opaque, func(i, j int) bool { return opaque[i].Key < opaque[j].Key })
	return readable, opaque, true
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
	case "string", "bool", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr", "[]uint8":
		return x, ""
	case "float64", "float32":
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
		for i, e := range list {
			var typ string
			if out[i], typ = gobShown(e); typ != "" {
				return nil, typ
			}
		}
		return out, ""
	case "map[string]interface {}", "map[interface {}]interface {}":
		m, ok := x.(gobscan.Map)
		if !ok {
			return nil, iv.Name
		}
		out := make(map[string]any, len(m))
		for _, e := range m {
			k := e.Key
			if ik, ok := k.(gobscan.Interface); ok && iv.Name != "map[string]interface {}" {
				if ik.Name != "string" {
					return nil, iv.Name + " with a key of type " + ik.Name
				}
				k = ik.Value
			}
			key, ok := k.(string)
			if !ok {
				return nil, iv.Name
			}
			val, typ := gobShown(e.Value)
			if typ != "" {
				return nil, typ
			}
			out[key] = val
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
