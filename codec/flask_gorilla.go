package codec

import (
	"fmt"
	"reflect"

	"github.com/gorilla/securecookie"
)

// Flask is a securecookie.Codec, so it can be a gorilla/sessions
// CookieStore's Codecs and read and write a Flask app's session cookie.
var _ securecookie.Codec = (*Flask)(nil)

// Encode implements securecookie.Codec: it is [Flask.EncodeSession] with the
// configured size limit. value is usually gorilla/sessions' Session.Values,
// a map[interface{}]interface{}; its keys (and those of nested maps of that
// type) must be strings, as Flask's JSON requires.
func (f *Flask) Encode(name string, value any) (string, error) {
	v, err := stringKeyed(value, 0)
	if err != nil {
		return "", err
	}
	s, _, err := f.EncodeSession(name, v, Meta{}, 0)
	return s, err
}

// Decode implements securecookie.Codec: it is [Flask.DecodeSession] storing
// the payload into dst. For gorilla/sessions' *map[interface{}]interface{}
// the decoded session entries are added to the map (created when nil); any
// other dst goes through [serializer.UnmarshalInto]. A cookie value that is
// not a JSON object cannot fill such a map and is an [ErrPayload] error.
func (f *Flask) Decode(name, value string, dst any) error {
	if m, ok := dst.(*map[any]any); ok {
		v, _, err := f.DecodeSession(name, value, 0)
		if err != nil {
			return err
		}
		obj, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%w: session is a %T, not an object", ErrPayload, v)
		}
		if *m == nil {
			*m = make(map[any]any, len(obj))
		}
		for k, x := range obj {
			(*m)[k] = x
		}
		return nil
	}
	_, err := f.decode(name, value, 0, false, func(data []byte, _ bool) error {
		return f.ser.UnmarshalInto(data, dst)
	})
	return err
}

// maxConvertDepth bounds the recursion of stringKeyed, like the
// serializer's own depth limit.
const maxConvertDepth = 256

// stringKeyed returns v with every map[interface{}]interface{} (gorilla's
// session type) replaced by a map[string]any, recursing into []any and
// map[string]any. Other values are returned as they are.
//
// Its errors do not depend on Go's random map order: a map with keys that
// are not strings is reported by its least such key (leastNonStringKey),
// and of several entries whose values fail, the error is the one of the
// least key.
func stringKeyed(v any, depth int) (any, error) {
	if depth > maxConvertDepth {
		return nil, fmt.Errorf("codec: value nests deeper than %d levels", maxConvertDepth)
	}
	switch x := v.(type) {
	case map[any]any:
		if k, found := leastNonStringKey(x); found {
			return nil, fmt.Errorf("codec: session key %v of type %v is not a string", k, reflect.TypeOf(k))
		}
		return stringKeyedValues(x, func(k any) string { return k.(string) }, depth) // all keys are strings, as leastNonStringKey found none
	case map[string]any:
		if !hasAnyKeyedMap(x, depth) {
			return x, nil
		}
		return stringKeyedValues(x, func(k string) string { return k }, depth)
	case []any:
		if !hasAnyKeyedMap(x, depth) {
			return x, nil
		}
		out := make([]any, len(x))
		for i, e := range x {
			c, err := stringKeyed(e, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	}
	return v, nil
}

// stringKeyedValues is stringKeyed of a map's values, into a new
// map[string]any under key(k). Of several values that fail, the error is
// the one under the least key, whatever Go's random map order.
func stringKeyedValues[K comparable](m map[K]any, key func(K) string, depth int) (map[string]any, error) {
	out := make(map[string]any, len(m))
	var firstErr error
	var firstKey string
	for k, e := range m {
		ks := key(k)
		if firstErr != nil && ks > firstKey {
			continue
		}
		c, err := stringKeyed(e, depth+1)
		if err != nil {
			firstErr, firstKey = err, ks
			continue
		}
		out[ks] = c
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return out, nil
}

// leastNonStringKey returns the key of m that is not a string and is
// least by its type's name, then by its printed form, and whether there
// is one. Errors name that key, so that the same map always gives the
// same error whatever Go's random map order (keys that tie print alike).
func leastNonStringKey(m map[any]any) (any, bool) {
	var least any
	var leastText string
	found := false
	for k := range m {
		if _, ok := k.(string); ok {
			continue
		}
		text := fmt.Sprintf("%T\x00%v", k, k)
		if !found || text < leastText {
			least, leastText, found = k, text, true
		}
	}
	return least, found
}

// hasAnyKeyedMap reports whether a map[any]any occurs anywhere inside v, so
// that the common case (none) is not copied.
func hasAnyKeyedMap(v any, depth int) bool {
	if depth > maxConvertDepth {
		return true // let stringKeyed report the depth
	}
	switch x := v.(type) {
	case map[any]any:
		return true
	case map[string]any:
		for _, e := range x {
			if hasAnyKeyedMap(e, depth+1) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if hasAnyKeyedMap(e, depth+1) {
				return true
			}
		}
	}
	return false
}
