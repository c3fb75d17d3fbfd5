//go:build race

package codec

// raceEnabled: the race detector makes sync.Pool drop items at random, so
// allocation bounds that rely on warm pools are not checked under it.
const raceEnabled = true
