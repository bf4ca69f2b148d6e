package exchange

import (
	"testing"

	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/operator"
)

// sumInput is a consumer operator input that adds up int64 records.
type sumInput struct {
	sum, n int64
	wm     int64
}

func (s *sumInput) ProcessElement(r operator.Record[int64]) { s.sum += r.Value; s.n++ }
func (s *sumInput) ProcessWatermark(wm int64)               { s.wm = wm }
func (s *sumInput) ProcessWatermarkStatus(bool)             {}

// runExchange moves n int64 records from a producer goroutine (a Writer)
// to the calling goroutine (a Gate) over channels, the way two tasks do:
// the consumer polls with the task's budget and sleeps on the notify
// channel when nothing is queued. With barrierEvery > 0 the gate is aligned
// (exactly-once) and the producer emits a checkpoint barrier every
// barrierEvery records.
func runExchange(tb testing.TB, n, batchSize, credits, channels, barrierEvery int) *sumInput {
	notify := make(chan struct{}, 1)
	done := make(chan struct{})
	defer close(done)
	chans := make([]*Channel[int64], channels)
	for i := range chans {
		chans[i] = NewChannel[int64](credits, notify)
	}
	kind := Forward
	if channels > 1 {
		kind = Rebalance
	}
	w := NewWriter(chans, NewSelector[int64](kind, 0, channels), batchSize, done)
	in := &sumInput{}
	g := NewGate(chans, operator.Input[int64](in))
	aligned := 0
	if barrierEvery > 0 {
		g.Align(NewAligner(channels, ExactlyOnce), 0, func(a Alignment) {
			if a.Kind == Aligned {
				aligned++
			}
		})
	}
	go func() {
		if barrierEvery == 0 {
			// The loop of the baseline: nothing but Collect per record.
			for i := range n {
				w.Collect(operator.Record[int64]{Value: int64(i)})
			}
		} else {
			for i := range n {
				w.Collect(operator.Record[int64]{Value: int64(i)})
				if (i+1)%barrierEvery == 0 {
					w.EmitBarrier(event.Barrier{ID: int64((i + 1) / barrierEvery)})
				}
			}
		}
		w.End()
	}()
	for !g.Ended() {
		if g.Poll(16) == 0 {
			<-notify
		}
	}
	if in.n != int64(n) {
		tb.Fatalf("consumed %d records, want %d", in.n, n)
	}
	if barrierEvery > 0 && aligned != n/barrierEvery {
		tb.Fatalf("%d checkpoints aligned, want %d", aligned, n/barrierEvery)
	}
	return in
}

// BenchmarkExchange measures records/s between two goroutines connected by
// one channel (Writer → Channel → Gate), int64 records.
func BenchmarkExchange(b *testing.B) {
	for _, c := range []struct {
		name                     string
		batch, credits, channels int
		barrierEvery             int
	}{
		{"batch=1024/credits=4", 1024, 4, 1, 0},
		{"batch=256/credits=4", 256, 4, 1, 0},
		{"batch=4096/credits=2", 4096, 2, 1, 0},
		// A rebalancing writer over two channels (into one gate): the
		// selector runs per record.
		{"rebalance/channels=2/batch=1024/credits=4", 1024, 4, 2, 0},
		// As above, aligned (exactly-once) with a checkpoint barrier every
		// 100,000 records.
		{"aligned/rebalance/channels=2/batch=1024/credits=4", 1024, 4, 2, 100_000},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			runExchange(b, b.N, c.batch, c.credits, c.channels, c.barrierEvery)
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

func TestExchangeMovesEveryRecord(t *testing.T) {
	const n = 100_003
	for _, channels := range []int{1, 3} {
		for _, barrierEvery := range []int{0, 1000} {
			in := runExchange(t, n, 64, 2, channels, barrierEvery)
			if want := int64(n) * (n - 1) / 2; in.sum != want {
				t.Fatalf("channels=%d barrierEvery=%d: sum %d, want %d", channels, barrierEvery, in.sum, want)
			}
		}
	}
}
