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
// # Snapshots
//
// Backend.Snapshot takes a snapshot for a checkpoint on the task goroutine,
// in time independent of the amount of state, and the snapshot is written
// (Snapshot.WriteKeyGroups, in the format of docs/format/keyed-state.md)
// from another goroutine while the task keeps reading and writing state. It
// is copy-on-write at two levels:
//
//   - The index. Each table's per-key-group maps are frozen (package cowmap):
//     the snapshot keeps the maps as they were, and the task's first write
//     to a key group while a snapshot is in flight replaces that key
//     group's map by a clone (a copy of the map's memory, without
//     rehashing), which it then reads and writes in place. A key group is
//     cloned at most once per snapshot, lookups stay one map access, and
//     releasing a snapshot costs nothing.
//   - The entries. Every snapshot bumps the table's epoch; an entry stamped
//     with an older epoch may be read by a snapshot and is never changed:
//     the first access of it (read or write, since reads refresh TTL
//     timestamps and hand values to user code) replaces it in the index
//     by a copy, which is then changed in place as usual. The copy is deep
//     for values holding slices (each slice copied once, with reflect), so
//     that user code changing a value it got cannot reach the snapshot. The
//     incremental TTL cleanup removes frozen entries that have expired
//     entirely and skips the others.
//
// A value handed to user code must not be changed in place once a later
// snapshot may have been taken (a value kept across elements), as in Flink;
// changing it and writing it back while handling one element is fine.
//
// So the task pays, while a snapshot is in flight, one copy per entry it
// touches and one map clone per key group it writes; with no snapshot in
// flight the hot paths are unchanged (a branch). Timer services of package
// statebackend register with the backend (AddSection) and are frozen the
// same way in the same snapshot.
//
// Snapshots need the values' codecs: a table gets serde.For codecs of its
// value (and map key) type when it is created. A state whose type has none
// still works, but Snapshot fails naming it (or its creation fails, with
// Options.RequireCodecs).
//
// Restore (or the Restore method) reads snapshot streams, keeps the key
// groups of the backend's range and checks the whole stream first; states
// come back when handles of their names are created, with the kinds and
// types recorded in the stream.
//
// A Backend and its handles are used from one goroutine; a Snapshot's
// WriteKeyGroups from any.
package heap
