//go:build race

package serializer_test

// raceEnabled: the race detector makes sync.Pool drop items at random, so
// allocation counts that rely on pooling are not checked.
const raceEnabled = true
