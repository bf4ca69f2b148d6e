// Package stateio owns the keyed-state snapshot stream of docs/format/keyed-state.md:
// the Snapshot interface keyed backends hand to the checkpointing code, the
// writer that turns frozen states into a stream, and the reader that checks a
// stream (magic, version, checksums, end record) and splits it into the
// states and key groups a restoring backend keeps.
//
// The format is the same for every backend (heap today, lsm later), so that
// savepoints move between them and between parallelisms: a stream holds the
// per-state metadata and then one checksummed block per non-empty key group,
// in ascending order, so a restoring subtask takes the key groups of its own
// range from the streams of every old subtask whose range intersects it.
package stateio

import (
	"errors"
	"fmt"
	"io"

	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/state"
)

// Magic and Version open every stream.
const (
	Magic   = "EDDYKST\x00"
	Version = 1
)

// ErrCorrupt is wrapped by every error about a stream that is not a valid
// keyed-state stream: bad magic, unknown version, checksum mismatch,
// truncation, malformed records.
var ErrCorrupt = errors.New("corrupt keyed-state stream")

// ErrNameTaken is wrapped by the error of SectionHost.AddSection when the
// name is in use.
var ErrNameTaken = errors.New("the name is taken")

// Snapshot is a consistent view of a keyed backend's state at the time it was
// taken (synchronously, cheaply, on the task goroutine), written out later,
// typically from another goroutine, while the task keeps changing its state.
type Snapshot interface {
	// CheckpointID is the id the snapshot was taken for.
	CheckpointID() int64
	// KeyGroupRange is the key-group range of the backend.
	KeyGroupRange() keygroup.Range
	// WriteKeyGroups writes the state of the key groups r, which must be
	// within KeyGroupRange, as one stream to w. It may be called from any
	// goroutine, several times and concurrently, until Release.
	WriteKeyGroups(w io.Writer, r keygroup.Range) error
	// Release ends the snapshot. It is called on the task goroutine, after
	// every WriteKeyGroups has returned; it is a no-op the second time.
	Release()
}

// Kind is the kind of a state in a stream.
type Kind uint8

// The kinds of state. Timers are the event-time and processing-time timers
// of a timer service.
const (
	KindValue Kind = 1 + iota
	KindList
	KindMap
	KindReducing
	KindAggregating
	KindTimers
)

var kindNames = [...]string{"", "value", "list", "map", "reducing", "aggregating", "timers"}

func (k Kind) String() string {
	if int(k) < len(kindNames) && k != 0 {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

func (k Kind) valid() bool { return k >= KindValue && k <= KindTimers }

// KindOf returns the stream kind of a state kind.
func KindOf(k state.Kind) Kind {
	switch k {
	case state.KindValue:
		return KindValue
	case state.KindList:
		return KindList
	case state.KindMap:
		return KindMap
	case state.KindReducing:
		return KindReducing
	case state.KindAggregating:
		return KindAggregating
	}
	panic(fmt.Sprintf("stateio: unknown state kind %d", k))
}

// StateMeta is the per-state metadata of a stream.
type StateMeta struct {
	Name string
	Kind Kind
	// Timestamps reports whether elements carry a timestamp: the TTL
	// timestamp of TTL states, the firing time of timers.
	Timestamps bool
	// NamespaceType, ValueType and UserKeyType name the Go types of the
	// state's namespace, value (list element, map value, accumulator) and map
	// key, as reflect.Type.String prints them. ValueType is empty for timers,
	// UserKeyType for every kind but map.
	NamespaceType string
	ValueType     string
	UserKeyType   string
}

// Check returns an error naming the state if a handle described by want
// cannot read state stored with the metadata m. The timestamps may differ (a
// state restored with TTL turned on or off).
func (m *StateMeta) Check(want StateMeta) error {
	switch {
	case m.Kind != want.Kind:
		return fmt.Errorf("state %q was snapshotted as %s state, cannot restore it as %s state", m.Name, m.Kind, want.Kind)
	case m.NamespaceType != want.NamespaceType:
		return fmt.Errorf("state %q was snapshotted with namespace type %s, cannot restore it with namespace type %s", m.Name, m.NamespaceType, want.NamespaceType)
	case m.UserKeyType != want.UserKeyType:
		return fmt.Errorf("state %q was snapshotted with map key type %s, cannot restore it with map key type %s", m.Name, m.UserKeyType, want.UserKeyType)
	case m.ValueType != want.ValueType:
		return fmt.Errorf("state %q was snapshotted with value type %s, cannot restore it with value type %s", m.Name, m.ValueType, want.ValueType)
	}
	return nil
}

// FrozenState is one state of a snapshot: immutable, readable from any
// goroutine.
type FrozenState interface {
	Meta() *StateMeta
	// AppendKeyGroup appends the entries of key group kg (see Entry for
	// their layout) to dst and returns the extended slice and the number of
	// entries appended.
	AppendKeyGroup(dst []byte, kg int) ([]byte, int)
}

// Section is keyed state that lives outside a backend's tables, a timer
// service, but is part of the backend's snapshots.
type Section interface {
	Meta() *StateMeta
	// Freeze returns a frozen view of the section for a snapshot the
	// backend takes. It is called on the task goroutine and must be cheap.
	Freeze() FrozenSection
}

// FrozenSection is a frozen view of a Section.
type FrozenSection interface {
	FrozenState
	// Release ends the view, on the task goroutine.
	Release()
}

// SectionHost is implemented by backends that snapshot sections.
type SectionHost interface {
	// AddSection registers s under s.Meta().Name. If the backend restored
	// state of that name, AddSection checks its metadata against s's and
	// calls load with it; if load fails, s is not registered and the
	// restored state stays with the backend.
	AddSection(s Section, load func(*RestoredState) error) error
}

// Elem is an element of an entry: the one value of value, reducing and
// aggregating state, a list element, a map entry, or a timer (whose Value is
// one byte, its time domain).
type Elem struct {
	UserKey []byte // map state only
	TS      int64  // if the state's metadata has Timestamps
	Value   []byte
}

// Timer domains, the value of a timer element.
const (
	EventTime      = 0
	ProcessingTime = 1
)

// Entry is the state of one (key, namespace) of a state in a key group.
type Entry struct {
	Key, Namespace []byte
	Elems          []Elem
}

func corrupt(off int64, format string, args ...any) error {
	return fmt.Errorf("%w at byte %d: %s", ErrCorrupt, off, fmt.Sprintf(format, args...))
}
