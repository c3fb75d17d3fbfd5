package codec

import (
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/serializer"
	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/securecookie"
)

// TestNativeRoundTripValues: every value type of the serializer's model, in
// every mode, with and without compression and padding, comes back as the
// serializer decodes it.
func TestNativeRoundTripValues(t *testing.T) {
	big1, _ := new(big.Int).SetString("123456789012345678901234567890", 10)
	zone := time.FixedZone("", 5*3600+30*60)
	when := time.Date(2024, 2, 29, 23, 59, 58, 123456789, zone)
	uuid := serializer.UUID{0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78}
	cases := []struct {
		name    string
		in, out any
	}{
		{"nil", nil, nil},
		{"bool", true, true},
		{"int", 42, int64(42)},
		{"negative int64", int64(math.MinInt64), int64(math.MinInt64)},
		{"big int", big1, big1},
		{"float", 1.5, 1.5},
		{"string", "héllo \u2028 \U0001F600 \x00", "héllo \u2028 \U0001F600 \x00"},
		{"bytes", []byte{0, 1, 2, 255}, []byte{0, 1, 2, 255}},
		{"tuple", serializer.Tuple{1, "a"}, serializer.Tuple{int64(1), "a"}},
		{"markup", serializer.Markup("<b>x</b>"), serializer.Markup("<b>x</b>")},
		{"uuid", uuid, uuid},
		{"time with nanoseconds and offset", when, when},
		{"list", []any{1, "x", nil}, []any{int64(1), "x", nil}},
		{"session S", sessionS(), sessionS()},
		{"session L", sessionL(), sessionL()},
		{"tag-like key", map[string]any{" t": 1}, map[string]any{" t": int64(1)}},
	}
	// Sizes: strings from empty to close to the cookie limit.
	for _, size := range []int{0, 1, 15, 16, 17, 100, 1000, 2900} {
		s := strings.Repeat("z", size)
		cases = append(cases, struct {
			name    string
			in, out any
		}{"string of " + itoa(size), s, s})
	}
	const large = 16 << 10 // session L is over 4 KiB uncompressed
	configs := []NativeOptions{{MaxCookieSize: large}, {MaxCookieSize: large, Compression: CompressWhenSmaller()}, {MaxCookieSize: large, Padding: 64}, {MaxCookieSize: large, Compression: CompressAlways(), Padding: 1024}}
	for _, mode := range allModes {
		for _, opts := range configs {
			n, _ := newTestNative(t, mode, opts)
			for _, tc := range cases {
				c, m, err := n.EncodeSession("session", tc.in, Meta{}, 0)
				if err != nil {
					t.Fatalf("%v %+v %s: %v", mode, opts, tc.name, err)
				}
				v, m2, err := n.DecodeSession("session", c, 0)
				if err != nil {
					t.Fatalf("%v %s: %v", mode, tc.name, err)
				}
				if diff := cmp.Diff(tc.out, v, cmp.Comparer(func(a, b *big.Int) bool { return a.Cmp(b) == 0 }), cmp.Comparer(func(a, b time.Time) bool {
					return a.Equal(b) && a.Format(time.RFC3339Nano) == b.Format(time.RFC3339Nano)
				})); diff != "" {
					t.Errorf("%v %s (-want +got):\n%s", mode, tc.name, diff)
				}
				if m != m2 {
					t.Errorf("%v %s: encode meta %+v, decode meta %+v", mode, tc.name, m, m2)
				}
				if opts.Padding > 0 {
					h, _ := Inspect(c)
					if !h.Padded || h.BodySize%opts.Padding != 0 {
						t.Errorf("%v %s: body %d not padded to %d", mode, tc.name, h.BodySize, opts.Padding)
					}
				}
			}
		}
	}
}

// TestNativeSizeLimit: the limit applies to name+value of the final cookie,
// reports both sizes, and can be lowered per call.
func TestNativeSizeLimit(t *testing.T) {
	n, _ := newTestNative(t, XChaCha20Poly1305, NativeOptions{})
	c, _, err := n.EncodeSession("session", sessionS(), Meta{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	size := len("session") + len(c)
	if _, _, err := n.EncodeSession("session", sessionS(), Meta{}, size); err != nil {
		t.Fatalf("exactly at the limit: %v", err)
	}
	_, _, err = n.EncodeSession("session", sessionS(), Meta{}, size-1)
	tl, ok := err.(*TooLargeError)
	if !ok || tl.Size != size || tl.Limit != size-1 {
		t.Fatalf("err = %#v", err)
	}
	if _, _, err := n.DecodeSession("session", c, size-1); !isTooLarge(err) {
		t.Fatalf("decode over a per-call limit: %v", err)
	}
	big := strings.Repeat("x", 4096)
	if _, _, err := n.EncodeSession("session", big, Meta{}, 0); !isTooLarge(err) {
		t.Fatalf("4 KiB value: %v", err)
	}
}

func isTooLarge(err error) bool { _, ok := err.(*TooLargeError); return ok }

// TestNativeEncodeAllocs: encoding session S allocates at most 4 times
// (the requirement); it is 1 today, the result string.
func TestNativeEncodeAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items at random under the race detector; CI runs this test without -race")
	}
	for _, mode := range allModes {
		n, _ := newTestNative(t, mode, NativeOptions{})
		v := sessionS()
		allocs := testing.AllocsPerRun(200, func() {
			if _, _, err := n.EncodeSession("session", v, Meta{}, 0); err != nil {
				t.Fatal(err)
			}
		})
		if allocs > 4 {
			t.Errorf("%v: %.1f allocations per encode, want <= 4", mode, allocs)
		}
		t.Logf("%v: %.1f allocations per encode", mode, allocs)
	}
}

// TestNativeCookieShorterThanGorilla measures the cookie for session S in
// every mode against gorilla/securecookie with hash and AES-256 block keys
// and JSONEncoder, against the goal of issue 4: at least 25% shorter. The
// binary payload (203 bytes for S's 255 bytes of JSON) pays for the 35-byte
// header that gorilla does not carry; FORMAT.md gives the arithmetic.
func TestNativeCookieShorterThanGorilla(t *testing.T) {
	sc := securecookie.New([]byte("hash key of 32 bytes for gorilla"), []byte("block key of 32 bytes for gorill"))
	sc.SetSerializer(securecookie.JSONEncoder{})
	g, err := sc.Encode("session", sessionS())
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range allModes {
		n, _ := newTestNative(t, mode, NativeOptions{})
		c, _, err := n.EncodeSession("session", sessionS(), Meta{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%v: %d chars, gorilla %d: %.1f%% shorter", mode, len(c), len(g), 100*(1-float64(len(c))/float64(len(g))))
		if 4*len(c) > 3*len(g) {
			t.Errorf("%v cookie (%d) not 25%% shorter than gorilla's (%d)", mode, len(c), len(g))
		}
	}
}
