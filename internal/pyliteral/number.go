package pyliteral

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// maxIntDigits is CPython's int_max_str_digits: Python refuses to read
// or write an int of more decimal digits, so Flask cannot write one.
const maxIntDigits = 4300

// number reads an int, float or imaginary literal.
func (p *parser) number() (any, kind, error) {
	start := p.pos
	s := p.s
	i := p.pos
	digits := func(ok func(byte) bool) bool { // digits with single underscores between them
		if i == len(s) || !ok(s[i]) {
			return false
		}
		for i < len(s) && ok(s[i]) {
			i++
			if i+1 < len(s) && s[i] == '_' && ok(s[i+1]) {
				i++
			}
		}
		return true
	}
	bad := func(what string) (any, kind, error) {
		return nil, kindOther, p.errorAt(s, start, "invalid "+what+" literal")
	}
	if s[i] == '0' && i+1 < len(s) && strings.IndexByte("xXoObB", s[i+1]) >= 0 {
		base, name, ok := 16, "hexadecimal", isHex
		switch s[i+1] {
		case 'o', 'O':
			base, name, ok = 8, "octal", isOctal
		case 'b', 'B':
			base, name, ok = 2, "binary", isBinary
		}
		i += 2
		if i < len(s) && s[i] == '_' {
			i++
		}
		if !digits(ok) || (i < len(s) && (isNameChar(s[i]) || s[i] == '.')) {
			return bad(name)
		}
		p.pos = i
		v, err := p.integer(s[start+2:i], base, start)
		return v, kindNumber, err
	}
	isFloat := false
	hasInt := digits(isDecimal)
	intText := s[start:i]
	if i < len(s) && s[i] == '.' {
		isFloat = true
		i++
		if i < len(s) && s[i] == '_' {
			return bad("decimal")
		}
		if !digits(isDecimal) && !hasInt {
			return nil, kindOther, p.errorf("unexpected .")
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		isFloat = true
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if !digits(isDecimal) {
			return bad("decimal")
		}
	}
	imag := i < len(s) && (s[i] == 'j' || s[i] == 'J')
	if imag {
		i++
	}
	if i < len(s) && (isNameChar(s[i]) || s[i] == '.') {
		return bad("decimal")
	}
	p.pos = i
	if imag {
		return unwritable{at: start, msg: msgComplex, hashable: true}, kindImag, nil
	}
	text := strings.ReplaceAll(s[start:i], "_", "")
	if isFloat {
		// ParseFloat gives ±Inf beyond the range and 0 below it, as
		// Python does.
		f, err := strconv.ParseFloat(text, 64)
		if err != nil && !isRangeError(err) {
			return bad("decimal")
		}
		return f, kindNumber, nil
	}
	if strings.Trim(intText, "0_") != "" && intText[0] == '0' {
		return nil, kindOther, p.errorAt(s, start, "leading zeros in a decimal integer")
	}
	v, err := p.integer(intText, 10, start)
	return v, kindNumber, err
}

// integer converts the digits (with underscores) of an int literal.
func (p *parser) integer(text string, base int, at int) (any, error) {
	text = strings.ReplaceAll(text, "_", "")
	if base == 10 && len(text) > maxIntDigits && strings.Trim(text, "0") != "" {
		return nil, p.errorAt(p.s, at, fmt.Sprintf("an int of more than %d digits: Python refuses to read it", maxIntDigits))
	}
	if n, err := strconv.ParseInt(text, base, 64); err == nil {
		return n, nil
	}
	b, ok := new(big.Int).SetString(text, base)
	if !ok {
		return nil, p.errorAt(p.s, at, "invalid integer literal")
	}
	// Python cannot print an int of more than 4300 decimal digits, so
	// Flask cannot write it; 14300 bits is already more.
	if b.BitLen() > 14300 || len(b.String()) > maxIntDigits {
		return nil, p.errorAt(p.s, at, fmt.Sprintf("an int of more than %d decimal digits: Flask's session serializer cannot write it", maxIntDigits))
	}
	return b, nil
}

func isRangeError(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func isDecimal(c byte) bool { return c >= '0' && c <= '9' }
func isOctal(c byte) bool   { return c >= '0' && c <= '7' }
func isBinary(c byte) bool  { return c == '0' || c == '1' }
func isHex(c byte) bool     { return hexDigit(c) >= 0 }

// negate returns -v for an int or float value.
func negate(v any) any {
	switch v := v.(type) {
	case int64:
		if v == math.MinInt64 {
			return new(big.Int).Neg(big.NewInt(v))
		}
		return -v
	case *big.Int:
		n := new(big.Int).Neg(v)
		if n.IsInt64() {
			return n.Int64()
		}
		return n
	case float64:
		return -v
	}
	return v
}
