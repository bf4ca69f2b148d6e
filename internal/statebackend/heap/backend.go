package heap

import (
	"bytes"
	"fmt"
	"time"

	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/statebackend/stateio"
)

// Clock gives processing time in epoch milliseconds, for state TTL.
type Clock interface {
	NowMillis() int64
}

type wallClock struct{}

func (wallClock) NowMillis() int64 { return time.Now().UnixMilli() }

// Backend is the heap keyed state backend of one operator in one subtask. It
// implements statebackend.Keyed.
type Backend struct {
	kgRange keygroup.Range
	clock   Clock

	key      []byte
	keyGroup int
	kgIdx    int // keyGroup - kgRange.Start
	// version is bumped by every SetCurrentKey that changes the key; 0 means
	// no key has been set. Handles compare it with the version their cached
	// lookup bytes were built for.
	version uint64

	tables map[string]anyTable // nil once closed
	// sections are the timer services that take part in snapshots.
	sections map[string]stateio.Section
	// restored holds the restored state no handle (or timer service) has
	// been created for yet, by name.
	restored map[string]*stateio.RestoredState
	// snapshots counts the snapshots in flight.
	snapshots int

	opts Options
}

// Options are the options of a backend.
type Options struct {
	// RequireCodecs makes creating a state whose value (or map key) type
	// has no default codec (serde.For) an error naming the state, for
	// backends that take snapshots. Without it such states work, and
	// Snapshot fails naming them.
	RequireCodecs bool
}

// New returns an empty backend for the key groups kgRange. clock gives
// processing time for TTL; nil means the wall clock.
func New(kgRange keygroup.Range, clock Clock) *Backend {
	return NewWithOptions(kgRange, clock, Options{})
}

// NewWithOptions is New with options.
func NewWithOptions(kgRange keygroup.Range, clock Clock, opts Options) *Backend {
	if clock == nil {
		clock = wallClock{}
	}
	return &Backend{
		kgRange:  kgRange,
		clock:    clock,
		keyGroup: -1,
		kgIdx:    -1,
		tables:   make(map[string]anyTable),
		sections: make(map[string]stateio.Section),
		restored: make(map[string]*stateio.RestoredState),
		opts:     opts,
	}
}

// SetCurrentKey sets the key that subsequent state access is scoped to. The
// backend copies encodedKey. It panics if keyGroup is not in KeyGroupRange.
func (b *Backend) SetCurrentKey(encodedKey []byte, keyGroup int) {
	if keyGroup == b.keyGroup && b.version != 0 && bytes.Equal(encodedKey, b.key) {
		return
	}
	if !b.kgRange.Contains(keyGroup) {
		panic(fmt.Sprintf("heap: key group %d is outside the backend's key-group range %v", keyGroup, b.kgRange))
	}
	b.key = append(b.key[:0], encodedKey...)
	b.keyGroup = keyGroup
	b.kgIdx = keyGroup - b.kgRange.Start
	b.version++
}

// CurrentKey returns the encoding of the current key; the slice is valid
// until the next SetCurrentKey.
func (b *Backend) CurrentKey() []byte { return b.key }

// CurrentKeyGroup returns the key group of the current key, or -1 if no key
// has been set.
func (b *Backend) CurrentKeyGroup() int { return b.keyGroup }

// KeyGroupRange returns the key groups the backend holds.
func (b *Backend) KeyGroupRange() keygroup.Range { return b.kgRange }

// Keys calls fn with every (key, namespace) that has a value in the named
// state, once each, in no fixed order. Values whose TTL has expired but that
// have not been cleaned up yet are included, as in Flink. The slices are
// valid only during the call. fn may read and write state, including
// clearing the entry it is called with; entries it creates may or may not be
// visited.
//
// Restored state no handle has been created for yet is reported too.
func (b *Backend) Keys(stateName string, fn func(encodedKey []byte, encodedNamespace []byte)) {
	if t, ok := b.tables[stateName]; ok {
		t.keys(fn)
		return
	}
	if rs, ok := b.restored[stateName]; ok && rs.Meta().Kind != stateio.KindTimers {
		var buf []byte
		_ = rs.ForEach(func(_ int, e *stateio.Entry) error {
			buf = append(append(buf[:0], e.Key...), e.Namespace...)
			fn(buf[:len(e.Key):len(e.Key)], buf[len(e.Key):])
			return nil
		})
	}
}

// Close releases the backend's state. Handles must not be used afterwards.
// Snapshots in flight stay valid.
func (b *Backend) Close() error {
	for _, t := range b.tables {
		t.release()
	}
	b.tables = nil
	b.sections = nil
	b.restored = nil
	return nil
}
