package serializer

import (
	"errors"
	"time"
)

// The native time tag (" dn") holds RFC 3339 text, and this file fixes
// its exact grammar, so that a reader in another language (FORMAT.md)
// accepts what package codec accepts and nothing else:
//
//	YYYY-MM-DDTHH:MM:SS[(.|,)digits](Z|+hh:mm|-hh:mm)
//
// with a year of 0001..9999 (Python has no year 0), a date that exists,
// hour ≤ 23, minute and second ≤ 59, and an offset of hh ≤ 23 and
// mm ≤ 59. Go's time.Parse alone takes more: a one-digit hour, year 0000,
// offsets up to +24:59, and +23:60, which it turns into +24:00.

var errNativeTime = errors.New("content is not RFC 3339 text (YYYY-MM-DDTHH:MM:SS, an optional fraction, then Z or ±hh:mm)")

// parseNativeTime reads the text of a " dn" tag.
func parseNativeTime(s string) (time.Time, error) {
	if !nativeTimeGrammar(s) {
		return time.Time{}, errNativeTime
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, errors.New("content is not a valid time (a date that does not exist, or hour, minute or second out of range)")
	}
	return t, nil
}

// nativeTimeGrammar reports whether s has the shape of the grammar above,
// with the year and offset ranges; time.Parse checks the rest.
func nativeTimeGrammar(s string) bool {
	const shape = "dddd-dd-ddTdd:dd:dd"
	if len(s) < len(shape)+1 {
		return false
	}
	for i := range len(shape) {
		if shape[i] == 'd' {
			if !isDigit(s[i]) {
				return false
			}
		} else if s[i] != shape[i] {
			return false
		}
	}
	if s[:4] == "0000" {
		return false
	}
	i := len(shape)
	if s[i] == '.' || s[i] == ',' {
		i++
		start := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == start {
			return false
		}
	}
	zone := s[i:]
	if zone == "Z" {
		return true
	}
	if len(zone) != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':' ||
		!isDigit(zone[1]) || !isDigit(zone[2]) || !isDigit(zone[4]) || !isDigit(zone[5]) {
		return false
	}
	return (zone[1]-'0')*10+zone[2]-'0' <= 23 && (zone[4]-'0')*10+zone[5]-'0' <= 59
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

// nativeTimeForm returns t as the " dn" tag writes it: in its own zone when
// the grammar can carry that zone's offset and the local year, else in UTC
// (the same instant; only the offset is lost). Go allows offsets in
// seconds (the local mean time of old dates, such as +00:19:32 in
// Amsterdam before 1937) and of 24 hours or more, which RFC 3339 text
// cannot hold: writing them as hh:mm moved the instant.
func nativeTimeForm(t time.Time) (time.Time, bool) {
	_, offset := t.Zone()
	if offset%60 != 0 || offset <= -24*3600 || offset >= 24*3600 || t.Year() < 1 || t.Year() > 9999 {
		t = t.UTC()
	}
	y := t.Year()
	return t, 1 <= y && y <= 9999
}
