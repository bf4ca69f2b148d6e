package lsm

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync/atomic"

	"github.com/cockroachdb/pebble/v2"

	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/statebackend/stateio"
)

// Snapshot takes a full snapshot of every state of the backend (timer
// services included) for checkpoint checkpointID. It is called on the task
// goroutine and is cheap: it takes a pebble snapshot (a sequence number;
// nothing is copied) and freezes the timer services. WriteKeyGroups then
// writes the standard stream of docs/format/keyed-state.md from it, from
// any goroutine, while the task keeps changing its state; a snapshot of an
// LSM backend restores into a heap backend and back.
func (b *Backend) Snapshot(checkpointID int64) (stateio.Snapshot, error) {
	if b.closed {
		return nil, fmt.Errorf("lsm: cannot snapshot: %w", errClosed)
	}
	s := &snapshot{id: checkpointID, kgRange: b.kgRange, b: b, snap: b.db.NewSnapshot()}
	names := make([]string, 0, len(b.states)+len(b.sections))
	for name := range b.states {
		names = append(names, name)
	}
	for name := range b.sections {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if st := b.states[name]; st != nil { // timers too: they are in the database
			s.parts = append(s.parts, part{meta: st.meta, id: st.id})
			continue
		}
		f := b.sections[name].Freeze()
		s.sections = append(s.sections, f)
		s.parts = append(s.parts, part{frozen: f})
	}
	b.snapMu.Lock()
	b.snapshots++
	b.snapMu.Unlock()
	return s, nil
}

// snapshot is a Snapshot of an LSM backend.
type snapshot struct {
	id       int64
	kgRange  keygroup.Range
	b        *Backend
	snap     *pebble.Snapshot
	parts    []part // by name
	sections []stateio.FrozenSection
	released atomic.Bool
}

// part is a state of a snapshot: a state (or timers) in the database (meta,
// id) or a frozen section.
type part struct {
	meta   stateio.StateMeta
	id     uint32
	frozen stateio.FrozenState
}

func (s *snapshot) CheckpointID() int64 { return s.id }

func (s *snapshot) KeyGroupRange() keygroup.Range { return s.kgRange }

// WriteKeyGroups writes the key groups r of the snapshot as one stream to w,
// iterating each key group's range of the pebble snapshot.
func (s *snapshot) WriteKeyGroups(w io.Writer, r keygroup.Range) error {
	if s.released.Load() {
		return fmt.Errorf("lsm: snapshot of checkpoint %d written after it was released", s.id)
	}
	if err := stateio.CheckRange(r, s.kgRange); err != nil {
		return fmt.Errorf("lsm: snapshot of checkpoint %d: %w", s.id, err)
	}
	return writeStream(w, s.id, r, s.snap, s.parts)
}

// reader is what a stream is written from: a pebble snapshot or database.
type reader interface {
	NewIter(*pebble.IterOptions) (*pebble.Iterator, error)
}

// writeStream writes the key groups r of parts, read from src, as a stream.
func writeStream(w io.Writer, checkpointID int64, r keygroup.Range, src reader, parts []part) error {
	var it *pebble.Iterator
	if r.Len() > 0 && slices.ContainsFunc(parts, func(p part) bool { return p.frozen == nil }) {
		lower, upper := rangeBounds(r.Start, r.End)
		var err error
		if it, err = src.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper}); err != nil {
			return fmt.Errorf("lsm: writing snapshot %d: %w", checkpointID, err)
		}
		defer it.Close()
	}
	states := make([]stateio.FrozenState, len(parts))
	views := make([]*stateView, 0, len(parts))
	for i, p := range parts {
		if p.frozen != nil {
			states[i] = p.frozen
			continue
		}
		v := &stateView{meta: p.meta, id: p.id, it: it}
		views = append(views, v)
		states[i] = v
	}
	err := stateio.Write(w, checkpointID, r, states)
	for _, v := range views {
		if v.err != nil {
			return fmt.Errorf("lsm: writing state %q of snapshot %d: %w", v.meta.Name, checkpointID, v.err)
		}
	}
	if err == nil && it != nil {
		err = it.Error()
	}
	return err
}

// stateView is a state of the database as a stateio.FrozenState: it turns
// the pebble entries of a key group into stream entries. Views of one
// stream share an iterator (stateio.Write calls them one at a time).
type stateView struct {
	meta  stateio.StateMeta
	id    uint32
	it    *pebble.Iterator
	head  []byte // the (key, namespace) of the entry being built
	elems []byte
	err   error
}

func (v *stateView) Meta() *stateio.StateMeta { return &v.meta }

func (v *stateView) AppendKeyGroup(dst []byte, kg int) ([]byte, int) {
	if v.err != nil || v.it == nil {
		return dst, 0
	}
	if v.meta.Kind == stateio.KindTimers {
		return v.appendTimers(dst, kg)
	}
	lo, hi := stateBounds(kg, v.id)
	var p parsedKey
	n, ne := 0, 0
	flush := func() {
		if ne == 0 {
			return
		}
		var hp parsedKey
		_ = parseKey(v.head, &hp) // parsed before
		dst = stateio.AppendEntryHead(dst, hp.key, hp.ns, ne)
		dst = append(dst, v.elems...)
		n++
		ne = 0
	}
	v.elems = v.elems[:0]
	for valid := v.it.SeekGE(lo); valid && bytes.Compare(v.it.Key(), hi) < 0; valid = v.it.Next() {
		k, val := v.it.Key(), v.it.Value()
		if err := parseKey(k, &p); err != nil {
			v.err = fmt.Errorf("key %x: %w", k, err)
			return dst, n
		}
		if v.meta.Kind != stateio.KindMap || !bytes.Equal(p.head, v.head) {
			flush()
			v.head = append(v.head[:0], p.head...)
			v.elems = v.elems[:0]
		}
		var err error
		var m int
		if v.elems, m, err = appendStreamElems(v.elems, &v.meta, p.userKey, val); err != nil {
			v.err = fmt.Errorf("key %x: %w", k, err)
			return dst, n
		}
		ne += m
	}
	flush()
	return dst, n
}

// appendStreamElems appends the stream elements of a stored value (of a
// map entry with user key uk) and returns their number.
func appendStreamElems(dst []byte, m *stateio.StateMeta, uk, val []byte) ([]byte, int, error) {
	switch m.Kind {
	case stateio.KindList:
		n := 0
		for rest := val; len(rest) > 0; n++ {
			var err error
			if _, _, rest, err = nextElem(rest, m.Timestamps); err != nil {
				return nil, 0, err
			}
		}
		return append(dst, val...), n, nil // a stored list is its stream elements
	case stateio.KindMap:
		dst = stateio.AppendBytes(dst, uk)
	}
	if m.Timestamps {
		if len(val) < 8 {
			return nil, 0, errShortValue
		}
		dst = append(dst, val[:8]...)
		val = val[8:]
	}
	return stateio.AppendBytes(dst, val), 1, nil
}

// Release ends the snapshot; the last release after Close closes the
// database.
func (s *snapshot) Release() {
	if s.released.Swap(true) {
		return
	}
	_ = s.snap.Close()
	for _, f := range s.sections {
		f.Release()
	}
	s.parts, s.sections = nil, nil
	s.b.releaseSnapshot()
}

// releaseSnapshot ends a view of the database (a Snapshot, a frozen
// Timers): the last one after Close closes the database.
func (b *Backend) releaseSnapshot() {
	b.snapMu.Lock()
	b.snapshots--
	last := b.closed && b.snapshots == 0 && !b.dbClosed
	b.dbClosed = b.dbClosed || last
	b.snapMu.Unlock()
	if last {
		b.closeDB()
	}
}

// Restore reads one keyed-state stream from r (up to its end record) and
// writes the entries of the key groups in the backend's range into the
// database, as they are (values stay encoded), so that a backend restores
// from the streams of every old subtask whose key-group range intersects
// its own, one call each. The stream is checked completely before anything
// is written: a corrupted or truncated stream is an error wrapping
// stateio.ErrCorrupt, and leaves the backend as it was.
//
// Restored states are claimed by handles created afterwards on their names,
// if their kinds and types match the ones recorded in the stream (otherwise
// the creation fails naming the state); restored timers by timer services
// (NewTimers).
// Restore must be called before handles and timer services of those names
// exist. Restored state no handle claimed is kept in later snapshots.
func (b *Backend) Restore(r io.Reader) error {
	if b.closed {
		return fmt.Errorf("lsm: cannot restore: %w", errClosed)
	}
	b.snapMu.Lock()
	inFlight := b.snapshots > 0
	b.snapMu.Unlock()
	if inFlight {
		return errors.New("lsm: cannot restore while a snapshot is in flight")
	}
	s, err := stateio.Read(r, b.kgRange)
	if err != nil {
		return fmt.Errorf("lsm: restore: %w", err)
	}
	// Check everything before writing anything. Timers are a state like
	// the others: written into the database, claimed by a timer service.
	for _, rs := range s.States {
		m := rs.Meta()
		name := m.Name
		if _, ok := b.sections[name]; ok {
			return fmt.Errorf("lsm: cannot restore state %q: a section of that name was registered before Restore", name)
		}
		st := b.states[name]
		if st == nil {
			continue
		}
		if st.claimed {
			what := "it was created"
			if st.meta.Kind == stateio.KindTimers {
				what = "its timer service was created"
			}
			return fmt.Errorf("lsm: cannot restore state %q: %s before Restore", name, what)
		}
		if st.meta != *m {
			return fmt.Errorf("lsm: restore: state %q is described differently by two snapshot streams: %+v and %+v", name, st.meta, *m)
		}
		for _, g := range rs.Groups {
			if st.restoredKGs[g.KeyGroup] {
				return fmt.Errorf("lsm: restore: key group %d of state %q is in two snapshot streams", g.KeyGroup, name)
			}
		}
	}
	w := newBatchWriter(b.db)
	defer w.close()
	for _, rs := range s.States {
		m := rs.Meta()
		st := b.states[m.Name]
		if st == nil {
			st = b.newState(*m)
		}
		if st.restoredKGs == nil {
			st.restoredKGs = make(map[int]bool)
		}
		for _, g := range rs.Groups {
			st.restoredKGs[g.KeyGroup] = true
		}
		if err := writeRestored(w, st, rs); err != nil {
			return fmt.Errorf("lsm: restoring state %q: %w", m.Name, err)
		}
	}
	if err := w.flush(); err != nil {
		return fmt.Errorf("lsm: restore: %w", err)
	}
	return nil
}

// writeRestored writes the entries of a restored state into the database.
func writeRestored(w *batchWriter, st *stateInfo, rs *stateio.RestoredState) error {
	m := rs.Meta()
	var k, mk, v []byte
	return rs.ForEach(func(kg int, e *stateio.Entry) error {
		if m.Kind == stateio.KindTimers {
			var err error
			k, v, err = writeTimers(w, k, v, kg, st.id, e)
			return err
		}
		k = appendEntryKey(k[:0], kg, st.id, e.Key, e.Namespace)
		switch m.Kind {
		case stateio.KindList:
			v = v[:0]
			for _, el := range e.Elems {
				v = appendElem(v, m.Timestamps, el.TS, el.Value)
			}
			return w.set(k, v)
		case stateio.KindMap:
			for _, el := range e.Elems {
				mk = append(append(mk[:0], k...), el.UserKey...)
				v = appendRaw(v[:0], m.Timestamps, el.TS, el.Value)
				if err := w.set(mk, v); err != nil {
					return err
				}
			}
			return nil
		default:
			el := &e.Elems[0]
			return w.set(k, appendRaw(v[:0], m.Timestamps, el.TS, el.Value))
		}
	})
}

// appendRaw appends a stored value of value-like kinds from its codec bytes.
func appendRaw(dst []byte, withTS bool, ts int64, body []byte) []byte {
	if withTS {
		dst = binary.BigEndian.AppendUint64(dst, uint64(ts))
	}
	return append(dst, body...)
}

// Restore returns a backend for the key groups kgRange in dir (as New)
// restored from the streams readers (as Backend.Restore).
func Restore(dir string, kgRange keygroup.Range, clock Clock, opts Options, readers ...io.Reader) (*Backend, error) {
	b, err := New(dir, kgRange, clock, opts)
	if err != nil {
		return nil, err
	}
	for _, r := range readers {
		if err := b.Restore(r); err != nil {
			_ = b.Close()
			return nil, err
		}
	}
	return b, nil
}

// AddSection registers a section to be part of the backend's snapshots. It
// implements stateio.SectionHost. Timer services do not use it on this
// backend: their timers are a state in the database (NewTimers), and
// restored timers are claimed by NewTimers, so no restored state is ever
// passed to load.
func (b *Backend) AddSection(s stateio.Section, load func(*stateio.RestoredState) error) error {
	m := s.Meta()
	if b.closed {
		return fmt.Errorf("lsm: cannot register %q: %w", m.Name, errClosed)
	}
	if _, ok := b.states[m.Name]; ok {
		return fmt.Errorf("lsm: cannot register %q: %w by a state", m.Name, stateio.ErrNameTaken)
	}
	if _, ok := b.sections[m.Name]; ok {
		return fmt.Errorf("lsm: cannot register %q: %w", m.Name, stateio.ErrNameTaken)
	}
	b.sections[m.Name] = s
	return nil
}
