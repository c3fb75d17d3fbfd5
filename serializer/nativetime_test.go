package serializer_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/serializer"
)

// TestNativeTimeGrammar: the " dn" tag is read by the exact grammar of
// FORMAT.md, not by all that Go's time.Parse takes. A reviewer's reader
// written from the spec refused a one-digit hour, year 0000 and offsets
// of 24 hours, which this package accepted (and +23:60 came back as
// +24:00).
func TestNativeTimeGrammar(t *testing.T) {
	s := &serializer.Serializer{NativeTime: true}
	accepted := map[string]time.Time{
		"2026-04-30T08:01:02Z":                time.Date(2026, 4, 30, 8, 1, 2, 0, time.UTC),
		"2026-04-30T08:01:02.3456789+02:00":   time.Date(2026, 4, 30, 6, 1, 2, 345678900, time.UTC),
		"2026-04-30T08:01:02,5-23:59":         time.Date(2026, 5, 1, 8, 0, 2, 500000000, time.UTC),
		"0001-01-01T00:00:00Z":                time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		"9999-12-31T23:59:59.999999999+00:00": time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		"2024-02-29T12:00:00Z":                time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC),
	}
	for text, want := range accepted {
		v, err := s.Unmarshal([]byte(`{" dn":"` + text + `"}`))
		if got, ok := v.(time.Time); err != nil || !ok || !got.Equal(want) {
			t.Errorf("%s: got %v, %v; want %v", text, v, err, want)
		}
	}
	for _, text := range []string{
		"2026-04-30T8:01:02Z",        // one-digit hour
		"0000-01-01T00:00:00Z",       // year 0
		"2026-04-30T08:01:02+24:00",  // offset hour 24
		"2026-04-30T08:01:02+23:60",  // offset minute 60
		"2026-04-30T08:01:02+0200",   // offset without colon
		"2026-04-30T08:01:02",        // no zone
		"2026-04-30t08:01:02Z",       // lower-case t
		"2026-04-30T08:01:02z",       // lower-case z
		"2026-04-30T08:01:02.Z",      // empty fraction
		"2026-04-30 08:01:02Z",       // space for T
		"2026-04-30T08:01:60Z",       // leap second
		"2026-04-31T08:01:02Z",       // no such day
		"2025-02-29T08:01:02Z",       // not a leap year
		"2026-04-30T24:00:00Z",       // hour 24
		"+2026-04-30T08:01:02Z",      // sign
		"2026-04-30T08:01:02Z ",      // trailing space
		"12026-04-30T08:01:02Z",      // five-digit year
		"2026-04-30T08:01:02+02:00Z", // two zones
	} {
		v, err := s.Unmarshal([]byte(`{" dn":"` + text + `"}`))
		if err == nil {
			t.Errorf("%s: accepted as %v", text, v)
		} else if strings.Contains(err.Error(), text) {
			t.Errorf("%s: the error quotes the content: %v", text, err)
		}
	}
}

// TestNativeTimeOffsets: a time whose offset RFC 3339 cannot carry (a
// number of seconds, as in the local mean time of old dates, or 24 hours
// or more) is written in UTC, so the instant survives. It was written with
// the offset cut to minutes, which moved the instant, or as an offset no
// reader should accept.
func TestNativeTimeOffsets(t *testing.T) {
	s := &serializer.Serializer{NativeTime: true}
	for _, tc := range []struct {
		in   time.Time
		want string
	}{
		{time.Date(1900, 1, 1, 12, 0, 0, 0, time.FixedZone("LMT", 19*60+32)), `{" dn":"1900-01-01T11:40:28Z"}`},
		{time.Date(2026, 4, 30, 8, 0, 0, 0, time.FixedZone("far", 25*3600)), `{" dn":"2026-04-29T07:00:00Z"}`},
		{time.Date(2026, 4, 30, 8, 0, 0, 0, time.FixedZone("CEST", 2*3600)), `{" dn":"2026-04-30T08:00:00+02:00"}`},
		{time.Date(2026, 4, 30, 8, 0, 0, 0, time.FixedZone("x", -(23*3600+59*60))), `{" dn":"2026-04-30T08:00:00-23:59"}`},
		// Go's zero time seen from a zone west of UTC is in year 0.
		{time.Time{}.In(time.FixedZone("EST", -5*3600)), `{" dn":"0001-01-01T00:00:00Z"}`},
	} {
		out, err := s.Marshal(tc.in)
		if err != nil || string(out) != tc.want {
			t.Errorf("%v: got %s, %v; want %s", tc.in, out, err, tc.want)
			continue
		}
		back, err := s.Unmarshal(out)
		if got, ok := back.(time.Time); err != nil || !ok || !got.Equal(tc.in) {
			t.Errorf("%v: read back as %v, %v", tc.in, back, err)
		}
	}
	for _, bad := range []time.Time{
		time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		if out, err := s.Marshal(bad); err == nil {
			t.Errorf("%v: written as %s; want an error (years 1..9999)", bad, out)
		}
	}
}
