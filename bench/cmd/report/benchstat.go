package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// A key names one summarized figure: a benchmark (without the "Benchmark"
// prefix and the -GOMAXPROCS suffix) and a unit as benchstat prints it
// ("sec/op", "B/op", "allocs/op", "B/s", or a custom metric such as
// "cookie-bytes").
type key struct {
	Name, Unit string
}

// A stat is benchstat's summary of one figure: the median and the
// confidence interval it printed, as "±2%" (or "∞" with too few runs).
type stat struct {
	Center float64
	CI     string
}

// stats are all figures of one run.
type stats map[key]stat

// value returns the median of name in unit and whether it was measured.
func (s stats) value(name, unit string) (float64, bool) {
	st, ok := s[key{name, unit}]
	return st.Center, ok
}

// procsSuffix is the -GOMAXPROCS suffix go test appends to benchmark names.
var procsSuffix = regexp.MustCompile(`-\d+$`)

// parseBenchstatCSV reads the output of `benchstat -format csv -table ""`
// for a single input file: blank-line separated tables, one per unit, each
// a header row naming the file, a row ",<unit>,CI", rows "<name>,<median>,<ci>"
// and a closing "geomean" row. Benchstat's own warnings go to stderr, not
// here; any other shape is an error, so that a change of benchstat's format
// cannot silently yield an empty report.
func parseBenchstatCSV(r io.Reader) (stats, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	records, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("report: benchstat csv: %w", err)
	}
	out := stats{}
	unit := ""
	for i, rec := range records {
		line := i + 1
		switch {
		case len(rec) == 1 && rec[0] == "":
			unit = "" // csv.Reader skips blank lines; kept for safety
		case len(rec) >= 2 && rec[0] == "" && len(rec) >= 3 && rec[2] == "CI":
			unit = rec[1]
		case len(rec) >= 2 && rec[0] == "":
			// The header row naming the input file.
		case rec[0] == "geomean":
			unit = ""
		default:
			if unit == "" {
				return nil, fmt.Errorf("report: benchstat csv line %d: row %q outside a table", line, rec[0])
			}
			if len(rec) < 2 {
				return nil, fmt.Errorf("report: benchstat csv line %d: no value for %q", line, rec[0])
			}
			v, err := strconv.ParseFloat(rec[1], 64)
			if err != nil || math.IsNaN(v) {
				return nil, fmt.Errorf("report: benchstat csv line %d: value %q of %q is not a number", line, rec[1], rec[0])
			}
			ci := ""
			if len(rec) > 2 {
				ci = rec[2]
			}
			// The CSV prints the interval as "4%" where the text format
			// prints "± 4%"; keep the sign so that it reads as a range.
			if strings.HasSuffix(ci, "%") && !strings.HasPrefix(ci, "±") {
				ci = "±" + ci
			}
			name := procsSuffix.ReplaceAllString(rec[0], "")
			out[key{name, unit}] = stat{Center: v, CI: ci}
		}
	}
	if len(out) == 0 {
		return nil, errors.New("report: benchstat csv holds no results")
	}
	return out, nil
}

// ciPercent returns the ± percentage of a benchstat CI such as "±2%", or
// +Inf when benchstat could not compute one.
func ciPercent(ci string) float64 {
	s := strings.TrimSuffix(strings.TrimPrefix(ci, "±"), "%")
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return math.Inf(1)
	}
	return v
}
