//go:build race

package boxes

// raceEnabled: the race detector adds allocations of its own.
const raceEnabled = true
