// Package state owns the user-facing keyed state: the handles a function
// reads and writes (ValueState, ListState, MapState, ReducingState,
// AggregatingState), the descriptors that name them, and their TTL
// configuration.
//
// A handle is always scoped to the key of the element (or timer) being
// processed; the runtime sets that key before calling user code, so user code
// never passes keys to state. Handles are obtained from a keyed runtime
// context (see datastream.GetValueState and friends). Backends (heap, lsm)
// implement the handles; user code does not change between them.
package state
