package pyliteral

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec/internal/pyflask"

	"github.com/cookiecodec/cookiecodec/serializer"
)

// TestValueCases pins the reading of a few texts, and what a refusal
// names.
func TestValueCases(t *testing.T) {
	big1, _ := new(big.Int).SetString("-9223372036854775809", 10)
	tests := []struct {
		text string
		want any
		err  string // a part of the error message, when refused
	}{
		{text: `{'logged_in': True, 'user': "admin"}`, want: map[string]any{"logged_in": true, "user": "admin"}},
		{text: "  {\n  'a': (1,),\n  'b': [b'\\xff', None, -2.5e3, ()],  # comment\n}\n\n", want: map[string]any{
			"a": serializer.Tuple{int64(1)}, "b": []any{[]byte{0xff}, nil, -2500.0, serializer.Tuple{}}}},
		{text: `1, 'x'`, want: serializer.Tuple{int64(1), "x"}},
		{text: `(1)`, want: int64(1)},
		{text: `-(1_000)`, want: int64(-1000)},
		{text: `-9223372036854775808`, want: int64(math.MinInt64)},
		{text: `-9223372036854775809`, want: big1},
		{text: `0x_ff`, want: int64(255)},
		{text: `09.5`, want: 9.5},
		{text: `1e400`, want: math.Inf(1)},
		{text: `'a' r'\n' "b"`, want: `a\nb`},
		{text: `{'k': 1, 'k': 2}`, want: map[string]any{"k": int64(2)}},
		{text: "\\\n \n{}", want: map[string]any{}},
		{text: `{1, 2}`, err: "a set"},
		{text: `{1: 'a'}`, err: "dict key that is not a str (an int)"},
		{text: `1+2j`, err: "complex"},
		{text: `3j`, err: "complex"},
		{text: `-True`, err: "sign before something that is not a number"},
		{text: `--1`, err: "sign before something that is not a number"},
		{text: `...`, err: "Ellipsis"},
		{text: `set()`, err: "a set"},
		{text: `{"a": set(), "a": 1}`, want: map[string]any{"a": int64(1)}},
		{text: `{"a": {1: 2}, "a": ...}`, err: "Ellipsis"},
		{text: `{[1]: 2}`, err: "cannot hash"},
		{text: `{1, {2: 3}}`, err: "cannot hash"},
		{text: `1+2`, err: "an operation"},
		{text: `set`, err: "the name set"},
		{text: `01`, err: "leading zeros"},
		{text: `1__0`, err: "invalid decimal literal"},
		{text: `'a' b'b'`, err: "mixed"},
		{text: `'\N{BULLET}'`, err: "not a str or bytes literal"},
		{text: `'\ud800'`, err: "not a str or bytes literal"},
		{text: `f'x'`, err: "not a str or bytes literal"},
		{text: "1\n2", err: "a second line"},
		{text: "\n  1", err: "unexpected indent"},
		{text: "1 \\\n", err: "unexpected '\\\\'"},
		{text: "", err: "no value"},
		{text: "# only a comment", err: "no value"},
		{text: strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth), want: nil},
		{text: strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1), err: "nested more than 200"},
		{text: strings.Repeat("9", 4301), err: "more than 4300 digits"},
		{text: "0x1" + strings.Repeat("0", 3600), err: "more than 4300 decimal digits"},
		{text: "{'a': 1\x00}", err: "NUL"},
		{text: "{'a': '\xff'}", err: "not UTF-8"},
	}
	for _, tt := range tests {
		v, err := Value(tt.text)
		switch {
		case tt.err != "":
			var e *Error
			if err == nil || !errors.As(err, &e) || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Value(%q) = %#v, %v; want an *Error naming %q", tt.text, v, err, tt.err)
			}
		case err != nil:
			t.Errorf("Value(%q): %v", tt.text, err)
		case tt.want == nil: // only that it reads
		case !reflect.DeepEqual(v, tt.want):
			t.Errorf("Value(%q) = %#v, want %#v", tt.text, v, tt.want)
		}
	}
}

// TestValueErrorPosition checks that an error names the line and column
// of the text as given, leading spaces and CR LF line breaks included.
func TestValueErrorPosition(t *testing.T) {
	for _, tt := range []struct {
		text      string
		line, col int
	}{
		{"  {'a': x}", 1, 9},
		{"{\r\n 'a': 1,\r\n 'b' 2}", 3, 6},
		{"{\r 'a': 1,\r 'b': 0b2}", 3, 7},
	} {
		_, err := Value(tt.text)
		var e *Error
		if !errors.As(err, &e) || e.Line != tt.line || e.Column != tt.col {
			t.Errorf("Value(%q): %v; want line %d, column %d", tt.text, err, tt.line, tt.col)
		}
	}
}

// pythonSessions is run by Debian's python3. For each line of its input
// (hex of a text) it prints "+" and the hex of what Flask's session
// serializer writes for ast.literal_eval(text), inside a request as when
// Flask saves a session, or "-" when either step fails. The first input
// line is "n seed": before the results it prints n lines, the hex of
// repr() of random session-like values, which it also reads.
const pythonSessions = `
import ast, random, sys, warnings
warnings.simplefilter("ignore")
from flask import Flask
from flask.sessions import session_json_serializer
app = Flask("t")
app.test_request_context().push()
data = sys.stdin.read().split("\n")
n, seed = (int(x) for x in data[0].split())
rng = random.Random(seed)
chars = [chr(c) for c in range(0, 0x180)] + ["'", '"', "\\", "😀", "\u2028", "\U0010ffff"]
keys = ["a", "user", " t", " di", " b", " m", " u", " d", "t__", "", "é", "😀"]
def string():
    return "".join(rng.choice(chars) for _ in range(rng.randrange(12)))
def value(depth):
    k = rng.randrange(13 if depth < 4 else 8)
    if k == 0: return None
    if k == 1: return rng.random() < 0.5
    if k == 2: return rng.choice([0, 1, -1, 255, 2**63 - 1, -2**63, 2**63, -2**63 - 1, 10**40, -(7**500)]) + rng.randrange(-2, 3)
    if k == 3: return rng.choice([0.0, -0.0, 1.5, 1e16, 1e-5, 1e300 * 1e10, -1e300 * 1e10, 5e-324, 0.1 + 0.2, rng.random() * 10 ** rng.randrange(-30, 30)])
    if k == 4: return string()
    if k == 5: return bytes(rng.randrange(256) for _ in range(rng.randrange(10)))
    if k == 6: return rng.choice(keys)
    if k == 7: return ()
    if k in (8, 9): return {rng.choice(keys + [string()]): value(depth + 1) for _ in range(rng.randrange(5))}
    if k == 10: return [value(depth + 1) for _ in range(rng.randrange(4))]
    return tuple(value(depth + 1) for _ in range(rng.randrange(4)))
reprs = [repr({rng.choice(keys): value(0) for _ in range(rng.randrange(1, 6))}) for _ in range(n)]
out = []
for text in reprs + [bytes.fromhex(h).decode() for h in data[1:]]:
    try:
        out.append("+" + session_json_serializer.dumps(ast.literal_eval(text)).encode().hex())
    except Exception:
        out.append("-")
for r in reprs:
    print(r.encode().hex())
print("\n".join(out))
`

// TestValueMatchesFlask checks Value, then serializer.Marshal, against
// the real thing: Debian's python3 running ast.literal_eval and Flask's
// session serializer. It reads repr() of random session values (what a
// flask-unsign user pastes) and random texts from exprGen, which mixes
// Python's syntax with noise. Both must refuse a text or both write the
// same bytes, except for the refusals Value's doc comment lists.
func TestValueMatchesFlask(t *testing.T) {
	const reprs, generated, seed = 3000, 30000, 11
	rng := rand.New(rand.NewPCG(seed, 2))
	texts := make([]string, generated)
	for i := range texts {
		texts[i] = (&exprGen{rng: rng}).text()
	}
	// The limits, at and beyond the edge.
	for _, n := range []int{MaxDepth, MaxDepth + 1} {
		texts = append(texts, strings.Repeat("[", n)+strings.Repeat("]", n), strings.Repeat("(", n)+"1"+strings.Repeat(",)", n))
	}
	for _, n := range []int{4300, 4301} {
		texts = append(texts, strings.Repeat("7", n), "-"+strings.Repeat("7", n), "0"+strings.Repeat("_0", n-1))
	}
	for _, n := range []int{3570, 3571, 3572} {
		texts = append(texts, "0x"+strings.Repeat("f", n), "-0x8"+strings.Repeat("0", n-1))
	}
	var input strings.Builder
	fmt.Fprintf(&input, "%d %d", reprs, seed)
	for _, s := range texts {
		input.WriteString("\n" + hex.EncodeToString([]byte(s)))
	}
	out := pyflask.RunScript(t, pythonSessions, input.String())
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 2*reprs+len(texts) {
		t.Fatalf("python printed %d lines, want %d", len(lines), 2*reprs+len(texts))
	}
	all := make([]string, 0, reprs+len(texts))
	for _, h := range lines[:reprs] {
		r, err := hex.DecodeString(h)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, string(r))
	}
	all = append(all, texts...)
	var agreed, written, reprsWritten, known int
	for i, text := range all {
		want := lines[reprs+i]
		got, goErr := "-", error(nil)
		v, err := Value(text)
		if err == nil {
			var data []byte
			if data, err = serializer.Marshal(v); err == nil {
				got = "+" + hex.EncodeToString(data)
			}
		}
		goErr = err
		switch {
		case got == want:
			agreed++
			if got != "-" {
				written++
				if i < reprs {
					reprsWritten++
				}
			}
		case got == "-" && knownRefusal(text, goErr):
			known++
		default:
			w := want
			if b, err := hex.DecodeString(strings.TrimPrefix(want, "+")); err == nil && want != "-" {
				w = "+" + string(b)
			}
			t.Errorf("text %.300q: Flask %.300s; Go %.300s (%v)", text, w, got, goErr)
		}
	}
	t.Logf("%d texts: %d agree (%d written, %d of them from %d reprs), %d known refusals (non-str keys, lone surrogates, \\N{...}, nesting)", len(all), agreed, written, reprsWritten, reprs, known)
	if reprsWritten < reprs*8/10 {
		t.Errorf("only %d of %d reprs were written", reprsWritten, reprs)
	}
	if written < generated/10 {
		t.Errorf("only %d generated texts were written: the generator makes too little valid Python", written)
	}
}

// knownRefusal reports whether Value refused text for one of the reasons
// its doc comment gives for refusing what Flask would write: a dict key
// that is not a str, a string literal with \N{...} or a lone surrogate,
// or nesting deeper than the serializer writes.
func knownRefusal(text string, err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	lower := strings.ToLower(text)
	special := strings.Contains(text, `\N{`)
	for _, hi := range []string{"8", "9", "a", "b", "c", "d", "e", "f"} {
		special = special || strings.Contains(lower, `\ud`+hi)
	}
	return strings.Contains(msg, "dict key that is not a str") || errors.Is(err, serializer.ErrTooDeep) ||
		(special && strings.Contains(msg, "not a str or bytes literal"))
}

// exprGen writes random Python expressions: mostly well-formed literals
// laid out with random white space, comments and line breaks, with a
// little noise (a soup token in place of a value, a dropped bracket).
type exprGen struct {
	rng   *rand.Rand
	b     strings.Builder
	depth int
}

var genTokens = []string{
	"0", "1", "-1", "+1", "- 2", "00", "01", "0_0", "1_000", "1__0", "1_", "0x_1f", "0XFF", "0o17", "0b101", "0b2", "0x", "09.5",
	"09", ".5", "5.", "1.e5", "1e", "1e+5", "1e-5", "1E5_0", "1._5", "1e400", "-1e400", "1e-400", "3j", "1+2j", "-1-2j", "1 + 2",
	"9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "0x8000000000000000",
	"True", "False", "None", "true", "null", "...", "set()", "Ellipsis", "abc", "-True", "--1", "-(1)", "-(-1)", "+(2.5)",
	"'a'", `"b"`, "''", `'it\'s'`, `"\x41\u00e9\U0001F600"`, `'\101\0'`, `'\N{BULLET}'`, `'\ud800'`, `'\q'`, "'''x\ny'''",
	`"""a"b"""`, "r'\\n'", "R'\\x'", "u'x'", "U'y'", "b'\\xff'", "B'a'", "rb'\\d'", "bR'x'", "ub'x'", "f'x'", "'a' 'b'",
	"'a'r'b'", "b'a' b'c'", "'a' b'c'", "'a\\\nb'", "'é'", "'\\t'", "' t'", "' di'", "'t__'", "' b'", "'\\x00'",
	"()", "(,)", "[]", "[,]", "{}", "{,}", "{1}", "{1: 2}", "{'a': 1,}", "{'a' 1}", "{'a': }", "(1)", "(1,)", "((1,),)",
}

var genSpace = []string{"", "", "", " ", "  ", "\t", "\f", "\n", " # c\n", "\\\n", "\r\n", "\r", "#\n"}

func (g *exprGen) text() string {
	if g.rng.IntN(4) == 0 {
		g.b.WriteString(genSpace[g.rng.IntN(len(genSpace))])
	}
	switch g.rng.IntN(6) {
	case 0:
		g.value()
		g.b.WriteString(", ")
		g.value()
	default:
		g.dict()
	}
	if g.rng.IntN(4) == 0 {
		g.b.WriteString(genSpace[g.rng.IntN(len(genSpace))])
	}
	return g.b.String()
}

// space writes what may separate tokens: inside brackets any of
// genSpace, outside them no line break.
func (g *exprGen) space() {
	s := genSpace[g.rng.IntN(len(genSpace))]
	if g.depth == 0 && strings.ContainsAny(s, "\r\n") && g.rng.IntN(8) != 0 {
		s = " "
	}
	g.b.WriteString(s)
}

func (g *exprGen) value() {
	if g.depth > 6 || g.rng.IntN(3) > 0 {
		g.b.WriteString(genTokens[g.rng.IntN(len(genTokens))])
		return
	}
	switch g.rng.IntN(4) {
	case 0:
		g.dict()
	case 1:
		g.seq("[", "]")
	case 2:
		g.seq("(", ")")
	default:
		g.seq("(", ",)")
	}
}

func (g *exprGen) dict() {
	g.depth++
	g.b.WriteString("{")
	for i := range g.rng.IntN(4) {
		if i > 0 {
			g.b.WriteString(",")
		}
		g.space()
		if g.rng.IntN(8) == 0 {
			g.value() // mostly not a str
		} else {
			g.b.WriteString(strconv.Quote(fmt.Sprint("k", g.rng.IntN(5))))
		}
		g.space()
		g.b.WriteString(":")
		g.space()
		g.value()
	}
	if g.rng.IntN(4) == 0 {
		g.b.WriteString(",")
	}
	g.space()
	g.depth--
	if g.rng.IntN(30) > 0 {
		g.b.WriteString("}")
	}
}

func (g *exprGen) seq(open, close string) {
	g.depth++
	g.b.WriteString(open)
	for i := range g.rng.IntN(4) {
		if i > 0 {
			g.b.WriteString(",")
		}
		g.space()
		g.value()
	}
	g.space()
	g.depth--
	if g.rng.IntN(30) > 0 {
		g.b.WriteString(close)
	}
}

// FuzzPythonValue reads arbitrary text: Value never panics, a refusal
// is an *Error with a position, and a value it reads, written back as
// Python by Format, reads again as the same session text.
func FuzzPythonValue(f *testing.F) {
	for _, s := range []string{`{'a': (1, b'\xff'), 'b': [None, True, -2.5]}`, `1, 2,`, "{\n 'k': 0x_1f, # c\n}", `-(1e400)`,
		`'a' r'\n'`, `{' t': ()}`, `9223372036854775808`, "{1: 2}", "[(((1,),),)]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		v, err := Value(text)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Line < 1 || e.Column < 1 {
				t.Fatalf("%q: error %v is not an *Error with a position", text, err)
			}
			return
		}
		want, err := serializer.Marshal(v)
		if err != nil {
			return // nested too deeply for the serializer
		}
		again, err := Format(v)
		if err != nil {
			t.Fatalf("%q read as %#v, which Format cannot write: %v", text, v, err)
		}
		v2, err := Value(again)
		if err != nil {
			t.Fatalf("%q read as %#v; its repr %q: %v", text, v, again, err)
		}
		if got, err := serializer.Marshal(v2); err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%q read as %s; its repr %q reads as %s (%v)", text, want, again, got, err)
		}
	})
}

// TestValueHostile reads texts of 1 MiB made to be slow or deep: each is
// read or refused with an *Error, and none may recurse without bound (a
// stack overflow would crash the test) or take quadratic time (the test
// would time out).
func TestValueHostile(t *testing.T) {
	const n = 1 << 20
	for name, text := range map[string]string{
		"open brackets":    strings.Repeat("[", n),
		"open parentheses": strings.Repeat("(", n),
		"signs":            strings.Repeat("-", n) + "1",
		"decimal digits":   strings.Repeat("9", n),
		"zeros":            strings.Repeat("0", n),
		"hex digits":       "0x" + strings.Repeat("f", n),
		"float digits":     "0." + strings.Repeat("3", n),
		"concatenation":    strings.Repeat("'a'", n/3),
		"long string":      "'" + strings.Repeat(`\x41`, n/4) + "'",
		"comments":         "{" + strings.Repeat("#\n", n/2) + "}",
		"line joins":       strings.Repeat("\\\n", n/2) + "1",
		"tuple items":      strings.Repeat("1,", n/2),
		"set items":        "{" + strings.Repeat("(1,),", n/5) + "}",
		"repeated keys":    "{" + strings.Repeat("'k':1,", n/6) + "}",
	} {
		v, err := Value(text)
		var e *Error
		if err != nil && !errors.As(err, &e) {
			t.Errorf("%s: %v is not an *Error", name, err)
		}
		if err == nil && v == nil {
			t.Errorf("%s: no value and no error", name)
		}
	}
}
