package exchange

import (
	"fmt"
	"reflect"

	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/serde"
)

// Gate is one input of a consumer task: it reads the input's channels round
// robin, hands records to the operator input, and combines watermarks and
// statuses through a Valve. Barriers and ends of partition go to the task's
// Aligner (see Align); a channel the aligner blocks is not polled.
//
// For unaligned checkpoints the gate records channel state: the data it
// takes from a capturing channel, and the data an unaligned barrier
// overtook (which stays queued and is handled in order later), encoded
// with the element type's codec. A restored channel state waits in the
// channel's local queue and is replayed before the channel is read.
type Gate[T any] struct {
	chans  []*Channel[T]
	ended  []bool
	nEnded int
	// blocked is this gate's view of its aligner's blocked channels (all
	// false without an aligner).
	blocked []bool
	valve   *Valve
	input   operator.Input[T]
	next    int
	// watermark, if set, receives the input's watermark before the
	// operator sees it (operator.Context.CurrentWatermark reads it).
	watermark *int64

	aligner *Aligner
	offset  int // of the gate's first channel in the aligner
	onAlign func(Alignment)

	// capturing is this gate's view of its aligner's capturing channels.
	capturing []bool
	local     [][]Buffer[T]
	// announced[ch] is the announced aligned barrier queued on ch.
	announced []announcement
	codec     serde.Codec[T] // set by EnableUnaligned or a restore
}

// announcement is an aligned barrier known to be queued in a channel: pos
// is the channel's count of buffers sent up to and including it.
type announcement struct {
	id  int64
	pos int64
}

// TrackWatermark makes the gate store the input's watermark in *wm.
func (g *Gate[T]) TrackWatermark(wm *int64) { g.watermark = wm }

func (g *Gate[T]) deliverWatermark(wm int64) {
	if g.watermark != nil {
		*g.watermark = wm
	}
	g.input.ProcessWatermark(wm)
}

// NewGate returns a gate over chans delivering to input.
func NewGate[T any](chans []*Channel[T], input operator.Input[T]) *Gate[T] {
	return &Gate[T]{chans: chans, ended: make([]bool, len(chans)), blocked: make([]bool, len(chans)), valve: NewValve(len(chans)), input: input,
		capturing: make([]bool, len(chans)), local: make([][]Buffer[T], len(chans)), announced: make([]announcement, len(chans))}
}

// EnableUnaligned prepares the gate to record channel state; it fails if
// the element type has no codec (Flink too requires a serializer).
func (g *Gate[T]) EnableUnaligned() error {
	if g.codec != nil {
		return nil
	}
	c, err := serde.For[T]()
	if err != nil {
		return fmt.Errorf("unaligned checkpoints need a codec for the element type %v of the channels into this task: %w", reflect.TypeFor[T](), err)
	}
	g.codec = c
	return nil
}

// NumChannels returns the number of channels of the gate.
func (g *Gate[T]) NumChannels() int { return len(g.chans) }

// Align makes the gate step a with the barriers and ends of partition of
// its channels, numbered from offset in a, and hand a's decisions to on. It
// skips the channels a blocks. A gate without an aligner drops barriers.
func (g *Gate[T]) Align(a *Aligner, offset int, on func(Alignment)) {
	g.aligner, g.offset, g.onAlign = a, offset, on
	g.blocked = a.blocked[offset : offset+len(g.chans) : offset+len(g.chans)]
	g.capturing = a.capturing[offset : offset+len(g.chans) : offset+len(g.chans)]
}

// Ended reports whether every channel of the gate has ended.
func (g *Gate[T]) Ended() bool { return g.nEnded == len(g.chans) }

// Poll handles at most budget buffers and returns how many it handled.
func (g *Gate[T]) Poll(budget int) int {
	handled := 0
	misses := 0
	for handled < budget && misses < len(g.chans) && !g.Ended() {
		i := g.next
		g.next++
		if g.next == len(g.chans) {
			g.next = 0
		}
		if g.ended[i] || g.blocked[i] {
			misses++
			continue
		}
		var b Buffer[T]
		var ok bool
		if q := g.local[i]; len(q) > 0 {
			b, ok = q[0], true
			q[0] = Buffer[T]{}
			if g.local[i] = q[1:]; len(q) == 1 {
				g.local[i] = nil
			}
		} else {
			b, ok = g.chans[i].TryReceive()
			if ok && b.Kind == event.Data && g.capturing[i] {
				g.capture(i, b.Records)
			}
		}
		if !ok {
			misses++
			continue
		}
		misses = 0
		handled++
		g.handle(i, b)
	}
	return handled
}

// deliver hands a batch to the input. (A loop of its own, with the input in
// a local, compiles to fewer instructions per record than the loop inside
// handle's switch.)
func (g *Gate[T]) deliver(recs []operator.Record[T]) {
	in := g.input
	for i := range recs {
		in.ProcessElement(recs[i])
	}
}

func (g *Gate[T]) handle(ch int, b Buffer[T]) {
	switch b.Kind {
	case event.Data:
		g.deliver(b.Records)
		g.chans[ch].Recycle(b.Records)
	case event.Watermark:
		if wm, ok := g.valve.Watermark(ch, b.Watermark); ok {
			g.deliverWatermark(wm)
		}
	case event.WatermarkStatus:
		wm, advanced, idle, changed := g.valve.Status(ch, b.Idle)
		if advanced {
			g.deliverWatermark(wm)
		}
		if changed {
			g.input.ProcessWatermarkStatus(idle)
		}
	case event.CheckpointBarrier:
		if b.Barrier.Unaligned {
			g.overtake(ch, b)
		} else if g.aligner != nil {
			for _, a := range g.aligner.Barrier(g.offset+ch, b.Barrier) {
				g.onAlign(a)
			}
		}
	case event.BarrierAnnouncement:
		g.announce(ch, b)
	case event.EndOfPartition:
		g.ended[ch] = true
		g.nEnded++
		// An ended channel no longer holds the watermark back (a bounded
		// producer already sent the maximum watermark before ending).
		if g.nEnded < len(g.chans) {
			if wm, ok := g.valve.End(ch); ok {
				g.deliverWatermark(wm)
			}
		}
		if g.aligner != nil {
			for _, a := range g.aligner.End(g.offset + ch) {
				g.onAlign(a)
			}
		}
	}
}

// capture adds records taken from capturing channel ch to the channel
// state.
func (g *Gate[T]) capture(ch int, recs []operator.Record[T]) {
	g.aligner.AddChannelState(g.offset+ch, appendRecords(nil, g.codec, recs))
}

// encodeLocal encodes the records waiting in ch's local queue.
func (g *Gate[T]) encodeLocal(ch int) []byte {
	var data []byte
	for _, recs := range recordsOf(g.local[ch]) {
		data = appendRecords(data, g.codec, recs)
	}
	return data
}

// overtake handles unaligned barrier b read from channel ch. If the
// aligner takes it unaligned, the data it overtook (still queued, handled
// later) is channel state; otherwise the barrier goes back in place, after
// that data (an aligned task, a stale barrier).
func (g *Gate[T]) overtake(ch int, b Buffer[T]) {
	c := g.chans[ch]
	if g.aligner == nil || !g.aligner.TakesUnaligned(b.Barrier) {
		b.Barrier.Unaligned = false
		c.insertOvertaken(b)
		return
	}
	var data []byte
	if !g.capturing[ch] {
		data = g.encodeLocal(ch) // a restored channel state not replayed yet
	}
	for _, recs := range recordsOf(c.overtakenBy(b)) {
		data = appendRecords(data, g.codec, recs)
	}
	for _, a := range g.aligner.Overtake(g.offset+ch, b.Barrier, data) {
		g.onAlign(a)
	}
}

// announce handles the announcement of an aligned barrier queued on ch.
func (g *Gate[T]) announce(ch int, b Buffer[T]) {
	if g.aligner == nil || !g.aligner.Unaligned() || g.chans[ch].taken(b.seq) {
		return // not needed, or the barrier was taken already
	}
	g.announced[ch] = announcement{id: b.Barrier.ID, pos: b.seq}
	for _, a := range g.aligner.Announce(g.offset+ch, b.Barrier) {
		g.onAlign(a)
	}
	if p, ok := g.aligner.Pending(); ok && p.ID == b.Barrier.ID && g.capturing[ch] {
		g.convert(ch) // the checkpoint is unaligned already
	}
}

// StartCapture starts recording the channel state of the unaligned
// checkpoint the aligner just started (UnalignedStarted): on every
// capturing channel, the records of a restored channel state not replayed
// yet are channel state, and an announced barrier of the checkpoint
// overtakes the data queued before it.
func (g *Gate[T]) StartCapture() {
	for ch := range g.chans {
		if !g.capturing[ch] {
			continue
		}
		g.aligner.AddChannelState(g.offset+ch, g.encodeLocal(ch))
		if p, ok := g.aligner.Pending(); ok && g.announced[ch].id == p.ID {
			g.convert(ch)
		}
	}
}

// convert lets the announced barrier of capturing channel ch overtake the
// data queued before it, which is channel state (and handled later).
func (g *Gate[T]) convert(ch int) {
	an := g.announced[ch]
	g.announced[ch] = announcement{}
	before, b, ok := g.chans[ch].takeBarrier(an.pos, an.id)
	if !ok {
		return // taken already: it arrived in order
	}
	for _, recs := range recordsOf(before) {
		g.capture(ch, recs)
	}
	for _, a := range g.aligner.Barrier(g.offset+ch, b.Barrier) {
		g.onAlign(a)
	}
}

// RestoreChannel queues the records of channel ch recorded in a channel
// state (ChannelState, DecodeChannelState) to be handled before anything
// read from the channel.
func (g *Gate[T]) RestoreChannel(ch int, data []byte) error {
	if ch < 0 || ch >= len(g.chans) {
		return fmt.Errorf("restoring channel state: no channel %d (the gate has %d)", ch, len(g.chans))
	}
	if len(data) == 0 {
		return nil
	}
	if err := g.EnableUnaligned(); err != nil {
		return err
	}
	recs, err := decodeRecords(g.codec, data)
	if err != nil {
		return fmt.Errorf("restoring the channel state of channel %d: %w", ch, err)
	}
	g.local[ch] = append(g.local[ch], Buffer[T]{Kind: event.Data, Records: recs})
	return nil
}
