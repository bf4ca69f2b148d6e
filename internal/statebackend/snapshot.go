package statebackend

import (
	"io"

	"github.com/eddy-streams/eddy/internal/statebackend/heap"
	"github.com/eddy-streams/eddy/internal/statebackend/lsm"
	"github.com/eddy-streams/eddy/internal/statebackend/stateio"
)

// Snapshot is a consistent view of a keyed backend's state (timers included)
// taken synchronously on the task goroutine and written asynchronously:
// WriteKeyGroups may be called from another goroutine while the task keeps
// processing, and Release is called on the task goroutine when the writes
// are done. The stream format is docs/format/keyed-state.md.
type Snapshot = stateio.Snapshot

// Snapshotter is implemented by keyed backends that take snapshots.
type Snapshotter interface {
	// Snapshot takes a snapshot for checkpoint checkpointID. It is cheap:
	// it copies no state. It fails, naming the state, if a state cannot be
	// serialized (a value type without codec).
	Snapshot(checkpointID int64) (Snapshot, error)
}

// Restorer is implemented by keyed backends that restore snapshots.
type Restorer interface {
	// Restore reads one snapshot stream from r and keeps the key groups of
	// the backend's key-group range; a backend is restored from the streams
	// of every old subtask whose range intersects its own, one call each,
	// before any state is created. Restored states come back when handles
	// (and timer services) of their names are created, which must have the
	// kinds and types recorded in the stream. A corrupted or truncated
	// stream is an error wrapping ErrCorrupt and restores nothing.
	Restore(r io.Reader) error
}

// ErrCorrupt is wrapped by the errors of Restore about streams that are
// corrupted or truncated.
var ErrCorrupt = stateio.ErrCorrupt

var (
	_ Snapshotter           = (*heap.Backend)(nil)
	_ Restorer              = (*heap.Backend)(nil)
	_ stateio.SectionHost   = (*heap.Backend)(nil)
	_ Snapshotter           = (*lsm.Backend)(nil)
	_ Restorer              = (*lsm.Backend)(nil)
	_ stateio.SectionHost   = (*lsm.Backend)(nil)
	_ stateio.Section       = (*TimerService[Void])(nil)
	_ stateio.FrozenState   = (*stateio.RestoredState)(nil)
	_ stateio.FrozenSection = (*timerView[Void])(nil)
)
