package pyliteral

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cookiecodec/cookiecodec/serializer"
)

// MaxDepth is how deeply Value lets brackets nest: 200, CPython's own
// limit ("too many nested parentheses").
const MaxDepth = 200

// Error is text that Value cannot read, or a value that Flask's session
// serializer cannot write. Line and Column (in bytes) are 1-based and
// count in the text as given.
type Error struct {
	Line, Column int
	Msg          string
}

func (e *Error) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// Value reads text as one Python literal, the way ast.literal_eval reads
// the session that flask-unsign's --sign --cookie takes, such as
// {'user': 'admin', 'roles': ('a', 'b'), 'fresh': True}, and returns it in
// the value model of package serializer:
//
//	dict        map[string]any (a repeated key keeps its last value)
//	list        []any
//	tuple       serializer.Tuple (a bare 1, 2 at the top level too)
//	str         string
//	bytes       []byte
//	int         int64, or *big.Int when it does not fit
//	float       float64 (1e400 is +Inf, as in Python)
//	True False  bool
//	None        nil
//
// Everything literal_eval reads is read the same, including comments,
// line breaks inside brackets, trailing commas, implicit string
// concatenation, unary signs, underscores in numbers and leading zeros in
// floats. What Flask's session serializer cannot write is an *Error:
// sets, complex numbers, Ellipsis, and ints of more than 4300 decimal
// digits, which Python refuses to print. Three things Flask would write
// are refused on purpose:
//
//   - dict keys that are not str: json.dumps would turn 1 into "1", so
//     the session would come back with a str key (and it sorts such keys
//     as numbers);
//   - a str holding a lone surrogate such as '\ud800', which a Go string
//     cannot hold;
//   - \N{NAME} escapes (no Unicode name table here).
//
// Brackets nested deeper than [MaxDepth] are refused, as Python refuses
// them. (Package serializer then writes 256 levels at most, where a tuple
// takes two.)
//
// Value's work is linear in the length of text, apart from converting
// ints of up to 4300 digits.
func Value(text string) (any, error) {
	p := &parser{}
	if i := strings.IndexByte(text, 0); i >= 0 {
		return nil, p.errorAt(text, i, "a NUL byte: Python cannot read it as source")
	}
	if !utf8.ValidString(text) {
		i := 0
		for i < len(text) {
			r, n := utf8.DecodeRuneInString(text[i:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			i += n
		}
		return nil, p.errorAt(text, i, "not UTF-8")
	}
	// literal_eval strips leading spaces and tabs; Python reads CR LF and
	// a lone CR as a line break.
	trimmed := strings.TrimLeft(text, " \t")
	p.lead = len(text) - len(trimmed)
	p.s = strings.ReplaceAll(strings.ReplaceAll(trimmed, "\r\n", "\n"), "\r", "\n")
	if err := p.blankLines(true); err != nil {
		return nil, err
	}
	if p.pos == len(p.s) {
		return nil, p.errorf("no value")
	}
	v, _, err := p.expr(true)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos < len(p.s) {
		if p.s[p.pos] != '\n' {
			return nil, p.errorf("unexpected %s after the value", p.describe())
		}
		p.pos++
		if err := p.blankLines(false); err != nil {
			return nil, err
		}
		if p.pos < len(p.s) {
			return nil, p.errorf("a second line of code after the value")
		}
	}
	if u, ok := firstUnwritable(v); ok {
		return nil, p.errorAt(p.s, u.at, u.msg)
	}
	return v, nil
}

// parser reads the text of Value: s is the text with its leading spaces
// and tabs (lead bytes) removed and line breaks made LF.
type parser struct {
	s     string
	pos   int
	lead  int
	depth int // open brackets
}

// blankLines skips lines that hold only white space and comments, at
// the start of the text (leading) or after the value. Python refuses an
// indented line there that is not blank, and, after the value, a last
// line of indentation alone.
func (p *parser) blankLines(leading bool) error {
	joined := false // the line continues one that ended in a backslash
	for p.pos < len(p.s) {
		start := p.pos
		indent := 0
		for p.pos < len(p.s) {
			c := p.s[p.pos]
			if c == '\f' {
				indent = 0
			} else if c == ' ' || c == '\t' {
				indent++
			} else {
				break
			}
			p.pos++
		}
		switch {
		case p.pos == len(p.s):
			if indent > 0 && !leading {
				return p.errorf("unexpected indent")
			}
		case p.s[p.pos] == '#':
			p.skipComment()
		case p.s[p.pos] == '\\' && p.pos+1 < len(p.s) && p.s[p.pos+1] == '\n':
			if !leading {
				return p.errorf("a line-joining backslash after the value")
			}
			p.pos += 2
			joined = true
			continue // the next line is part of this one
		case p.s[p.pos] == '\n':
		default:
			if indent > 0 && !joined {
				return p.errorf("unexpected indent")
			}
			if !leading {
				p.pos = start
			}
			return nil // the line of the value
		}
		if p.pos < len(p.s) {
			p.pos++ // the line break
		}
		joined = false
	}
	return nil
}

func (p *parser) skipComment() {
	if i := strings.IndexByte(p.s[p.pos:], '\n'); i >= 0 {
		p.pos += i
	} else {
		p.pos = len(p.s)
	}
}

// space skips what may separate two tokens: spaces, tabs, form feeds,
// comments, line-joining backslashes and, inside brackets, line breaks.
func (p *parser) space() {
	for p.pos < len(p.s) {
		switch c := p.s[p.pos]; {
		case c == ' ' || c == '\t' || c == '\f':
			p.pos++
		case c == '#':
			p.skipComment()
		case c == '\\' && p.pos+2 < len(p.s) && p.s[p.pos+1] == '\n':
			// Python refuses a joining backslash on the last line, so
			// it is left for the caller to refuse.
			p.pos += 2
		case c == '\n' && p.depth > 0:
			p.pos++
		default:
			return
		}
	}
}

// kind says what an operand is, for the few operations literal_eval
// reads: a sign before a number, and a real number plus or minus an
// imaginary one. Parentheses keep the kind of what they hold.
type kind int

const (
	kindOther  kind = iota
	kindNumber      // an int or float literal without a sign
	kindSigned      // an int or float literal with one sign
	kindImag        // an imaginary literal without a sign
)

// unwritable stands, while parsing, for a value literal_eval makes but
// Flask's session serializer cannot write: a set, a complex number,
// Ellipsis, or a dict with a key that is not a str. Python fails only
// when it writes the session, so a repeated key after it can still drop
// it; Value refuses the ones that remain.
type unwritable struct {
	at       int
	msg      string
	hashable bool
}

// expr reads one expression; bare says whether a tuple without
// parentheses may start here (at the top level and inside parentheses).
func (p *parser) expr(bare bool) (any, kind, error) {
	v, k, err := p.operand()
	if err != nil || !bare {
		return v, k, err
	}
	p.space()
	if p.pos == len(p.s) || p.s[p.pos] != ',' {
		return v, k, nil
	}
	items := serializer.Tuple{v}
	for {
		p.pos++ // the comma
		p.space()
		if p.pos == len(p.s) || strings.IndexByte(",)]}:\n", p.s[p.pos]) >= 0 {
			return items, kindOther, nil // a trailing comma, or the end
		}
		v, _, err := p.operand()
		if err != nil {
			return nil, kindOther, err
		}
		items = append(items, v)
		p.space()
		if p.pos == len(p.s) || p.s[p.pos] != ',' {
			return items, kindOther, nil
		}
	}
}

// operand reads one value: an atom, or a real number plus or minus an
// imaginary one.
func (p *parser) operand() (any, kind, error) {
	p.space()
	if p.pos == len(p.s) {
		return nil, kindOther, p.errorf("unexpected end of the text")
	}
	start := p.pos
	v, k, err := p.atom()
	if err != nil {
		return nil, kindOther, err
	}
	p.space()
	if p.pos == len(p.s) || (p.s[p.pos] != '+' && p.s[p.pos] != '-') {
		return v, k, nil
	}
	p.pos++
	p.space()
	right := kindOther
	if p.pos < len(p.s) {
		if _, right, err = p.atom(); err != nil {
			return nil, kindOther, err
		}
	}
	if (k != kindNumber && k != kindSigned) || right != kindImag {
		return nil, kindOther, p.errorAt(p.s, start, "an operation: literal_eval reads no arithmetic but a real number plus or minus an imaginary one")
	}
	return unwritable{at: start, msg: msgComplex, hashable: true}, kindOther, nil
}

const msgComplex = "a complex number: Flask's session serializer cannot write one"

// atom reads a value that is not an operation.
func (p *parser) atom() (any, kind, error) {
	switch c := p.s[p.pos]; {
	case c == '{':
		return p.brace()
	case c == '[':
		return p.list()
	case c == '(':
		return p.paren()
	case c == '+' || c == '-':
		return p.signed()
	case strings.HasPrefix(p.s[p.pos:], "..."):
		at := p.pos
		p.pos += 3
		return unwritable{at: at, msg: "Ellipsis (...): Flask's session serializer cannot write it", hashable: true}, kindOther, nil
	case c >= '0' && c <= '9' || c == '.':
		return p.number()
	case c == '\'' || c == '"' || isNameStart(c):
		v, err := p.stringOrName()
		return v, kindOther, err
	}
	return nil, kindOther, p.errorf("unexpected %s", p.describe())
}

// signed reads a + or - before a number, as literal_eval allows: once,
// and only before an int, float or imaginary literal (parentheses around
// it do not count).
func (p *parser) signed() (any, kind, error) {
	start := p.pos
	neg := p.s[p.pos] == '-'
	p.pos++
	p.space()
	if p.pos == len(p.s) {
		return nil, kindOther, p.errorf("unexpected end of the text")
	}
	if c := p.s[p.pos]; c == '+' || c == '-' {
		// Refused before reading on, so that a run of signs is not
		// read by recursion.
		return nil, kindOther, p.errorAt(p.s, start, "a sign before something that is not a number")
	}
	v, k, err := p.atom()
	if err != nil {
		return nil, kindOther, err
	}
	switch k {
	case kindImag:
		return v, kindOther, nil // still complex
	case kindNumber:
		if neg {
			v = negate(v)
		}
		return v, kindSigned, nil
	}
	return nil, kindOther, p.errorAt(p.s, start, "a sign before something that is not a number")
}

func (p *parser) open() error {
	if p.depth >= MaxDepth {
		return p.errorf("brackets nested more than %d deep", MaxDepth)
	}
	p.depth++
	p.pos++
	return nil
}

func (p *parser) close() {
	p.depth--
	p.pos++
}

// list reads [a, b, ...].
func (p *parser) list() (any, kind, error) {
	if err := p.open(); err != nil {
		return nil, kindOther, err
	}
	items := []any{}
	for {
		p.space()
		if p.pos < len(p.s) && p.s[p.pos] == ']' {
			p.close()
			return items, kindOther, nil
		}
		v, _, err := p.operand()
		if err != nil {
			return nil, kindOther, err
		}
		items = append(items, v)
		if err := p.separator(']'); err != nil {
			return nil, kindOther, err
		}
	}
}

// separator expects a comma or the closing bracket after an item, and
// consumes the comma.
func (p *parser) separator(closing byte) error {
	p.space()
	switch {
	case p.pos == len(p.s):
		return p.errorf("unexpected end of the text: want , or %c", closing)
	case p.s[p.pos] == ',':
		p.pos++
		return nil
	case p.s[p.pos] == closing:
		return nil
	}
	return p.errorf("unexpected %s: want , or %c", p.describe(), closing)
}

// paren reads (), (a) (just a, of a's kind), (a,) and (a, b, ...).
func (p *parser) paren() (any, kind, error) {
	if err := p.open(); err != nil {
		return nil, kindOther, err
	}
	p.space()
	if p.pos < len(p.s) && p.s[p.pos] == ')' {
		p.close()
		return serializer.Tuple{}, kindOther, nil
	}
	v, k, err := p.expr(true)
	if err != nil {
		return nil, kindOther, err
	}
	p.space()
	if p.pos == len(p.s) || p.s[p.pos] != ')' {
		return nil, kindOther, p.errorf("unexpected %s: want , or )", p.describe())
	}
	p.close()
	return v, k, nil
}

// brace reads a dict {k: v, ...} or a set {a, b, ...}.
func (p *parser) brace() (any, kind, error) {
	open := p.pos
	if err := p.open(); err != nil {
		return nil, kindOther, err
	}
	p.space()
	if p.pos < len(p.s) && p.s[p.pos] == '}' {
		p.close()
		return map[string]any{}, kindOther, nil
	}
	m := map[string]any{}
	var badKey *unwritable // the first key that is not a str
	for i := 0; ; i++ {
		keyAt := p.pos
		k, err := p.hashableOperand()
		if err != nil {
			return nil, kindOther, err
		}
		p.space()
		if i == 0 && (p.pos == len(p.s) || p.s[p.pos] != ':') {
			return p.set(open)
		}
		if p.pos == len(p.s) || p.s[p.pos] != ':' {
			return nil, kindOther, p.errorf("unexpected %s: want :", p.describe())
		}
		p.pos++
		v, _, err := p.operand()
		if err != nil {
			return nil, kindOther, err
		}
		if key, ok := k.(string); ok {
			m[key] = v // a repeated key keeps its last value
		} else if badKey == nil {
			badKey = &unwritable{at: keyAt, msg: fmt.Sprintf("a dict key that is not a str (%s): Flask would write it as a string, so the session would come back with a str key", typeName(k))}
		}
		if err := p.separator('}'); err != nil {
			return nil, kindOther, err
		}
		p.space()
		if p.pos < len(p.s) && p.s[p.pos] == '}' {
			p.close()
			if badKey != nil {
				return *badKey, kindOther, nil
			}
			return m, kindOther, nil
		}
	}
}

// set reads the rest of a set whose first item has been read.
func (p *parser) set(open int) (any, kind, error) {
	for {
		if err := p.separator('}'); err != nil {
			return nil, kindOther, err
		}
		p.space()
		if p.pos < len(p.s) && p.s[p.pos] == '}' {
			p.close()
			return unwritable{at: open, msg: "a set: Flask's session serializer cannot write one"}, kindOther, nil
		}
		if _, err := p.hashableOperand(); err != nil {
			return nil, kindOther, err
		}
	}
}

// hashableOperand reads a dict key or a set item, which Python must be
// able to hash.
func (p *parser) hashableOperand() (any, error) {
	at := p.pos
	v, _, err := p.operand()
	if err != nil {
		return nil, err
	}
	if !hashable(v) {
		return nil, p.errorAt(p.s, at, "a list, dict or set as a dict key or set item: Python cannot hash it")
	}
	return v, nil
}

// hashable reports whether Python can hash v: a dict key or a set item.
func hashable(v any) bool {
	switch v := v.(type) {
	case map[string]any, []any:
		return false
	case serializer.Tuple:
		for _, x := range v {
			if !hashable(x) {
				return false
			}
		}
	case unwritable:
		return v.hashable
	}
	return true
}

// firstUnwritable returns the unwritable value in v that comes first in
// the text, if any.
func firstUnwritable(v any) (unwritable, bool) {
	var first unwritable
	found := false
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case unwritable:
			if !found || v.at < first.at {
				first, found = v, true
			}
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		case serializer.Tuple:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
	return first, found
}

// stringOrName reads one or more adjacent string or bytes literals
// (joined, as Python does), or one of the names True, False and None, or
// set() (an empty set).
func (p *parser) stringOrName() (any, error) {
	start := p.pos
	end := p.pos
	for end < len(p.s) && isNameChar(p.s[end]) {
		end++
	}
	if end == len(p.s) || (p.s[end] != '\'' && p.s[end] != '"') {
		switch name := p.s[start:end]; name {
		case "True":
			p.pos = end
			return true, nil
		case "False":
			p.pos = end
			return false, nil
		case "None":
			p.pos = end
			return nil, nil
		case "set":
			p.pos = end
			p.space()
			if p.pos < len(p.s) && p.s[p.pos] == '(' {
				if err := p.open(); err != nil {
					return nil, err
				}
				p.space()
				if p.pos < len(p.s) && p.s[p.pos] == ')' {
					p.close()
					return unwritable{at: start, msg: "a set: Flask's session serializer cannot write one"}, nil
				}
			}
			return nil, p.errorAt(p.s, start, "the name set: only True, False, None and set() are literals")
		case "":
			return nil, p.errorf("unexpected %s", p.describe())
		default:
			return nil, p.errorAt(p.s, start, fmt.Sprintf("the name %s: only True, False, None and set() are literals", name))
		}
	}
	var out []byte
	isBytes := false
	for i := 0; ; i++ {
		at := p.pos
		v, b, n, ok := oneLiteral(p.s[p.pos:])
		if !ok {
			return nil, p.errorAt(p.s, at, "not a str or bytes literal (unterminated, a bad escape, \\N{NAME}, a lone surrogate, or a prefix such as f)")
		}
		if i > 0 && b != isBytes {
			return nil, p.errorAt(p.s, at, "str and bytes literals mixed")
		}
		isBytes = b
		out = append(out, v...)
		p.pos += n
		p.space()
		if p.pos == len(p.s) || !p.stringStarts() {
			break
		}
	}
	if isBytes {
		return out, nil
	}
	return string(out), nil
}

// stringStarts reports whether a string or bytes literal starts at pos.
func (p *parser) stringStarts() bool {
	i := p.pos
	for i < len(p.s) && i-p.pos < 3 && isNameChar(p.s[i]) {
		i++
	}
	return i < len(p.s) && (p.s[i] == '\'' || p.s[i] == '"')
}

// isNameStart and isNameChar are Python's identifier characters; any
// byte of a non-ASCII character counts, since such a name is an error
// here anyway.
func isNameStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isNameChar(c byte) bool { return isNameStart(c) || isDecimal(c) }

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "None"
	case bool:
		return "a bool"
	case int64, *big.Int:
		return "an int"
	case float64:
		return "a float"
	case []byte:
		return "bytes"
	case serializer.Tuple:
		return "a tuple"
	}
	return fmt.Sprintf("%T", v)
}

// describe names the character at pos for an error message.
func (p *parser) describe() string {
	if p.pos >= len(p.s) {
		return "end of the text"
	}
	r, _ := utf8.DecodeRuneInString(p.s[p.pos:])
	if r == '\n' {
		return "line break"
	}
	return strconv.QuoteRune(r)
}

func (p *parser) errorf(format string, args ...any) error {
	return p.errorAt(p.s, p.pos, fmt.Sprintf(format, args...))
}

// errorAt makes an *Error at byte offset i of s, which is either the
// text as given or p.s.
func (p *parser) errorAt(s string, i int, msg string) error {
	line := 1 + strings.Count(s[:i], "\n")
	col := i - strings.LastIndexByte(s[:i], '\n')
	if s == p.s && line == 1 {
		// p.s lost the leading spaces; turning CR LF into LF moved no
		// line and no column.
		col += p.lead
	}
	return &Error{Line: line, Column: col, Msg: msg}
}
