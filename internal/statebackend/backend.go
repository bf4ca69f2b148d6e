package statebackend

import (
	"fmt"

	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/state"
)

// Keyed is the keyed state backend of one operator in one subtask. It is
// used from the subtask's goroutine only.
type Keyed interface {
	// SetCurrentKey sets the key that subsequent state access is scoped to.
	// The backend copies encodedKey. keyGroup must be in KeyGroupRange.
	SetCurrentKey(encodedKey []byte, keyGroup int)
	// CurrentKey returns the encoding of the current key; the slice is
	// valid until the next SetCurrentKey.
	CurrentKey() []byte
	CurrentKeyGroup() int
	KeyGroupRange() keygroup.Range
	// Keys calls fn with every key that has a value in the named state, in
	// any namespace, once per (key, namespace).
	Keys(stateName string, fn func(encodedKey []byte, encodedNamespace []byte))
	Close() error
}

// Void is the namespace of plain (non-window) keyed state.
type Void struct{}

// VoidCodec encodes Void as no bytes.
var VoidCodec serde.Codec[Void] = voidCodec{}

type voidCodec struct{}

func (voidCodec) Append(dst []byte, _ Void) []byte { return dst }
func (voidCodec) Decode([]byte) (Void, int, error) { return Void{}, 0, nil }

// Namespaced is implemented by every handle: the namespace it reads and
// writes until the next call.
type Namespaced[N any] interface {
	SetNamespace(ns N)
}

// Merger merges the state of source namespaces into target (session windows)
// and clears the sources.
type Merger[N any] interface {
	MergeNamespaces(target N, sources []N)
}

// Value is a namespaced ValueState.
type Value[N, T any] interface {
	state.ValueState[T]
	Namespaced[N]
}

// List is a namespaced ListState.
type List[N, T any] interface {
	state.ListState[T]
	Namespaced[N]
	Merger[N]
}

// Map is a namespaced MapState.
type Map[N any, K comparable, V any] interface {
	state.MapState[K, V]
	Namespaced[N]
}

// Reducing is a namespaced ReducingState.
type Reducing[N, T any] interface {
	state.ReducingState[T]
	Namespaced[N]
	Merger[N]
}

// Aggregating is a namespaced AggregatingState.
type Aggregating[N, IN, OUT any] interface {
	state.AggregatingState[IN, OUT]
	Namespaced[N]
	Merger[N]
}

// Clock gives processing time in epoch milliseconds, for state TTL.
type Clock interface {
	NowMillis() int64
}

func unsupported(b Keyed) error {
	return fmt.Errorf("statebackend: unsupported keyed backend %T", b)
}
