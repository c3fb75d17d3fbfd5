package main

import (
	"math"
	"strings"
	"testing"
)

// sampleCSV is real output of `go tool benchstat -format csv -table ""` on a
// run of Go and Python benchmarks, shortened; the CSV writes intervals
// without the ± of the text format.
const sampleCSV = `,/tmp/all.txt,
,sec/op,CI
GorillaJSON/S/encode-2,6.163e-06,3%
GorillaJSON/S/decode-2,8.272000000000001e-06,∞
PythonFlask/S/encode-2,3.584725e-05,1%
geomean,1.628672739692452e-05,

,/tmp/all.txt,
,cookie-bytes,CI
GorillaJSON/S/encode-2,544,0%
PythonFlask/S/encode-2,375,0%
geomean,544.6511809940911,

,/tmp/all.txt,
,allocs/op,CI
GorillaJSON/S/encode-2,44,0%
geomean,86.78720596034746,
`

func TestParseBenchstatCSV(t *testing.T) {
	s, err := parseBenchstatCSV(strings.NewReader(sampleCSV))
	if err != nil {
		t.Fatal(err)
	}
	if len(s) != 6 {
		t.Errorf("%d figures, want 6: %v", len(s), s)
	}
	checks := []struct {
		name, unit string
		want       float64
		ci         string
	}{
		{"GorillaJSON/S/encode", "sec/op", 6.163e-06, "±3%"},
		{"GorillaJSON/S/decode", "sec/op", 8.272e-06, "∞"},
		{"PythonFlask/S/encode", "cookie-bytes", 375, "±0%"},
		{"GorillaJSON/S/encode", "allocs/op", 44, "±0%"},
	}
	for _, c := range checks {
		st, ok := s[key{c.name, c.unit}]
		if !ok {
			t.Errorf("%s %s missing", c.name, c.unit)
			continue
		}
		if math.Abs(st.Center-c.want) > c.want*1e-12 || st.CI != c.ci {
			t.Errorf("%s %s = %v %s, want %v %s", c.name, c.unit, st.Center, st.CI, c.want, c.ci)
		}
	}
	if _, ok := s.value("geomean", "sec/op"); ok {
		t.Error("geomean row taken as a benchmark")
	}
	if _, ok := s.value("GorillaJSON/S/decode", "cookie-bytes"); ok {
		t.Error("figure invented for a unit the benchmark did not report")
	}
}

func TestParseBenchstatCSVErrors(t *testing.T) {
	bad := map[string]string{
		"empty":            "",
		"only headers":     ",f,\n,sec/op,CI\ngeomean,1,\n",
		"row before unit":  "X/S/encode-2,1,±1%\n",
		"not a number":     ",f,\n,sec/op,CI\nX/S/encode-2,fast,±1%\n",
		"unbalanced quote": ",f,\n,sec/op,CI\n\"X,1\n",
	}
	for name, in := range bad {
		if _, err := parseBenchstatCSV(strings.NewReader(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestProcsSuffix(t *testing.T) {
	s, err := parseBenchstatCSV(strings.NewReader(",f,\n,sec/op,CI\nScaleNative/1024B/encode-16,1e-6,±1%\nNoSuffix/S/decode,2e-6,±1%\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ScaleNative/1024B/encode", "NoSuffix/S/decode"} {
		if _, ok := s.value(name, "sec/op"); !ok {
			t.Errorf("%s not found in %v", name, s)
		}
	}
}

func TestCIPercent(t *testing.T) {
	if got := ciPercent("±2%"); got != 2 {
		t.Errorf("ciPercent(±2%%) = %v", got)
	}
	if got := ciPercent("∞"); !math.IsInf(got, 1) {
		t.Errorf("ciPercent(∞) = %v", got)
	}
}
