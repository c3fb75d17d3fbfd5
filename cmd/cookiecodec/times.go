package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
)

// parseNow reads --now: Unix seconds or RFC 3339. The empty string is the
// current time.
func parseNow(s string) (time.Time, error) {
	if s == "" {
		return time.Now(), nil
	}
	if sec, err := strconv.ParseInt(s, 10, 64); err == nil {
		if sec < 0 || sec > 1<<40 {
			return time.Time{}, usagef("--now %s: Unix time out of range", s)
		}
		return time.Unix(sec, 0), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, usagef("--now %q: want Unix seconds or RFC 3339 (2024-02-29T12:00:00Z)", s)
	}
	return t, nil
}

// parseMaxAge reads --max-age: "none" (no age check, like itsdangerous'
// max_age=None), whole seconds, or a duration such as "31d" or "12h30m".
func parseMaxAge(s string) (time.Duration, error) {
	if strings.EqualFold(s, "none") {
		return codec.NoMaxAge, nil
	}
	d, err := parseDuration(s)
	if err != nil {
		return 0, usagef("--max-age %q: want SECONDS, a DURATION such as 31d or 12h, or none", s)
	}
	return d, nil
}

// maxDuration bounds every duration flag: 100 years.
const maxDuration = 100 * 365 * 24 * time.Hour

// parseDuration reads whole seconds ("3600") or a Go duration extended with
// days ("31d", "3d4h", "1.5h"). Negative values are refused.
func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty duration")
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < 0 || n > int64(maxDuration/time.Second) {
			return 0, fmt.Errorf("out of range")
		}
		return time.Duration(n) * time.Second, nil
	}
	var total time.Duration
	if days, rest, ok := strings.Cut(s, "d"); ok {
		n, err := strconv.ParseInt(days, 10, 64)
		if err != nil || n < 0 || n > int64(maxDuration/(24*time.Hour)) {
			return 0, fmt.Errorf("bad day count")
		}
		total = time.Duration(n) * 24 * time.Hour
		s = rest
		if s == "" {
			return total, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("bad duration")
	}
	total += d
	if total > maxDuration {
		return 0, fmt.Errorf("out of range")
	}
	return total, nil
}

// formatDuration writes d with its two largest units: "3d4h", "30d",
// "2h5m", "45s", "0s". Sub-second parts are dropped.
func formatDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	d = d.Truncate(time.Second)
	units := []struct {
		size time.Duration
		name string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}}
	for i, u := range units {
		if d < u.size {
			continue
		}
		n := d / u.size
		out := fmt.Sprintf("%d%s", n, u.name)
		if i+1 < len(units) {
			if m := (d - n*u.size) / units[i+1].size; m > 0 {
				out += fmt.Sprintf("%d%s", m, units[i+1].name)
			}
		}
		return out
	}
	return "0s"
}

// relative describes t against now: "3h ago", "in 30d", "now".
func relative(t, now time.Time) string {
	d := t.Sub(now)
	switch {
	case d.Abs() < time.Second:
		return "now"
	case d < 0:
		return formatDuration(d) + " ago"
	default:
		return "in " + formatDuration(d)
	}
}

// timeText is a time in UTC with seconds, as the header block shows it.
func timeText(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

// rfc3339 is a time as the --json fields show it.
func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }
