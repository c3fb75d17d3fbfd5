// Package svgchart draws the two charts of the benchmark report as
// self-contained SVG: a horizontal bar chart with a goal marker per bar
// ([BarChart]) and a line chart with optional logarithmic axes
// ([LineChart]).
//
// It is deliberately small: no fonts are embedded (the text uses the
// system sans-serif font), colors are fixed, and the output depends only on
// the input, so charts are reproducible byte for byte. Text is XML-escaped;
// numbers that cannot be drawn (NaN, infinities, non-positive values on a
// logarithmic axis) are reported as errors instead of producing a broken
// picture.
package svgchart
