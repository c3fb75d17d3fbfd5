package svgchart

import (
	"errors"
	"math"
)

// A LineChart draws one or more series of (x, y) points as lines with
// markers, with a legend on the right.
type LineChart struct {
	// Title is drawn at the top; Subtitle, if set, in gray below it.
	Title, Subtitle string
	XLabel, YLabel  string
	// LogX and LogY select logarithmic axes; the values on such an axis
	// must be positive.
	LogX, LogY bool
	// XFormat and YFormat format tick labels; nil means a short number
	// such as 512, 1.5k or 16k.
	XFormat, YFormat func(float64) string
	// XTicks, if set, replaces the automatic x ticks, e.g. with the sizes
	// that were measured; ticks outside the axis range are dropped.
	XTicks []float64
	// Width and Height are the size in pixels; 0 means 760 by 440.
	Width, Height int
	Series        []Series
}

// A Series is one line of a [LineChart].
type Series struct {
	Name   string
	Points []Point
	// Color is an SVG color; "" picks the next color of a fixed,
	// color-blind-safe palette.
	Color string
	// Dashed draws the line dashed, e.g. for a reference line or for the
	// second operation of a pair.
	Dashed bool
	// NoMarkers omits the point markers, e.g. for a reference line.
	NoMarkers bool
}

// A Point is one data point of a [Series].
type Point struct{ X, Y float64 }

// SVG renders the chart.
func (ch LineChart) SVG() ([]byte, error) {
	xlo, xhi := math.Inf(1), math.Inf(-1)
	ylo, yhi := math.Inf(1), math.Inf(-1)
	n := 0
	for _, s := range ch.Series {
		for _, p := range s.Points {
			if err := checkFinite("x of "+s.Name, p.X, ch.LogX); err != nil {
				return nil, err
			}
			if err := checkFinite("y of "+s.Name, p.Y, ch.LogY); err != nil {
				return nil, err
			}
			xlo, xhi = math.Min(xlo, p.X), math.Max(xhi, p.X)
			ylo, yhi = math.Min(ylo, p.Y), math.Max(yhi, p.Y)
			n++
		}
	}
	if n == 0 {
		return nil, errors.New("svgchart: line chart without points")
	}
	xticks, xlo, xhi := axis(xlo, xhi, ch.LogX, false)
	yticks, ylo, yhi := axis(ylo, yhi, ch.LogY, true)
	if ch.XTicks != nil {
		xticks = xticks[:0]
		for _, t := range ch.XTicks {
			if t >= xlo && t <= xhi {
				xticks = append(xticks, t)
			}
		}
	}
	xfmt, yfmt := orDefault(ch.XFormat), orDefault(ch.YFormat)

	width, height := float64(ch.Width), float64(ch.Height)
	if width == 0 {
		width = 760
	}
	if height == 0 {
		height = 440
	}
	legendW := 0.0
	for _, s := range ch.Series {
		legendW = math.Max(legendW, textWidth(s.Name, 12))
	}
	const top, bottom = 62.0, 52.0
	left := 70.0
	right := legendW + 60
	xs := scale{min: xlo, max: xhi, from: left, to: width - right, log: ch.LogX}
	ys := scale{min: ylo, max: yhi, from: height - bottom, to: top, log: ch.LogY}

	c := newCanvas(int(width), int(height))
	c.text(16, 24, "start", colorText, ch.Title, "font-size", "16", "font-weight", "600")
	if ch.Subtitle != "" {
		c.text(16, 42, "start", colorMuted, ch.Subtitle)
	}
	for _, t := range xticks {
		x := xs.pos(t)
		c.line(x, top, x, height-bottom, colorGrid, 1)
		c.text(x, height-bottom+16, "middle", colorMuted, xfmt(t))
	}
	for _, t := range yticks {
		y := ys.pos(t)
		c.line(left, y, width-right, y, colorGrid, 1)
		c.text(left-6, y+4, "end", colorMuted, yfmt(t))
	}
	c.line(left, height-bottom, width-right, height-bottom, colorAxis, 1)
	c.line(left, top, left, height-bottom, colorAxis, 1)
	c.text((left+width-right)/2, height-12, "middle", colorText, ch.XLabel)
	c.text(16, (top+height-bottom)/2, "middle", colorText, ch.YLabel,
		"transform", "rotate(-90 16 "+trim((top+height-bottom)/2)+")")

	next := 0
	for i, s := range ch.Series {
		color := s.Color
		if color == "" {
			color = palette[next%len(palette)]
			next++
		}
		var pts [][2]float64
		for _, p := range s.Points {
			pts = append(pts, [2]float64{xs.pos(p.X), ys.pos(p.Y)})
		}
		extra := []string{"class", "series"}
		if s.Dashed {
			extra = append(extra, "stroke-dasharray", "6 4")
		}
		c.polyline(pts, color, 2, extra...)
		if !s.NoMarkers {
			for _, p := range pts {
				c.circle(p[0], p[1], 3, color)
			}
		}
		// Legend entry.
		ly := top + 8 + float64(i)*20
		lx := width - right + 16
		c.line(lx, ly, lx+24, ly, color, 2, extra[2:]...)
		c.text(lx+30, ly+4, "start", colorText, s.Name)
	}
	return c.bytes(), nil
}

// axis returns the ticks and widened bounds of an axis over [lo, hi].
// A linear y axis starts at zero.
func axis(lo, hi float64, log, fromZero bool) ([]float64, float64, float64) {
	if log {
		lo, hi = logBounds(lo, hi)
		return logTicks(lo, hi), lo, hi
	}
	if fromZero {
		lo = math.Min(lo, 0)
	}
	return linearTicks(lo, hi, 6)
}

func orDefault(f func(float64) string) func(float64) string {
	if f == nil {
		return formatNumber
	}
	return f
}
