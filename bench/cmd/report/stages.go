package main

import (
	"fmt"
	"strconv"
	"strings"
)

// A stage is one part of a benchmark's work, named for the reader, with the
// functions that do it, spelled as pprof prints them (package path and
// receiver, without " (inline)").
type stage struct {
	Name  string
	Funcs []string
}

// A breakdown splits the CPU samples under Root (the call that one
// benchmark iteration makes) into stages.
type breakdown struct {
	Root   string
	Stages []stage
}

const (
	modPath = "github.com/cookiecodec/cookiecodec/"
	serPkg  = modPath + "serializer."
)

// serializerDecodeStages are the stages of serializer.Unmarshal, in the
// Flask codec's decode and on its own.
var serializerDecodeStages = []stage{
	{"make maps and insert their entries", []string{"runtime.makemap", "runtime.makemap_small", "runtime.mapassign_faststr"}},
	{"scan strings (keys and values)", []string{serPkg + "(*decoder).str"}},
	{"box strings as any", []string{modPath + "internal/boxes.(*Strings).Box"}},
	{"make arrays", []string{"runtime.makeslice"}},
	{"parse numbers", []string{serPkg + "(*decoder).number"}},
}

// breakdowns are keyed by benchmark subject and op, the session left out:
// "Flask/decode" covers Flask/S/decode and Flask/L/decode. Only the
// benchmarks of goals that can be missed need one; the others get the
// profile alone.
var breakdowns = map[string]breakdown{
	"Flask/decode": {
		Root: modPath + "codec.(*Flask).DecodeSession",
		Stages: []stage{
			{"verify the signature (HMAC-SHA1 of the signed text)", []string{modPath + "codec.(*Signer).Unsign"}},
			{"read the clock for the age check", []string{modPath + "codec.Clock.now"}},
			{"base64-decode the payload", []string{modPath + "codec.decodePayloadSegment"}},
			{"parse the JSON into map[string]any (serializer.Unmarshal)", []string{serPkg + "(*Serializer).UnmarshalString"}},
		},
	},
	"Serializer/decode": {
		Root:   serPkg + "(*Serializer).Unmarshal",
		Stages: serializerDecodeStages,
	},
}

// breakdownFor returns the breakdown of a benchmark named
// Subject/session/op, if it has one.
func breakdownFor(name string) (breakdown, bool) {
	parts := strings.Split(name, "/")
	if len(parts) != 3 {
		return breakdown{}, false
	}
	b, ok := breakdowns[parts[0]+"/"+parts[2]]
	return b, ok
}

// A trace is one call stack of a CPU profile, leaf first, with the time of
// its samples in milliseconds.
type trace struct {
	MS     float64
	Frames []string
}

// parseTraces reads the output of `go tool pprof -traces` for a CPU
// profile: a preamble, then blocks separated by lines of dashes, each a
// time ("30ms", "1.20s") followed by the leaf frame, and one further frame
// per line. Inlined frames keep their " (inline)" mark off.
func parseTraces(out string) ([]trace, error) {
	var traces []trace
	var cur *trace
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "-----------+") {
			cur = nil
			continue
		}
		if cur == nil {
			fields := strings.Fields(line)
			if len(fields) < 2 || !strings.HasPrefix(line, " ") {
				continue // the preamble, or the end
			}
			ms, err := parseMS(fields[0])
			if err != nil {
				return nil, fmt.Errorf("pprof -traces: %q: %w", line, err)
			}
			traces = append(traces, trace{MS: ms})
			cur = &traces[len(traces)-1]
			line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), fields[0]))
		}
		if f := frameName(line); f != "" {
			cur.Frames = append(cur.Frames, f)
		}
	}
	if len(traces) == 0 {
		return nil, fmt.Errorf("pprof -traces: no samples")
	}
	return traces, nil
}

// frameName trims a frame line of white space and pprof's inline mark.
func frameName(line string) string {
	line = strings.TrimSpace(line)
	line = strings.TrimSuffix(line, " (inline)")
	return strings.TrimSuffix(line, " (partial-inline)")
}

// parseMS reads a pprof duration such as "30ms", "1.20s", "500us".
func parseMS(s string) (float64, error) {
	for _, u := range []struct {
		suffix string
		ms     float64
	}{{"ms", 1}, {"us", 1e-3}, {"µs", 1e-3}, {"ns", 1e-6}, {"s", 1e3}} {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return 0, err
			}
			return f * u.ms, nil
		}
	}
	return 0, fmt.Errorf("not a duration")
}

// A stageSplit is a breakdown applied to one profile: the milliseconds of
// samples per stage (in the breakdown's order), the rest under Root, the
// total under Root, and the time of one sample (the smallest time of a
// trace: 10 ms at the Go profiler's rate of 100 samples per second).
type stageSplit struct {
	Names  []string
	MS     []float64
	Rest   float64
	Total  float64
	Sample float64
}

// split attributes every sample whose stack passes through b.Root to the
// outermost stage function on its stack below Root, so that a stage counts
// everything it calls; samples under Root in no stage are the rest.
// Samples outside Root (the garbage collector's background workers, the
// benchmark loop) are left out. A stage that no sample reaches has 0 ms:
// either it is too cheap to be sampled or a function was renamed, which
// TestBreakdownFunctionsExist catches.
func (b breakdown) split(traces []trace) stageSplit {
	out := stageSplit{MS: make([]float64, len(b.Stages))}
	for _, s := range b.Stages {
		out.Names = append(out.Names, s.Name)
	}
	stageOf := map[string]int{}
	for i, s := range b.Stages {
		for _, f := range s.Funcs {
			stageOf[f] = i
		}
	}
	for _, t := range traces {
		if out.Sample == 0 || t.MS < out.Sample {
			out.Sample = t.MS
		}
		inRoot, found := false, false
		for i := len(t.Frames) - 1; i >= 0 && !found; i-- { // root end first
			f := t.Frames[i]
			if !inRoot {
				inRoot = f == b.Root
				continue
			}
			if s, ok := stageOf[f]; ok {
				out.MS[s] += t.MS
				found = true
			}
		}
		if !inRoot {
			continue
		}
		out.Total += t.MS
		if !found {
			out.Rest += t.MS
		}
	}
	return out
}

// perOp converts the split into nanoseconds per operation, given the
// benchmark's median time per operation in seconds.
func (s stageSplit) perOp(secPerOp float64) (stages []float64, rest float64) {
	if s.Total == 0 {
		return make([]float64, len(s.MS)), 0
	}
	scale := secPerOp * 1e9 / s.Total
	for _, ms := range s.MS {
		stages = append(stages, ms*scale)
	}
	return stages, s.Rest * scale
}

// writeBudget says how fast our side of a missed time goal must become.
func writeBudget(b *strings.Builder, r result) {
	if r.unit() != timeUnit || r.OursValue <= 0 || r.PeerValue <= 0 {
		return
	}
	var allowed float64
	var how string
	switch r.Kind {
	case faster:
		allowed = r.PeerValue / r.Target
		how = fmt.Sprintf("%s's median %s / %g", r.Peer, formatNS(r.PeerValue*1e9), r.Target)
	case atMost:
		allowed = r.PeerValue * r.Target
		how = fmt.Sprintf("%.3g × %s's median %s", r.Target, r.Peer, formatNS(r.PeerValue*1e9))
	default:
		return
	}
	fmt.Fprintf(b, "To meet the goal, %s may take at most %s = **%s** per operation; its median is %s, so it must become %.0f%% faster.\n\n",
		r.Ours, how, formatNS(allowed*1e9), formatNS(r.OursValue*1e9), (r.OursValue/allowed-1)*100)
}

// writeStages writes the stage table of r's benchmark, with r's peer beside
// it for an L vs S goal.
func writeStages(b *strings.Builder, r result, s stats, profiles map[string]profile) {
	ours := profiles[r.Ours].Stages
	bd, ok := breakdownFor(r.Ours)
	if ours == nil || ours.Total == 0 || !ok {
		return
	}
	oursSec, _ := s.value(r.Ours, timeUnit)
	oursNS, oursRest := ours.perOp(oursSec)
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("Where the time goes: every CPU sample under `%s` counts once, in the outermost stage on its stack (a stage includes what it calls); ", strings.TrimPrefix(bd.Root, modPath))
	p("the shares are scaled to the benchmark's median. The garbage collector's background work, on the other core, is not included. ")
	p("One sample is %s of CPU, about %s per operation of %s: a stage of a few samples is imprecise.\n\n",
		strconv.FormatFloat(ours.Sample, 'g', 3, 64)+" ms", formatNS(ours.Sample/ours.Total*oursSec*1e9), r.Ours)

	var peer *stageSplit
	if r.Area == scalingArea {
		if pp := profiles[r.Peer].Stages; pp != nil && pp.Total > 0 {
			peer = pp
		}
	}
	if peer == nil {
		p("| stage | time per op | share |\n|---|---:|---:|\n")
		for i, name := range ours.Names {
			p("| %s | %s | %.0f%% |\n", name, formatNS(oursNS[i]), 100*ours.MS[i]/ours.Total)
		}
		p("| everything else under the call | %s | %.0f%% |\n\n", formatNS(oursRest), 100*ours.Rest/ours.Total)
		return
	}
	peerSec, _ := s.value(r.Peer, timeUnit)
	peerNS, peerRest := peer.perOp(peerSec)
	ratio := func(o, p float64) string {
		if p <= 0 {
			return "—"
		}
		return fmt.Sprintf("%.1fx", o/p)
	}
	p("| stage | %s | %s | ratio |\n|---|---:|---:|---:|\n", r.Peer, r.Ours)
	for i, name := range ours.Names {
		p("| %s | %s | %s | %s |\n", name, formatNS(peerNS[i]), formatNS(oursNS[i]), ratio(oursNS[i], peerNS[i]))
	}
	p("| everything else under the call | %s | %s | %s |\n", formatNS(peerRest), formatNS(oursRest), ratio(oursRest, peerRest))
	p("| total | %s | %s | %s |\n\n", formatNS(peerSec*1e9), formatNS(oursSec*1e9), ratio(oursSec, peerSec))
}
