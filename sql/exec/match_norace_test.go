//go:build !race

package exec_test

const matchRace = false
