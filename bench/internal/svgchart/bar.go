package svgchart

import (
	"errors"
	"math"
	"strconv"
)

// A BarChart is a horizontal bar chart, one labeled row per [Bar], with a
// goal marker per bar. Higher values are better: a bar whose value reaches
// its goal is drawn green, one that falls short red, one without a goal
// blue-gray.
type BarChart struct {
	// Title is drawn at the top; Subtitle, if set, in gray below it.
	Title, Subtitle string
	// Axis labels the value axis.
	Axis string
	// Unit is appended to tick labels and value labels, e.g. "x".
	Unit string
	// Log selects a logarithmic value axis; values and goals must then be
	// positive.
	Log bool
	// Base is where bars start, e.g. 1 for ratios, so that a bar to the left
	// of it means "slower". Outside the axis range bars start at the edge.
	Base float64
	// Width is the width in pixels; 0 means 760.
	Width int
	Bars  []Bar
}

// A Bar is one row of a [BarChart].
type Bar struct {
	Label string
	Value float64
	// Goal is the value the bar should reach; 0 means no goal.
	Goal float64
	// Group, when it differs from the previous bar's, starts a new group
	// with this heading.
	Group string
}

// met reports whether b reaches its goal.
func (b Bar) met() bool { return b.Value >= b.Goal*(1-1e-9) }

// SVG renders the chart.
func (ch BarChart) SVG() ([]byte, error) {
	if len(ch.Bars) == 0 {
		return nil, errors.New("svgchart: bar chart without bars")
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, b := range ch.Bars {
		if err := checkFinite("value of "+b.Label, b.Value, ch.Log); err != nil {
			return nil, err
		}
		lo, hi = math.Min(lo, b.Value), math.Max(hi, b.Value)
		if b.Goal != 0 {
			if err := checkFinite("goal of "+b.Label, b.Goal, ch.Log); err != nil {
				return nil, err
			}
			lo, hi = math.Min(lo, b.Goal), math.Max(hi, b.Goal)
		}
	}
	if ch.Base != 0 {
		lo, hi = math.Min(lo, ch.Base), math.Max(hi, ch.Base)
	}
	var ticks []float64
	if ch.Log {
		lo, hi = logBounds(lo, hi)
		ticks = logTicks(lo, hi)
	} else {
		ticks, lo, hi = linearTicks(math.Min(lo, 0), hi, 6)
	}

	const (
		size      = 12.0
		rowH      = 24.0
		barH      = 14.0
		groupH    = 22.0
		top       = 58.0
		bottom    = 64.0
		right     = 56.0 // room for value labels past the largest value
		labelGap  = 10.0
		outerLeft = 16.0
	)
	width := float64(ch.Width)
	if width == 0 {
		width = 760
	}
	labelW := 0.0
	rows := 0.0
	groups := 0.0
	prevGroup := ""
	for i, b := range ch.Bars {
		labelW = math.Max(labelW, textWidth(b.Label, size))
		if b.Group != "" && (i == 0 || b.Group != prevGroup) {
			groups++
		}
		prevGroup = b.Group
		rows++
	}
	left := outerLeft + labelW + labelGap
	plotBottom := top + rows*rowH + groups*groupH
	height := plotBottom + bottom
	sc := scale{min: lo, max: hi, from: left, to: width - right, log: ch.Log}

	c := newCanvas(int(width), int(math.Ceil(height)))
	c.text(outerLeft, 24, "start", colorText, ch.Title, "font-size", "16", "font-weight", "600")
	if ch.Subtitle != "" {
		c.text(outerLeft, 42, "start", colorMuted, ch.Subtitle)
	}
	for _, t := range ticks {
		x := sc.pos(t)
		c.line(x, top-4, x, plotBottom, colorGrid, 1)
		c.text(x, plotBottom+16, "middle", colorMuted, formatNumber(t)+ch.Unit)
	}
	c.line(left, plotBottom, width-right, plotBottom, colorAxis, 1)
	c.text((left+width-right)/2, plotBottom+34, "middle", colorText, ch.Axis)

	base := sc.from
	if ch.Base > lo && ch.Base <= hi {
		base = sc.pos(ch.Base)
		c.line(base, top-4, base, plotBottom, colorAxis, 1)
	}

	y := top
	prevGroup = ""
	for i, b := range ch.Bars {
		if b.Group != "" && (i == 0 || b.Group != prevGroup) {
			c.text(outerLeft, y+groupH-7, "start", colorText, b.Group, "font-weight", "600")
			y += groupH
		}
		prevGroup = b.Group
		mid := y + rowH/2
		c.text(left-labelGap, mid+4, "end", colorText, b.Label)
		x := sc.pos(b.Value)
		fill := colorNeutral
		if b.Goal != 0 {
			fill = colorMissed
			if b.met() {
				fill = colorMet
			}
		}
		x0, x1 := math.Min(base, x), math.Max(base, x)
		c.rect(x0, mid-barH/2, math.Max(x1-x0, 1), barH, fill, "class", "bar")
		labelX := x1
		if b.Goal != 0 {
			g := sc.pos(b.Goal)
			c.line(g, mid-barH/2-4, g, mid+barH/2+4, colorGoal, 2, "class", "goal")
			labelX = math.Max(labelX, g)
		}
		c.text(labelX+6, mid+4, "start", colorText, formatValue(b.Value)+ch.Unit)
		y += rowH
	}

	// Legend, below the axis title.
	ly := plotBottom + 52
	lx := left
	c.rect(lx, ly-9, 12, 10, colorMet)
	c.text(lx+16, ly, "start", colorText, "goal met")
	lx += 90
	c.rect(lx, ly-9, 12, 10, colorMissed)
	c.text(lx+16, ly, "start", colorText, "goal missed")
	lx += 104
	c.line(lx+6, ly-11, lx+6, ly+3, colorGoal, 2)
	c.text(lx+16, ly, "start", colorText, "goal")
	return c.bytes(), nil
}

// formatValue prints a bar's value with 3 significant digits below 10, so
// that a value just short of its goal does not round up to it (2.46, not
// 2.5), and whole numbers above, e.g. 0.625, 3.44, 27.
func formatValue(v float64) string {
	if math.Abs(v) >= 9.995 {
		return trim(math.Round(v))
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}
