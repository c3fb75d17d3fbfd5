package codec_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/cookiecodec/cookiecodec/serializer"
)

// specGen writes random payloads in (and near) the binary form of FORMAT.md.
type specGen struct {
	r   *rand.Rand
	out []byte
}

func (g *specGen) head(major byte, arg uint64) {
	// Mostly shortest form; sometimes a longer head than needed.
	long := g.r.IntN(40) == 0
	switch {
	case arg < 24 && !long:
		g.out = append(g.out, major<<5|byte(arg))
	case arg < 1<<8 && !long:
		g.out = append(g.out, major<<5|24, byte(arg))
	case arg < 1<<16 && !long:
		g.out = binary.BigEndian.AppendUint16(append(g.out, major<<5|25), uint16(arg))
	case arg < 1<<32 && !long:
		g.out = binary.BigEndian.AppendUint32(append(g.out, major<<5|26), uint32(arg))
	default:
		g.out = binary.BigEndian.AppendUint64(append(g.out, major<<5|27), arg)
	}
}

var specStrings = []string{
	"", "a", "b", "user_id", "\x7f", "\x1f\t\n", " u", " dn", " t", "é", "\x00", "\u2028", "😀", "\"\\/",
	"\xff", "\xed\xa0\x80", "9f86d081884c7d659a2feaa0c55ad015", "not a uuid",
	"2026-04-30T08:01:02.3456789+02:00", "not a time",
}

func (g *specGen) str() {
	s := specStrings[g.r.IntN(len(specStrings))]
	g.head(3, uint64(len(s)))
	g.out = append(g.out, s...)
}

func (g *specGen) value(depth int) {
	switch n := g.r.IntN(20); {
	case n < 3:
		g.head(0, []uint64{0, 23, 24, 255, 256, 1 << 32, math.MaxUint64}[g.r.IntN(7)])
	case n < 4:
		g.head(1, []uint64{0, 24, math.MaxUint64}[g.r.IntN(3)])
	case n < 7:
		g.str()
	case n < 8:
		g.out = append(g.out, []byte{0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xe0, 0xf9, 0x3c, 0x00}[g.r.IntN(9)])
	case n < 9:
		f := []uint64{math.Float64bits(1.5), math.Float64bits(1e16), math.Float64bits(1e-5), math.Float64bits(math.Copysign(0, -1)),
			0x7ff8000000000000, 0x7ff8000000000001, math.Float64bits(math.Inf(1)), math.Float64bits(1)}[g.r.IntN(8)]
		g.out = binary.BigEndian.AppendUint64(append(g.out, 0xfb), f)
	case n < 10:
		// bignum, sometimes too short or with a leading zero
		g.head(6, uint64(2+g.r.IntN(2)))
		if g.r.IntN(8) == 0 {
			g.head(6, 5)
		}
		size := 7 + g.r.IntN(4)
		g.head(2, uint64(size))
		for i := 0; i < size; i++ {
			g.out = append(g.out, byte(g.r.IntN(256)))
		}
	case n < 11:
		g.head(2, 1) // byte string outside a bignum
		g.out = append(g.out, 1)
	case n < 12:
		g.out = append(g.out, 0x9f, 0xff) // indefinite array
	case n < 13 && depth < 300:
		// a deep chain, near the depth limit
		d := 250 + g.r.IntN(10)
		for i := 0; i < d; i++ {
			g.head(4, 1)
		}
		g.head(0, 1)
	case n < 17 && depth < 6:
		cnt := g.r.IntN(4)
		g.head(4, uint64(cnt))
		for i := 0; i < cnt; i++ {
			g.value(depth + 1)
		}
	case depth < 6:
		cnt := g.r.IntN(4)
		g.head(5, uint64(cnt))
		for i := 0; i < cnt; i++ {
			if g.r.IntN(30) == 0 {
				g.head(0, 1) // key that is not a text string
			} else {
				g.str()
			}
			g.value(depth + 1)
		}
	default:
		g.out = append(g.out, 0xf6)
	}
}

func specOutcomeOf(err error) string {
	var ee *codec.ExpiredError
	switch {
	case err == nil:
		return "success"
	case errors.As(err, &ee):
		return "expired/" + ee.Reason
	case errors.Is(err, codec.ErrFuture):
		return "future"
	case errors.Is(err, codec.ErrTooLarge):
		return "too large"
	case errors.Is(err, codec.ErrUnknownKey):
		return "unknown key"
	case errors.Is(err, codec.ErrSignature):
		return "signature"
	case errors.Is(err, codec.ErrMalformed):
		return "malformed"
	case errors.Is(err, codec.ErrPayload):
		return "payload"
	}
	return "unexpected: " + err.Error()
}

// TestNativeSpecDifferential seals random, often inconsistent envelopes
// with the FORMAT.md writer above and checks that package codec and the
// FORMAT.md reader reach the same outcome for each.
func TestNativeSpecDifferential(t *testing.T) {
	// The outcomes seen, logged with -v to show that every check is reached.
	seen := map[string]int{}
	defer func() { t.Log(seen) }()
	var keys []specKey
	var ckeys []codec.Key
	for _, s := range []string{
		"cookiecodec-key-1.0a0a0a0a.TsdMrRwZu_73oqsBgchjX7uXrmu0-Yx3hhoGm96tXCA",
		"cookiecodec-key-1.0b0b0b0b.FIFx0C3FoOsfST0SqBiaiNnqCY0ykAacD8VIs2m0pvY",
		"cookiecodec-key-1.0c0c0c0c.K4LReZ8lcOAJPYO2zap1yVfYS2A9TjelSscoNqZ624A",
	} {
		k, err := specParseKey(s)
		if err != nil {
			t.Fatal(err)
		}
		ck, err := codec.ParseKey(s)
		if err != nil {
			t.Fatal(err)
		}
		keys, ckeys = append(keys, k), append(ckeys, ck)
	}
	stray, _ := specParseKey("cookiecodec-key-1.0d0d0d0d.k5hdQjrT2N6oJp4IP9UuqxxQxFm4st-oUUxtl2-Dpq0")
	modes := []codec.Mode{codec.XChaCha20Poly1305, codec.AES256GCM, codec.HMACSHA256}
	const now = 1777636800 // 2026-05-01T12:00:00Z
	r := rand.New(rand.NewPCG(1, 2))
	ser := &serializer.Serializer{NativeTime: true}
	iterations := 5000
	if testing.Short() {
		iterations = 1000
	}
	for i := 0; i < iterations; i++ {
		mi := r.IntN(3)
		ring, err := codec.NewKeyRing(ckeys[0], ckeys[1], ckeys[2])
		if err != nil {
			t.Fatal(err)
		}
		c := specConfig{
			mode: byte(mi + 1), keys: keys, retired: map[uint32]bool{},
			purpose: "session", name: "session",
			lifetime: int64(r.IntN(4) * 50), idle: int64(r.IntN(3) * 30), skew: int64(r.IntN(3) * 20),
			now: now + int64(r.IntN(5)) - 2, maxSize: 4096, inflate: 65536,
		}
		if c.lifetime == 0 {
			c.lifetime = int64(codec.DefaultLifetime / time.Second)
		}
		// FORMAT.md: comparing with the clock as it is gives the results
		// of comparing with it rounded down to a whole second (c.now).
		clock := time.Unix(c.now, int64(r.IntN(3))*499_999_999)
		skew := time.Duration(c.skew) * time.Second
		if c.skew == 0 {
			skew = -1 // no allowance
		}
		if r.IntN(10) == 0 {
			if err := ring.Retire(keys[2].idText()); err != nil {
				t.Fatal(err)
			}
			c.retired[keys[2].id] = true
		}
		opts := codec.NativeOptions{
			Mode: modes[mi], Lifetime: time.Duration(c.lifetime) * time.Second,
			IdleTimeout: time.Duration(c.idle) * time.Second, Skew: skew,
			Clock: func() time.Time { return clock },
		}
		// The writer's side: mode, key, name and purpose may differ from
		// the reader's.
		w := c
		wmode := c.mode
		if r.IntN(15) == 0 {
			wmode = byte(1 + r.IntN(3))
		}
		if r.IntN(15) == 0 {
			w.name = "other"
		}
		if r.IntN(15) == 0 {
			w.purpose = "remember-me"
		}
		k := keys[r.IntN(3)]
		if r.IntN(15) == 0 {
			k = stray
		}
		nativeCodec, err := codec.NewNative(ring, opts)
		if err != nil {
			t.Fatal(err)
		}
		var flags byte
		g := &specGen{r: r}
		g.value(0)
		payload := g.out
		if r.IntN(10) == 0 {
			payload = payload[:r.IntN(len(payload)+1)]
		} else if r.IntN(10) == 0 {
			payload = append(payload, 0xf6) // data after the item
		}
		if r.IntN(4) == 0 {
			flags |= 1
			var b bytes.Buffer
			zw := zlib.NewWriter(&b)
			zw.Write(payload)
			if r.IntN(6) == 0 {
				zw.Write(make([]byte, 70000)) // a bomb
			}
			zw.Close()
			payload = b.Bytes()
			switch r.IntN(8) {
			case 0:
				payload = append(payload, 0)
			case 1:
				payload = payload[:len(payload)-1]
			case 2:
				payload = payload[2:]
			}
		}
		if r.IntN(4) == 0 {
			flags |= 2
			payload = append(append([]byte(nil), payload...), 0x80)
			for len(payload)%(1+r.IntN(64)) != 0 {
				payload = append(payload, 0)
			}
			if r.IntN(6) == 0 {
				payload[len(payload)-1] ^= byte(1 + r.IntN(255))
			}
		}
		if r.IntN(30) == 0 {
			flags |= 4
		}
		t32 := func(base int64) uint32 { return uint32(base + int64(r.IntN(400)) - 200) }
		created, issued, expires := t32(now), t32(now), t32(now)
		switch r.IntN(3) {
		case 0:
			issued = created + uint32(r.IntN(100))
			expires = issued + uint32(r.IntN(300))
		case 1, 2: // mostly valid times, so that payloads get checked
			created = uint32(now - r.IntN(30))
			issued = created + uint32(r.IntN(30))
			expires = uint32(now + 1 + r.IntN(100))
		}
		sid := make([]byte, 16)
		nonce := make([]byte, 24)
		for j := range nonce {
			nonce[j] = byte(r.Uint32())
		}
		cookie := specSeal(w, k, wmode, flags, created, issued, expires, sid, nonce, payload)
		switch r.IntN(25) {
		case 0:
			cookie = cookie[:r.IntN(len(cookie)+1)]
		case 1:
			b := []byte(cookie)
			b[r.IntN(len(b))] = "A-_=\n."[r.IntN(6)]
			cookie = string(b)
		case 2:
			cookie += strings.Repeat("A", 4096)
		}
		want := specOpen(c, cookie)
		wantOutcome := string(want.outcome)
		if want.reason != "" {
			wantOutcome += "/" + want.reason
		}
		value, meta, err := nativeCodec.DecodeSession(c.name, cookie, 0)
		got := specOutcomeOf(err)
		seen[got]++
		if got != wantOutcome {
			t.Fatalf("case %d: package codec: %s (%v); FORMAT.md reader: %s\ncookie %s\npayload %x", i, got, err, wantOutcome, cookie, payload)
		}
		if err != nil {
			continue
		}
		if meta.KeyIndex != want.keyIndex {
			t.Fatalf("case %d: key index %d, FORMAT.md reader %d", i, meta.KeyIndex, want.keyIndex)
		}
		// The serializer writes keys sorted and once: for such payloads the
		// FORMAT.md reader's JSON text is what package codec's value
		// marshals to.
		_, tree, _ := specBinaryToJSON(want.payload)
		if !specSortedOnce(tree) {
			continue
		}
		text, err := ser.Marshal(value)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if string(text) != want.json {
			t.Fatalf("case %d: package codec's value marshals to\n%s\nthe FORMAT.md reader's text is\n%s", i, text, want.json)
		}
	}
}

// specSortedOnce reports whether every map in n has its keys in
// increasing order, each once.
func specSortedOnce(n *specNode) bool {
	for i := range n.items {
		if !specSortedOnce(&n.items[i]) {
			return false
		}
	}
	for i := 1; i < len(n.keys); i++ {
		if n.keys[i-1] >= n.keys[i] {
			return false
		}
	}
	return true
}

// idText returns the key id as 8 lowercase hex digits.
func (k specKey) idText() string { return fmt.Sprintf("%08x", k.id) }
