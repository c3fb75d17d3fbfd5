// Package fuzz holds the fuzz targets of cookiecodec and its differential
// test against real Flask. It has no API: everything is in the _test.go
// files, and README.md lists each target, its seeds and what it asserts.
//
// Start with the short runs CI makes (.ci/fuzz, about 20 s per target):
//
//	go test ./fuzz -run='^$' -fuzz='^FuzzUnmarshal$' -fuzztime=20s
//
// and with fuzz/campaign.sh for a long campaign. The differential test runs
// in every go test ./... (5,000 cases) and longer with
//
//	go test ./fuzz -run TestDifferentialFlask -difftest.n=200000
//
// # Oracles
//
// A target that only checks "no panic" finds crashes but not wrong answers,
// so every target here also checks a property that a wrong answer breaks:
// values that come back equal, texts that are stable, cookies that are
// accepted only when an independent HMAC computation (or the set of cookies
// the target sealed itself) says they are genuine, and errors that wrap
// exactly one of the package's sentinels.
package fuzz
