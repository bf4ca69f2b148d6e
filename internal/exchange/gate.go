package exchange

import (
	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/operator"
)

// Gate is one input of a consumer task: it reads the input's channels round
// robin, hands records to the operator input, and combines watermarks and
// statuses through a Valve. Barriers and ends of partition go to the task's
// Aligner (see Align); a channel the aligner blocks is not polled.
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
	return &Gate[T]{chans: chans, ended: make([]bool, len(chans)), blocked: make([]bool, len(chans)), valve: NewValve(len(chans)), input: input}
}

// NumChannels returns the number of channels of the gate.
func (g *Gate[T]) NumChannels() int { return len(g.chans) }

// Align makes the gate step a with the barriers and ends of partition of
// its channels, numbered from offset in a, and hand a's decisions to on. It
// skips the channels a blocks. A gate without an aligner drops barriers.
func (g *Gate[T]) Align(a *Aligner, offset int, on func(Alignment)) {
	g.aligner, g.offset, g.onAlign = a, offset, on
	g.blocked = a.blocked[offset : offset+len(g.chans) : offset+len(g.chans)]
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
		b, ok := g.chans[i].TryReceive()
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
		if g.aligner != nil {
			for _, a := range g.aligner.Barrier(g.offset+ch, b.Barrier) {
				g.onAlign(a)
			}
		}
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
