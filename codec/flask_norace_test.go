//go:build !race

package codec

// raceEnabled: see flask_race_test.go.
const raceEnabled = false
