//go:build race

package cookiesession

// raceEnabled: the race detector makes sync.Pool drop items at random (the
// codecs pool their buffers), so allocation bounds are not checked under it.
const raceEnabled = true
