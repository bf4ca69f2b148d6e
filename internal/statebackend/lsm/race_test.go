//go:build race

package lsm_test

// raceEnabled makes the slowest tests smaller under the race detector.
const raceEnabled = true
