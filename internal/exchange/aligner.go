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
	// UnalignedStarted: the task takes checkpoint n now, unaligned: it
	// snapshots its operators, sends unaligned barriers and starts
	// recording channel state (Gate.StartCapture) on the channels that
	// still owe barrier n (Capturing).
	UnalignedStarted
	// ChannelStateComplete: every channel delivered barrier n (or ended):
	// State holds the channel state of unaligned checkpoint n.
	ChannelStateComplete
)

func (k AlignmentKind) String() string {
	switch k {
	case Aligned:
		return "aligned"
	case AlignmentAborted:
		return "aborted"
	case UnalignedStarted:
		return "unaligned"
	case ChannelStateComplete:
		return "channel-state-complete"
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
	// State is the channel state of a ChannelStateComplete decision.
	State *ChannelState
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
//
// With unaligned checkpoints (SetUnaligned; exactly-once only, never for a
// savepoint) checkpoint n is taken at the first barrier n, or, with an
// aligned checkpoint timeout, when a barrier n arrives unaligned or the
// alignment lasted past the barrier's timestamp plus the timeout (Tick):
// the aligner returns UnalignedStarted, unblocks every channel, and the
// channels that still owe barrier n are capturing: the data the gates take
// from them is channel state (AddChannelState) until their barrier n
// arrives or they end; then ChannelStateComplete hands the state over. An
// unaligned barrier brings the data it overtook (Overtake).
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

	// unaligned: unaligned checkpoints are on; timeout is the aligned
	// checkpoint timeout in ms (0: always unaligned); now is the time of
	// the last Tick (epoch ms).
	unaligned bool
	timeout   int64
	now       int64
	// pendingUnaligned: the pending checkpoint is taken unaligned;
	// capturing[ch]: ch owes its barrier, its data is channel state;
	// state collects it.
	pendingUnaligned bool
	capturing        []bool
	state            *ChannelState
}

// NewAligner returns an aligner over channels input channels.
func NewAligner(channels int, mode CheckpointingMode) *Aligner {
	return &Aligner{mode: mode, blocked: make([]bool, channels), ended: make([]bool, channels), seen: make([]bool, channels),
		capturing: make([]bool, channels), last: -1 << 63}
}

// SetUnaligned turns on unaligned checkpoints with an aligned checkpoint
// timeout in milliseconds (0: every checkpoint is unaligned). It has no
// effect in at-least-once mode, which never blocks.
func (a *Aligner) SetUnaligned(timeoutMs int64) {
	a.unaligned, a.timeout = a.mode == ExactlyOnce, max(timeoutMs, 0)
}

// Unaligned reports whether unaligned checkpoints are on.
func (a *Aligner) Unaligned() bool { return a.unaligned }

// Capturing reports whether the data of channel ch is channel state of
// the pending unaligned checkpoint.
func (a *Aligner) Capturing(ch int) bool { return a.capturing[ch] }

// PendingUnaligned reports whether the pending checkpoint is unaligned.
func (a *Aligner) PendingUnaligned() bool { return a.pending && a.pendingUnaligned }

// TakesUnaligned reports whether an unaligned barrier b is taken as such:
// it belongs to the pending checkpoint or a newer one, and unaligned
// checkpoints are on. Otherwise its gate delivers it in place, after the
// data it overtook.
func (a *Aligner) TakesUnaligned(b event.Barrier) bool {
	return a.unaligned && !b.Savepoint && (b.ID > a.last || a.pending && b.ID == a.current.ID)
}

// AddChannelState appends encoded records of capturing channel ch to the
// channel state of the pending checkpoint; it does nothing for a channel
// that is not capturing.
func (a *Aligner) AddChannelState(ch int, data []byte) {
	if a.capturing[ch] && len(data) > 0 {
		a.state.Channels[ch] = append(a.state.Channels[ch], data...)
	}
}

// Deadline returns when the pending aligned checkpoint switches to
// unaligned (epoch ms), if it does.
func (a *Aligner) Deadline() (int64, bool) {
	if !a.pending || a.pendingUnaligned || !a.unaligned || a.timeout == 0 || a.current.Savepoint {
		return 0, false
	}
	return a.current.Timestamp + a.timeout, true
}

// Tick steps the aligner with the time (epoch ms): an alignment that
// lasted past the timeout switches to unaligned.
func (a *Aligner) Tick(now int64) []Alignment {
	a.now = max(a.now, now)
	if d, ok := a.Deadline(); ok && a.now >= d {
		return a.switchUnaligned(nil)
	}
	return nil
}

// Announce steps the aligner with the announcement of aligned barrier b
// queued on channel ch: it starts the alignment of a new checkpoint, so
// that it can time out although no barrier arrived yet. The gate lets an
// announced barrier overtake once its checkpoint is unaligned.
func (a *Aligner) Announce(ch int, b event.Barrier) []Alignment {
	if !a.unaligned || a.ended[ch] || b.Savepoint || b.ID <= a.last {
		return nil
	}
	var out []Alignment
	if a.pending {
		out = append(out, a.subsume(b))
	}
	a.start(b)
	return out
}

// Overtake steps the aligner with unaligned barrier b read from channel ch,
// which overtook data (the encoded records that were queued before it and
// not yet processed, unless ch was capturing: the gate added those
// already). Call it only if TakesUnaligned(b).
func (a *Aligner) Overtake(ch int, b event.Barrier, data []byte) []Alignment {
	if a.ended[ch] || !a.TakesUnaligned(b) {
		return nil
	}
	var out []Alignment
	if !a.pending || b.ID != a.current.ID {
		if a.pending {
			out = append(out, a.subsume(b))
		}
		a.start(b)
	} else if a.seen[ch] {
		return nil // a duplicate
	}
	if !a.pendingUnaligned {
		out = append(out, a.switchUnaligned(nil)...)
	}
	a.capturing[ch] = true
	a.AddChannelState(ch, data)
	return append(out, a.delivered(ch)...)
}

// start makes b the pending checkpoint; no channel delivered it yet.
func (a *Aligner) start(b event.Barrier) {
	a.pending, a.current, a.last = true, b, b.ID
	a.remaining = 0
	for _, e := range a.ended {
		if !e {
			a.remaining++
		}
	}
}

// subsume aborts the pending checkpoint for the newer b.
func (a *Aligner) subsume(b event.Barrier) Alignment {
	d := Alignment{Kind: AlignmentAborted, Barrier: a.current,
		Err: fmt.Errorf("barrier %d arrived before barrier %d on every input: %w", b.ID, a.current.ID, ErrSubsumed)}
	a.reset()
	return d
}

// switchUnaligned takes the pending checkpoint unaligned from now on.
func (a *Aligner) switchUnaligned(out []Alignment) []Alignment {
	a.pendingUnaligned = true
	a.current.Unaligned = true
	clear(a.blocked)
	a.state = &ChannelState{ID: a.current.ID, Channels: make([][]byte, len(a.seen))}
	for ch := range a.capturing {
		a.capturing[ch] = !a.seen[ch] && !a.ended[ch]
	}
	return append(out, Alignment{Kind: UnalignedStarted, Barrier: a.current})
}

// delivered counts barrier n of channel ch; the last one completes the
// checkpoint.
func (a *Aligner) delivered(ch int) []Alignment {
	a.seen[ch] = true
	a.capturing[ch] = false
	a.remaining--
	if a.remaining > 0 {
		if a.mode == ExactlyOnce && !a.pendingUnaligned {
			a.blocked[ch] = true
		}
		return nil
	}
	d := Alignment{Kind: Aligned, Barrier: a.current}
	if a.pendingUnaligned {
		d = Alignment{Kind: ChannelStateComplete, Barrier: a.current, State: a.state}
	}
	a.reset()
	return []Alignment{d}
}

// Mode returns the aligner's checkpointing mode.
func (a *Aligner) Mode() CheckpointingMode { return a.mode }

// NumChannels returns the number of channels the aligner spans.
func (a *Aligner) NumChannels() int { return len(a.blocked) }

// Blocked reports whether channel ch must not be polled.
func (a *Aligner) Blocked(ch int) bool { return a.blocked[ch] }

// Pending returns the barrier of the checkpoint being aligned, if any.
func (a *Aligner) Pending() (event.Barrier, bool) { return a.current, a.pending }

// Barrier steps the aligner with barrier b read from channel ch in order
// with its data. The returned decisions are in order: at most an abort,
// the start of an unaligned checkpoint, and an alignment or the completion
// of the channel state.
func (a *Aligner) Barrier(ch int, b event.Barrier) []Alignment {
	var out []Alignment
	switch {
	case a.ended[ch]:
		// Nothing follows the end of a partition; ignore a broken producer.
		return nil
	case a.pending && b.ID == a.current.ID:
		if a.seen[ch] {
			return nil // a duplicate
		}
	case b.ID > a.last:
		if a.pending {
			out = append(out, a.subsume(b))
		}
		a.start(b)
		if a.unaligned && a.timeout == 0 && !b.Savepoint {
			out = a.switchUnaligned(out)
		}
	default:
		// Stale: its checkpoint was aligned, aborted or subsumed.
		return nil
	}
	out = append(out, a.delivered(ch)...)
	if d, ok := a.Deadline(); ok && a.now >= d {
		out = a.switchUnaligned(out)
	}
	return out
}

// End steps the aligner with the end of partition of channel ch. It
// returns the alignment it completes, if any.
func (a *Aligner) End(ch int) []Alignment {
	if a.ended[ch] {
		return nil
	}
	a.ended[ch] = true
	if a.pending && !a.seen[ch] {
		a.seen[ch] = true // counts as delivered
		a.capturing[ch] = false
		a.remaining--
		if a.remaining == 0 {
			d := Alignment{Kind: Aligned, Barrier: a.current}
			if a.pendingUnaligned {
				d = Alignment{Kind: ChannelStateComplete, Barrier: a.current, State: a.state}
			}
			a.reset()
			return []Alignment{d}
		}
	}
	return nil
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
	a.pendingUnaligned = false
	clear(a.capturing)
	a.state = nil
}
