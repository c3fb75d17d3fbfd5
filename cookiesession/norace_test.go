//go:build !race

package cookiesession

// raceEnabled: see race_test.go.
const raceEnabled = false
