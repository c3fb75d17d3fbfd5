package pyliteral

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/internal/pyflask"
	"github.com/cookiecodec/cookiecodec/serializer"
)

// TestFormatCases pins a few outputs and the values no literal spells.
func TestFormatCases(t *testing.T) {
	got, err := Format(map[string]any{"user": "admin", "ids": serializer.Tuple{int64(1)}, "ok": true, "raw": []byte("it's\x00"), "inf": math.Inf(-1), "f": 1e16})
	want := "{\n    'f': 1e+16,\n    'ids': (1,),\n    'inf': -1e999,\n    'ok': True,\n    'raw': b\"it's\\x00\",\n    'user': 'admin',\n}"
	if err != nil || got != want {
		t.Errorf("Format = %q, %v; want %q", got, err, want)
	}
	if got, err := Format(map[string]any{}); got != "{}" || err != nil {
		t.Errorf("Format({}) = %q, %v", got, err)
	}
	for _, v := range []any{math.NaN(), serializer.Markup("<b>"), time.Unix(0, 0), map[string]any{"a": []any{serializer.UUID{}}}} {
		if _, err := Format(v); !errors.Is(err, ErrNoLiteral) {
			t.Errorf("Format(%#v): %v, want ErrNoLiteral", v, err)
		}
	}
}

// pythonReprs is run by Debian's python3. For each input line (hex of a
// text) it prints "HEX1 HEX2": what Flask's session serializer writes for
// ast.literal_eval(text), inside a request, and repr() of that value.
const pythonReprs = `
import ast, sys
from flask import Flask
from flask.sessions import session_json_serializer
app = Flask("t")
app.test_request_context().push()
for h in sys.stdin.read().split():
    v = ast.literal_eval(bytes.fromhex(h).decode())
    print(session_json_serializer.dumps(v).encode().hex(), repr(v).encode().hex())
`

// TestFormatMatchesPython formats random values and has Debian's python3
// read each text with ast.literal_eval: Flask's serializer must write the
// value Go's writes, and repr() of it must be the one-line form Format
// writes inside a dict (floats that are infinite aside: repr's inf is no
// literal, so Format writes 1e999).
func TestFormatMatchesPython(t *testing.T) {
	const n = 3000
	rng := rand.New(rand.NewPCG(5, 3))
	values := make([]any, n)
	texts := make([]string, n)
	var input strings.Builder
	for i := range values {
		m := map[string]any{}
		for range 1 + rng.IntN(5) {
			m[randomString(rng)] = randomValue(rng, 0)
		}
		values[i] = m
		text, err := Format(m)
		if err != nil {
			t.Fatal(err)
		}
		texts[i] = text
		fmt.Fprintln(&input, hex.EncodeToString([]byte(text)))
	}
	lines := strings.Split(strings.TrimSuffix(pyflask.RunScript(t, pythonReprs, input.String()), "\n"), "\n")
	if len(lines) != n {
		t.Fatalf("python printed %d lines, want %d", len(lines), n)
	}
	reprsCompared := 0
	for i, line := range lines {
		fields := strings.Fields(line)
		flaskText, _ := hex.DecodeString(fields[0])
		repr, _ := hex.DecodeString(fields[1])
		want, err := serializer.Marshal(values[i])
		if err != nil {
			t.Fatal(err)
		}
		if string(flaskText) != string(want) {
			t.Errorf("%q: Flask writes %s, Go %s", texts[i], flaskText, want)
			continue
		}
		var b strings.Builder
		if err := writeLiteral(&b, values[i], "$"); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), "1e999") {
			continue
		}
		reprsCompared++
		if b.String() != string(repr) {
			t.Errorf("repr() is %s, Format writes %s", repr, b.String())
		}
	}
	if reprsCompared < n/2 {
		t.Errorf("only %d of %d reprs compared", reprsCompared, n)
	}
	t.Logf("%d values: Flask writes each as Go does; %d spelled exactly as repr() spells them", n, reprsCompared)
}

// randomRunes are what random strings are made of: quotes, escapes,
// controls, and non-ASCII characters repr() keeps or escapes.
var randomRunes = []rune("ab'\"\\ \n\r\t\x00\x1f\x7f\u0080\u009f\u00a0\u00ad\u00e9\u0100\u2028\u200b\u3000\ufeff\ufffd\U0001F600\U0010FFFF\U000E0001")

func randomString(rng *rand.Rand) string {
	var b strings.Builder
	for range rng.IntN(8) {
		b.WriteRune(randomRunes[rng.IntN(len(randomRunes))])
	}
	return b.String()
}

func randomValue(rng *rand.Rand, depth int) any {
	k := rng.IntN(11)
	if depth > 3 {
		k %= 7
	}
	switch k {
	case 0:
		return nil
	case 1:
		return rng.IntN(2) == 0
	case 2:
		if rng.IntN(4) == 0 {
			b, _ := new(big.Int).SetString("-123456789012345678901234567890", 10)
			return b
		}
		return rng.Int64() >> rng.IntN(64)
	case 3:
		return []float64{0, math.Copysign(0, -1), 1.5, 1e16, 1e-5, 0.1 + 0.2, 5e-324, math.Inf(1), math.Inf(-1), rng.NormFloat64() * 1e10}[rng.IntN(10)]
	case 4:
		return randomString(rng)
	case 5:
		p := make([]byte, rng.IntN(6))
		for i := range p {
			p[i] = []byte("a'\"\\\n\x00\x7f\xff")[rng.IntN(8)]
		}
		return p
	case 6:
		return serializer.Tuple{}
	case 7:
		t := serializer.Tuple{}
		for range rng.IntN(3) + 1 {
			t = append(t, randomValue(rng, depth+1))
		}
		return t
	case 8:
		l := []any{}
		for range rng.IntN(3) {
			l = append(l, randomValue(rng, depth+1))
		}
		return l
	default:
		m := map[string]any{}
		for range rng.IntN(3) {
			m[randomString(rng)] = randomValue(rng, depth+1)
		}
		return m
	}
}
