//go:build race

package exec_test

// matchRace makes the slowest MATCH_RECOGNIZE tests smaller under the race
// detector.
const matchRace = true
