package serializer

import (
	"errors"
	"time"
)

// Flask's " d" tag holds an HTTP date (Werkzeug http_date):
// "Thu, 29 Feb 2024 23:59:58 GMT", always UTC, whole seconds.

const (
	dayNames   = "SunMonTueWedThuFriSat"
	monthNames = "JanFebMarAprMayJunJulAugSepOctNovDec"
)

var errTimeRange = errors.New("time outside years 1..9999 in UTC cannot be written as an HTTP date")

// appendHTTPDate appends t in UTC as Werkzeug's http_date writes it.
// Sub-second digits are truncated and the offset is lost, as in Flask.
func appendHTTPDate(dst []byte, t time.Time) ([]byte, error) {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 1 || year > 9999 {
		return dst, errTimeRange
	}
	hour, min, sec := t.Clock()
	wd := int(t.Weekday())
	m := int(month) - 1
	dst = append(dst, dayNames[wd*3:wd*3+3]...)
	dst = append(dst, ',', ' ', byte('0'+day/10), byte('0'+day%10), ' ')
	dst = append(dst, monthNames[m*3:m*3+3]...)
	dst = append(dst, ' ',
		byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), ' ',
		byte('0'+hour/10), byte('0'+hour%10), ':',
		byte('0'+min/10), byte('0'+min%10), ':',
		byte('0'+sec/10), byte('0'+sec%10))
	return append(dst, " GMT"...), nil
}

var errHTTPDate = errors.New("not an HTTP date (want \"Www, DD Mmm YYYY HH:MM:SS GMT\")")

// parseHTTPDate reads the date Flask writes, with the leniency of Python's
// email.utils that real Flask output could need and nothing more: the
// weekday is optional (and not checked against the date), the day may have
// one digit, month names are case-insensitive, and the zone may be GMT, UT,
// UTC, Z or a numeric offset +hhmm/-hhmm (kept, as Python keeps it).
//
// Deliberate deviations from Python: the year must have four digits and is
// taken literally (Python reads 0000-0099 as 2000-2068/1969-1999), and
// unparseable text is an error where Python silently returns None.
func parseHTTPDate(s string) (time.Time, error) {
	p := dateParser{s: s}
	if len(s) >= 5 && s[3] == ',' {
		if !p.weekday() {
			return time.Time{}, errHTTPDate
		}
		p.i = 4
		p.space()
	}
	// Python splits the text on whitespace, so the space between day,
	// month, year, time and zone is required: "13:01:13GMT" is None there.
	day, ok1 := p.digits(1, 2)
	sp1 := p.byte(' ')
	month, ok2 := p.month()
	sp2 := p.byte(' ')
	year, ok3 := p.digits(4, 4)
	sp3 := p.byte(' ')
	hour, ok4 := p.digits(2, 2)
	ok5 := p.byte(':')
	min, ok6 := p.digits(2, 2)
	ok7 := p.byte(':')
	sec, ok8 := p.digits(2, 2)
	sp4 := p.byte(' ')
	off, ok9 := p.zone()
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7 && ok8 && ok9 && sp1 && sp2 && sp3 && sp4) || p.i != len(s) {
		return time.Time{}, errHTTPDate
	}
	if year < 1 || day < 1 || day > daysIn(time.Month(month), year) || hour > 23 || min > 59 || sec > 59 {
		return time.Time{}, errHTTPDate
	}
	loc := time.UTC
	if off != 0 {
		loc = time.FixedZone("", off)
	}
	return time.Date(year, time.Month(month), day, hour, min, sec, 0, loc), nil
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

type dateParser struct {
	s string
	i int
}

func (p *dateParser) weekday() bool {
	for i := 0; i < len(dayNames); i += 3 {
		if equalFoldASCII(p.s[:3], dayNames[i:i+3]) {
			return true
		}
	}
	return false
}

func (p *dateParser) space() {
	if p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

func (p *dateParser) byte(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *dateParser) digits(min, max int) (int, bool) {
	n, v := 0, 0
	for p.i < len(p.s) && n < max && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		v = v*10 + int(p.s[p.i]-'0')
		p.i++
		n++
	}
	return v, n >= min
}

func (p *dateParser) month() (int, bool) {
	if p.i+3 > len(p.s) {
		return 0, false
	}
	w := p.s[p.i : p.i+3]
	for m := 0; m < 12; m++ {
		if equalFoldASCII(w, monthNames[m*3:m*3+3]) {
			p.i += 3
			return m + 1, true
		}
	}
	return 0, false
}

// zone returns the offset east of UTC in seconds.
func (p *dateParser) zone() (int, bool) {
	rest := p.s[p.i:]
	switch {
	case equalFoldASCII(rest, "GMT"), equalFoldASCII(rest, "UTC"):
		p.i += 3
		return 0, true
	case equalFoldASCII(rest, "UT"):
		p.i += 2
		return 0, true
	case rest == "Z":
		p.i++
		return 0, true
	case len(rest) == 5 && (rest[0] == '+' || rest[0] == '-'):
		p.i++
		hh, ok1 := p.digits(2, 2)
		mm, ok2 := p.digits(2, 2)
		if !ok1 || !ok2 || hh > 23 || mm > 59 {
			return 0, false
		}
		off := hh*3600 + mm*60
		if rest[0] == '-' {
			off = -off
		}
		return off, true
	}
	return 0, false
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i]|0x20, b[i]|0x20
		if x != y {
			return false
		}
	}
	return true
}
