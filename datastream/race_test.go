//go:build race

package datastream

// raceEnabled makes the slowest tests smaller under the race detector.
const raceEnabled = true
