package main

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/cookiecodec/cookiecodec/serializer"
)

// What Flask 2.2 does with a session payload once the signature is valid,
// so that a hint about a payload cookiecodec refuses, or one that is not a
// dict, says what the app would really do. Flask reads the payload with
// json.loads and its tag hook (flask/json/tag.py) and answers HTTP 500 to
// anything that raises there, or in dict(value), which its session class
// calls; it has no size limit and no depth limit of its own. The rules
// below were checked against Flask 2.2.2 on Python 3.11 (flaskload_test.go
// runs them against the real thing when it is installed).

// Python's limits, as Flask meets them.
const (
	// pythonMaxIntDigits is CPython's int_max_str_digits: json.loads
	// raises ValueError on a longer integer literal.
	pythonMaxIntDigits = 4300
	// flaskMaxDepthSafe and flaskMaxDepthFails bracket the nesting at
	// which Python's json module, called from a Flask request, hits the
	// recursion limit (1000 frames, less the frames of the request):
	// Flask 2.2.2 on Python 3.11 reads 977 levels under its test client
	// and fails on 978. Below the first, Flask reads the payload; from the
	// second on, it answers HTTP 500; in between, it depends on the stack.
	flaskMaxDepthSafe  = 950
	flaskMaxDepthFails = 1000
)

// pyValue is what Flask's tag hook made of a JSON value: its Python type
// ('d' dict, 'l' list, 't' tuple, 's' str, 'm' Markup, 'y' bytes, 'i' int,
// 'f' float, 'b' bool, 'n' None, 'u' UUID, 'T' datetime), its length for
// sized types (-1 when unknown), its items for lists and tuples, and
// whether it is falsy.
type pyValue struct {
	kind  byte
	n     int
	items []pyValue
	falsy bool
}

// flaskError says why Flask answers a payload with HTTP 500.
type flaskError struct{ why string }

func (e flaskError) Error() string { return e.why }

func flask500(format string, a ...any) error { return flaskError{fmt.Sprintf(format, a...)} }

// flaskSession reports whether Flask 2.2 opens a session from data, the
// payload of a cookie whose signature is valid: err is nil when it does,
// else why it answers HTTP 500. readable is false when data is not JSON
// that this emulation reads (a syntax error, or nesting as deep as
// flaskMaxDepthFails): the caller then judges by the error it has.
func flaskSession(data []byte) (readable bool, err error) {
	n, perr := parseJSONDepth(data, flaskMaxDepthFails)
	if perr != nil {
		return false, nil
	}
	v, err := flaskUntag(n)
	if err != nil {
		return true, err
	}
	return true, flaskDict(v)
}

// flaskUntag converts n as Flask's tag hook does, innermost first.
func flaskUntag(n *jnode) (pyValue, error) {
	switch n.kind {
	case 'o':
		keys, vals := lastWins(n)
		kids := make([]pyValue, len(vals))
		for i, c := range vals {
			v, err := flaskUntag(c)
			if err != nil {
				return pyValue{}, err
			}
			kids[i] = v
		}
		if isFlaskTag(n) {
			return flaskTag(keys[0], vals[0], kids[0])
		}
		return pyValue{kind: 'd', n: len(keys), falsy: len(keys) == 0}, nil
	case 'a':
		kids := make([]pyValue, len(n.vals))
		for i, c := range n.vals {
			v, err := flaskUntag(c)
			if err != nil {
				return pyValue{}, err
			}
			kids[i] = v
		}
		return pyValue{kind: 'l', n: len(kids), items: kids, falsy: len(kids) == 0}, nil
	case 's':
		return strValue('s', n.text), nil
	case 'n':
		if isFloatText(n.text) {
			return pyValue{kind: 'f', falsy: isZeroText(n.text)}, nil
		}
		if d := len(strings.TrimPrefix(n.text, "-")); d > pythonMaxIntDigits {
			return pyValue{}, flask500("an integer of %d digits, over Python's limit of %d for converting text to int", d, pythonMaxIntDigits)
		}
		return pyValue{kind: 'i', falsy: isZeroText(n.text)}, nil
	case 'b':
		return pyValue{kind: 'b', falsy: n.text == "false"}, nil
	}
	return pyValue{kind: 'n', falsy: true}, nil
}

// isFlaskTag reports whether Flask 2.2's tag hook converts the object n:
// it has one key (after repeated keys collapse), one of Flask's tags.
func isFlaskTag(n *jnode) bool {
	if n.kind != 'o' {
		return false
	}
	keys, _ := lastWins(n)
	if len(keys) != 1 {
		return false
	}
	switch keys[0] {
	case " t", " b", " m", " u", " d", " di":
		return true
	}
	return false
}

// lastWins returns the members of an object as Python's json module keeps
// them: a repeated key takes its last value, at its first position.
func lastWins(n *jnode) ([]string, []*jnode) {
	idx := map[string]int{}
	var keys []string
	var vals []*jnode
	for i, k := range n.keys {
		if j, ok := idx[k]; ok {
			vals[j] = n.vals[i]
			continue
		}
		idx[k] = len(keys)
		keys, vals = append(keys, k), append(vals, n.vals[i])
	}
	return keys, vals
}

// strValue is a str (or Markup) value with its characters as items.
func strValue(kind byte, s string) pyValue {
	n := utf8.RuneCountInString(s)
	v := pyValue{kind: kind, n: n, falsy: n == 0}
	for range n {
		v.items = append(v.items, pyValue{kind: 's', n: 1})
	}
	return v
}

// isZeroText reports whether a number literal is zero (falsy in Python).
func isZeroText(s string) bool {
	mant, _, _ := strings.Cut(strings.ToLower(strings.TrimLeft(s, "-")), "e")
	return strings.Trim(mant, "0.") == "" && mant != ""
}

// flaskTag applies the to_python of Flask 2.2's tag key to the content c,
// already untagged as v.
func flaskTag(key string, c *jnode, v pyValue) (pyValue, error) {
	switch key {
	case " t": // tuple(value)
		if v.n < 0 || !iterable(v) {
			return pyValue{}, flask500("tuple() of a %s (tag \" t\")", pyTypeName(v))
		}
		items := v.items
		switch {
		case v.kind == 'd' && c.kind == 'o' && !isFlaskTag(c):
			// Content that is a plain dict: its keys.
			keys, _ := lastWins(c)
			items = make([]pyValue, len(keys))
			for i, k := range keys {
				items[i] = strValue('s', k)
			}
		case v.kind == 'd' || v.kind == 'y':
			items = make([]pyValue, v.n) // a dict's keys, unknown; bytes give ints
			for i := range items {
				items[i] = pyValue{kind: 's', n: -1}
				if v.kind == 'y' {
					items[i] = pyValue{kind: 'i'}
				}
			}
		}
		return pyValue{kind: 't', n: len(items), items: items, falsy: len(items) == 0}, nil
	case " b": // base64.b64decode(value)
		switch {
		case v.kind == 's' || v.kind == 'm':
			n, err := pyB64Len(c.text)
			if err != nil {
				return pyValue{}, err
			}
			return pyValue{kind: 'y', n: n, falsy: n == 0}, nil
		case v.kind == 'y':
			return pyValue{kind: 'y', n: -1}, nil
		}
		return pyValue{}, flask500("base64 decoding of a %s (tag \" b\")", pyTypeName(v))
	case " m": // Markup(value): str() of anything
		if v.kind == 's' || v.kind == 'm' {
			return strValue('m', c.text), nil
		}
		return pyValue{kind: 'm', n: -1}, nil
	case " u": // uuid.UUID(value)
		if (v.kind != 's' && v.kind != 'm') || !pyUUIDText(c.text) {
			return pyValue{}, flask500("uuid.UUID() of %s (tag \" u\")", describeForUUID(v))
		}
		return pyValue{kind: 'u'}, nil
	case " d": // werkzeug.http.parse_date(value)
		if v.falsy || v.kind == 's' || v.kind == 'm' || v.kind == 'y' {
			return pyValue{kind: 'T'}, nil // a datetime, or None when unparsable
		}
		return pyValue{}, flask500("parse_date() of a %s (tag \" d\")", pyTypeName(v))
	}
	// " di": {key[:-2]: value[key]} for the first key of value.
	if v.kind != 'd' || v.n == 0 {
		return pyValue{}, flask500("the \" di\" escape of a %s (it needs a non-empty dict)", pyTypeName(v))
	}
	return pyValue{kind: 'd', n: 1}, nil
}

// flaskDict applies dict(value or ()), which Flask's session class calls
// on the loaded value: a falsy value gives an empty session, a dict itself,
// an iterable of pairs a dict; anything else raises.
func flaskDict(v pyValue) error {
	if v.falsy || v.kind == 'd' {
		return nil
	}
	if !iterable(v) || v.kind == 'y' {
		return flask500("its session must be a dict, and dict() of a %s raises", pyTypeName(v))
	}
	for i, it := range v.items {
		if !iterable(it) || it.n != 2 {
			return flask500("its session must be a dict, and dict() of this %s raises: item %d is not a pair", pyTypeName(v), i)
		}
	}
	return nil
}

// iterable reports whether Python can iterate v with a known length.
func iterable(v pyValue) bool {
	switch v.kind {
	case 'd', 'l', 't', 's', 'm', 'y':
		return v.n >= 0
	}
	return false
}

// pyTypeName names v's Python type for a message.
func pyTypeName(v pyValue) string {
	switch v.kind {
	case 'd':
		return "dict"
	case 'l':
		return "list"
	case 't':
		return "tuple"
	case 's':
		return "str"
	case 'm':
		return "Markup"
	case 'y':
		return "bytes"
	case 'i':
		return "int"
	case 'f':
		return "float"
	case 'b':
		return "bool"
	case 'u':
		return "UUID"
	case 'T':
		return "datetime"
	}
	return "None"
}

// describeForUUID says what uuid.UUID() was given.
func describeForUUID(v pyValue) string {
	if v.kind == 's' || v.kind == 'm' {
		return "a string that is not 32 hex digits"
	}
	return "a " + pyTypeName(v)
}

// pyB64Len returns the length of base64.b64decode(s) in Python's default,
// lenient mode (binascii.a2b_base64, strict_mode off): characters outside
// the alphabet are skipped, and decoding stops at enough '=' padding; the
// data characters must then fill whole quads. s must be ASCII.
func pyB64Len(s string) (int, error) {
	quad, pads, out := 0, 0, 0
	for i := range len(s) {
		c := s[i]
		if c >= 0x80 {
			return 0, flask500("base64 decoding of a string with non-ASCII characters (tag \" b\")")
		}
		if c == '=' {
			if quad >= 2 {
				pads++
				if quad+pads >= 4 {
					return out, nil
				}
			}
			continue
		}
		if !isStdBase64(c) {
			continue
		}
		pads = 0
		if quad > 0 {
			out++
		}
		quad = (quad + 1) % 4
	}
	if quad != 0 {
		return 0, flask500("base64 decoding with incorrect padding (tag \" b\")")
	}
	return out, nil
}

// isStdBase64 reports whether c is in the standard base64 alphabet.
func isStdBase64(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/'
}

// pyUUIDText reports whether uuid.UUID(hex=s) accepts s: "urn:" and
// "uuid:" removed, braces stripped from the ends, hyphens removed, 32
// characters that int(s, 16) reads (hex digits, with Python's optional
// sign, "0x" prefix, single underscores between digits and surrounding
// white space).
func pyUUIDText(s string) bool {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "urn:", ""), "uuid:", "")
	s = strings.ReplaceAll(strings.Trim(s, "{}"), "-", "")
	if utf8.RuneCountInString(s) != 32 {
		return false
	}
	s = strings.TrimSpace(s)
	s = strings.TrimLeft(s, "+")
	if len(s) > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		s = strings.TrimPrefix(s[2:], "_")
	}
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == '_') {
			return false
		}
	}
	return true
}

// payloadDepth is the deepest nesting of arrays and objects in a JSON
// text, strings skipped. It reads any bytes.
func payloadDepth(data []byte) int {
	depth, deepest, inStr := 0, 0, false
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case inStr && c == '\\':
			i++
		case c == '"':
			inStr = !inStr
		case inStr:
		case c == '[' || c == '{':
			depth++
			deepest = max(deepest, depth)
		case c == ']' || c == '}':
			depth--
		}
	}
	return deepest
}

// flaskPayloadHint explains a Flask payload that cookiecodec refuses,
// err being why: whether Flask would read it, or answer HTTP 500. data is
// the payload as far as it was read (nil when the size limit stopped it).
// signed says the signature was verified, which the hint then says first.
func flaskPayloadHint(r *result, err error, data []byte, signed bool) {
	lead, reads, fails := "", "would read it, once its signature verifies", "once its signature verifies, Flask answers such a cookie with HTTP 500"
	if signed {
		lead, reads, fails = "the signature is valid; ", "would read it", "Flask answers such a cookie with HTTP 500"
	}
	var depth *serializer.LimitError
	switch {
	case errors.Is(err, codec.ErrTooLarge):
		r.hint(hintPayloadFlaskReads, "%sthe payload is over cookiecodec's %d KiB limit for a decompressed session, a defence against zlib bombs; Flask has no such limit and %s", lead, maxInflate>>10, reads)
		return
	case errors.Is(err, serializer.ErrTooDeep) && errors.As(err, &depth):
		d := payloadDepth(data)
		switch {
		case d < flaskMaxDepthSafe:
			if readable, ferr := flaskSession(data); readable && ferr != nil {
				r.hint(hintPayloadFlaskFails, "%sthe payload nests %d levels deep, over cookiecodec's limit of %d (a depth Flask reads), but %s: %s", lead, d, depth.Limit, fails, ferr)
				return
			}
			r.hint(hintPayloadFlaskReads, "%sthe payload nests %d levels deep, over cookiecodec's limit of %d, a defence against stack exhaustion; Flask reads nesting up to Python's recursion limit, about %d levels, and %s", lead, d, depth.Limit, flaskMaxDepthSafe, reads)
		case d >= flaskMaxDepthFails:
			r.hint(hintPayloadFlaskFails, "%sthe payload nests %d levels deep: Python's json fails on it too (RecursionError, past about %d levels), and %s", lead, d, flaskMaxDepthSafe, fails)
		default:
			r.hint(hintPayloadFlaskMay, "%sthe payload nests %d levels deep, near Python's recursion limit: Flask reads it or answers HTTP 500, depending on how deep its own stack is", lead, d)
		}
		return
	}
	if errors.Is(err, serializer.ErrBadTag) || errors.Is(err, serializer.ErrTooLarge) {
		if readable, ferr := flaskSession(data); readable && ferr == nil {
			r.hint(hintPayloadFlaskReads, "%scookiecodec refuses this payload on purpose (%s), but Flask 2.2's tagged JSON reader is laxer and %s", lead, strictness(err), reads)
			return
		} else if readable {
			r.hint(hintPayloadFlaskFails, "%s%s: %s", lead, fails, ferr)
			return
		}
	}
	r.hint(hintPayloadFlaskFails, "%sthe payload cannot be decoded (not JSON as Python reads it, or bad base64 or zlib), and %s", lead, fails)
}

// strictness says which of cookiecodec's rules refused a payload.
func strictness(err error) string {
	var te *serializer.TagError
	if errors.As(err, &te) {
		return fmt.Sprintf("tag %q with content that is not what Flask writes for it", te.Key)
	}
	var le *serializer.LimitError
	if errors.As(err, &le) {
		return fmt.Sprintf("a %s over its limit of %d", le.What, le.Limit)
	}
	return "a rule stricter than Flask's"
}
