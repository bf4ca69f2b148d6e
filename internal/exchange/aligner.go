package exchange

import (
	"errors"
	"fmt"
	"strings"

	"github.com/eddy-streams/eddy/internal/event"
)

// CheckpointingMode is execution.checkpointing.mode: whether a task with
// several input channels aligns their barriers (exactly-once) or not
// (at-least-once).
type CheckpointingMode int

const (
	// ExactlyOnce blocks a channel after its barrier n until barrier n
	// arrived on every channel, so the snapshot holds no effect of a record
	// after the barrier. It is the default.
	ExactlyOnce CheckpointingMode = iota
	// AtLeastOnce never blocks: records after barrier n on one channel are
	// processed before barrier n arrived on the others, so they are in the
	// snapshot and replayed after a restore.
	AtLeastOnce
)

func (m CheckpointingMode) String() string {
	switch m {
	case ExactlyOnce:
		return "EXACTLY_ONCE"
	case AtLeastOnce:
		return "AT_LEAST_ONCE"
	}
	return fmt.Sprintf("CheckpointingMode(%d)", int(m))
}

// ParseCheckpointingMode parses a value of execution.checkpointing.mode:
// EXACTLY_ONCE or AT_LEAST_ONCE, in any case, with '_' or '-'.
func ParseCheckpointingMode(s string) (CheckpointingMode, error) {
	switch strings.ReplaceAll(strings.ToUpper(strings.TrimSpace(s)), "-", "_") {
	case "EXACTLY_ONCE":
		return ExactlyOnce, nil
	case "AT_LEAST_ONCE":
		return AtLeastOnce, nil
	}
	return 0, fmt.Errorf("execution.checkpointing.mode must be EXACTLY_ONCE or AT_LEAST_ONCE, got %q", s)
}

// ErrSubsumed is the cause of an alignment aborted because a newer barrier
// arrived before the older one arrived on every channel.
var ErrSubsumed = errors.New("checkpoint subsumed by a newer one")

// AlignmentKind is the kind of an aligner decision.
type AlignmentKind int

const (
	// Aligned: barrier n arrived on every live channel; the task takes
	// checkpoint n now.
	Aligned AlignmentKind = iota + 1
	// AlignmentAborted: checkpoint n will not be taken by this task; it
	// declines it.
	AlignmentAborted
)

func (k AlignmentKind) String() string {
	switch k {
	case Aligned:
		return "aligned"
	case AlignmentAborted:
		return "aborted"
	}
	return fmt.Sprintf("AlignmentKind(%d)", int(k))
}

// Alignment is a decision of the aligner.
type Alignment struct {
	Kind AlignmentKind
	// Barrier is the barrier of the checkpoint aligned or aborted.
	Barrier event.Barrier
	// Err says why an alignment was aborted (it wraps ErrSubsumed).
	Err error
}

// Aligner aligns checkpoint barriers over all input channels of one task
// (across its gates; each gate numbers its channels from an offset). It is
// a state machine without I/O: the gates step it with the barriers and
// ends of partition they read, and act on the decisions it returns; the
// task steps it with checkpoint aborts.
//
// One checkpoint is pending at a time. It starts with the first barrier n
// above every id seen so far and is aligned when barrier n arrived on every
// channel that has not ended. In exactly-once mode a channel that delivered
// barrier n is blocked until then: gates do not poll it, so its data stays
// in the channel and credit-based flow control holds its producer (memory
// stays bounded). In at-least-once mode no channel is blocked.
//
// A barrier n+1 before n was aligned aborts n (Flink's subsumption) and
// starts n+1. Barriers of a checkpoint that was aligned, aborted or
// subsumed are ignored. A channel that ends no longer counts: a pending
// checkpoint waiting only for ended channels is aligned when they end.
type Aligner struct {
	mode CheckpointingMode
	// blocked[ch]: the gate does not poll ch (exactly-once, after ch
	// delivered the pending barrier). Gates hold views of it.
	blocked []bool
	ended   []bool
	seen    []bool // ch delivered the pending barrier
	pending bool
	current event.Barrier // the pending checkpoint's barrier
	// last is the highest checkpoint id started or aborted; barriers at or
	// below it (other than the pending one) are stale.
	last int64
	// remaining counts channels that neither ended nor delivered the
	// pending barrier.
	remaining int
	out       []Alignment
}

// NewAligner returns an aligner over channels input channels.
func NewAligner(channels int, mode CheckpointingMode) *Aligner {
	return &Aligner{mode: mode, blocked: make([]bool, channels), ended: make([]bool, channels), seen: make([]bool, channels), last: -1 << 63}
}

// Mode returns the aligner's checkpointing mode.
func (a *Aligner) Mode() CheckpointingMode { return a.mode }

// NumChannels returns the number of channels the aligner spans.
func (a *Aligner) NumChannels() int { return len(a.blocked) }

// Blocked reports whether channel ch must not be polled.
func (a *Aligner) Blocked(ch int) bool { return a.blocked[ch] }

// Pending returns the barrier of the checkpoint being aligned, if any.
func (a *Aligner) Pending() (event.Barrier, bool) { return a.current, a.pending }

// Barrier steps the aligner with barrier b read from channel ch. The
// returned decisions (in order; at most an abort and an alignment) are
// valid until the next step.
func (a *Aligner) Barrier(ch int, b event.Barrier) []Alignment {
	out := a.out[:0]
	switch {
	case a.ended[ch]:
		// Nothing follows the end of a partition; ignore a broken producer.
		return out
	case a.pending && b.ID == a.current.ID:
		if a.seen[ch] {
			return out // a duplicate
		}
	case b.ID > a.last:
		if a.pending {
			out = append(out, Alignment{Kind: AlignmentAborted, Barrier: a.current,
				Err: fmt.Errorf("barrier %d arrived before barrier %d on every input: %w", b.ID, a.current.ID, ErrSubsumed)})
			a.reset()
		}
		a.pending, a.current, a.last = true, b, b.ID
		a.remaining = 0
		for _, e := range a.ended {
			if !e {
				a.remaining++
			}
		}
	default:
		// Stale: its checkpoint was aligned, aborted or subsumed.
		return out
	}
	a.seen[ch] = true
	a.remaining--
	if a.remaining == 0 {
		out = append(out, Alignment{Kind: Aligned, Barrier: a.current})
		a.reset()
	} else if a.mode == ExactlyOnce {
		a.blocked[ch] = true
	}
	a.out = out
	return out
}

// End steps the aligner with the end of partition of channel ch. It
// returns the alignment it completes, if any.
func (a *Aligner) End(ch int) []Alignment {
	out := a.out[:0]
	if a.ended[ch] {
		return out
	}
	a.ended[ch] = true
	if a.pending && !a.seen[ch] {
		a.remaining--
		if a.remaining == 0 {
			out = append(out, Alignment{Kind: Aligned, Barrier: a.current})
			a.reset()
		}
	}
	a.out = out
	return out
}

// Abort steps the aligner with the abort of checkpoint id (the coordinator
// gave up on it): a pending alignment of id is cancelled and its channels
// unblocked, and barriers of id (and older) that arrive later are ignored.
// It reports whether an alignment was cancelled.
func (a *Aligner) Abort(id int64) bool {
	a.last = max(a.last, id)
	if a.pending && a.current.ID == id {
		a.reset()
		return true
	}
	return false
}

func (a *Aligner) reset() {
	a.pending = false
	a.remaining = 0
	clear(a.seen)
	clear(a.blocked)
}
