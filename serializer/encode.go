package serializer

import (
	"encoding/base64"
	"math/big"
	"reflect"
	"sync"
	"time"

	"github.com/cookiecodec/cookiecodec/internal/pyjson"
)

// Marshal returns the tagged JSON text of v exactly as Flask's
// TaggedJSONSerializer writes it inside a request: tags in Flask's order,
// keys sorted by code point at every level, no whitespace, ASCII only with
// lowercase \uXXXX escapes and surrogate pairs, Python float repr, NaN and
// Infinity tokens, integers of any size, and the " di" escape for one-key
// maps whose key is a tag key.
//
// For the value model Marshal makes one allocation, the result (values
// reached through reflection may cost more). Values it cannot write give an
// error wrapping [ErrUnsupportedType] that names the type and the path to it;
// nesting deeper than MaxDepth (a cyclic value, for one) gives [ErrTooDeep].
func (s *Serializer) Marshal(v any) ([]byte, error) {
	e := getEncoder(s)
	buf, err := e.encode(e.buf[:0], v)
	var out []byte
	if err == nil {
		out = make([]byte, len(buf))
		copy(out, buf)
	}
	e.buf = buf[:0] // keep the grown buffer for the next call
	putEncoder(e)
	return out, err
}

// AppendMarshal appends the tagged JSON text of v to dst and returns the
// extended slice; on error it returns dst unchanged. For the value model it
// allocates only if dst has to grow.
func (s *Serializer) AppendMarshal(dst []byte, v any) ([]byte, error) {
	e := getEncoder(s)
	out, err := e.encode(dst, v)
	putEncoder(e)
	if err != nil {
		return dst, err
	}
	return out, nil
}

type kv struct {
	k string
	v any
}

type encoder struct {
	s     *Serializer
	buf   []byte
	pairs []kv // scratch stack of map entries being sorted
	// order is a scratch stack beside pairs: the sort order of the large
	// maps being written (see appendOrder). It holds no pointers.
	order    []uint64
	depth    int
	maxDepth int
	skipUser bool // the next value is a user tag's ToJSON result
	// noUserTags is set when s has no user tags; then the strings and
	// integers of repeated records are written without a call to encode,
	// which would first offer them to the user tags.
	noUserTags bool
	// pairsHigh is the most entries pairs held, to clear before pooling.
	pairsHigh int
	// lastSize[d] is the size of the last small map written at depth d,
	// shapes[d] the keys remembered there (see encodemap.go); shapesHigh
	// is one past the deepest shape used, to forget before pooling.
	lastSize   [shapeDepths]int
	shapes     [shapeDepths]shape
	shapesHigh int
}

var encoderPool = sync.Pool{New: func() any {
	return &encoder{buf: make([]byte, 0, 1024), pairs: make([]kv, 0, 64)}
}}

func getEncoder(s *Serializer) *encoder {
	e := encoderPool.Get().(*encoder)
	e.s = s
	e.buf = e.buf[:0]
	e.depth = 0
	e.maxDepth = s.maxDepth()
	e.skipUser = false
	e.noUserTags = len(s.tags) == 0
	e.lastSize = [shapeDepths]int{}
	return e
}

func putEncoder(e *encoder) {
	if cap(e.buf) > 64<<10 || cap(e.pairs) > 4096 || cap(e.order) > 4096 {
		return
	}
	e.order = e.order[:0]
	clear(e.pairs[:e.pairsHigh])
	e.pairsHigh = 0
	for i := range e.shapes[:e.shapesHigh] {
		e.shapes[i].forget()
	}
	e.shapesHigh = 0
	e.s = nil
	encoderPool.Put(e)
}

func (e *encoder) enter() error {
	e.depth++
	if e.depth > e.maxDepth {
		return &LimitError{What: "depth", Limit: e.maxDepth, Offset: -1}
	}
	return nil
}

func unsupported(v any, reason string) error {
	return &UnsupportedTypeError{Type: reflect.TypeOf(v), Path: "$", Reason: reason}
}

// encode writes v. The fast path is a type switch over the decoded value
// model, kept small so that its frame is; the other types go to encodeMore.
// User tags see every value that Flask's own tags do not take.
func (e *encoder) encode(b []byte, v any) ([]byte, error) {
	if e.skipUser {
		e.skipUser = false
	} else if len(e.s.tags) > 0 && !builtinTagged(v) {
		if out, handled, err := e.encodeUserTag(b, v); handled {
			return out, err
		}
	}
	switch x := v.(type) {
	case nil:
		b = append(b, "null"...)
	case string:
		b = pyjson.AppendString(b, x)
	case bool:
		if x {
			b = append(b, "true"...)
		} else {
			b = append(b, "false"...)
		}
	case int64:
		b = pyjson.AppendInt(b, x)
	case int:
		b = pyjson.AppendInt(b, int64(x))
	case float64:
		b = pyjson.AppendFloat(b, x)
	case map[string]any:
		return e.encodeMap(b, x)
	case []any:
		return e.encodeList(b, x)
	default:
		return e.encodeMore(b, v)
	}
	return b, nil
}

// encodeMore writes the types of encode's slow path: Flask's tags, the other
// number kinds and common containers without reflection, then reflection.
func (e *encoder) encodeMore(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case Tuple:
		if err := e.enter(); err != nil {
			return b, err
		}
		b = append(b, `{" t":`...)
		var err error
		if b, err = e.encodeList(b, x); err != nil {
			return b, err
		}
		b = append(b, '}')
		e.depth--
	case []byte:
		b = append(b, `{" b":"`...)
		b = base64.StdEncoding.AppendEncode(b, x)
		b = append(b, `"}`...)
	case Markup:
		b = append(b, `{" m":`...)
		b = pyjson.AppendString(b, string(x))
		b = append(b, '}')
	case UUID:
		b = append(b, `{" u":"`...)
		b = x.appendHex(b)
		b = append(b, `"}`...)
	case time.Time:
		return e.encodeTime(b, x)
	case *time.Time:
		if x == nil {
			b = append(b, "null"...)
			return b, nil
		}
		return e.encodeTime(b, *x)
	case *big.Int:
		if x == nil {
			b = append(b, "null"...)
			return b, nil
		}
		return e.encodeBig(b, x)
	case int8:
		b = pyjson.AppendInt(b, int64(x))
	case int16:
		b = pyjson.AppendInt(b, int64(x))
	case int32:
		b = pyjson.AppendInt(b, int64(x))
	case uint:
		b = appendUint(b, uint64(x))
	case uint8:
		b = appendUint(b, uint64(x))
	case uint16:
		b = appendUint(b, uint64(x))
	case uint32:
		b = appendUint(b, uint64(x))
	case uint64:
		b = appendUint(b, x)
	case float32:
		b = pyjson.AppendFloat32(b, x)
	case []string:
		if err := e.enter(); err != nil {
			return b, err
		}
		b = append(b, '[')
		for i, s := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = pyjson.AppendString(b, s)
		}
		b = append(b, ']')
		e.depth--
	case map[string]string:
		return encodeSortedMap(e, b, x)
	case []map[string]any:
		if err := e.enter(); err != nil {
			return b, err
		}
		b = append(b, '[')
		for i, m := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = e.encodeMap(b, m); err != nil {
				return b, prependPath(err, indexSeg(i))
			}
		}
		b = append(b, ']')
		e.depth--
	default:
		return e.encodeReflect(b, reflect.ValueOf(v))
	}
	return b, nil
}

// builtinTagged reports whether v is matched by one of Flask's own taggers
// (dict, list, tuple, bytes, markup, uuid, datetime), which come before user
// tags in Flask's order.
func builtinTagged(v any) bool {
	switch v.(type) {
	case map[string]any, []any, Tuple, []byte, Markup, UUID, time.Time, *time.Time,
		[]string, map[string]string, []map[string]any:
		return true
	}
	return false
}

func (e *encoder) encodeUserTag(b []byte, v any) ([]byte, bool, error) {
	for _, t := range e.s.tags {
		if !t.Check(v) {
			continue
		}
		j, err := t.ToJSON(v)
		if err != nil {
			return b, true, &UnsupportedTypeError{Type: reflect.TypeOf(v), Path: "$", Reason: "tag " + t.Key() + ": " + err.Error()}
		}
		if err := e.enter(); err != nil {
			return b, true, err
		}
		b = append(b, '{')
		b = pyjson.AppendString(b, t.Key())
		b = append(b, ':')
		e.skipUser = true
		if b, err = e.encode(b, j); err != nil {
			return b, true, prependPath(err, keySeg(t.Key()))
		}
		b = append(b, '}')
		e.depth--
		return b, true, nil
	}
	return b, false, nil
}

func appendUint(dst []byte, u uint64) []byte {
	var b [20]byte
	i := len(b)
	for u >= 10 {
		i--
		b[i] = byte('0' + u%10)
		u /= 10
	}
	i--
	b[i] = byte('0' + u)
	return append(dst, b[i:]...)
}

func (e *encoder) encodeBig(b []byte, x *big.Int) ([]byte, error) {
	if x.IsInt64() {
		b = pyjson.AppendInt(b, x.Int64())
		return b, nil
	}
	// Cheap upper bound on the decimal digits before formatting.
	if limit := e.s.maxDigits(); x.BitLen() > limit*3+limit/3 || digitsOf(x) > limit {
		return b, &LimitError{What: "number length", Limit: limit, Offset: -1}
	}
	b = x.Append(b, 10)
	return b, nil
}

func digitsOf(x *big.Int) int {
	// BitLen*log10(2) rounded up is within one of the true count; format
	// only when close to the limit.
	n := int(float64(x.BitLen())*0.30103) + 1
	if n < 4000 {
		return n - 1
	}
	s := x.Text(10)
	if s[0] == '-' {
		return len(s) - 1
	}
	return len(s)
}

func (e *encoder) encodeTime(b []byte, t time.Time) ([]byte, error) {
	if e.s.NativeTime {
		t, ok := nativeTimeForm(t)
		if !ok {
			return b, unsupported(t, "year outside 1..9999 in UTC")
		}
		b = append(b, `{" dn":"`...)
		b = t.AppendFormat(b, time.RFC3339Nano)
		b = append(b, `"}`...)
		return b, nil
	}
	b = append(b, `{" d":"`...)
	var err error
	b, err = appendHTTPDate(b, t)
	if err != nil {
		return b, unsupported(t, err.Error())
	}
	b = append(b, `"}`...)
	return b, nil
}

func (e *encoder) encodeList(b []byte, x []any) ([]byte, error) {
	if err := e.enter(); err != nil {
		return b, err
	}
	b = append(b, '[')
	for i, item := range x {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = e.encode(b, item); err != nil {
			return b, prependPath(err, indexSeg(i))
		}
	}
	b = append(b, ']')
	e.depth--
	return b, nil
}
