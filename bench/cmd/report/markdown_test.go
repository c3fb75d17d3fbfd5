package main

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestMarkdownSaysMissedPlainly(t *testing.T) {
	s := stats{
		{"Serializer/S/encode", timeUnit}:            {Center: 1e-6},
		{"EncodingJSON/S/encode", timeUnit}:          {Center: 2e-6},
		{"Serializer/S/decode", timeUnit}:            {Center: 1e-6, CI: "±2%"},
		{"EncodingJSON/S/decode", timeUnit}:          {Center: 3e-6},
		{"NativeXChaCha20/S/decode", timeUnit}:       {Center: 3e-6},
		{"FloorXChaCha20/S/decode", timeUnit}:        {Center: 1e-6},
		{"ScaleSerializer/64B/encode", timeUnit}:     {Center: 1e-7},
		{"ScaleSerializer/1024B/encode", timeUnit}:   {Center: 1e-6},
		{"ScaleSerializer/16384B/encode", timeUnit}:  {Center: 16e-6},
		{"GorillaJSON/S/encode", "cookie-bytes"}:     {Center: 544},
		{"NativeXChaCha20/S/encode", "cookie-bytes"}: {Center: 440},
		{"NativeAESGCM/S/encode", "cookie-bytes"}:    {Center: 600},
	}
	m := machine{Date: time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC), Cores: 2, Count: 6, Benchtime: "300ms", LoadBefore: "3.5 1 1"}
	md := markdown(m, evaluateAll(goals(12.2), s), s, "benchstat text", map[string]profile{"Serializer/S/encode": {Top: "flat flat% top"}})

	for _, want := range []string{
		"**Missed:**",
		"- serializer, encode vs encoding/json: 2.00x faster; the goal is ≥ 2.5x faster.",
		"| serializer | decode vs encoding/json | 1 µs ±2% | 3 µs | 3.00x faster | ≥ 2.5x faster | met |",
		"**Not measured**",
		"missing `BenchmarkMiddleware/S/readwrite`",
		"| native XChaCha20 | 440 | — | -19% |",
		"![speed relative to peers](ratios.svg)",
		"![cost against payload size](scaling.svg)",
		"| serializer | encode | 100 ns | — | 1 µs | — | 16 µs | 0.98 | 1.00 |",
		"### BenchmarkSerializer/S/encode",
		"**Noise warning:** the load average during the run exceeded the number of cores",
		"| median confidence interval of the times | ±",
		"benchstat text",
		"| XChaCha20 | decode | 1 µs | 1 µs | 2 µs | 3 µs | 1.50x |",
		"allows at most 408 characters, that is 306 raw bytes.",
		"- native XChaCha20: 440 characters = 330 raw bytes = 75 envelope + 255 payload.",
		// Ratios below 1 are worded the other way round.
		"| native vs floor | XChaCha20 decode vs crypto+base64 alone | 3 µs | 1 µs | 3.00x slower | — | info |",
		"- native, AES-GCM cookie length vs gorilla JSON+AES: 10% longer (600 vs 544 bytes); the goal is ≥ 25% shorter.",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("RESULTS.md lacks %q", want)
		}
	}
	if m := regexp.MustCompile(`(^|[^0-9.])0\.\d+x faster|-\d+% shorter`).FindString(md); m != "" {
		t.Errorf("RESULTS.md words a ratio below 1 backwards: %q", m)
	}
	// 1 of the 2 measured serializer goals is met; everything else is
	// missing or missed, and the count says so.
	if !regexp.MustCompile(`\*\*1 of \d+ goals met\.\*\*`).MatchString(md) {
		t.Errorf("goal count wrong:\n%s", md[:400])
	}
}

func TestBenchPattern(t *testing.T) {
	got := benchPattern([]string{"Serializer/S/encode", "EncodingJSON/S/decode", "PythonFlask/S/encode", "Middleware/S/readwrite", "Flask/L/encode"})
	want := "^Benchmark(EncodingJSON|Flask|Middleware|Serializer)$/^(L|S)$"
	if got != want {
		t.Errorf("benchPattern = %q, want %q", got, want)
	}
	re := regexp.MustCompile(strings.SplitN(got, "/", 2)[0])
	if re.MatchString("BenchmarkFlaskZlib") || !re.MatchString("BenchmarkFlask") {
		t.Error("pattern does not anchor subject names")
	}
}

func TestFormatNS(t *testing.T) {
	for ns, want := range map[float64]string{812: "812 ns", 999.7: "1 µs", 8213: "8.21 µs", 1.2e6: "1.2 ms", 163000: "163 µs"} {
		if got := formatNS(ns); got != want {
			t.Errorf("formatNS(%v) = %q, want %q", ns, got, want)
		}
	}
}

func TestScalingChartNeedsData(t *testing.T) {
	if _, err := scalingChart(stats{{"Serializer/S/encode", timeUnit}: {Center: 1}}); err == nil {
		t.Error("scaling chart without scaling benchmarks: no error")
	}
	svg, err := scalingChart(stats{
		{"ScaleSerializer/64B/encode", timeUnit}:    {Center: 1e-7},
		{"ScaleSerializer/16384B/encode", timeUnit}: {Center: 1e-5},
		{"ScaleSerializer/64B/decode", timeUnit}:    {Center: 2e-7},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"serializer encode", "serializer decode", "∝ size (reference)", "16 KiB"} {
		if !strings.Contains(string(svg), want) {
			t.Errorf("scaling chart lacks %q", want)
		}
	}
}

func TestMedianCI(t *testing.T) {
	s := stats{
		{"A", timeUnit}:    {CI: "±2%"},
		{"B", timeUnit}:    {CI: "±4%"},
		{"C", timeUnit}:    {CI: "∞"},
		{"A", "allocs/op"}: {CI: "±90%"},
		{"D", timeUnit}:    {CI: "±3%"},
	}
	if got := medianCI(s); got != 3.5 {
		t.Errorf("medianCI = %v, want 3.5 (2, 3, 4, 100; allocs ignored)", got)
	}
}
