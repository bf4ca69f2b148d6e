package exchange

import (
	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/operator"
)

// Gate is one input of a consumer task: it reads the input's channels round
// robin, hands records to the operator input, and combines watermarks and
// statuses through a Valve.
type Gate[T any] struct {
	chans  []*Channel[T]
	ended  []bool
	nEnded int
	valve  *Valve
	input  operator.Input[T]
	next   int
	// watermark, if set, receives the input's watermark before the
	// operator sees it (operator.Context.CurrentWatermark reads it).
	watermark *int64
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
	return &Gate[T]{chans: chans, ended: make([]bool, len(chans)), valve: NewValve(len(chans)), input: input}
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
		if g.ended[i] {
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

func (g *Gate[T]) handle(ch int, b Buffer[T]) {
	switch b.Kind {
	case event.Data:
		for i := range b.Records {
			g.input.ProcessElement(b.Records[i])
		}
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
	}
}
