package nexmark

import (
	"testing"

	gen "github.com/eddy-streams/eddy/connector/nexmark"
)

// TestQ3 checks the join of sellers in OR, ID and CA with their auctions of
// category 10: every matching pair once.
func TestQ3(t *testing.T) {
	cfg := p1Config()
	g := generate(t, cfg)
	persons := map[int64][]gen.Person{}
	for _, p := range g.persons {
		if p.State == "OR" || p.State == "ID" || p.State == "CA" {
			persons[p.ID] = append(persons[p.ID], p)
		}
	}
	var want [][]string
	for _, a := range g.auctions {
		if a.Category != 10 {
			continue
		}
		for _, p := range persons[a.Seller] {
			want = append(want, []string{p.Name, p.City, p.State, p1Int(a.ID)})
		}
	}
	t.Logf("%d rows", len(want))
	p1Check(t, "q3", cfg, want)
}

// TestQ3Order checks the join on hand-made events: auctions before and
// after their seller, filtered states and categories.
func TestQ3Order(t *testing.T) {
	events := []gen.Event{
		p1Auction(100, 1, 10, p1Base+1, p1Base+9), // before its seller
		p1Person(1, "Ann", "CA", p1Base+2),
		p1Auction(101, 1, 10, p1Base+3, p1Base+9),    // after its seller
		p1Auction(102, 1, 11, p1Base+4, p1Base+9),    // other category
		p1Person(2, "Bob", "WA", p1Base+5),           // other state
		p1Auction(103, 2, 10, p1Base+6, p1Base+9),    // seller in WA
		p1Auction(104, 3, 10, p1Base+7, p1Base+9),    // seller arrives much later
		p1Person(3, "Cy", "OR", p1Base+60_000),       // long after its auction
		p1Auction(105, 3, 10, p1Base+60_001, p1Base), // and one more
	}
	p1CheckEvents(t, "q3", events, [][]string{
		{"Ann", "CityAnn", "CA", "100"},
		{"Ann", "CityAnn", "CA", "101"},
		{"Cy", "CityCy", "OR", "104"},
		{"Cy", "CityCy", "OR", "105"},
	})
}
