package nexmark

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	gen "github.com/eddy-streams/eddy/connector/nexmark"
	"github.com/eddy-streams/eddy/datastream"
)

// q12FastClock is a processing-time clock that runs 100 000 times faster
// than the wall clock (a real 10 ns is a millisecond), so that a run of a
// few milliseconds crosses many 10 s window boundaries.
type q12FastClock struct{ start time.Time }

func (c q12FastClock) NowMillis() int64 {
	return c.start.UnixMilli() + time.Since(c.start).Nanoseconds()/10
}

// q12FrozenClock is a processing-time clock that never advances.
type q12FrozenClock struct{ now atomic.Int64 }

func (c *q12FrozenClock) NowMillis() int64 { return c.now.Load() }

// runQ12 runs q12 on the events of cfg with the given processing-time
// clock.
func runQ12(t *testing.T, cfg gen.Config, parallelism int, clock interface{ NowMillis() int64 }) [][]string {
	t.Helper()
	q, err := Lookup("q12")
	if err != nil {
		t.Fatal(err)
	}
	env := datastream.NewEnv().SetParallelism(parallelism).SetClock(clock)
	events := datastream.FromSource(env, gen.NewSource(cfg), gen.WatermarkStrategy(), "Nexmark")
	result := q.Build(env, events).Collect()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := env.Execute(ctx, "q12"); err != nil {
		t.Fatal(err)
	}
	return result()
}

// TestQ12 checks what can be checked of processing-time windows, whose
// contents depend on the speed of the run. A bounded run emits the windows
// that closed (in processing time) while it ran; the ones still open when
// the input ends are not emitted, as in Flink's streaming mode, whose
// pending processing-time timers do not fire at the end of the input.
//
// With a fast clock, so that windows close during the run: every row is a
// window [start, start + 10 s) aligned to 10 s that ended before the run
// did and started no earlier than the window open at its start; a bidder
// has at most one row per window; and a bidder's counts add up to at most
// its number of bids (the reference; less by the bids of its window still
// open at the end). With a frozen clock no window ever closes: the result
// is empty.
func TestQ12(t *testing.T) {
	cfg := p2Config()
	g := p2Events(t, cfg)
	bids := map[int64]int64{}
	for _, b := range g.bids {
		bids[b.Bidder]++
	}
	for _, p := range []int{1, 2} {
		t.Run("fast clock p"+strconv.Itoa(p), func(t *testing.T) {
			clock := q12FastClock{start: time.Now()}
			first := p2Floor(clock.NowMillis(), 10_000)
			rows := runQ12(t, cfg, p, clock)
			last := clock.NowMillis()
			sums := map[int64]int64{}
			windows := map[int64]bool{}
			type key struct{ bidder, start int64 }
			seen := map[key]bool{}
			var total int64
			for _, r := range rows {
				if len(r) != 4 {
					t.Fatalf("row %q has %d columns, want 4", r, len(r))
				}
				bidder, count := atoi(t, r[0]), atoi(t, r[1])
				start, end := parseTime(t, r[2]), parseTime(t, r[3])
				switch {
				case start%10_000 != 0 || end != start+10_000:
					t.Fatalf("row %q: the window is not a 10 s window aligned to 10 s", r)
				case start < first || end-1 > last:
					t.Fatalf("row %q: the window is not within the run [%s, %s]", r, p2Time(first), p2Time(last))
				case count <= 0:
					t.Fatalf("row %q: count must be positive", r)
				case seen[key{bidder, start}]:
					t.Fatalf("row %q: a second row of the bidder's window", r)
				}
				seen[key{bidder, start}] = true
				windows[start] = true
				sums[bidder] += count
				total += count
			}
			for bidder, n := range sums {
				if n > bids[bidder] {
					t.Fatalf("bidder %d: windows count %d bids, the bidder made %d", bidder, n, bids[bidder])
				}
			}
			t.Logf("%d rows in %d windows count %d of %d bids (%d bidders)", len(rows), len(windows), total, len(g.bids), len(bids))
			if len(windows) < 2 {
				t.Fatalf("the run closed %d windows, want several (is the clock used?)", len(windows))
			}
		})
	}
	t.Run("frozen clock", func(t *testing.T) {
		clock := &q12FrozenClock{}
		clock.now.Store(time.Now().UnixMilli())
		if rows := runQ12(t, cfg, 2, clock); len(rows) != 0 {
			t.Fatalf("%d rows, want none: no window closes while processing time stands still, and open windows are not emitted at the end of the input", len(rows))
		}
	})
}
