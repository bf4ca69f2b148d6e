// Package heap is the keyed state backend that keeps state in Go maps on the
// heap, for state that fits in memory (Flink's HashMapStateBackend).
//
// Each state name has one table; a table has one Go map per key group of the
// backend's key-group range, keyed by the bytes encodedKey | encodedNamespace
// (the layout the LSM backend uses after its key-group prefix, without the
// user key of map state, which lives in a Go map inside the value). Encoded
// keys must be self-delimiting, as every serde codec is, so that key and
// namespace never run into each other; each entry records its key length so
// that Keys can split them again.
//
// Handles (Value, List, Map, Reducing, Aggregating) are created with the
// generic constructors NewValue, NewList, ... and are normally reached
// through package statebackend. A handle caches the bytes it looks up and
// rebuilds them only when the backend's current key or its namespace
// changes, so steady-state reads and writes of existing entries allocate
// nothing.
//
// Time-to-live (state.TTL) is measured in processing time read from the
// backend's Clock, with Flink's semantics: a value's timestamp is set on
// every write, and on reads too with state.OnReadAndWrite; an expired value
// is removed when it is accessed (and, with ReturnExpiredIfNotCleanedUp,
// returned that one last time); and after every access of a TTL state the
// backend checks the next few entries of the same state, round robin, and
// removes the expired ones (Flink's incremental cleanup, 5 entries per
// access), so memory does not grow with dead keys. List state expires per
// element and map state per map entry. Keys reports expired entries that have
// not been cleaned up yet, as Flink does.
//
// A Backend and its handles are used from one goroutine.
package heap
