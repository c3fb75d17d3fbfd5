package fuzz

import (
	"encoding/binary"
	"math"
	"math/big"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/cookiecodec/cookiecodec/serializer"
)

// valueGen builds a value of every type and tag the serializer writes from
// fuzz bytes. Once the bytes run out it reads zeros, so every input gives a
// finite value; depth and sizes are bounded.
type valueGen struct {
	data []byte
	pos  int
}

func (g *valueGen) byte() byte {
	if g.pos >= len(g.data) {
		g.pos++
		return 0
	}
	b := g.data[g.pos]
	g.pos++
	return b
}

func (g *valueGen) exhausted() bool { return g.pos >= len(g.data) }

func (g *valueGen) uint64() uint64 {
	var b [8]byte
	for i := range b {
		b[i] = g.byte()
	}
	return binary.LittleEndian.Uint64(b[:])
}

func (g *valueGen) bytes(max int) []byte {
	n := int(g.byte()) % (max + 1)
	out := make([]byte, n)
	for i := range out {
		out[i] = g.byte()
	}
	return out
}

// tagKeys are the keys that make a one-key map need the " di" escape, and
// near misses.
var tagKeys = []string{" t", " b", " m", " u", " d", " di", serializer.NativeTimeKey, " t__", "t", " ", " x", ""}

// runes mixes ASCII, characters that need escapes, BMP and non-BMP code
// points.
var runes = []rune("abcXYZ019 _-./\\\"'<>&\x00\x01\x1f\x7f\u0080\u00ff\u00e9\u2028\u2029\u4e2d\ud7ff\ue000\ufffd\U0001F600\U00010000\U0010FFFF")

// str makes a valid UTF-8 string: fuzz bytes as text when they are valid
// UTF-8, else picked from runes.
func (g *valueGen) str() string {
	b := g.bytes(24)
	if utf8.Valid(b) && g.byte()&1 == 0 {
		return string(b)
	}
	rs := make([]rune, len(b))
	for i, c := range b {
		rs[i] = runes[int(c)%len(runes)]
	}
	return string(rs)
}

func (g *valueGen) key() string {
	if b := g.byte(); b < 40 {
		return tagKeys[int(b)%len(tagKeys)]
	}
	return g.str()
}

// Times the serializer can write: years 1..9999 in UTC.
var (
	minTime = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	maxTime = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC).Unix()
)

func (g *valueGen) time() time.Time {
	sec := minTime + int64(g.uint64()%uint64(maxTime-minTime+1))
	var nsec int64
	if g.byte()&1 == 1 {
		nsec = int64(g.uint64() % 1e9)
	}
	t := time.Unix(sec, nsec).UTC()
	if off := int(g.byte()); off&1 == 1 {
		// An offset in whole minutes within ±14 h, as RFC 3339 can write.
		mins := (int(int8(g.byte())) * 7) % (14 * 60)
		// The local year must be 1..9999 too, or " dn" writes the time in
		// UTC (same instant, offset lost): keep UTC then.
		if local := t.In(time.FixedZone("", mins*60)); local.Year() >= 1 && local.Year() <= 9999 {
			t = local
		}
	}
	return t
}

// session returns a top-level map, the shape of a session: usually up to
// 8 entries, sometimes 17 to 40, past the maps the serializer sorts on the
// stack.
func (g *valueGen) session() map[string]any {
	b := g.byte()
	n := int(b % 9)
	if b >= 240 {
		n = 17 + int(g.byte()%24)
	}
	m := make(map[string]any, n)
	for range n {
		m[g.key()] = g.value(6)
	}
	return m
}

func (g *valueGen) value(depth int) any {
	k := g.byte() % 24
	if depth <= 0 || g.exhausted() {
		k %= 16 // scalars only
	}
	switch k {
	case 0:
		return nil
	case 1:
		return g.byte()&1 == 1
	case 2:
		return int64(g.uint64())
	case 3:
		b := g.bytes(40)
		z := new(big.Int).SetBytes(b)
		if len(b) > 0 && b[0]&1 == 1 {
			z.Neg(z)
		}
		return z
	case 4:
		return math.Float64frombits(g.uint64())
	case 5:
		return []float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1), 1e16, 1e-5, 0.1, 5e-324, math.MaxFloat64, 1e22, 123456789.125}[g.byte()%12]
	case 6:
		return g.str()
	case 7:
		return g.bytes(40)
	case 8:
		return serializer.Markup(g.str())
	case 9:
		var u serializer.UUID
		binary.LittleEndian.PutUint64(u[:8], g.uint64())
		binary.LittleEndian.PutUint64(u[8:], g.uint64())
		return u
	case 10:
		return g.time()
	case 11:
		switch g.byte() % 6 {
		case 0:
			return int8(g.byte())
		case 1:
			return uint16(g.uint64())
		case 2:
			return int32(g.uint64())
		case 3:
			return g.uint64() // above MaxInt64 half the time: a big int back
		case 4:
			return uint(g.uint64() >> 1)
		default:
			return int(int64(g.uint64()))
		}
	case 12:
		return math.Float32frombits(uint32(g.uint64()))
	case 13:
		s := g.str()
		if g.byte()&1 == 1 {
			return &s
		}
		return (*string)(nil)
	case 14:
		return []string{g.str(), g.str()}
	case 15:
		return map[string]string{g.key(): g.str()}
	case 16, 17:
		return serializer.Tuple(g.list(depth))
	case 18, 19:
		return g.list(depth)
	case 20:
		// A one-key map whose key is a tag key: written with " di".
		return map[string]any{tagKeys[int(g.byte())%len(tagKeys)]: g.value(depth - 1)}
	default:
		n := int(g.byte() % 6)
		m := make(map[string]any, n)
		for range n {
			m[g.key()] = g.value(depth - 1)
		}
		return m
	}
}

func (g *valueGen) list(depth int) []any {
	n := int(g.byte() % 6)
	l := make([]any, n)
	for i := range l {
		l[i] = g.value(depth - 1)
	}
	return l
}

// expected is what decoding the text of v gives back: integers of any kind
// as int64 or *big.Int (valueDiff compares them by value), float32 as the
// float64 of its shortest decimal digits, []string and map[string]string as
// []any and map[string]any, pointers dereferenced, and times as Flask keeps
// them (UTC, whole seconds) or, for the native serializer, exactly.
func expected(v any, native bool) any {
	switch x := v.(type) {
	case float32:
		f, err := strconv.ParseFloat(strconv.FormatFloat(float64(x), 'g', -1, 32), 64)
		if err != nil {
			panic(err)
		}
		return f
	case *string:
		if x == nil {
			return nil
		}
		return *x
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case map[string]string:
		out := make(map[string]any, len(x))
		for k, s := range x {
			out[k] = s
		}
		return out
	case time.Time:
		if native {
			return x
		}
		return x.UTC().Truncate(time.Second)
	case serializer.Tuple:
		return serializer.Tuple(expected([]any(x), native).([]any))
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = expected(e, native)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = expected(e, native)
		}
		return out
	}
	return v
}
