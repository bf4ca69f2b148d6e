//go:build !race

package datastream

const raceEnabled = false
