package exchange

import (
	"testing"

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
// channel when nothing is queued.
func runExchange(tb testing.TB, n, batchSize, credits, channels int) *sumInput {
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
	go func() {
		for i := range n {
			w.Collect(operator.Record[int64]{Value: int64(i)})
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
	return in
}

// BenchmarkExchange measures records/s between two goroutines connected by
// one channel (Writer → Channel → Gate), int64 records.
func BenchmarkExchange(b *testing.B) {
	for _, c := range []struct {
		name                     string
		batch, credits, channels int
	}{
		{"batch=1024/credits=4", 1024, 4, 1},
		{"batch=256/credits=4", 256, 4, 1},
		{"batch=4096/credits=2", 4096, 2, 1},
		// A rebalancing writer over two channels (into one gate): the
		// selector runs per record.
		{"rebalance/channels=2/batch=1024/credits=4", 1024, 4, 2},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			runExchange(b, b.N, c.batch, c.credits, c.channels)
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

func TestExchangeMovesEveryRecord(t *testing.T) {
	const n = 100_003
	for _, channels := range []int{1, 3} {
		in := runExchange(t, n, 64, 2, channels)
		if want := int64(n) * (n - 1) / 2; in.sum != want {
			t.Fatalf("channels=%d: sum %d, want %d", channels, in.sum, want)
		}
	}
}
