// Package keygroup owns the mapping from keys to key groups and from key
// groups to parallel subtasks, with Flink's formulas, so that keyed state can
// be redistributed by contiguous key-group ranges when parallelism changes.
//
// A key's hash is computed over its canonical encoding (see package serde), so
// it is the same in every process and every run; Go's randomized map hash is
// never used.
package keygroup
