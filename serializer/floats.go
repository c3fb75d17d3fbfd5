package serializer

import "math"

func inf(sign int) float64 { return math.Inf(sign) }
func nanValue() float64    { return math.NaN() }
