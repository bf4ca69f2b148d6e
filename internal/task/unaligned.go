package task

import (
	"errors"
	"fmt"
	"time"

	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/exchange"
)

// ChannelStateHandler is implemented by a CheckpointHandler that stores
// the channel state of unaligned checkpoints. When a task takes checkpoint
// n unaligned, it calls Snapshot with b.Unaligned set: the acknowledgement
// must then wait for ChannelState(n, …), which the task calls (on its
// goroutine) once every input channel delivered barrier n or ended. data
// is the encoded exchange.ChannelState, nil if no record was in flight. If
// the checkpoint is declined or aborted first, ChannelState is not called.
type ChannelStateHandler interface {
	ChannelState(id int64, data []byte)
}

// unalignedGate is a Poller that can record and restore channel state (an
// *exchange.Gate[T]).
type unalignedGate interface {
	EnableUnaligned() error
	StartCapture()
	RestoreChannel(ch int, data []byte) error
}

// unalignedWriter is a Flusher that can send unaligned barriers (an
// *exchange.Writer[T]).
type unalignedWriter interface {
	SetUnaligned(on bool, alignedTimeout time.Duration)
}

// SetUnaligned turns on unaligned checkpoints
// (execution.checkpointing.unaligned.enabled, exactly-once only) with the
// aligned checkpoint timeout (execution.checkpointing.aligned-checkpoint-timeout;
// 0: every checkpoint is unaligned). Savepoints stay aligned.
func (t *Task) SetUnaligned(on bool, alignedTimeout time.Duration) {
	t.unaligned, t.alignedTimeout = on, max(alignedTimeout, 0)
}

// UnalignedUnsupported returns why the task takes its checkpoints aligned
// although unaligned checkpoints are on (an input's element type has no
// codec), or nil. Its outputs still send unaligned barriers.
func (t *Task) UnalignedUnsupported() error { return t.unalignedErr }

// SetChannelState gives the task the channel state of the checkpoint it is
// restored from (an encoded exchange.ChannelState): before reading new
// input, each input channel replays its recorded records.
func (t *Task) SetChannelState(data []byte) { t.restoredChannels = data }

// setupUnaligned configures the writers and the aligner for unaligned
// checkpoints; a task whose inputs cannot record channel state falls back
// to aligned checkpoints (and says why in UnalignedUnsupported).
func (t *Task) setupUnaligned() {
	if !t.unaligned || t.mode != exchange.ExactlyOnce {
		return
	}
	for _, w := range t.writers {
		if u, ok := w.(unalignedWriter); ok {
			u.SetUnaligned(true, t.alignedTimeout)
		}
	}
	if t.aligner == nil {
		return
	}
	var errs []error
	for _, g := range t.gates {
		u, ok := g.(unalignedGate)
		if !ok {
			errs = append(errs, fmt.Errorf("input gate %T cannot record channel state", g))
			continue
		}
		if err := u.EnableUnaligned(); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		t.unalignedErr = fmt.Errorf("task %s takes aligned checkpoints: %w", t.DisplayName(), errors.Join(errs...))
		return
	}
	t.aligner.SetUnaligned(t.alignedTimeout.Milliseconds())
}

// outgoingUnaligned reports whether the barrier the task sends for b is
// unaligned: the checkpoint is (b.Unaligned), every one is (no timeout),
// or its aligned timeout passed.
func (t *Task) outgoingUnaligned(b event.Barrier) bool {
	if !t.unaligned || t.mode != exchange.ExactlyOnce || b.Savepoint {
		return false
	}
	return b.Unaligned || t.alignedTimeout == 0 ||
		time.Now().UnixMilli() >= b.Timestamp+t.alignedTimeout.Milliseconds()
}

// startUnaligned takes checkpoint b unaligned (the aligner's
// UnalignedStarted): snapshot and unaligned barriers now, then the gates
// record the channel state.
func (t *Task) startUnaligned(b event.Barrier) {
	if b.ID <= t.lastCheckpoint {
		return
	}
	t.checkpointWith(b, true)
	for _, g := range t.gates {
		if u, ok := g.(unalignedGate); ok {
			u.StartCapture()
		}
	}
}

// channelStateComplete hands the channel state of checkpoint a.Barrier to
// the handler.
func (t *Task) channelStateComplete(a exchange.Alignment) {
	h, ok := t.checkpoints.(ChannelStateHandler)
	if !ok || a.State == nil {
		return
	}
	var data []byte
	if !a.State.Empty() {
		data = a.State.Encode()
	}
	h.ChannelState(a.Barrier.ID, data)
}

// tickAlignment switches an alignment that lasted past the aligned
// checkpoint timeout to unaligned, and returns when to tick again.
func (t *Task) tickAlignment() (time.Duration, bool) {
	if t.aligner == nil {
		return 0, false
	}
	d, ok := t.aligner.Deadline()
	if !ok {
		return 0, false
	}
	now := time.Now().UnixMilli()
	if now < d {
		return time.Duration(d-now) * time.Millisecond, true
	}
	for _, a := range t.aligner.Tick(now) {
		t.onAlignment(a)
	}
	return 0, false
}

// restoreChannelState queues the recorded records of every input channel
// in its gate.
func (t *Task) restoreChannelState() error {
	chans, err := exchange.DecodeChannelState(t.restoredChannels)
	t.restoredChannels = nil
	if err != nil {
		return fmt.Errorf("restoring channel state: %w", err)
	}
	n := 0
	for _, g := range t.gates {
		n += g.NumChannels()
	}
	if len(chans) != n {
		return fmt.Errorf("restoring channel state: it has %d input channels, the task %d (the parallelism or the inputs changed; "+
			"a checkpoint with channel state restores only at the same parallelism)", len(chans), n)
	}
	off := 0
	for _, g := range t.gates {
		u, ok := g.(unalignedGate)
		for ch := range g.NumChannels() {
			if len(chans[off+ch]) == 0 {
				continue
			}
			if !ok {
				return fmt.Errorf("restoring channel state: input gate %T cannot replay it", g)
			}
			if err := u.RestoreChannel(ch, chans[off+ch]); err != nil {
				return err
			}
		}
		off += g.NumChannels()
	}
	return nil
}
