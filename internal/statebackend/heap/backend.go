package heap

import (
	"bytes"
	"fmt"
	"time"

	"github.com/eddy-streams/eddy/internal/keygroup"
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
}

// New returns an empty backend for the key groups kgRange. clock gives
// processing time for TTL; nil means the wall clock.
func New(kgRange keygroup.Range, clock Clock) *Backend {
	if clock == nil {
		clock = wallClock{}
	}
	return &Backend{
		kgRange:  kgRange,
		clock:    clock,
		keyGroup: -1,
		kgIdx:    -1,
		tables:   make(map[string]anyTable),
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
func (b *Backend) Keys(stateName string, fn func(encodedKey []byte, encodedNamespace []byte)) {
	t, ok := b.tables[stateName]
	if !ok {
		return
	}
	t.keys(fn)
}

// Close releases the backend's state. Handles must not be used afterwards.
func (b *Backend) Close() error {
	for _, t := range b.tables {
		t.release()
	}
	b.tables = nil
	return nil
}
