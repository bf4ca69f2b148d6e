// Package statebackend owns keyed state storage behind one interface, so that
// operators and user functions do not change between the heap backend (Go
// maps, package heap) and the LSM backend (pebble, a later package lsm).
//
// State is addressed by (key group, key, namespace[, user key]). The key is
// the canonical encoding of the user's key (package serde), set once per
// element or timer with Keyed.SetCurrentKey; the namespace is set per handle
// (a window for window state, Void for plain keyed state). Handles are
// created through the generic functions of this package (NewValue, NewList,
// ...), which dispatch on the concrete backend: Go methods cannot have type
// parameters, and the set of backends is deliberately small.
//
// Backends that support checkpoints implement Snapshotter (a snapshot taken
// synchronously and cheaply on the task goroutine, written asynchronously
// from another) and Restorer (restore from the snapshot streams of one or
// more old subtasks, keeping the key groups of the backend's range). The
// stream format, shared by every backend, is package stateio's,
// specified in docs/format/keyed-state.md. Timer services are part of the
// snapshot of their backend.
package statebackend
