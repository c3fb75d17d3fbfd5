package main

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"

	"github.com/cookiecodec/cookiecodec/bench"
	"github.com/cookiecodec/cookiecodec/bench/internal/svgchart"
)

// ratioChart draws every timed comparison on S as peer time / our time,
// with the goal as a marker.
func ratioChart(results []result, m machine) ([]byte, error) {
	ch := svgchart.BarChart{
		Title:    "cookiecodec vs its peers on session S (255 bytes)",
		Subtitle: fmt.Sprintf("peer time / our time, higher is better; medians of %d runs, %s, %s", m.Count, m.GoVersion, m.Date.Format("2006-01-02")),
		Axis:     "times faster than the peer (log scale)",
		Unit:     "x",
		Log:      true,
		Base:     1,
	}
	for _, r := range results {
		if !r.chartable() {
			continue
		}
		v, g := r.speed()
		ch.Bars = append(ch.Bars, svgchart.Bar{Group: r.Area, Label: r.What, Value: v, Goal: g})
	}
	if len(ch.Bars) == 0 {
		ch.Bars = []svgchart.Bar{{Label: "no comparison measured", Value: 1}}
	}
	return ch.SVG()
}

// scaleName matches the scaling benchmarks: Scale<Subject>/<n>B/<op>.
var scaleName = regexp.MustCompile(`^Scale(\w+)/(\d+)B/(encode|decode)$`)

// scalePoint is one measured point of the scaling series.
type scalePoint struct {
	subject, op string
	size        int
	ns          float64
}

// scalingPoints returns the scaling series of s, sorted by subject, op and
// size.
func scalingPoints(s stats) []scalePoint {
	var pts []scalePoint
	for k, st := range s {
		m := scaleName.FindStringSubmatch(k.Name)
		if m == nil || k.Unit != timeUnit {
			continue
		}
		n, _ := strconv.Atoi(m[2])
		pts = append(pts, scalePoint{subject: m[1], op: m[3], size: n, ns: st.Center * 1e9})
	}
	sort.Slice(pts, func(i, j int) bool {
		a, b := pts[i], pts[j]
		if a.subject != b.subject {
			return subjectOrder(a.subject) < subjectOrder(b.subject)
		}
		if a.op != b.op {
			return a.op > b.op // encode first
		}
		return a.size < b.size
	})
	return pts
}

// subjectOrder puts ours first, then the peers, then the floor.
func subjectOrder(s string) string {
	order := map[string]string{"Serializer": "0", "EncodingJSON": "1", "Flask": "2", "NativeXChaCha20": "3", "GorillaJSON": "4", "FloorXChaCha20": "5"}
	if o, ok := order[s]; ok {
		return o + s
	}
	return "9" + s
}

// label is the human name of a benchmark subject.
func label(subject string) string {
	names := map[string]string{
		"Serializer": "serializer", "EncodingJSON": "encoding/json",
		"Flask": "Flask codec (uncompressed)", "FlaskZlib": "Flask codec (zlib)",
		"PythonFlask": "Python Flask (uncompressed)", "PythonFlaskZlib": "Python Flask (as shipped, zlib)",
		"NativeXChaCha20": "native XChaCha20", "NativeAESGCM": "native AES-GCM", "NativeHMAC": "native HMAC",
		"GorillaJSON": "gorilla JSON+AES", "GorillaGob": "gorilla gob+AES",
		"FloorXChaCha20": "floor XChaCha20", "FloorAESGCM": "floor AES-GCM", "FloorHMAC": "floor HMAC",
		"FloorSerXChaCha20": "floor + serializer XChaCha20", "FloorSerAESGCM": "floor + serializer AES-GCM", "FloorSerHMAC": "floor + serializer HMAC",
	}
	if n, ok := names[subject]; ok {
		return n
	}
	return subject
}

// scalingChart draws time per operation against payload size on log-log
// axes, with a reference line of slope 1 (cost proportional to size).
func scalingChart(s stats) ([]byte, error) {
	ch := svgchart.LineChart{
		Title:    "Cost against payload size, 64 B to 16 KiB",
		Subtitle: "time per operation, log-log; a line parallel to the gray one grows linearly with size",
		XLabel:   "payload bytes (compact JSON)",
		YLabel:   "time per operation",
		LogX:     true,
		LogY:     true,
		Width:    860,
		Height:   480,
		XFormat:  formatBytes,
		YFormat:  func(ns float64) string { return formatNS(ns) },
	}
	for _, n := range bench.ScalingSizes {
		ch.XTicks = append(ch.XTicks, float64(n))
	}
	colors := map[string]string{}
	palette := []string{"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000"}
	var cur *svgchart.Series
	maxNS, maxSize := 0.0, 0
	for _, p := range scalingPoints(s) {
		name := label(p.subject) + " " + p.op
		if cur == nil || cur.Name != name {
			c, ok := colors[p.subject]
			if !ok {
				c = palette[len(colors)%len(palette)]
				colors[p.subject] = c
			}
			ch.Series = append(ch.Series, svgchart.Series{Name: name, Color: c, Dashed: p.op == "decode"})
			cur = &ch.Series[len(ch.Series)-1]
		}
		cur.Points = append(cur.Points, svgchart.Point{X: float64(p.size), Y: p.ns})
		if p.size > maxSize || (p.size == maxSize && p.ns > maxNS) {
			maxNS, maxSize = p.ns, p.size
		}
	}
	if len(ch.Series) == 0 {
		return nil, fmt.Errorf("report: no scaling benchmarks (Scale*/<n>B/<op>) in the run")
	}
	lo := float64(bench.ScalingSizes[0])
	ch.Series = append(ch.Series, svgchart.Series{
		Name: "∝ size (reference)", Color: "#9e9e9e", NoMarkers: true,
		Points: []svgchart.Point{{X: lo, Y: maxNS * lo / float64(maxSize)}, {X: float64(maxSize), Y: maxNS}},
	})
	return ch.SVG()
}

// formatBytes prints a size such as 64 B, 1 KiB or 16 KiB.
func formatBytes(v float64) string {
	if v >= 1024 && math.Mod(v, 1024) == 0 {
		return fmt.Sprintf("%g KiB", v/1024)
	}
	return fmt.Sprintf("%g B", v)
}

// formatNS prints a duration given in nanoseconds with a fitting unit and
// three significant digits: 812 ns, 8.21 µs, 1.2 ms.
func formatNS(ns float64) string {
	switch {
	case ns >= 999.5e3:
		return strconv.FormatFloat(ns/1e6, 'g', 3, 64) + " ms"
	case ns >= 999.5:
		return strconv.FormatFloat(ns/1e3, 'g', 3, 64) + " µs"
	default:
		return strconv.FormatFloat(ns, 'g', 3, 64) + " ns"
	}
}
