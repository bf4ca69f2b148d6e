//go:build !linux

package main

import "os"

// fileIsTerminal falls back to "is a character device" off Linux.
func fileIsTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
