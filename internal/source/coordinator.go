package source

import (
	"fmt"
	"sync"

	"github.com/eddy-streams/eddy/connector"
)

// readerHandle is how the coordinator reaches a reader subtask: callbacks
// that post mail to the subtask's goroutine.
type readerHandle struct {
	// addSplits and noMoreSplits hand over an assignment made after the
	// enumerator snapshot of checkpoint epoch (0: before any): a reader's
	// snapshot for a checkpoint takes the assignments of earlier epochs
	// only, the later ones being in the enumerator's snapshot.
	addSplits    func(epoch int64, splits []connector.Split)
	noMoreSplits func(epoch int64)
}

// pendingSplits are splits assigned to a reader not registered yet, after
// the enumerator snapshot of checkpoint epoch.
type pendingSplits struct {
	epoch  int64
	splits []connector.Split
}

// Coordinator hosts a source's enumerator. Enumerator callbacks are
// serialized by its lock.
type Coordinator[T any] struct {
	src         connector.Source[T]
	parallelism int

	mu struct {
		sync.Mutex
		enum    connector.Enumerator
		readers map[int]readerHandle
		// pending holds assignments to readers not registered yet.
		pending map[int][]pendingSplits
		noMore  map[int]bool
		started bool
		// restored is set when the readers got their splits back from a
		// checkpoint and the enumerator has no state: it is then not asked
		// for splits again.
		restored bool
		// enumRestored: the enumerator was restored from a checkpoint.
		enumRestored bool
		// valve, while set, holds back assignments (held) to registered
		// readers: between an enumerator snapshot and the checkpoint's
		// trigger at the readers.
		valve bool
		held  []func()
		// epoch is the checkpoint of the enumerator's last snapshot.
		epoch int64
	}
}

// RestoreReaders gives each reader subtask its splits from a checkpoint,
// decoded by the source's connector.SplitCodec. Unless the enumerator is
// restored too (RestoreEnumerator), it is then neither started nor told
// about readers or split requests: an enumerator without state assigns
// every split before the first checkpoint. It must be called before Start.
func (c *Coordinator[T]) RestoreReaders(states map[int]ReaderState) error {
	codec, ok := c.src.(connector.SplitCodec)
	if !ok {
		return fmt.Errorf("source %T does not implement connector.SplitCodec", c.src)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mu.started {
		return fmt.Errorf("source coordinator: RestoreReaders after Start")
	}
	for sub, st := range states {
		if sub < 0 || sub >= c.parallelism {
			return fmt.Errorf("restoring source reader %d: the source has parallelism %d", sub, c.parallelism)
		}
		for _, b := range st.Splits {
			sp, err := codec.DecodeSplit(b)
			if err != nil {
				return fmt.Errorf("decoding a split of reader %d: %w", sub, err)
			}
			c.mu.pending[sub] = append(c.mu.pending[sub], pendingSplits{splits: []connector.Split{sp}})
		}
		if st.NoMoreSplits {
			c.mu.noMore[sub] = true
		}
	}
	c.mu.restored = !c.mu.enumRestored
	return nil
}

// RestoreEnumerator replaces the enumerator by one restored from state
// (connector.EnumeratorRestorer); the readers' splits come back through
// RestoreReaders. It must be called before Start.
func (c *Coordinator[T]) RestoreEnumerator(state []byte) error {
	r, ok := c.src.(connector.EnumeratorRestorer)
	if !ok {
		return fmt.Errorf("the checkpoint has enumerator state, but source %T does not implement connector.EnumeratorRestorer", c.src)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mu.started {
		return fmt.Errorf("source coordinator: RestoreEnumerator after Start")
	}
	enum, err := r.RestoreEnumerator(enumContext[T]{c}, state)
	if err != nil {
		return fmt.Errorf("restoring the split enumerator: %w", err)
	}
	c.mu.enum.Close()
	c.mu.enum = enum
	c.mu.enumRestored, c.mu.restored = true, false
	return nil
}

// SnapshotEnumerator snapshots the enumerator for checkpoint checkpointID,
// if it has state (connector.EnumeratorSnapshotter), and closes the valve:
// assignments wait until OpenValve, called once the checkpoint was
// triggered at every reader.
func (c *Coordinator[T]) SnapshotEnumerator(checkpointID int64) (state []byte, ok bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	sn, ok := c.mu.enum.(connector.EnumeratorSnapshotter)
	if !ok || c.mu.restored {
		return nil, false, nil
	}
	state, err = sn.SnapshotState(checkpointID)
	if err != nil {
		return nil, false, fmt.Errorf("snapshotting the split enumerator: %w", err)
	}
	if state == nil {
		state = []byte{}
	}
	c.mu.valve, c.mu.epoch = true, checkpointID
	return state, true, nil
}

// OpenValve delivers the assignments held since SnapshotEnumerator.
func (c *Coordinator[T]) OpenValve() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.mu.valve = false
	held := c.mu.held
	c.mu.held = nil
	for _, deliver := range held {
		deliver()
	}
}

// NewCoordinator returns the coordinator of src for parallelism readers.
func NewCoordinator[T any](src connector.Source[T], parallelism int) (*Coordinator[T], error) {
	c := &Coordinator[T]{src: src, parallelism: parallelism}
	c.mu.readers = map[int]readerHandle{}
	c.mu.pending = map[int][]pendingSplits{}
	c.mu.noMore = map[int]bool{}
	enum, err := src.CreateEnumerator(enumContext[T]{c})
	if err != nil {
		return nil, fmt.Errorf("creating split enumerator: %w", err)
	}
	c.mu.enum = enum
	return c, nil
}

// Start implements graph.Coordinator.
func (c *Coordinator[T]) Start() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.mu.started = true
	if c.mu.restored {
		return nil
	}
	return c.mu.enum.Start()
}

// Close implements graph.Coordinator.
func (c *Coordinator[T]) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.mu.enum.Close()
}

func (c *Coordinator[T]) register(subtask int, h readerHandle) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.mu.readers[subtask] = h
	for _, p := range c.mu.pending[subtask] {
		h.addSplits(p.epoch, p.splits)
	}
	delete(c.mu.pending, subtask)
	if c.mu.noMore[subtask] {
		h.noMoreSplits(0)
	}
	if !c.mu.restored {
		c.mu.enum.AddReader(subtask)
	}
}

func (c *Coordinator[T]) requestSplit(subtask int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mu.restored {
		return
	}
	c.mu.enum.HandleSplitRequest(subtask)
}

// enumContext is the EnumeratorContext; its methods run inside enumerator
// callbacks, with the coordinator's lock held.
type enumContext[T any] struct{ c *Coordinator[T] }

func (e enumContext[T]) Parallelism() int { return e.c.parallelism }

func (e enumContext[T]) Assign(subtask int, splits ...connector.Split) {
	if h, ok := e.c.mu.readers[subtask]; ok {
		epoch := e.c.mu.epoch
		if e.c.mu.valve {
			e.c.mu.held = append(e.c.mu.held, func() { h.addSplits(epoch, splits) })
			return
		}
		h.addSplits(epoch, splits)
		return
	}
	e.c.mu.pending[subtask] = append(e.c.mu.pending[subtask], pendingSplits{epoch: e.c.mu.epoch, splits: splits})
}

func (e enumContext[T]) SignalNoMoreSplits(subtask int) {
	if h, ok := e.c.mu.readers[subtask]; ok {
		epoch := e.c.mu.epoch
		if e.c.mu.valve {
			e.c.mu.held = append(e.c.mu.held, func() { h.noMoreSplits(epoch) })
			return
		}
		h.noMoreSplits(epoch)
		return
	}
	e.c.mu.noMore[subtask] = true
}
