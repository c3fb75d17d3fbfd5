package svgchart

import (
	"encoding/xml"
	"errors"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// element is one parsed SVG element: its name, attributes and text.
type element struct {
	name  string
	attr  map[string]string
	text  string
	class string
}

// parse decodes svg as XML, failing t if it is not well-formed, and returns
// its elements in document order.
func parse(t *testing.T, svg []byte) []element {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(string(svg)))
	var out []element
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			e := element{name: tok.Name.Local, attr: map[string]string{}}
			for _, a := range tok.Attr {
				e.attr[a.Name.Local] = a.Value
			}
			e.class = e.attr["class"]
			out = append(out, e)
		case xml.CharData:
			if len(out) > 0 {
				out[len(out)-1].text += string(tok)
			}
		}
	}
	if len(out) == 0 || out[0].name != "svg" {
		t.Fatalf("root element is not <svg>")
	}
	return out
}

func num(t *testing.T, e element, attr string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(e.attr[attr], 64)
	if err != nil {
		t.Fatalf("<%s %s=%q>: %v", e.name, attr, e.attr[attr], err)
	}
	return v
}

func with(els []element, name, class string) []element {
	var out []element
	for _, e := range els {
		if e.name == name && e.class == class {
			out = append(out, e)
		}
	}
	return out
}

func texts(els []element) []string {
	var out []string
	for _, e := range els {
		if e.name == "text" {
			out = append(out, e.text)
		}
	}
	return out
}

func TestScale(t *testing.T) {
	lin := scale{min: 0, max: 10, from: 100, to: 200}
	if got := lin.pos(5); got != 150 {
		t.Errorf("linear pos(5) = %v, want 150", got)
	}
	log := scale{min: 1, max: 100, from: 0, to: 300, log: true}
	for v, want := range map[float64]float64{1: 0, 10: 150, 100: 300} {
		if got := log.pos(v); math.Abs(got-want) > 1e-9 {
			t.Errorf("log pos(%v) = %v, want %v", v, got, want)
		}
	}
	// An inverted pixel range (y axes) maps max to the top.
	y := scale{min: 0, max: 4, from: 400, to: 0}
	if got := y.pos(4); got != 0 {
		t.Errorf("inverted pos(max) = %v, want 0", got)
	}
}

func TestLogBoundsAndTicks(t *testing.T) {
	cases := []struct {
		lo, hi, wantLo, wantHi float64
		ticks                  []float64
	}{
		{0.7, 12, 0.5, 20, []float64{0.5, 1, 2, 5, 10, 20}},
		{1, 100, 1, 100, []float64{1, 2, 5, 10, 20, 50, 100}},
		{64, 16384, 50, 20000, []float64{100, 1000, 10000}},
		{3, 3, 2, 5, []float64{2, 5}},
	}
	for _, c := range cases {
		lo, hi := logBounds(c.lo, c.hi)
		if math.Abs(lo-c.wantLo) > 1e-9 || math.Abs(hi-c.wantHi) > 1e-9 {
			t.Errorf("logBounds(%v, %v) = %v, %v; want %v, %v", c.lo, c.hi, lo, hi, c.wantLo, c.wantHi)
		}
		got := logTicks(lo, hi)
		for i := range got {
			got[i] = math.Round(got[i]*1000) / 1000
		}
		if !slices.Equal(got, c.ticks) {
			t.Errorf("logTicks(%v, %v) = %v, want %v", lo, hi, got, c.ticks)
		}
	}
}

func TestLinearTicks(t *testing.T) {
	ticks, lo, hi := linearTicks(0, 9.3, 5)
	if want := []float64{0, 2, 4, 6, 8, 10}; !slices.Equal(ticks, want) || lo != 0 || hi != 10 {
		t.Errorf("linearTicks(0, 9.3, 5) = %v [%v, %v], want %v [0, 10]", ticks, lo, hi, want)
	}
	ticks, _, _ = linearTicks(0.1, 0.35, 5)
	if want := []float64{0.1, 0.15, 0.2, 0.25, 0.3, 0.35}; len(ticks) != len(want) {
		t.Errorf("linearTicks(0.1, 0.35, 5) = %v, want %v", ticks, want)
	}
}

func TestFormatNumber(t *testing.T) {
	for v, want := range map[float64]string{0.5: "0.5", 20: "20", 1024: "1.02k", 16000: "16k", 2e6: "2M", 1: "1"} {
		if got := formatNumber(v); got != want {
			t.Errorf("formatNumber(%v) = %q, want %q", v, got, want)
		}
	}
	for v, want := range map[float64]string{0.6249: "0.625", 3.44: "3.44", 2.4649: "2.46", 9.996: "10", 27.4: "27", 112.6: "113"} {
		if got := formatValue(v); got != want {
			t.Errorf("formatValue(%v) = %q, want %q", v, got, want)
		}
	}
}

func sampleBars() BarChart {
	return BarChart{
		Title: "Speedup <S> & more", Axis: "times faster", Unit: "x", Log: true, Base: 1,
		Bars: []Bar{
			{Group: "serializer", Label: "encode vs encoding/json", Value: 3.1, Goal: 2.5},
			{Group: "serializer", Label: "decode vs encoding/json", Value: 1.9, Goal: 2.5},
			{Group: "native", Label: "encode vs floor", Value: 0.7, Goal: 0.625},
			{Group: "native", Label: "cookie bytes", Value: 1.2},
		},
	}
}

func TestBarChart(t *testing.T) {
	svg, err := sampleBars().SVG()
	if err != nil {
		t.Fatal(err)
	}
	els := parse(t, svg)
	bars := with(els, "rect", "bar")
	if len(bars) != 4 {
		t.Fatalf("%d bars, want 4", len(bars))
	}
	goals := with(els, "line", "goal")
	if len(goals) != 3 {
		t.Fatalf("%d goal markers, want 3", len(goals))
	}
	// Colors follow met/missed/no goal.
	wantFill := []string{colorMet, colorMissed, colorMet, colorNeutral}
	for i, b := range bars {
		if b.attr["fill"] != wantFill[i] {
			t.Errorf("bar %d fill %s, want %s", i, b.attr["fill"], wantFill[i])
		}
	}
	// Geometry: a met bar reaches past its marker, a missed one stops short;
	// the bar below 1 (the base) extends left of the base.
	end := func(e element) float64 { return num(t, e, "x") + num(t, e, "width") }
	if end(bars[0]) < num(t, goals[0], "x1") {
		t.Errorf("met bar ends at %v, before its goal at %v", end(bars[0]), num(t, goals[0], "x1"))
	}
	if end(bars[1]) >= num(t, goals[1], "x1") {
		t.Errorf("missed bar ends at %v, past its goal at %v", end(bars[1]), num(t, goals[1], "x1"))
	}
	if num(t, bars[2], "x") >= num(t, bars[0], "x") {
		t.Errorf("bar below the base does not extend left of it")
	}
	if num(t, goals[2], "x1") >= num(t, bars[0], "x") {
		t.Errorf("goal 0.625 drawn right of the base 1")
	}
	all := strings.Join(texts(els), "|")
	for _, want := range []string{"Speedup <S> & more", "3.1x", "1.9x", "0.7x", "serializer", "native", "times faster", "1x", "5x"} {
		if !strings.Contains(all, want) {
			t.Errorf("texts %q lack %q", all, want)
		}
	}
	if !strings.Contains(string(svg), "Speedup &lt;S&gt; &amp; more") {
		t.Error("title not XML-escaped")
	}
}

func TestBarChartReproducible(t *testing.T) {
	a, _ := sampleBars().SVG()
	b, _ := sampleBars().SVG()
	if string(a) != string(b) {
		t.Error("two renderings of the same chart differ")
	}
}

func TestBarChartErrors(t *testing.T) {
	bad := []BarChart{
		{},
		{Log: true, Bars: []Bar{{Label: "zero", Value: 0}}},
		{Bars: []Bar{{Label: "nan", Value: math.NaN()}}},
		{Log: true, Bars: []Bar{{Label: "neg goal", Value: 1, Goal: -1}}},
	}
	for i, ch := range bad {
		if _, err := ch.SVG(); err == nil {
			t.Errorf("chart %d: no error", i)
		}
	}
	// A linear axis accepts zero.
	if _, err := (BarChart{Bars: []Bar{{Label: "zero", Value: 0}}}).SVG(); err != nil {
		t.Errorf("linear zero: %v", err)
	}
}

func sampleLines() LineChart {
	return LineChart{
		Title: "Scaling", XLabel: "payload bytes", YLabel: "ns/op", LogX: true, LogY: true,
		Series: []Series{
			{Name: "encode", Points: []Point{{64, 100}, {1024, 900}, {16384, 15000}}},
			{Name: "decode", Dashed: true, Points: []Point{{64, 150}, {1024, 1300}, {16384, 21000}}},
			{Name: "∝ size", Color: "#999999", NoMarkers: true, Points: []Point{{64, 59}, {16384, 15000}}},
		},
	}
}

func TestLineChart(t *testing.T) {
	svg, err := sampleLines().SVG()
	if err != nil {
		t.Fatal(err)
	}
	els := parse(t, svg)
	lines := with(els, "polyline", "series")
	if len(lines) != 3 {
		t.Fatalf("%d series lines, want 3", len(lines))
	}
	if lines[1].attr["stroke-dasharray"] == "" || lines[0].attr["stroke-dasharray"] != "" {
		t.Error("dashing not applied to exactly the dashed series")
	}
	if got := lines[2].attr["stroke"]; got != "#999999" {
		t.Errorf("explicit color %q ignored", got)
	}
	if lines[0].attr["stroke"] == lines[1].attr["stroke"] {
		t.Error("two palette series share a color")
	}
	markers := 0
	for _, e := range els {
		if e.name == "circle" {
			markers++
		}
	}
	if markers != 6 {
		t.Errorf("%d markers, want 6 (none for the reference line)", markers)
	}
	// On log-log axes the points of a line y ∝ x are collinear and rise to
	// the right (SVG y grows downward).
	var pts [][2]float64
	for _, p := range strings.Fields(lines[2].attr["points"]) {
		x, y, _ := strings.Cut(p, ",")
		fx, _ := strconv.ParseFloat(x, 64)
		fy, _ := strconv.ParseFloat(y, 64)
		pts = append(pts, [2]float64{fx, fy})
	}
	if len(pts) != 2 || pts[1][0] <= pts[0][0] || pts[1][1] >= pts[0][1] {
		t.Errorf("reference line points %v do not rise to the right", pts)
	}
	all := strings.Join(texts(els), "|")
	for _, want := range []string{"Scaling", "payload bytes", "ns/op", "encode", "decode", "∝ size", "100", "1k", "10k"} {
		if !strings.Contains(all, want) {
			t.Errorf("texts %q lack %q", all, want)
		}
	}
}

func TestLineChartErrors(t *testing.T) {
	bad := []LineChart{
		{},
		{LogY: true, Series: []Series{{Name: "zero", Points: []Point{{1, 0}}}}},
		{Series: []Series{{Name: "inf", Points: []Point{{math.Inf(1), 1}}}}},
	}
	for i, ch := range bad {
		if _, err := ch.SVG(); err == nil {
			t.Errorf("chart %d: no error", i)
		}
	}
}

func TestLineChartXTicks(t *testing.T) {
	ch := sampleLines()
	ch.XTicks = []float64{64, 1024, 16384, 1e9}
	ch.XFormat = func(v float64) string { return strconv.Itoa(int(v)) + "B" }
	svg, err := ch.SVG()
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(texts(parse(t, svg)), "|")
	for _, want := range []string{"64B", "1024B", "16384B"} {
		if !strings.Contains(all, want) {
			t.Errorf("texts %q lack tick %q", all, want)
		}
	}
	if strings.Contains(all, "1000000000B") {
		t.Error("tick outside the axis range drawn")
	}
}
