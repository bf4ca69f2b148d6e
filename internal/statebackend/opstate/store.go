package opstate

import (
	"fmt"
	"slices"
)

// Mode is how a state's elements are redistributed on restore.
type Mode uint8

// The distribution modes.
const (
	Split Mode = 1 + iota
	Union
	Broadcast
)

var modeNames = [...]string{"", "list", "union list", "broadcast"}

func (m Mode) String() string {
	if m >= Split && m <= Broadcast {
		return modeNames[m]
	}
	return fmt.Sprintf("mode(%d)", uint8(m))
}

// Encoder encodes a registered state's elements for a snapshot.
type Encoder func() ([][]byte, error)

// Store is the operator state of one operator instance. It is used from the
// instance's task goroutine only.
type Store struct {
	states   map[string]*entry
	order    []string
	restored bool
	hooks    []func(checkpointID int64) error
}

// entry is a state: registered (enc set), or restored and not registered
// (yet), in which case its elements are snapshotted as they were restored.
type entry struct {
	mode     Mode
	typeName string
	enc      Encoder
	elems    [][]byte
}

// NewStore returns an empty store.
func NewStore() *Store { return &Store{states: make(map[string]*entry)} }

// IsRestored reports whether the store was restored from a snapshot (Flink's
// FunctionInitializationContext.isRestored), even one without elements for
// this subtask.
func (s *Store) IsRestored() bool { return s.restored }

// Empty reports whether the store has nothing to snapshot.
func (s *Store) Empty() bool { return len(s.states) == 0 }

// Register registers the state name with mode and element type typeName,
// whose elements enc encodes at each snapshot, and returns the elements
// restored for it (nil if none). Registering a name twice, or a name
// restored with another mode or type, is an error.
func (s *Store) Register(name string, mode Mode, typeName string, enc Encoder) ([][]byte, error) {
	if mode < Split || mode > Broadcast {
		return nil, fmt.Errorf("operator state %q: invalid mode %d", name, mode)
	}
	if enc == nil {
		return nil, fmt.Errorf("operator state %q: no encoder", name)
	}
	e, ok := s.states[name]
	if ok && e.enc != nil {
		return nil, fmt.Errorf("operator state %q is registered twice", name)
	}
	if ok {
		if e.mode != mode {
			return nil, fmt.Errorf("operator state %q was snapshotted as %s state, cannot restore it as %s state", name, e.mode, mode)
		}
		if e.typeName != typeName {
			return nil, fmt.Errorf("operator state %q was snapshotted with element type %s, cannot restore it with element type %s", name, e.typeName, typeName)
		}
		elems := e.elems
		e.enc, e.elems = enc, nil
		return elems, nil
	}
	s.states[name] = &entry{mode: mode, typeName: typeName, enc: enc}
	s.order = append(s.order, name)
	return nil, nil
}

// OnSnapshot adds a function called at the start of every snapshot, before
// the states are encoded: a user function's SnapshotState moves its data
// into its states there.
func (s *Store) OnSnapshot(fn func(checkpointID int64) error) {
	s.hooks = append(s.hooks, fn)
}

// Snapshot runs the snapshot hooks and encodes every state, registered or
// restored, for checkpoint checkpointID. It returns nil if the store is
// empty.
func (s *Store) Snapshot(checkpointID int64) ([]byte, error) {
	for _, h := range s.hooks {
		if err := h(checkpointID); err != nil {
			return nil, err
		}
	}
	if len(s.states) == 0 {
		return nil, nil
	}
	states := make([]snapshotState, 0, len(s.states))
	for _, name := range s.order {
		e := s.states[name]
		elems := e.elems
		if e.enc != nil {
			var err error
			if elems, err = e.enc(); err != nil {
				return nil, fmt.Errorf("snapshotting operator state %q: %w", name, err)
			}
		}
		states = append(states, snapshotState{name: name, mode: e.mode, typeName: e.typeName, elems: elems})
	}
	return encode(states), nil
}

// restore adds restored states to an empty store.
func (s *Store) restore(states []snapshotState) {
	s.restored = true
	for _, st := range states {
		s.states[st.name] = &entry{mode: st.mode, typeName: st.typeName, elems: slices.Clip(st.elems)}
		s.order = append(s.order, st.name)
	}
}
