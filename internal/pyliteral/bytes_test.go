package pyliteral

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec/internal/pyflask"
)

// TestBytesCases pins the reading of a few lines whose value is
// known, among them the two forms the doc comment says are not read.
func TestBytesCases(t *testing.T) {
	for _, tt := range []struct {
		line string
		want string // "" with ok false
		ok   bool
	}{
		{`'secret'`, "secret", true},
		{`"it's"`, "it's", true},
		{`  'padded'  `, "padded", true},
		{`b'\xd2U\x8d'`, "\xd2U\x8d", true},
		{`'\xff'`, "\u00ff", true}, // a str: U+00FF, two bytes in UTF-8
		{`'é\u00e9\U0001F600'`, "éé😀", true},
		{`'covid19'   # Used to encrypt session data.`, "covid19", true},
		{`'a' "b"'c'`, "abc", true},
		{`r'\n'`, `\n`, true},
		{`b'\400'`, "\x00", true}, // octal beyond a byte wraps, as in Python
		{`'\d'`, `\d`, true},      // unknown escapes keep their backslash
		{`''`, "", true},
		{`'''it's'''`, "it's", true},
		{`secret`, "", false},
		{`12345`, "", false}, // a number: flask-unsign crashes on it; the raw line is tried
		{`'unterminated`, "", false},
		{`'a' b'b'`, "", false},
		{`b'é'`, "", false},
		{`'\ud800'`, "", false},
		{`'\x4'`, "", false},
		{`'\UFFFFFFFF'`, "", false}, // beyond Unicode, and beyond a rune
		{`'\U80000041'`, "", false},
		{`f'x'`, "", false},
		{`'\N{BULLET}'`, "", false}, // Python reads it; not here
		{`('a')`, "", false},        // Python reads it; not here
		{"'a\x00'", "", false},
		{"'\xff'", "", false}, // not UTF-8
	} {
		got, ok := Bytes([]byte(tt.line))
		if ok != tt.ok || string(got) != tt.want {
			t.Errorf("Bytes(%q) = %q, %v; want %q, %v", tt.line, got, ok, tt.want, tt.ok)
		}
	}
}

// pythonReads is what flask-unsign does with a wordlist line: decode it as
// UTF-8, strip it, literal_eval it and, for a str, encode it as
// itsdangerous does. It prints "+HEX" for a str or bytes value and "-"
// for anything else (an error, a number, a str UTF-8 cannot encode).
// The first line of its input is a count n: it first prints n lines of
// repr() of random str and bytes values (seeded), which it also reads.
const pythonReads = `
import ast, random, sys, warnings
warnings.simplefilter("ignore")
data = sys.stdin.buffer.read().split(b"\n")
n, seed = (int(x) for x in data[0].split())
rng = random.Random(seed)
alphabet = [chr(c) for c in range(0, 0x250)] + ["'", '"', "\\", "😀", "\u2028", "\ufeff", "\U0010ffff", "\ud800"]
reprs = []
for i in range(n):
    if i % 2:
        v = bytes(rng.randrange(256) for _ in range(rng.randrange(40)))
    else:
        v = "".join(rng.choice(alphabet) for _ in range(rng.randrange(40)))
    reprs.append(repr(v).encode("utf-8", "surrogatepass"))
out = []
for line in reprs + data[1:]:
    try:
        v = ast.literal_eval(line.decode().strip())
        if isinstance(v, str):
            v = v.encode()
        if not isinstance(v, bytes):
            raise ValueError
        out.append("+" + v.hex())
    except Exception:
        out.append("-")
for r in reprs:
    print(r.hex())
print("\n".join(out))
`

// soupTokens are the pieces random lines are made of: what a Python
// literal's reading turns on.
var soupTokens = []string{
	"x", "y", "z", "abc", "0", " ", "\\\r",
	`'`, `"`, `'''`, `"""`, `\`, `\\`, `\'`, `\"`, `\x`, `\x4`, `\xff`, `\xG1`, `\u`, `\u00e9`, `\ud800`,
	`\U0001F600`, `\U00110000`, `\UFFFFFFFF`, `\U80000041`, `\N{BULLET}`, `\0`, `\7`, `\777`, `\400`, `\8`, `\n`, `\t`, `\d`,
	`b`, `B`, `r`, `R`, `u`, `U`, `f`, `rb`, `Br`, `ur`, `a`, `z`, `1`, `0x1`, ` `, "\t", "\f", "\v",
	"\r", `#`, `(`, `)`, `+`, `é`, `😀`, "\x01", "\x1c", "\u00a0", "\u2003", "\ufeff", "\x00", "\xff",
}

// TestBytesMatchesPython checks Bytes against the real
// Python (Debian's /usr/bin/python3) on repr() of random str and bytes
// values, the form of flask-unsign's wordlists, and on random lines made
// of soupTokens: both must read the same value or both refuse the line,
// except for the forms the doc comment names (notRead).
func TestBytesMatchesPython(t *testing.T) {
	const reprs, soups, seed = 3000, 60000, 7
	rng := rand.New(rand.NewPCG(seed, 1))
	lines := []string{}
	prefixes := []string{"", "", "b", "r", "u", "rb", "B", "R", "bR", "f", "x"}
	quotes := []string{`'`, `"`, `'''`, `"""`}
	tails := []string{"", "", " ", " # comment", "#", "\r# c", " \\\r'w'", "\r'v'", ` 'x'`, `"y"`, ` b'z'`, "\r", "\t ", ` x`, `'`}
	for i := range soups {
		var b strings.Builder
		if i%2 == 0 {
			// Half are literal-shaped: a prefix, a quote, a body of
			// tokens and a tail, so that escapes are read in valid lines.
			q := quotes[rng.IntN(len(quotes))]
			b.WriteString(prefixes[rng.IntN(len(prefixes))] + q)
			for range rng.IntN(8) {
				b.WriteString(soupTokens[rng.IntN(len(soupTokens))])
			}
			b.WriteString(q + tails[rng.IntN(len(tails))])
		} else {
			for range 1 + rng.IntN(7) {
				b.WriteString(soupTokens[rng.IntN(len(soupTokens))])
			}
		}
		lines = append(lines, b.String())
	}
	input := fmt.Sprintf("%d %d\n", reprs, seed) + strings.Join(lines, "\n")
	out := pyflask.RunScript(t, pythonReads, input)
	results := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(results) != 2*reprs+soups {
		t.Fatalf("python printed %d lines, want %d", len(results), 2*reprs+soups)
	}
	all := make([][]byte, 0, reprs+soups)
	for _, h := range results[:reprs] {
		r, err := hex.DecodeString(h)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, r)
	}
	for _, l := range lines {
		all = append(all, []byte(l))
	}
	var agreed, values, reprValues, known int
	for i, line := range all {
		want := results[reprs+i]
		got, ok := Bytes(line)
		gotText := "-"
		if ok {
			gotText = "+" + hex.EncodeToString(got)
		}
		switch {
		case gotText == want:
			agreed++
			if ok {
				values++
				if i < reprs {
					reprValues++
				}
			}
		case !ok && notRead(line):
			known++ // the forms Python reads and Bytes does not
		default:
			t.Errorf("line %q: Python %s, Go %s", line, want, gotText)
		}
	}
	t.Logf("%d lines: %d agree (%d values, %d of them from %d reprs), %d known differences (\\N{...}, parentheses, a comment or backslash first)", len(all), agreed, values, reprValues, reprs, known)
	// repr() of a str holding a lone surrogate is the only repr Python
	// reads and cannot encode; every other one must give a value.
	if reprValues < reprs*9/10 {
		t.Errorf("only %d of %d reprs read as values", reprValues, reprs)
	}
}

// notRead reports whether line has one of the forms Bytes's doc
// comment says it does not read.
func notRead(line []byte) bool {
	start := strings.TrimFunc(string(line), IsSpace)
	return bytes.Contains(line, []byte(`\N{`)) ||
		strings.HasPrefix(start, "(") || strings.HasPrefix(start, "#") || strings.HasPrefix(start, `\`)
}

// FuzzPythonLiteral reads arbitrary lines: Bytes never panics,
// and a value it returns reads back unchanged from a bytes literal that
// spells every byte as \xHH, followed by an empty bytes literal and a
// comment, which must not change it.
func FuzzPythonLiteral(f *testing.F) {
	for _, s := range []string{`'secret'`, `b'\xd2U'`, `'''a\'b'''`, `r'\n' 'x' # c`, "'a\\\r'", `'\777\x41\u00e9'`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		v, ok := Bytes(line)
		if !ok {
			return
		}
		var b strings.Builder
		b.WriteString("b'")
		for _, c := range v {
			fmt.Fprintf(&b, `\x%02x`, c)
		}
		b.WriteString("' b'' # again")
		back, ok := Bytes([]byte(b.String()))
		if !ok || !bytes.Equal(back, v) {
			t.Fatalf("%q read as %q, which spelled as %q reads as %q, %v", line, v, b.String(), back, ok)
		}
	})
}
