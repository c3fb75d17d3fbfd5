package serializer

import (
	"encoding"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/cookiecodec/cookiecodec/internal/pyjson"
)

// encodeReflect writes the types outside the fast path: named basic types,
// pointers, other slices, arrays and string-keyed maps, and structs (written
// as objects with json-style field names, tagged like any map). A nil slice
// is written as [] and a nil map as {}, since Python has no typed None.
func (e *encoder) encodeReflect(b []byte, rv reflect.Value) ([]byte, error) {
	if rv.IsValid() {
		if out, handled, err := e.encodeMarshaler(b, rv); handled {
			return out, err
		}
	}
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
		if rv.Type().Key().Kind() == reflect.String {
			base := len(e.pairs)
			it := rv.MapRange()
			for it.Next() {
				e.pairs = append(e.pairs, kv{it.Key().String(), it.Value().Interface()})
			}
			return e.encodePairs(b, base)
		}
		return e.encodeKeyedMap(b, rv)
	case reflect.Struct:
		fields := structFields(rv.Type())
		if fields.opaque {
			return b, &UnsupportedTypeError{Type: rv.Type(), Path: "$", Reason: opaqueReason(rv.Type())}
		}
		base := len(e.pairs)
		for _, f := range fields.list {
			fv, ok := fieldByIndex(rv, f.index)
			if !ok {
				continue // nil embedded pointer
			}
			if f.omitEmpty && isEmpty(fv) || f.omitZero && isZero(fv) {
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

// isZeroer is a type that says itself when it is zero, such as time.Time.
type isZeroer interface{ IsZero() bool }

var isZeroerType = reflect.TypeFor[isZeroer]()

// isZero is omitzero's test, as in encoding/json: v's IsZero method when
// its type has one, or a pointer to it does (a nil pointer or interface is
// zero without a call), else reflect's zero value test. So a time.Time at
// the zero instant in another location is zero, as its IsZero says.
func isZero(v reflect.Value) bool {
	t := v.Type()
	switch {
	case (t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface) && t.Implements(isZeroerType):
		if v.IsNil() || (t.Kind() == reflect.Interface && v.Elem().Kind() == reflect.Pointer && v.Elem().IsNil()) {
			return true
		}
		return v.Interface().(isZeroer).IsZero()
	case t.Implements(isZeroerType):
		return v.Interface().(isZeroer).IsZero()
	case reflect.PointerTo(t).Implements(isZeroerType):
		if !v.CanAddr() {
			c := reflect.New(t).Elem()
			c.Set(v)
			v = c
		}
		return v.Addr().Interface().(isZeroer).IsZero()
	}
	return v.IsZero()
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
	byName map[string]int // name -> position in list
	byFold map[string]int // foldName(name) -> first position in list
	// opaque is set for a struct that has fields but none that is
	// encoded, and at least one because it is unexported (not only
	// `json:"-"` ones): encoding/json writes it as {}, and it would come
	// back empty, so the encoder refuses it (see opaqueReason).
	opaque bool
}

var fieldCache sync.Map // reflect.Type -> *fieldList

// structFields lists the fields of t that are encoded and decoded, by the
// rules encoding/json documents:
//
//   - exported fields only, named by their `json:"name,omitempty,omitzero"`
//     tag or, without a name there, by their Go name; a tag name that is
//     not valid for encoding/json (validTagName) counts as no name, and
//     fields tagged "-" are skipped;
//   - an embedded struct, or pointer to one, without a tag name has its
//     fields promoted, also when it is unexported; with a tag name it is
//     one field of that name (skipped when unexported, see below);
//   - of the fields of one name, those at the least depth compete: the one
//     field there wins, or the one tagged field among them; otherwise
//     none does, and the name is dropped. So a field hides a deeper one
//     only when their JSON names are equal, whatever their Go names.
//
// encoding/json also writes an unexported embedded struct that has a tag
// name; here it is skipped, as reflect cannot read it as a value.
//
// The list is in the order of the fields in the struct (depth first by
// index), which is the order UnmarshalInto sets them in.
func structFields(t reflect.Type) *fieldList {
	if fl, ok := fieldCache.Load(t); ok {
		return fl.(*fieldList)
	}
	cands := fieldCandidates(t)
	byName := map[string][]int{} // name -> positions in cands
	for i, c := range cands {
		byName[c.name] = append(byName[c.name], i)
	}
	var chosen []field
	for _, group := range byName {
		if i, ok := dominant(cands, group); ok {
			chosen = append(chosen, cands[i].field)
		}
	}
	slices.SortFunc(chosen, func(a, b field) int { return slices.Compare(a.index, b.index) })
	fl := &fieldList{
		list:   chosen,
		byName: make(map[string]int, len(chosen)),
		byFold: make(map[string]int, len(chosen)),
		opaque: len(chosen) == 0 && hasUnexportedField(t),
	}
	for i, f := range chosen {
		fl.byName[f.name] = i
		if _, taken := fl.byFold[foldName(f.name)]; !taken {
			fl.byFold[foldName(f.name)] = i
		}
	}
	v, _ := fieldCache.LoadOrStore(t, fl)
	return v.(*fieldList)
}

// foldName returns s with each rune replaced by the least rune of its
// Unicode simple case folding orbit (the runes unicode.SimpleFold cycles
// through), so that foldName(a) == foldName(b) exactly when
// strings.EqualFold(a, b). Bytes that are not UTF-8 become U+FFFD, as
// EqualFold reads them. This lets a key that matches a field only but for
// case be found with one map lookup instead of a comparison with every
// field.
func foldName(s string) string {
	return string(appendFoldName(nil, s))
}

// appendFoldName appends foldName(s) to b, so that a lookup by it can use
// a reused buffer and allocate nothing.
func appendFoldName(b []byte, s string) []byte {
	for _, r := range s {
		switch {
		case 'a' <= r && r <= 'z':
			r -= 'a' - 'A'
		case r >= utf8.RuneSelf:
			least := r
			for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
				least = min(least, f)
			}
			r = least
		}
		b = utf8.AppendRune(b, r)
	}
	return b
}

// candidate is a field that may be encoded under its name, before the
// fields of one name compete (dominant).
type candidate struct {
	field
	tagged bool
}

// embeddedStruct is a struct type whose fields are promoted, reached
// through index from the outer struct; count is the number of structs of
// the depth above that embed it (2 stands for any more than one).
type embeddedStruct struct {
	typ   reflect.Type
	index []int
	count int
}

// fieldCandidates walks t and the structs embedded in it breadth first,
// one depth at a time, and lists every field that may be encoded. A struct
// type reached at a lesser depth is not walked again deeper down (its
// fields there would lose anyway, and a type that embeds itself through a
// pointer would never end). A struct type embedded by two structs of one
// depth lists each of its own fields twice, so that the two copies tie and
// drop the name, as in Go's selector rules; the structs it embeds are
// walked once and counted afresh, as encoding/json does, so their fields
// are promoted (where Go's selectors would call them ambiguous).
func fieldCandidates(t reflect.Type) []candidate {
	var cands []candidate
	walked := map[reflect.Type]bool{}
	level := []embeddedStruct{{typ: t, count: 1}}
	for len(level) > 0 {
		var next []embeddedStruct
		nextAt := map[reflect.Type]int{} // type -> position in next
		for _, es := range level {
			if walked[es.typ] {
				continue
			}
			walked[es.typ] = true
			for i := range es.typ.NumField() {
				sf := es.typ.Field(i)
				index := append(slices.Clip(es.index), i)
				name, opts, skip := fieldTag(sf)
				if skip {
					continue
				}
				if name == "" && sf.Anonymous {
					if ft := derefType(sf.Type); ft.Kind() == reflect.Struct {
						if j, seen := nextAt[ft]; seen {
							next[j].count = 2
						} else {
							nextAt[ft] = len(next)
							next = append(next, embeddedStruct{typ: ft, index: index, count: 1})
						}
						continue
					}
				}
				if !sf.IsExported() {
					continue
				}
				c := candidate{field: field{name: sf.Name, index: index}, tagged: name != ""}
				if c.tagged {
					c.name = name
				}
				c.omitEmpty, c.omitZero = opts.has("omitempty"), opts.has("omitzero")
				cands = append(cands, c)
				if es.count > 1 {
					cands = append(cands, c)
				}
			}
		}
		level = next
	}
	return cands
}

// tagOptions is what follows the name in a json tag.
type tagOptions string

func (o tagOptions) has(option string) bool {
	for o != "" {
		var opt string
		opt, rest, _ := strings.Cut(string(o), ",")
		if opt == option {
			return true
		}
		o = tagOptions(rest)
	}
	return false
}

// fieldTag parses sf's json tag: the name ("" when there is none or it is
// not valid), the options, and whether the field is skipped ("-", or an
// unexported field that is not an embedded struct: those are never
// encoded, and their promoted fields are not promoted).
func fieldTag(sf reflect.StructField) (name string, opts tagOptions, skip bool) {
	if !sf.IsExported() && !(sf.Anonymous && derefType(sf.Type).Kind() == reflect.Struct) {
		return "", "", true
	}
	tag := sf.Tag.Get("json")
	if tag == "-" {
		return "", "", true
	}
	name, rest, _ := strings.Cut(tag, ",")
	if !validTagName(name) {
		name = ""
	}
	return name, tagOptions(rest), false
}

// validTagName reports whether a json tag name is used, by encoding/json's
// documented rule: a non-empty string of Unicode letters, digits and ASCII
// punctuation other than quotation marks, backslash and comma (a space is
// allowed too, as encoding/json allows it). Other names fall back to the
// Go name.
func validTagName(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", r):
		case unicode.IsLetter(r), unicode.IsDigit(r):
		default:
			return false
		}
	}
	return true
}

// dominant picks, of the candidates at positions group (all of one name),
// the one that is encoded: the only one at the least depth, or the only
// tagged one there. ok is false when none dominates.
func dominant(cands []candidate, group []int) (pick int, ok bool) {
	least, tagged := len(cands[group[0]].index), false
	for _, i := range group {
		least = min(least, len(cands[i].index))
	}
	for _, i := range group {
		tagged = tagged || (len(cands[i].index) == least && cands[i].tagged)
	}
	pick = -1
	for _, i := range group {
		c := cands[i]
		if len(c.index) != least || (tagged && !c.tagged) {
			continue
		}
		if pick >= 0 {
			return -1, false // a tie
		}
		pick = i
	}
	return pick, pick >= 0
}

func derefType(t reflect.Type) reflect.Type {
	if t.Kind() == reflect.Pointer {
		return t.Elem()
	}
	return t
}

// hasUnexportedField reports whether struct type t has an unexported field.
func hasUnexportedField(t reflect.Type) bool {
	for i := range t.NumField() {
		if !t.Field(i).IsExported() {
			return true
		}
	}
	return false
}

var errorType = reflect.TypeFor[error]()

// opaqueReason says why a struct with only unexported fields is refused,
// and what to store instead.
func opaqueReason(t reflect.Type) string {
	if t.Implements(errorType) || reflect.PointerTo(t).Implements(errorType) {
		return "an error value has no exported fields, so it would be written as {} and read back empty: store err.Error()"
	}
	return "no exported fields, so it would be written as {} and read back empty (encoding/json writes such a struct as {} too): export the fields, or give the type a MarshalJSON or MarshalText"
}

// encodeKeyedMap writes a map whose keys are not of a string kind, as
// encoding/json does: a key that is an encoding.TextMarshaler is its text,
// an integer key its decimal digits (Python's json.dumps turns int keys of
// a dict into the same strings). Other keys are refused. Two keys whose
// texts are equal are refused too, since the object would hold one.
func (e *encoder) encodeKeyedMap(b []byte, rv reflect.Value) ([]byte, error) {
	keyText, ok := mapKeyText(rv.Type().Key())
	if !ok {
		return b, &UnsupportedTypeError{Type: rv.Type(), Path: "$", Reason: "map keys must be strings, integers or encoding.TextMarshalers"}
	}
	base := len(e.pairs)
	var seen map[string]struct{} // distinct integers have distinct texts; marshalers may not
	if rv.Type().Key().Implements(textMarshalerType) {
		seen = make(map[string]struct{}, rv.Len())
	}
	it := rv.MapRange()
	for it.Next() {
		k, err := keyText(it.Key())
		if err == nil && seen != nil {
			if _, dup := seen[k]; dup {
				err = fmt.Errorf("two keys are written as %q", k)
			}
			seen[k] = struct{}{}
		}
		if err != nil {
			e.pairs = e.pairs[:base]
			return b, &UnsupportedTypeError{Type: rv.Type(), Path: "$", Reason: "map key: " + err.Error()}
		}
		e.pairs = append(e.pairs, kv{k, it.Value().Interface()})
	}
	return e.encodePairs(b, base)
}

// mapKeyText returns how keys of type t become object keys, and false
// when they cannot. The order is encoding/json's: TextMarshaler, then the
// integer kinds.
func mapKeyText(t reflect.Type) (func(reflect.Value) (string, error), bool) {
	switch {
	case t.Implements(textMarshalerType):
		return func(k reflect.Value) (string, error) {
			if k.Kind() == reflect.Pointer && k.IsNil() {
				return "", errors.New("a nil pointer key")
			}
			text, err := k.Interface().(encoding.TextMarshaler).MarshalText()
			return string(text), err
		}, true
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(k reflect.Value) (string, error) { return strconv.FormatInt(k.Int(), 10), nil }, true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return func(k reflect.Value) (string, error) { return strconv.FormatUint(k.Uint(), 10), nil }, true
	}
	return nil, false
}
