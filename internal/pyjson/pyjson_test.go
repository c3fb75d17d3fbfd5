package pyjson

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/cookiecodec/cookiecodec/internal/pyflask"
)

func TestAppendFloat(t *testing.T) {
	cases := []struct {
		f    float64
		want string
	}{
		{0, "0.0"},
		{math.Copysign(0, -1), "-0.0"},
		{1, "1.0"},
		{100, "100.0"},
		{0.1, "0.1"},
		{1.5, "1.5"},
		{-2.25, "-2.25"},
		{1e16, "1e+16"},
		{1e15, "1000000000000000.0"},
		{1.2345678901234568e+17, "1.2345678901234568e+17"},
		{0.0001, "0.0001"},
		{0.00012, "0.00012"},
		{1e-05, "1e-05"},
		{1e-07, "1e-07"},
		{1e22, "1e+22"},
		{0.30000000000000004, "0.30000000000000004"},
		{5e-324, "5e-324"},
		{math.MaxFloat64, "1.7976931348623157e+308"},
		{123456.789, "123456.789"},
		{9999999999999998, "9999999999999998.0"},
		{1.5e300, "1.5e+300"},
		{-1e100, "-1e+100"},
		{382160.5672028011, "382160.5672028011"},
		{math.NaN(), "NaN"},
		{math.Inf(1), "Infinity"},
		{math.Inf(-1), "-Infinity"},
	}
	for _, c := range cases {
		if got := string(AppendFloat(nil, c.f)); got != c.want {
			t.Errorf("AppendFloat(%v) = %q, want %q", c.f, got, c.want)
		}
	}
}

func TestAppendFloat32(t *testing.T) {
	cases := []struct {
		f    float32
		want string
	}{
		{0.1, "0.1"},
		{1, "1.0"},
		{1e20, "1e+20"},
		{3.4028235e38, "3.4028235e+38"},
	}
	for _, c := range cases {
		if got := string(AppendFloat32(nil, c.f)); got != c.want {
			t.Errorf("AppendFloat32(%v) = %q, want %q", c.f, got, c.want)
		}
	}
}

func TestAppendString(t *testing.T) {
	cases := []struct {
		s, want string
	}{
		{"", `""`},
		{"alice", `"alice"`},
		{"Jürgen 日本", `"J\u00fcrgen \u65e5\u672c"`},
		{"hi 😀", `"hi \ud83d\ude00"`},
		{"\x00\b\t\n\f\r\x1f\x7f\u2028 </x>&'\"\\/", `"\u0000\b\t\n\f\r\u001f\u007f\u2028 </x>&'\"\\/"`},
		{"\xff", `"\ufffd"`},
		{"a\xe2\x82", `"a\ufffd\ufffd"`},
		{"\U0010ffff", `"\udbff\udfff"`},
		{"\uffff", `"\uffff"`},
	}
	for _, c := range cases {
		if got := string(AppendString(nil, c.s)); got != c.want {
			t.Errorf("AppendString(%q) = %s, want %s", c.s, got, c.want)
		}
	}
}

func TestAppendInt(t *testing.T) {
	if got := string(AppendInt([]byte("x"), math.MinInt64)); got != "x-9223372036854775808" {
		t.Errorf("AppendInt = %s", got)
	}
}

func TestAppendNoAlloc(t *testing.T) {
	buf := make([]byte, 0, 256)
	n := testing.AllocsPerRun(100, func() {
		b := AppendString(buf[:0], "Jürgen 😀 \n")
		b = AppendFloat(b, 1.2345678901234568e+17)
		_ = AppendFloat(b, 0.0001)
	})
	if n != 0 {
		t.Errorf("allocs = %v, want 0", n)
	}
}

// TestAgainstPython has CPython's json (inside real Flask, via the oracle)
// re-write a list of random floats and strings that Go wrote: the texts must
// be identical, which checks float repr and ensure_ascii escaping on values
// no table lists.
func TestAgainstPython(t *testing.T) {
	o := pyflask.Require(t)
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	for round := 0; round < 4; round++ {
		buf := []byte{'['}
		for i := 0; i < 5000; i++ {
			if i > 0 {
				buf = append(buf, ',')
			}
			var f float64
			switch i % 4 {
			case 0:
				f = math.Float64frombits(r.Uint64())
			case 1:
				f = float64(r.Int64N(1<<53)) * math.Pow(10, float64(r.IntN(50)-25))
			case 2:
				f = float64(float32(r.NormFloat64()))
			default:
				f = r.Float64() * math.Pow(10, float64(r.IntN(40)-20))
			}
			buf = AppendFloat(buf, f)
			buf = append(buf, ',')
			rs := make([]rune, r.IntN(8))
			for j := range rs {
				switch r.IntN(4) {
				case 0:
					rs[j] = rune(r.IntN(0x80))
				case 1:
					rs[j] = rune(r.IntN(0x800))
				case 2:
					rs[j] = rune(0x10000 + r.IntN(0x100000))
				default:
					rs[j] = rune(r.IntN(0xd800))
				}
			}
			buf = AppendString(buf, string(rs))
		}
		buf = append(buf, ']')
		got, err := o.Roundtrip(string(buf))
		if err != nil {
			t.Fatal(err)
		}
		if got.Text != string(buf) {
			a, b := string(buf), got.Text
			i := 0
			for i < len(a) && i < len(b) && a[i] == b[i] {
				i++
			}
			lo := max(0, i-40)
			t.Fatalf("Python writes differently at byte %d:\n  go: %.80s\npython: %.80s", i, a[lo:], b[lo:])
		}
	}
}

// referenceString is AppendString written rune by rune from the rules of
// CPython's ensure_ascii encoder, as an oracle for the word-at-a-time scan.
func referenceString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r >= 0x10000:
			hi, lo := utf16.EncodeRune(r)
			fmt.Fprintf(&b, `\u%04x\u%04x`, hi, lo)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// TestAppendStringEveryBytePosition puts every byte value at every position
// of strings up to 20 bytes long, so that each byte meets the eight-byte
// test in every lane, next to word boundaries and in the byte-wise tail.
func TestAppendStringEveryBytePosition(t *testing.T) {
	for n := 1; n <= 20; n++ {
		for pos := range n {
			for c := range 256 {
				b := []byte(strings.Repeat("a", n))
				b[pos] = byte(c)
				s := string(b)
				if got, want := string(AppendString(nil, s)), referenceString(s); got != want {
					t.Fatalf("AppendString(%q) = %s, want %s", s, got, want)
				}
				wantPlain := pos
				if safe[c] {
					wantPlain = n
				}
				if got := Plain(s); got != wantPlain {
					t.Fatalf("Plain(%q) = %d, want %d", s, got, wantPlain)
				}
			}
		}
	}
	// Several unsafe bytes in one word, and multi-byte runes across words.
	for _, s := range []string{"\"\"\"\"\"\"\"\"\"", "ab\\\"\x00\x7f\x80cd", "aaaaaaaé", "aaaaaaa😀bbbbbbbb", "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7"} {
		if got, want := string(AppendString(nil, s)), referenceString(s); got != want {
			t.Errorf("AppendString(%q) = %s, want %s", s, got, want)
		}
	}
}
