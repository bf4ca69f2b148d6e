//go:build unix

package main

import (
	"runtime"
	"syscall"
	"time"
)

// usage is what getrusage says about this process.
type usage struct {
	cpu     time.Duration // user + system
	peakRSS int64         // bytes
}

func readUsage() usage {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return usage{}
	}
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	rss := int64(ru.Maxrss)
	if runtime.GOOS != "darwin" && runtime.GOOS != "ios" {
		rss *= 1024 // KiB everywhere but on Apple's systems (bytes)
	}
	return usage{cpu: cpu, peakRSS: rss}
}
