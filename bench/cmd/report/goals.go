package main

import (
	"fmt"
	"math"
)

// A kind says how a goal compares its two figures.
type kind int

const (
	// faster: the peer's time divided by ours must be at least the target.
	faster kind = iota
	// atMost: our time divided by the peer's must be at most the target.
	atMost
	// maxCount: our figure (in the goal's unit) must be at most the target.
	maxCount
	// shorter: 1 - ours/peer (in the goal's unit) must be at least the target.
	shorter
	// info: a ratio peer/ours shown for orientation, without a target.
	info
	// costInfo: a ratio ours/peer (a cost, as atMost) shown for
	// orientation, without a target.
	costInfo
)

// isInfo reports whether the goal is only shown, not judged.
func (g goal) isInfo() bool { return g.Kind == info || g.Kind == costInfo }

// timeUnit is benchstat's unit for the time per operation.
const timeUnit = "sec/op"

// A goal is one row of the goal table: a comparison of two benchmarks of
// the same run, or a limit on one figure.
type goal struct {
	Area string // e.g. "serializer"
	What string // e.g. "encode vs encoding/json"
	Kind kind
	// Ours and Peer name benchmarks as benchstat prints them, without the
	// "Benchmark" prefix and the -GOMAXPROCS suffix. Peer is empty for
	// maxCount.
	Ours, Peer string
	// Unit is the benchstat unit compared; "" means sec/op.
	Unit   string
	Target float64
	// Guard is the looser threshold the CI regression guard applies (same
	// direction as Target); 0 leaves the goal out of the guard.
	Guard float64
}

func (g goal) unit() string {
	if g.Unit == "" {
		return timeUnit
	}
	return g.Unit
}

// benchmarks returns the benchmark names the goal needs.
func (g goal) benchmarks() []string {
	if g.Peer == "" {
		return []string{g.Ours}
	}
	return []string{g.Ours, g.Peer}
}

// A result is a goal evaluated on one run.
type result struct {
	goal
	// Value is the goal's figure: a speedup (faster, info), a cost ratio
	// (atMost), a count (maxCount) or a fraction (shorter).
	Value float64
	// OursValue and PeerValue are the medians compared.
	OursValue, PeerValue float64
	// Missing lists the benchmarks the run did not measure; Value is then
	// meaningless and the goal counts as missed.
	Missing []string
	Met     bool
	// GuardOK reports whether Value passes the guard threshold.
	GuardOK bool
}

// evaluate computes g on s.
func evaluate(g goal, s stats) result {
	r := result{goal: g}
	u := g.unit()
	var ok bool
	if r.OursValue, ok = s.value(g.Ours, u); !ok {
		r.Missing = append(r.Missing, g.Ours)
	}
	if g.Peer != "" {
		if r.PeerValue, ok = s.value(g.Peer, u); !ok {
			r.Missing = append(r.Missing, g.Peer)
		}
	}
	if len(r.Missing) > 0 {
		r.Value = math.NaN()
		return r
	}
	switch g.Kind {
	case faster, info:
		r.Value = r.PeerValue / r.OursValue
	case atMost, costInfo:
		r.Value = r.OursValue / r.PeerValue
	case maxCount:
		r.Value = r.OursValue
	case shorter:
		r.Value = 1 - r.OursValue/r.PeerValue
	}
	r.Met = g.isInfo() || g.passes(r.Value, g.Target)
	r.GuardOK = g.Guard == 0 || g.passes(r.Value, g.Guard)
	return r
}

// passes reports whether v, a value of g's kind, is on the good side of
// limit: at least limit for a speed-up or a saving, at most for a cost or
// a count.
func (g goal) passes(v, limit float64) bool {
	switch g.Kind {
	case faster, info, shorter:
		return v >= limit
	case atMost, costInfo, maxCount:
		return v <= limit
	}
	return true
}

// evaluateAll evaluates every goal on s.
func evaluateAll(goals []goal, s stats) []result {
	out := make([]result, len(goals))
	for i, g := range goals {
		out[i] = evaluate(g, s)
	}
	return out
}

// measured formats r.Value for the table.
func (r result) measured() string {
	if len(r.Missing) > 0 {
		return "not measured"
	}
	switch r.Kind {
	case faster, info:
		return speedPhrase(r.Value)
	case atMost, costInfo:
		return fmt.Sprintf("%.2fx the cost", r.Value)
	case maxCount:
		return fmt.Sprintf("%g %s", r.Value, r.unit())
	case shorter:
		return lengthPhrase(r.Value) + fmt.Sprintf(" (%g vs %g bytes)", r.OursValue, r.PeerValue)
	}
	return ""
}

// speedPhrase words a speed ratio v = peer time / our time: "3.70x
// faster" when ours is faster, "3.70x slower" (the inverse ratio) when
// ours is slower, and "as fast" when the two round to the same.
func speedPhrase(v float64) string {
	switch {
	case v <= 0 || math.IsInf(v, 0) || math.IsNaN(v):
		return fmt.Sprintf("peer/ours = %g", v) // a zero time: no ratio to word
	case math.Abs(v-1) < 0.005:
		return "as fast (1.00x)"
	case v > 1:
		return fmt.Sprintf("%.2fx faster", v)
	}
	return fmt.Sprintf("%.2fx slower", 1/v)
}

// lengthPhrase words v = 1 - ours/peer for lengths: "19% shorter", "5%
// longer", "same length"; differences under 1% get one decimal, so that
// they do not print as "0% shorter".
func lengthPhrase(v float64) string {
	word := "shorter"
	if v < 0 {
		v, word = -v, "longer"
	}
	switch pct := v * 100; {
	case pct == 0:
		return "same length"
	case pct < 1:
		return fmt.Sprintf("%.1f%% %s", pct, word)
	default:
		return fmt.Sprintf("%.0f%% %s", pct, word)
	}
}

// target formats the goal's target for the table.
func (g goal) target() string {
	return g.threshold(g.Target)
}

func (g goal) threshold(v float64) string {
	switch g.Kind {
	case faster:
		return fmt.Sprintf("≥ %.3gx faster", v)
	case atMost:
		return fmt.Sprintf("≤ %.3gx", v)
	case maxCount:
		return fmt.Sprintf("≤ %g", v)
	case shorter:
		return fmt.Sprintf("≥ %g%% shorter", v*100)
	}
	return "—"
}

// status is the table's verdict on r.
func (r result) status() string {
	switch {
	case r.isInfo():
		return "info"
	case len(r.Missing) > 0:
		return "**NOT MEASURED**"
	case r.Met:
		return "met"
	}
	return "**MISSED**"
}

// chartable reports whether r belongs in the ratio chart: a timed
// comparison against a peer on S.
func (r result) chartable() bool {
	return len(r.Missing) == 0 && r.unit() == timeUnit && (r.Kind == faster || r.Kind == info || (r.Kind == atMost && r.Area != scalingArea))
}

// speed returns the chart's figure for r, the peer's time over ours, and
// the goal in the same terms (0 for info rows).
func (r result) speed() (value, goal float64) {
	switch r.Kind {
	case atMost:
		return 1 / r.Value, 1 / r.Target
	case info:
		return r.Value, 0
	}
	return r.Value, r.Target
}
