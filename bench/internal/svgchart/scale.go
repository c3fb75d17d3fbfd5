package svgchart

import (
	"fmt"
	"math"
	"strconv"
)

// A scale maps data values in [min, max] to pixels in [from, to], linearly
// or on a log10 axis.
type scale struct {
	min, max float64
	from, to float64
	log      bool
}

// pos returns the pixel position of v.
func (s scale) pos(v float64) float64 {
	lo, hi, x := s.min, s.max, v
	if s.log {
		lo, hi, x = math.Log10(lo), math.Log10(hi), math.Log10(v)
	}
	if hi == lo {
		return (s.from + s.to) / 2
	}
	return s.from + (x-lo)/(hi-lo)*(s.to-s.from)
}

// logBounds widens [lo, hi] (both > 0) to whole powers of ten, or to the
// 1-2-5 steps inside one decade when the data spans less than a decade.
func logBounds(lo, hi float64) (float64, float64) {
	a := math.Pow(10, math.Floor(math.Log10(lo)))
	b := math.Pow(10, math.Ceil(math.Log10(hi)))
	for _, m := range []float64{5, 2} {
		if a*m <= lo {
			a *= m
			break
		}
	}
	for _, m := range []float64{5, 2} {
		if b/m >= hi {
			b /= m
			break
		}
	}
	if a >= b {
		b = a * 10
	}
	return a, b
}

// logTicks returns tick values for a log axis over [lo, hi]: the 1, 2 and 5
// multiples of each power of ten when the axis spans at most two decades,
// else the powers of ten alone.
func logTicks(lo, hi float64) []float64 {
	mults := []float64{1, 2, 5}
	if math.Log10(hi/lo) > 2.01 {
		mults = []float64{1}
	}
	var out []float64
	for p := math.Floor(math.Log10(lo)); p <= math.Ceil(math.Log10(hi)); p++ {
		for _, m := range mults {
			v := m * math.Pow(10, p)
			if v >= lo*(1-1e-9) && v <= hi*(1+1e-9) {
				out = append(out, v)
			}
		}
	}
	return out
}

// linearTicks returns about n evenly spaced "nice" tick values (steps of
// 1, 2 or 5 times a power of ten) covering [lo, hi], and the widened bounds.
func linearTicks(lo, hi float64, n int) (ticks []float64, min, max float64) {
	if hi <= lo {
		hi = lo + 1
	}
	raw := (hi - lo) / float64(n)
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	step := p * 10
	for _, m := range []float64{1, 2, 5} {
		if m*p >= raw {
			step = m * p
			break
		}
	}
	min = math.Floor(lo/step) * step
	max = math.Ceil(hi/step) * step
	for v := min; v <= max+step/2; v += step {
		ticks = append(ticks, math.Round(v/step)*step)
	}
	return ticks, min, max
}

// formatNumber prints v briefly for an axis label: 1.5, 20, 1k, 16k, 2M.
func formatNumber(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1e6:
		return trim(v/1e6) + "M"
	case a >= 1e3:
		return trim(v/1e3) + "k"
	default:
		return trim(v)
	}
}

// trim formats v with at most 3 significant digits and no trailing zeros.
func trim(v float64) string {
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// checkFinite reports an error naming what when v cannot be drawn.
func checkFinite(what string, v float64, log bool) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("svgchart: %s is %v", what, v)
	}
	if log && v <= 0 {
		return fmt.Errorf("svgchart: %s is %v, not positive, on a logarithmic axis", what, v)
	}
	return nil
}
