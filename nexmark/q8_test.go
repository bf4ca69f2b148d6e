package nexmark

import (
	"testing"

	gen "github.com/eddy-streams/eddy/connector/nexmark"
)

// TestQ8 checks the new users: the persons who registered and created an
// auction in the same 10 s tumbling window, once per window.
func TestQ8(t *testing.T) {
	p2Run(t, func(t *testing.T, cfg gen.Config, g *generated) {
		p2Check(t, "q8", cfg, refQ8(t, g))
	})
}

// refQ8 computes q8's result over g.
func refQ8(t *testing.T, g *generated) [][]string {
	type key struct{ start, id int64 }
	names := map[key]string{}
	for _, p := range g.persons {
		names[key{p2Floor(p.DateTime, 10_000), p.ID}] = p.Name
	}
	sellers := map[key]bool{}
	for _, a := range g.auctions {
		sellers[key{p2Floor(a.DateTime, 10_000), a.Seller}] = true
	}
	var want [][]string
	for k, name := range names {
		if sellers[k] {
			want = append(want, []string{p2Int(k.id), name, p2Time(k.start)})
		}
	}
	t.Logf("%d persons, %d (window, seller) pairs, %d rows", len(g.persons), len(sellers), len(want))
	return want
}

// TestQ8OutOfOrder checks q8 on events up to 30 s out of order.
func TestQ8OutOfOrder(t *testing.T) { p2CheckOutOfOrder(t, "q8", refQ8) }
