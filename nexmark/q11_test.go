package nexmark

import (
	"slices"
	"testing"

	gen "github.com/eddy-streams/eddy/connector/nexmark"
)

// TestQ11 checks the user sessions: per bidder, runs of bids each at most
// 10 s after the previous one, with their count, first bid time and last
// bid time + 10 s.
func TestQ11(t *testing.T) {
	p2Run(t, func(t *testing.T, cfg gen.Config, g *generated) {
		p2Check(t, "q11", cfg, refQ11(t, g))
	})
}

// refQ11 computes q11's result over g.
func refQ11(t *testing.T, g *generated) [][]string {
	times := map[int64][]int64{}
	for _, b := range g.bids {
		times[b.Bidder] = append(times[b.Bidder], b.DateTime)
	}
	const gap = 10_000
	var want [][]string
	for bidder, ts := range times {
		slices.Sort(ts)
		start, last, n := ts[0], ts[0], int64(1)
		for _, t := range ts[1:] {
			if t > last+gap {
				want = append(want, []string{p2Int(bidder), p2Int(n), p2Time(start), p2Time(last + gap)})
				start, n = t, 0
			}
			last = t
			n++
		}
		want = append(want, []string{p2Int(bidder), p2Int(n), p2Time(start), p2Time(last + gap)})
	}
	t.Logf("%d bidders, %d sessions", len(times), len(want))
	return want
}

// TestQ11OutOfOrder checks q11 on events up to 30 s out of order.
func TestQ11OutOfOrder(t *testing.T) { p2CheckOutOfOrder(t, "q11", refQ11) }
