package heap

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"sync/atomic"

	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/statebackend/stateio"
)

// Snapshot takes a snapshot of every state of the backend (timer services
// included) for checkpoint checkpointID. It is called on the task goroutine
// and is cheap: it freezes each table's index (see package cowmap) in time
// proportional to the number of key groups, without copying entries. Until
// the snapshot is released, the task copies an entry on its first access
// and a key group's map on its first write; Release costs nothing more.
//
// Snapshot fails, naming the state, if a state's value (or map key) type has
// no codec.
func (b *Backend) Snapshot(checkpointID int64) (stateio.Snapshot, error) {
	if b.tables == nil {
		return nil, errors.New("heap: cannot snapshot a closed backend")
	}
	names := make([]string, 0, len(b.tables)+len(b.sections)+len(b.restored))
	for name, t := range b.tables {
		if err := t.info().codecErr; err != nil {
			return nil, fmt.Errorf("heap: cannot snapshot state %q: %w", name, err)
		}
		names = append(names, name)
	}
	for name := range b.sections {
		names = append(names, name)
	}
	for name := range b.restored {
		names = append(names, name)
	}
	slices.Sort(names)
	s := &snapshot{id: checkpointID, kgRange: b.kgRange, b: b, states: make([]stateio.FrozenState, len(names))}
	for i, name := range names {
		if t, ok := b.tables[name]; ok {
			s.states[i] = t.freeze()
			s.tables = append(s.tables, t)
		} else if sec, ok := b.sections[name]; ok {
			f := sec.Freeze()
			s.states[i] = f
			s.sections = append(s.sections, f)
		} else {
			s.states[i] = b.restored[name] // immutable
		}
	}
	b.snapshots++
	return s, nil
}

// snapshot is a Snapshot of a heap backend.
type snapshot struct {
	id       int64
	kgRange  keygroup.Range
	b        *Backend
	states   []stateio.FrozenState // by name
	tables   []anyTable
	sections []stateio.FrozenSection
	released atomic.Bool
}

func (s *snapshot) CheckpointID() int64 { return s.id }

func (s *snapshot) KeyGroupRange() keygroup.Range { return s.kgRange }

func (s *snapshot) WriteKeyGroups(w io.Writer, r keygroup.Range) error {
	if s.released.Load() {
		return fmt.Errorf("heap: snapshot of checkpoint %d written after it was released", s.id)
	}
	if err := stateio.CheckRange(r, s.kgRange); err != nil {
		return fmt.Errorf("heap: snapshot of checkpoint %d: %w", s.id, err)
	}
	return stateio.Write(w, s.id, r, s.states)
}

func (s *snapshot) Release() {
	if s.released.Swap(true) {
		return
	}
	for _, t := range s.tables {
		t.unfreeze()
	}
	for _, f := range s.sections {
		f.Release()
	}
	s.b.snapshots--
	s.states, s.tables, s.sections = nil, nil, nil
}

// Restore reads one keyed-state stream from r (up to its end record) and
// keeps the entries of the key groups in the backend's range, so that a
// backend restores from the streams of every old subtask whose key-group
// range intersects its own, one call each. The stream is checked completely
// before anything is kept: a corrupted or truncated stream is an error
// wrapping stateio.ErrCorrupt, and leaves the backend as it was.
//
// Restored states are created lazily: a handle created afterwards on a
// restored state's name gets its entries, if its kind and types match the
// ones recorded in the stream (otherwise its creation fails naming the
// state). Restore must be called before handles on those states exist.
// Restored state that no handle was created for is kept in later snapshots
// as it was.
func (b *Backend) Restore(r io.Reader) error {
	if b.tables == nil {
		return errors.New("heap: cannot restore into a closed backend")
	}
	if b.snapshots > 0 {
		return errors.New("heap: cannot restore while a snapshot is in flight")
	}
	s, err := stateio.Read(r, b.kgRange)
	if err != nil {
		return fmt.Errorf("heap: restore: %w", err)
	}
	merged := make(map[string]*stateio.RestoredState, len(s.States))
	for _, rs := range s.States {
		name := rs.Meta().Name
		if _, ok := b.tables[name]; ok {
			return fmt.Errorf("heap: cannot restore state %q: it was created before Restore", name)
		}
		if _, ok := b.sections[name]; ok {
			return fmt.Errorf("heap: cannot restore state %q: its timer service was created before Restore", name)
		}
		if old, ok := b.restored[name]; ok {
			if rs, err = old.Merge(rs); err != nil {
				return fmt.Errorf("heap: restore: %w", err)
			}
		}
		merged[name] = rs
	}
	for name, rs := range merged {
		b.restored[name] = rs
	}
	return nil
}

// Restore returns a backend for the key groups kgRange restored from the
// streams readers, as New and Backend.Restore.
func Restore(kgRange keygroup.Range, clock Clock, readers ...io.Reader) (*Backend, error) {
	b := New(kgRange, clock)
	for _, r := range readers {
		if err := b.Restore(r); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// AddSection registers a timer service to be part of the backend's
// snapshots and gives it its restored state, if any. It implements
// stateio.SectionHost.
func (b *Backend) AddSection(s stateio.Section, load func(*stateio.RestoredState) error) error {
	m := s.Meta()
	if b.tables == nil {
		return fmt.Errorf("heap: cannot register %q: backend is closed", m.Name)
	}
	if _, ok := b.tables[m.Name]; ok {
		return fmt.Errorf("heap: cannot register %q: %w by a state", m.Name, stateio.ErrNameTaken)
	}
	if _, ok := b.sections[m.Name]; ok {
		return fmt.Errorf("heap: cannot register %q: %w", m.Name, stateio.ErrNameTaken)
	}
	if rs, ok := b.restored[m.Name]; ok {
		if err := rs.Meta().Check(*m); err != nil {
			return fmt.Errorf("heap: %w", err)
		}
		if err := load(rs); err != nil {
			return err
		}
		delete(b.restored, m.Name)
	}
	b.sections[m.Name] = s
	return nil
}
