package codec

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/internal/pyflask"
	"github.com/cookiecodec/cookiecodec/serializer"
)

const hostileTime = 1700000000

// hostileCase is a cookie validly signed with hostileSecret (as after a key
// leak) or a structurally hostile cookie, and what the codec must answer.
type hostileCase struct {
	name   string
	cookie string
	opts   func(*FlaskOptions) // limits lifted for the case, or nil
	want   error               // nil: accepted (as Python accepts it)
	// maxAlloc bounds the bytes allocated by one decode.
	maxAlloc uint64
}

var hostileSecret = []byte("leaked-secret")

// signRaw signs raw payload bytes with Flask's parameters, compressed
// (with Go's zlib, so any size fits a cookie if it compresses) or not.
func signRaw(t testing.TB, payload []byte, compress bool) string {
	t.Helper()
	s, err := NewSigner(FlaskParams(), hostileSecret)
	if err != nil {
		t.Fatal(err)
	}
	c := CompressNever()
	if compress {
		c = CompressAlways()
	}
	cookie, err := s.SignPayload(payload, time.Unix(hostileTime, 0), c)
	if err != nil {
		t.Fatal(err)
	}
	return cookie
}

// signRawZlib signs an arbitrary zlib body behind the '.' marker.
func signRawZlib(t testing.TB, z []byte) string {
	t.Helper()
	s, _ := NewSigner(FlaskParams(), hostileSecret)
	cookie, err := s.Sign("."+b64.EncodeToString(z), time.Unix(hostileTime, 0))
	if err != nil {
		t.Fatal(err)
	}
	return cookie
}

func zlibBest(t testing.TB, data []byte) []byte {
	var b bytes.Buffer
	w, _ := zlib.NewWriterLevel(&b, zlib.BestCompression)
	w.Write(data)
	w.Close()
	return b.Bytes()
}

// zeroBomb returns a zlib stream of 1 + mib MiB of zeros, built from one
// deflated MiB repeated (compressing 64 MiB for real takes seconds under the
// race detector). Each repeated segment ends on a flush, so it is
// byte-aligned, and it only refers back to zeros.
func zeroBomb(t testing.TB, mib int) []byte {
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression)
	w.Write([]byte{0})
	w.Flush()
	prefix := b.Len()
	w.Write(make([]byte, 1<<20))
	w.Flush()
	segment := append([]byte(nil), b.Bytes()[prefix:]...)
	w.Close()
	out := []byte{0x78, 0xda}
	out = append(out, b.Bytes()[:prefix]...)
	for range mib {
		out = append(out, segment...)
	}
	out = append(out, b.Bytes()[prefix+len(segment):]...)
	// Adler-32 of n zeros: a stays 1, b = n mod 65521.
	n := uint32((1 + mib<<20) % 65521)
	return binary.BigEndian.AppendUint32(out, n<<16|1)
}

func liftCookieLimit(o *FlaskOptions) { o.MaxCookieSize = -1 }
func lift(decompressed int) func(*FlaskOptions) {
	return func(o *FlaskOptions) { o.MaxCookieSize = -1; o.MaxDecompressed = decompressed }
}

var (
	hostileOnce  sync.Once
	hostileCache []hostileCase
)

// hostileCases builds the cases once (the 64 MiB bomb takes a while to
// compress).
func hostileCases(t testing.TB) []hostileCase {
	hostileOnce.Do(func() { hostileCache = buildHostileCases(t) })
	return hostileCache
}

func buildHostileCases(t testing.TB) []hostileCase {
	const MiB = 1 << 20
	// A bomb that fits a browser cookie: ~2 KB of deflate inflating to 2 MiB.
	small := zeroBomb(t, 2)
	// A 64 MiB bomb, past the cookie limit unless it is lifted.
	big := zeroBomb(t, 64)
	deep := strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)
	digits := `{"n":` + strings.Repeat("7", 5000) + `}`
	var wide strings.Builder
	wide.WriteString("[0")
	for range 200_000 - 1 {
		wide.WriteString(",0")
	}
	wide.WriteString("]")
	var keys strings.Builder
	keys.WriteString("{")
	for i := range 50_000 {
		if i > 0 {
			keys.WriteString(",")
		}
		fmt.Fprintf(&keys, `"k%d":%d`, i, i)
	}
	keys.WriteString("}")
	trailingZlib := append(zlibBest(t, []byte(`{"a":1}`)), "trailing"...)
	truncatedZlib := zlibBest(t, []byte(`{"a":1,"b":2}`))
	truncatedZlib = truncatedZlib[:len(truncatedZlib)-2]
	// The preset-dictionary flag with the empty dictionary's id (1), which
	// Go's compress/zlib accepts and Python's zlib refuses.
	presetDictZlib := append([]byte{0x78, 0x20, 0, 0, 0, 1}, zlibBest(t, []byte(`{"a":1}`))[2:]...)

	return []hostileCase{
		{name: "1 MiB cookie", cookie: strings.Repeat("A", MiB) + ".ZVPxAA.sig", want: ErrTooLarge, maxAlloc: 1024},
		{name: "empty", cookie: "", want: ErrMalformed, maxAlloc: 1024},
		{name: "only separators", cookie: "...", want: ErrSignature, maxAlloc: 1024},
		{name: "one separator", cookie: ".", want: ErrSignature, maxAlloc: 1024},
		{name: "cookie-size zlib bomb", cookie: signRawZlib(t, small), want: ErrTooLarge, maxAlloc: 512 << 10},
		{name: "64 MiB zlib bomb", cookie: signRawZlib(t, big), opts: liftCookieLimit, want: ErrTooLarge, maxAlloc: 1 * MiB},
		{name: "100k-deep nesting", cookie: signRaw(t, []byte(deep), true), opts: lift(MiB), want: ErrPayload, maxAlloc: 4 * MiB},
		{name: "100k-deep nesting, default limits", cookie: signRaw(t, []byte(deep), true), want: ErrTooLarge, maxAlloc: 512 << 10},
		{name: "5000-digit integer", cookie: signRaw(t, []byte(digits), true), want: ErrPayload, maxAlloc: 64 << 10},
		{name: "1e999999", cookie: signRaw(t, []byte(`{"f":1e999999}`), false), want: nil, maxAlloc: 16 << 10},
		// Accepted values cost what the decoded value and the decoder's
		// scratch need (about 120 bytes per element here), bounded by the
		// 1 MiB input the lifted limits allow.
		{name: "200k-element array", cookie: signRaw(t, []byte(wide.String()), true), opts: lift(MiB), want: nil, maxAlloc: 32 * MiB},
		{name: "50k keys", cookie: signRaw(t, []byte(keys.String()), true), opts: lift(MiB), want: nil, maxAlloc: 32 * MiB},
		{name: "lone surrogate", cookie: signRaw(t, []byte(`{"s":"\ud800"}`), false), want: nil, maxAlloc: 16 << 10}, // Python accepts it
		{name: "invalid UTF-8", cookie: signRaw(t, []byte("{\"s\":\"\xff\xfe\"}"), false), want: ErrPayload, maxAlloc: 16 << 10},
		{name: "raw control character", cookie: signRaw(t, []byte("{\"s\":\"a\x01b\"}"), false), want: ErrPayload, maxAlloc: 16 << 10},
		{name: "trailing JSON garbage", cookie: signRaw(t, []byte(`{"a":1}x`), false), want: ErrPayload, maxAlloc: 16 << 10},
		{name: "bytes after the zlib stream", cookie: signRawZlib(t, trailingZlib), want: nil, maxAlloc: 16 << 10},
		{name: "truncated zlib stream", cookie: signRawZlib(t, truncatedZlib), want: ErrPayload, maxAlloc: 64 << 10},
		{name: "zlib stream asking for a preset dictionary", cookie: signRawZlib(t, presetDictZlib), want: ErrPayload, maxAlloc: 64 << 10},
		{name: "raw deflate, no zlib header", cookie: signRawZlib(t, []byte{0x4b, 0x04, 0x00}), want: ErrPayload, maxAlloc: 64 << 10},
		{name: "empty compressed payload", cookie: signRawZlib(t, nil), want: ErrPayload, maxAlloc: 64 << 10},
		{name: "tuple of a number", cookie: signRaw(t, []byte(`{"t":{" t":5}}`), false), want: ErrPayload, maxAlloc: 16 << 10},
		{name: "bytes without padding", cookie: signRaw(t, []byte(`{"b":{" b":"QQ"}}`), false), want: ErrPayload, maxAlloc: 16 << 10},
		{name: "bad uuid", cookie: signRaw(t, []byte(`{"u":{" u":"zz"}}`), false), want: ErrPayload, maxAlloc: 16 << 10},
		{name: "empty di escape", cookie: signRaw(t, []byte(`{"x":{" di":{}}}`), false), want: ErrPayload, maxAlloc: 16 << 10},
		{name: "payload not base64", cookie: signRawText(t, "e!J9"), want: ErrPayload, maxAlloc: 16 << 10},
	}
}

// signRawText signs an arbitrary payload segment.
func signRawText(t testing.TB, seg string) string {
	s, _ := NewSigner(FlaskParams(), hostileSecret)
	cookie, err := s.Sign(seg, time.Unix(hostileTime, 0))
	if err != nil {
		t.Fatal(err)
	}
	return cookie
}

func hostileCodec(t testing.TB, c hostileCase) *Flask {
	o := FlaskOptions{SecretKey: hostileSecret, Clock: func() time.Time { return time.Unix(hostileTime+1, 0) }}
	if c.opts != nil {
		c.opts(&o)
	}
	f, err := NewFlask(o)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestHostileInputs decodes every hostile cookie and checks the typed
// error and the memory one decode allocates (the time is bounded by the
// same limits: length before crypto, inflation capped as it runs, parsing
// linear with a depth limit).
func TestHostileInputs(t *testing.T) {
	for _, c := range hostileCases(t) {
		t.Run(c.name, func(t *testing.T) {
			f := hostileCodec(t, c)
			f.DecodeSession("session", c.cookie, 0) // warm the pools
			// TotalAlloc counts every goroutine's allocations, and a GC
			// may empty the pools between two calls: the least of five
			// decodes is what one decode itself needs.
			var err error
			allocated := uint64(math.MaxUint64)
			for range 5 {
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				_, _, err = f.DecodeSession("session", c.cookie, 0)
				runtime.ReadMemStats(&after)
				allocated = min(allocated, after.TotalAlloc-before.TotalAlloc)
			}
			if !errors.Is(err, c.want) || (err == nil) != (c.want == nil) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
			if allocated > c.maxAlloc && !raceEnabled {
				t.Errorf("decode allocated %d bytes, bound %d", allocated, c.maxAlloc)
			}
			var tl *TooLargeError
			if errors.Is(err, ErrTooLarge) && !errors.As(err, &tl) {
				t.Errorf("ErrTooLarge without *TooLargeError: %v", err)
			}
		})
	}
}

// TestZeroBombIsValid inflates a small bomb completely: the construction
// yields exactly the promised zeros with a correct checksum.
func TestZeroBombIsValid(t *testing.T) {
	out, err := zlibDecompress(nil, zeroBomb(t, 2), 3<<20, false)
	if err != nil || len(out) != 1+2<<20 || bytes.ContainsFunc(out, func(r rune) bool { return r != 0 }) {
		t.Fatalf("inflated %d bytes, %v", len(out), err)
	}
}

// TestHostileDeepNestingIsTooDeep pins the reason of the nesting case.
func TestHostileDeepNestingIsTooDeep(t *testing.T) {
	for _, c := range hostileCases(t) {
		if c.name == "100k-deep nesting" {
			_, _, err := hostileCodec(t, c).DecodeSession("session", c.cookie, 0)
			if !errors.Is(err, ErrPayload) || !errors.Is(err, serializer.ErrTooDeep) {
				t.Fatalf("got %v", err)
			}
			return
		}
	}
	t.Fatal("case missing")
}

// TestHostileMatchesFlask loads the hostile cookies in real itsdangerous
// and checks that the outcome class is Flask's, except where this package
// refuses on purpose (size limits, which Flask does not have).
func TestHostileMatchesFlask(t *testing.T) {
	o := pyflask.Require(t)
	cfg := pyflask.Config{SecretHex: fmt.Sprintf("%x", hostileSecret)}
	maxAge := int64(DefaultFlaskMaxAge / time.Second)
	for _, c := range hostileCases(t) {
		if c.name == "cookie-size zlib bomb" {
			// Flask inflates it all (no limit) and then fails on the JSON:
			// the bomb is a valid zlib stream, so our refusal is the limit's.
			res, err := o.Loads(cfg, c.cookie, hostileTime+1, &maxAge)
			if err != nil || res.Result != "BadPayload" || strings.Contains(res.Message, "zlib") {
				t.Errorf("bomb in Flask: %+v %v", res, err)
			}
		}
		if c.want == ErrTooLarge || len(c.cookie) > 1<<20 {
			continue // Flask has no limits; covered by TestHostileInputs
		}
		res, err := o.Loads(cfg, c.cookie, hostileTime+1, &maxAge)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		_, _, gerr := hostileCodec(t, c).DecodeSession("session", c.cookie, 0)
		sameOutcome(t, c.name, res, gerr)
	}
}
