//go:build !unix

package main

import "time"

type usage struct {
	cpu     time.Duration
	peakRSS int64
}

// readUsage has no getrusage to ask: cores and peak RSS are reported as 0.
func readUsage() usage { return usage{} }
