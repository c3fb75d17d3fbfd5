package svgchart

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
)

// Colors and font shared by both charts.
const (
	colorText    = "#222222"
	colorMuted   = "#666666"
	colorGrid    = "#e4e4e4"
	colorAxis    = "#888888"
	colorMet     = "#2e7d32"
	colorMissed  = "#c62828"
	colorNeutral = "#5b7fa6"
	colorGoal    = "#111111"
	fontFamily   = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif"
)

// palette colors line series that do not choose their own color; the
// colors are distinguishable for the common forms of color blindness.
var palette = []string{"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000"}

// canvas accumulates SVG elements.
type canvas struct {
	buf bytes.Buffer
}

func newCanvas(w, h int) *canvas {
	c := &canvas{}
	fmt.Fprintf(&c.buf, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="%s" font-size="12">`+"\n", w, h, w, h, fontFamily)
	fmt.Fprintf(&c.buf, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", w, h)
	return c
}

// attrs formats optional extra attributes, given as name, value pairs.
func attrs(kv []string) string {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		fmt.Fprintf(&b, ` %s="%s"`, kv[i], escape(kv[i+1]))
	}
	return b.String()
}

func (c *canvas) rect(x, y, w, h float64, fill string, kv ...string) {
	fmt.Fprintf(&c.buf, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"%s/>`+"\n", x, y, w, h, fill, attrs(kv))
}

func (c *canvas) line(x1, y1, x2, y2 float64, stroke string, width float64, kv ...string) {
	fmt.Fprintf(&c.buf, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="%.1f"%s/>`+"\n", x1, y1, x2, y2, stroke, width, attrs(kv))
}

func (c *canvas) circle(x, y, r float64, fill string, kv ...string) {
	fmt.Fprintf(&c.buf, `<circle cx="%.1f" cy="%.1f" r="%.1f" fill="%s"%s/>`+"\n", x, y, r, fill, attrs(kv))
}

func (c *canvas) polyline(pts [][2]float64, stroke string, width float64, kv ...string) {
	var b strings.Builder
	for i, p := range pts {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%.1f,%.1f", p[0], p[1])
	}
	fmt.Fprintf(&c.buf, `<polyline points="%s" fill="none" stroke="%s" stroke-width="%.1f" stroke-linejoin="round"%s/>`+"\n", b.String(), stroke, width, attrs(kv))
}

// text draws s with its anchor ("start", "middle" or "end") at x, y.
func (c *canvas) text(x, y float64, anchor, fill, s string, kv ...string) {
	fmt.Fprintf(&c.buf, `<text x="%.1f" y="%.1f" text-anchor="%s" fill="%s"%s>%s</text>`+"\n", x, y, anchor, fill, attrs(kv), escape(s))
}

func (c *canvas) bytes() []byte {
	c.buf.WriteString("</svg>\n")
	return c.buf.Bytes()
}

// escape returns s with XML's special characters escaped.
func escape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// textWidth estimates the width in pixels of s at the given font size; the
// charts use it to size the label column, so it errs on the wide side.
func textWidth(s string, size float64) float64 {
	return float64(len([]rune(s))) * size * 0.6
}
