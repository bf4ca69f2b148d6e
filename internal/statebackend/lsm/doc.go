// Package lsm is the keyed state backend that keeps state in an embedded
// LSM tree, pebble (github.com/cockroachdb/pebble/v2), for state larger than
// memory: Flink's EmbeddedRocksDBStateBackend. It owns the backend's pebble
// database (in a working directory, dir/db), the layout of state in it
// (docs/format/lsm-layout.md), full snapshots in the standard stream format
// (docs/format/keyed-state.md) and the backend side of incremental
// checkpoints (CheckpointFiles, RestoreFromFiles).
//
// Handles (Value, List, Map, Reducing, Aggregating) are created with the
// generic constructors NewValue, NewList, ... and are normally reached
// through package statebackend. Every value is stored serialized with the
// serde.For codec of its type, so a state whose value (or map key) type
// has no codec cannot be created: the error names the state. A handle keeps
// the pebble key of its current key and namespace and rebuilds it only when
// either changes; reads decode straight from pebble's buffers, so steady
// state access of value, map and reducing state allocates nothing for
// fixed-size types. A value is one pebble key; a list is one pebble value
// (its elements concatenated, appended with pebble's concatenating Merge,
// without a read); each map entry is one pebble key.
//
// The database runs without a WAL and writes with NoSync: as in Flink,
// durability comes from checkpoints, and a failed task restores its last
// checkpoint, never its working database. State access has no error
// results (as Flink's state throws unchecked exceptions), so a failing
// database or a stored value that does not decode makes the access panic
// with an error naming the state.
//
// Time-to-live has the heap backend's semantics (Flink's): a value's
// timestamp, stored in front of it, is set on writes and, with
// OnReadAndWrite, on reads; an expired value is removed when accessed (and,
// with ReturnExpiredIfNotCleanedUp, returned that once); lists expire per
// element and maps per entry; Keys reports expired values not cleaned up
// yet. After every access of a TTL state the backend checks the next 5
// entries of that state, round robin, and removes the expired ones (the
// heap backend's incremental cleanup, where Flink's RocksDB backend uses a
// compaction filter that pebble does not offer). The walk uses a
// long-lived iterator and re-reads an entry before changing it; its cost is
// small unless a few keys are rewritten very often, when each step walks
// their old versions in the memtable.
//
// # Snapshots and checkpoints
//
// Backend.Snapshot takes a pebble snapshot (a sequence number: constant
// time, nothing copied), which holds the timers too; the snapshot is
// written (Snapshot.WriteKeyGroups) from another goroutine as the standard
// keyed-state stream, iterating each key group's contiguous key range, so a
// full snapshot of an lsm backend restores into a heap backend and back,
// at any parallelism. Restore (or the Restore method) writes the entries of
// the backend's key groups from streams into the database as they are,
// without decoding them; states come back when handles of their names are
// created, with the kinds and types recorded in the stream (a TTL turned on
// or off since is migrated then).
//
// CheckpointFiles flushes the memtables and makes a pebble checkpoint in a
// directory (SSTs hard-linked), plus MetaFile (the state registrations,
// timers included: names, kinds, types, ids, checksummed) and TimersFile
// (other snapshot sections as a stream, normally empty). SST names are stable within a lineage (BackendID), so the
// runtime uploads only the files the previous checkpoint did not have
// (IncrementalSnapshot.NewFiles) and reference-counts shared ones.
// RestoreFromFiles opens a database from downloaded checkpoints: directly
// (hard links) when one old checkpoint has the new key-group range, else
// by copying the new range's key groups out of each old checkpoint.
//
// # Timers
//
// Timer services (package statebackend) keep their timers in the database,
// as Flink's RocksDB backend does by default, so that memory does not grow
// with the number of timers: Timers (NewTimers) is a state of kind timers
// with one pebble key per timer, laid out so that a key group's timers of
// one time domain are one range in firing order. Registering is a Set (the
// key is the timer, so it deduplicates itself), deleting a Delete. Each
// key group caches its first few timers per domain, and a min-heap orders
// the key groups by their earliest timer, so the earliest timer and the
// due timers are found without reading the database, which is read again
// (from after the last cached timer, never over the tombstones of fired
// timers) only when a key group's cache runs empty; the cache is bounded
// per key group, not by the number of timers. Counting timers scans them.
//
// Timers are in snapshots (written from the pebble snapshot in the stream's
// timer format, one entry per timer, as the heap backend writes them) and
// in incremental checkpoints (as SSTs like any state; EDDY-TIMERS holds
// only other sections, normally none). Restore writes restored timers into
// the database, where a timer service of their name claims them; rescaling
// copies them with their key groups.
//
// A Backend and its handles are used from one goroutine; a Snapshot's
// WriteKeyGroups from any.
package lsm
