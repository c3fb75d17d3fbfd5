package serializer

import (
	"cmp"
	"encoding/base64"
	"math/big"
	"reflect"
	"slices"
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
	err := e.encode(v)
	var out []byte
	if err == nil {
		out = make([]byte, len(e.buf))
		copy(out, e.buf)
	}
	putEncoder(e)
	return out, err
}

// AppendMarshal appends the tagged JSON text of v to dst and returns the
// extended slice; on error it returns dst unchanged. For the value model it
// allocates only if dst has to grow.
func (s *Serializer) AppendMarshal(dst []byte, v any) ([]byte, error) {
	e := getEncoder(s)
	own := e.buf
	e.buf = dst
	err := e.encode(v)
	out := e.buf
	e.buf = own
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
	s        *Serializer
	buf      []byte
	pairs    []kv // scratch stack of map entries being sorted
	depth    int
	maxDepth int
	skipUser bool // the next value is a user tag's ToJSON result
	// pairsHigh is the most entries pairs held, to clear before pooling.
	pairsHigh int
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
	return e
}

func putEncoder(e *encoder) {
	if cap(e.buf) > 64<<10 || cap(e.pairs) > 4096 {
		return
	}
	clear(e.pairs[:e.pairsHigh])
	e.pairsHigh = 0
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

// encode writes v. The fast path is a type switch over the value model;
// other types go to user tags and then to reflection.
func (e *encoder) encode(v any) error {
	if e.skipUser {
		e.skipUser = false
	} else if len(e.s.tags) > 0 && !builtinTagged(v) {
		if handled, err := e.encodeUserTag(v); handled {
			return err
		}
	}
	switch x := v.(type) {
	case nil:
		e.buf = append(e.buf, "null"...)
	case string:
		e.buf = pyjson.AppendString(e.buf, x)
	case bool:
		if x {
			e.buf = append(e.buf, "true"...)
		} else {
			e.buf = append(e.buf, "false"...)
		}
	case int64:
		e.buf = pyjson.AppendInt(e.buf, x)
	case int:
		e.buf = pyjson.AppendInt(e.buf, int64(x))
	case float64:
		e.buf = pyjson.AppendFloat(e.buf, x)
	case map[string]any:
		return e.encodeMap(x)
	case []any:
		return e.encodeList(x)
	case Tuple:
		if err := e.enter(); err != nil {
			return err
		}
		e.buf = append(e.buf, `{" t":`...)
		if err := e.encodeList(x); err != nil {
			return err
		}
		e.buf = append(e.buf, '}')
		e.depth--
	case []byte:
		e.buf = append(e.buf, `{" b":"`...)
		e.buf = base64.StdEncoding.AppendEncode(e.buf, x)
		e.buf = append(e.buf, `"}`...)
	case Markup:
		e.buf = append(e.buf, `{" m":`...)
		e.buf = pyjson.AppendString(e.buf, string(x))
		e.buf = append(e.buf, '}')
	case UUID:
		e.buf = append(e.buf, `{" u":"`...)
		e.buf = x.appendHex(e.buf)
		e.buf = append(e.buf, `"}`...)
	case time.Time:
		return e.encodeTime(x)
	case *time.Time:
		if x == nil {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		return e.encodeTime(*x)
	case *big.Int:
		if x == nil {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		return e.encodeBig(x)
	case int8:
		e.buf = pyjson.AppendInt(e.buf, int64(x))
	case int16:
		e.buf = pyjson.AppendInt(e.buf, int64(x))
	case int32:
		e.buf = pyjson.AppendInt(e.buf, int64(x))
	case uint:
		e.buf = appendUint(e.buf, uint64(x))
	case uint8:
		e.buf = appendUint(e.buf, uint64(x))
	case uint16:
		e.buf = appendUint(e.buf, uint64(x))
	case uint32:
		e.buf = appendUint(e.buf, uint64(x))
	case uint64:
		e.buf = appendUint(e.buf, x)
	case float32:
		e.buf = pyjson.AppendFloat32(e.buf, x)
	case []string:
		if err := e.enter(); err != nil {
			return err
		}
		e.buf = append(e.buf, '[')
		for i, s := range x {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.buf = pyjson.AppendString(e.buf, s)
		}
		e.buf = append(e.buf, ']')
		e.depth--
	case map[string]string:
		return encodeSortedMap(e, x)
	case []map[string]any:
		if err := e.enter(); err != nil {
			return err
		}
		e.buf = append(e.buf, '[')
		for i, m := range x {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			if err := e.encodeMap(m); err != nil {
				return prependPath(err, indexSeg(i))
			}
		}
		e.buf = append(e.buf, ']')
		e.depth--
	default:
		return e.encodeReflect(reflect.ValueOf(v))
	}
	return nil
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

func (e *encoder) encodeUserTag(v any) (bool, error) {
	for _, t := range e.s.tags {
		if !t.Check(v) {
			continue
		}
		j, err := t.ToJSON(v)
		if err != nil {
			return true, &UnsupportedTypeError{Type: reflect.TypeOf(v), Path: "$", Reason: "tag " + t.Key() + ": " + err.Error()}
		}
		if err := e.enter(); err != nil {
			return true, err
		}
		e.buf = append(e.buf, '{')
		e.buf = pyjson.AppendString(e.buf, t.Key())
		e.buf = append(e.buf, ':')
		e.skipUser = true
		if err := e.encode(j); err != nil {
			return true, prependPath(err, keySeg(t.Key()))
		}
		e.buf = append(e.buf, '}')
		e.depth--
		return true, nil
	}
	return false, nil
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

func (e *encoder) encodeBig(x *big.Int) error {
	if x.IsInt64() {
		e.buf = pyjson.AppendInt(e.buf, x.Int64())
		return nil
	}
	// Cheap upper bound on the decimal digits before formatting.
	if limit := e.s.maxDigits(); x.BitLen() > limit*3+limit/3 || digitsOf(x) > limit {
		return &LimitError{What: "number length", Limit: limit, Offset: -1}
	}
	e.buf = x.Append(e.buf, 10)
	return nil
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

func (e *encoder) encodeTime(t time.Time) error {
	if e.s.NativeTime {
		if y := t.Year(); y < 0 || y > 9999 {
			return unsupported(t, "year outside 0..9999")
		}
		e.buf = append(e.buf, `{" dn":"`...)
		e.buf = t.AppendFormat(e.buf, time.RFC3339Nano)
		e.buf = append(e.buf, `"}`...)
		return nil
	}
	e.buf = append(e.buf, `{" d":"`...)
	var err error
	e.buf, err = appendHTTPDate(e.buf, t)
	if err != nil {
		return unsupported(t, err.Error())
	}
	e.buf = append(e.buf, `"}`...)
	return nil
}

func (e *encoder) encodeList(x []any) error {
	if err := e.enter(); err != nil {
		return err
	}
	e.buf = append(e.buf, '[')
	for i, item := range x {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		if err := e.encode(item); err != nil {
			return prependPath(err, indexSeg(i))
		}
	}
	e.buf = append(e.buf, ']')
	e.depth--
	return nil
}

// encodeMap writes m with sorted keys, or with the " di" escape when its only
// key is a tag key.
func (e *encoder) encodeMap(m map[string]any) error {
	if len(m) == 1 {
		for k, v := range m {
			return e.encodeOne(k, v)
		}
	}
	if len(m) <= smallMap {
		// Small maps sort on the stack. The entries go into a local array
		// and only byte indexes move while sorting, so no pointer is
		// written through a slice: no GC write barriers on the hot path.
		var arr [smallMap]kv
		var idx [smallMap]uint8
		n := 0
		for k, v := range m {
			arr[n] = kv{k, v}
			idx[n] = uint8(n)
			n++
		}
		for i := 1; i < n; i++ {
			for j := i; j > 0 && arr[idx[j]].k < arr[idx[j-1]].k; j-- {
				idx[j], idx[j-1] = idx[j-1], idx[j]
			}
		}
		if err := e.enter(); err != nil {
			return err
		}
		e.buf = append(e.buf, '{')
		for i := range n {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			p := &arr[idx[i]]
			e.buf = pyjson.AppendString(e.buf, p.k)
			e.buf = append(e.buf, ':')
			if err := e.encode(p.v); err != nil {
				return prependPath(err, keySeg(p.k))
			}
		}
		e.buf = append(e.buf, '}')
		e.depth--
		return nil
	}
	base := len(e.pairs)
	for k, v := range m {
		e.pairs = append(e.pairs, kv{k, v})
	}
	return e.encodePairs(base)
}

// smallMap is the largest map sorted in a stack array.
const smallMap = 16

// encodeOne writes a one-entry object, escaping a tag key as Flask's TagDict.
func (e *encoder) encodeOne(k string, v any) error {
	if err := e.enter(); err != nil {
		return err
	}
	esc := e.s.isTagKey(k)
	if esc {
		e.buf = append(e.buf, `{" di":`...)
		e.depth++
		if e.depth > e.maxDepth {
			return &LimitError{What: "depth", Limit: e.maxDepth, Offset: -1}
		}
		e.buf = append(e.buf, '{')
		e.buf = pyjson.AppendString(e.buf, k+"__")
	} else {
		e.buf = append(e.buf, '{')
		e.buf = pyjson.AppendString(e.buf, k)
	}
	e.buf = append(e.buf, ':')
	if err := e.encode(v); err != nil {
		return prependPath(err, keySeg(k))
	}
	e.buf = append(e.buf, '}')
	if esc {
		e.buf = append(e.buf, '}')
		e.depth--
	}
	e.depth--
	return nil
}

// encodePairs sorts and writes e.pairs[base:], then pops them.
func (e *encoder) encodePairs(base int) error {
	n := len(e.pairs) - base
	e.pairsHigh = max(e.pairsHigh, len(e.pairs))
	if n == 1 {
		p := e.pairs[base]
		e.pairs = e.pairs[:base]
		return e.encodeOne(p.k, p.v)
	}
	if err := e.enter(); err != nil {
		e.pairs = e.pairs[:base]
		return err
	}
	slices.SortFunc(e.pairs[base:], func(a, b kv) int { return cmp.Compare(a.k, b.k) })
	e.buf = append(e.buf, '{')
	for i := base; i < len(e.pairs); i++ {
		if i > base {
			e.buf = append(e.buf, ',')
		}
		p := e.pairs[i]
		e.buf = pyjson.AppendString(e.buf, p.k)
		e.buf = append(e.buf, ':')
		if err := e.encode(p.v); err != nil {
			e.pairs = e.pairs[:base]
			return prependPath(err, keySeg(p.k))
		}
	}
	e.buf = append(e.buf, '}')
	e.pairs = e.pairs[:base]
	e.depth--
	return nil
}

// encodeSortedMap writes a map whose values are plain strings or numbers.
func encodeSortedMap[V any](e *encoder, m map[string]V) error {
	base := len(e.pairs)
	for k, v := range m {
		e.pairs = append(e.pairs, kv{k, v})
	}
	if len(m) == 0 {
		if err := e.enter(); err != nil {
			return err
		}
		e.buf = append(e.buf, "{}"...)
		e.depth--
		return nil
	}
	return e.encodePairs(base)
}
