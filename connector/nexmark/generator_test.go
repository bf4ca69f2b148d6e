package nexmark

import (
	"bytes"
	"math"
	"reflect"
	"testing"
)

func newGen(t testing.TB, cfg Config) *Generator {
	t.Helper()
	g, err := NewGenerator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// payload returns the event's payload by value, for comparisons.
func payload(e Event) any {
	switch e.Type {
	case PersonEvent:
		return *e.Person
	case AuctionEvent:
		return *e.Auction
	default:
		return *e.Bid
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	for _, seed := range []int64{0, 1, -42} {
		cfg := DefaultConfig()
		cfg.Seed = seed
		a, b := newGen(t, cfg), newGen(t, cfg)
		// b generates in another order, with other events in between.
		for n := int64(2000); n >= 0; n -= 7 {
			b.Generate(n + 1)
			want := payload(a.Generate(n))
			if got := payload(b.Generate(n)); !reflect.DeepEqual(got, want) {
				t.Fatalf("seed %d event %d: %+v, then %+v", seed, n, want, got)
			}
			if got := payload(Generate(cfg, n)); !reflect.DeepEqual(got, want) {
				t.Fatalf("seed %d event %d: Generate gives %+v, the generator %+v", seed, n, got, want)
			}
		}
	}
}

// TestTransientEventsEqual checks that a transient generator, which reuses
// its payloads and string bytes, generates the same events (read before
// the next one).
func TestTransientEventsEqual(t *testing.T) {
	cfg := DefaultConfig()
	a, b := newGen(t, cfg), newGen(t, cfg)
	b.SetTransient()
	var want, got []byte
	for n := range int64(20000) {
		want = AppendEventCSV(want[:0], a.Generate(n))
		got = AppendEventCSV(got[:0], b.Generate(n))
		if !bytes.Equal(got, want) {
			t.Fatalf("event %d: transient %q, want %q", n, got, want)
		}
	}
}

// TestEventsAreImmutable checks that later events do not overwrite the
// strings of earlier ones (the arena only grows).
func TestEventsAreImmutable(t *testing.T) {
	g := newGen(t, DefaultConfig())
	var events []Event
	var before []byte
	for n := range int64(5000) {
		e := g.Generate(n)
		events = append(events, e)
		before = AppendEventCSV(before, e)
	}
	for n := int64(5000); n < 200000; n++ {
		g.Generate(n)
	}
	var after []byte
	for _, e := range events {
		after = AppendEventCSV(after, e)
	}
	if !bytes.Equal(before, after) {
		t.Fatal("generating more events changed earlier ones")
	}
}

func TestProportionsPerEpoch(t *testing.T) {
	for _, props := range [][3]int{{1, 3, 46}, {2, 5, 13}, {0, 1, 9}} {
		cfg := DefaultConfig()
		cfg.PersonProportion, cfg.AuctionProportion, cfg.BidProportion = props[0], props[1], props[2]
		total := int64(props[0] + props[1] + props[2])
		g := newGen(t, cfg)
		for epoch := int64(0); epoch < 2000; epoch++ {
			var count [3]int
			for i := range total {
				n := epoch*total + i
				e := g.Generate(n)
				count[e.Type]++
				if g.Type(n) != e.Type {
					t.Fatalf("Type(%d) = %d, the event is a %d", n, g.Type(n), e.Type)
				}
				// Persons first, then auctions, then bids.
				want := BidEvent
				if i < int64(props[0]) {
					want = PersonEvent
				} else if i < int64(props[0]+props[1]) {
					want = AuctionEvent
				}
				if e.Type != want {
					t.Fatalf("proportions %v: event %d is a %d, want %d", props, n, e.Type, want)
				}
			}
			if count != props {
				t.Fatalf("proportions %v: epoch %d has %v", props, epoch, count)
			}
		}
	}
}

// TestIDsReferencePastEvents checks the suite's referential structure:
// persons and auctions are numbered in order from 1000; sellers, bidders
// and auctions of bids are recent ones or at most the suite's lead of 10
// ids ahead; hot ones are as frequent as the hot ratios say. Bidder ids are
// 1000 above the person drawn, as in the suite (see Generator.bid).
func TestIDsReferencePastEvents(t *testing.T) {
	cfg := DefaultConfig()
	g := newGen(t, cfg)
	lastPerson, lastAuction := int64(firstPersonID-1), int64(firstAuctionID-1)
	var bids, hotAuctionBids, hotBidderBids, auctions, hotSellerAuctions int
	for n := range int64(500000) {
		switch e := g.Generate(n); e.Type {
		case PersonEvent:
			if e.Person.ID != lastPerson+1 {
				t.Fatalf("event %d: person %d after %d", n, e.Person.ID, lastPerson)
			}
			lastPerson = e.Person.ID
		case AuctionEvent:
			a := e.Auction
			if a.ID != lastAuction+1 {
				t.Fatalf("event %d: auction %d after %d", n, a.ID, lastAuction)
			}
			lastAuction = a.ID
			if a.Seller < firstPersonID || a.Seller > lastPerson+personIDLead {
				t.Fatalf("event %d: seller %d, last person %d", n, a.Seller, lastPerson)
			}
			if a.Seller < lastPerson-int64(cfg.NumActivePeople) {
				t.Fatalf("event %d: seller %d is not among the %d active people before %d", n, a.Seller, cfg.NumActivePeople, lastPerson)
			}
			if a.Category < firstCategoryID || a.Category >= firstCategoryID+numCategories {
				t.Fatalf("event %d: category %d", n, a.Category)
			}
			if a.Expires <= a.DateTime {
				t.Fatalf("event %d: auction expires at %d, before it starts at %d", n, a.Expires, a.DateTime)
			}
			if a.Reserve < a.InitialBid {
				t.Fatalf("event %d: reserve %d below the initial bid %d", n, a.Reserve, a.InitialBid)
			}
			auctions++
			if a.Seller == (lastPerson-firstPersonID)/100*100+firstPersonID {
				hotSellerAuctions++
			}
		case BidEvent:
			b := e.Bid
			if b.Auction < firstAuctionID || b.Auction > lastAuction+auctionIDLead {
				t.Fatalf("event %d: bid on auction %d, last auction %d", n, b.Auction, lastAuction)
			}
			if b.Auction < lastAuction-int64(cfg.NumInFlightAuctions) && b.Auction != (lastAuction-firstAuctionID)/100*100+firstAuctionID {
				t.Fatalf("event %d: bid on auction %d, neither in flight nor hot (last %d)", n, b.Auction, lastAuction)
			}
			person := b.Bidder - firstPersonID // the suite's second offset
			if person < firstPersonID || person > lastPerson+personIDLead {
				t.Fatalf("event %d: bidder %d, last person %d", n, b.Bidder, lastPerson)
			}
			if b.Price < 100 || b.Price > 100_000_000 {
				t.Fatalf("event %d: price %d", n, b.Price)
			}
			bids++
			if b.Auction == (lastAuction-firstAuctionID)/100*100+firstAuctionID {
				hotAuctionBids++
			}
			if person == (lastPerson-firstPersonID)/100*100+1+firstPersonID {
				hotBidderBids++
			}
		}
	}
	// Hot shares: 1 - 1/ratio, plus the random draws that hit the hot one.
	for _, c := range []struct {
		what      string
		got, of   int
		ratio     int
		tolerance float64
	}{
		{"bids on hot auctions", hotAuctionBids, bids, cfg.HotAuctionRatio, 0.02},
		{"bids by hot bidders", hotBidderBids, bids, cfg.HotBiddersRatio, 0.02},
		{"auctions by hot sellers", hotSellerAuctions, auctions, cfg.HotSellersRatio, 0.02},
	} {
		share, want := float64(c.got)/float64(c.of), 1-1/float64(c.ratio)
		if share < want-0.01 || share > want+c.tolerance {
			t.Errorf("%s: %.3f, want about %.3f", c.what, share, want)
		}
	}
}

func TestTimestamps(t *testing.T) {
	for _, rate := range []int{10000, 1000, 1, 1000000, 7, 333} {
		cfg := DefaultConfig()
		cfg.FirstEventRate = rate
		g := newGen(t, cfg)
		delayUs := 1e6 / float64(rate)
		prev := int64(math.MinInt64)
		for n := int64(0); n < 200000; n += 1 + n/1000 {
			e := g.Generate(n)
			ts := e.Timestamp()
			if g.Timestamp(n) != ts {
				t.Fatalf("rate %d: Timestamp(%d) = %d, the event says %d", rate, n, g.Timestamp(n), ts)
			}
			// base + n × delay, in whole milliseconds.
			want := cfg.BaseTime + int64(float64(n)*delayUs)/1000
			if ts != want {
				t.Fatalf("rate %d: event %d at %d, want %d", rate, n, ts, want)
			}
			if 1e6%rate == 0 && ts != cfg.BaseTime+n*int64(1e6/rate)/1000 {
				t.Fatalf("rate %d: event %d at %d, want base + n×%dµs", rate, n, ts, 1e6/rate)
			}
			if ts < prev {
				t.Fatalf("rate %d: event %d at %d, before the previous at %d", rate, n, ts, prev)
			}
			prev = ts
		}
	}
	// The default: event 0 at the fixed base time, 10 events per millisecond.
	e0, e1 := Generate(DefaultConfig(), 0), Generate(DefaultConfig(), 12345)
	if ts := e0.Timestamp(); ts != DefaultBaseTime {
		t.Errorf("event 0 at %d, want %d", ts, DefaultBaseTime)
	}
	if ts := e1.Timestamp(); ts != DefaultBaseTime+1234 {
		t.Errorf("event 12345 at %d, want %d", ts, DefaultBaseTime+1234)
	}
}

// TestAverageSizes checks that the extra field pads events to the
// configured average sizes, as the suite counts them.
func TestAverageSizes(t *testing.T) {
	for _, sizes := range [][3]int{{200, 500, 100}, {1000, 2000, 50}, {10, 10, 10}} {
		cfg := DefaultConfig()
		cfg.AvgPersonByteSize, cfg.AvgAuctionByteSize, cfg.AvgBidByteSize = sizes[0], sizes[1], sizes[2]
		g := newGen(t, cfg)
		var sum, count, extra [3]float64
		for n := range int64(300000) {
			var size, pad int
			switch e := g.Generate(n); e.Type {
			case PersonEvent:
				p := e.Person
				size = 8 + len(p.Name) + len(p.EmailAddress) + len(p.CreditCard) + len(p.City) + len(p.State)
				pad = len(p.Extra)
			case AuctionEvent:
				a := e.Auction
				size = 8 + len(a.ItemName) + len(a.Description) + 40
				pad = len(a.Extra)
			default:
				size = 32
				pad = len(e.Bid.Extra)
			}
			sum[g.Type(n)] += float64(size + pad)
			extra[g.Type(n)] += float64(pad)
			count[g.Type(n)]++
		}
		for i, name := range []string{"person", "auction", "bid"} {
			avg, want := sum[i]/count[i], float64(sizes[i])
			if sizes == [3]int{10, 10, 10} {
				// Every event is larger than 10 bytes: no padding.
				if extra[i] != 0 {
					t.Errorf("sizes %v: %s events have %v bytes of extra", sizes, name, extra[i])
				}
				continue
			}
			// The suite's spread [d-δ, d+δ) averages half a byte short.
			if math.Abs(avg-want) > want*0.01+0.5 {
				t.Errorf("sizes %v: average %s size %.1f, want %v ± 1%%", sizes, name, avg, want)
			}
		}
	}
}

// TestSeed checks that a seed changes the values drawn but not the
// structure: types, ids and times.
func TestSeed(t *testing.T) {
	base := newGen(t, DefaultConfig())
	cfg := DefaultConfig()
	cfg.Seed = 7
	seeded := newGen(t, cfg)
	same := 0
	for n := range int64(10000) {
		a, b := base.Generate(n), seeded.Generate(n)
		if a.Type != b.Type || a.Timestamp() != b.Timestamp() {
			t.Fatalf("event %d: seed 7 changes its type or time", n)
		}
		switch a.Type {
		case PersonEvent:
			if a.Person.ID != b.Person.ID {
				t.Fatalf("event %d: seed 7 changes the person id", n)
			}
		case AuctionEvent:
			if a.Auction.ID != b.Auction.ID {
				t.Fatalf("event %d: seed 7 changes the auction id", n)
			}
		}
		if string(AppendEventCSV(nil, a)) == string(AppendEventCSV(nil, b)) {
			same++
		}
	}
	if same > 10 {
		t.Errorf("seed 7 leaves %d events of 10000 unchanged", same)
	}
}

// TestOutOfOrderGroups checks the suite's out-of-order groups: event
// numbers are shuffled within each group, so times are a permutation of
// the in-order times, at most a group late.
func TestOutOfOrderGroups(t *testing.T) {
	cfg := DefaultConfig()
	cfg.OutOfOrderGroupSize = 100
	g := newGen(t, cfg)
	inOrder := newGen(t, DefaultConfig())
	for group := int64(0); group < 50; group++ {
		got, want := map[int64]int{}, map[int64]int{}
		ordered := true
		for i := range int64(100) {
			n := group*100 + i
			got[g.Timestamp(n)]++
			want[inOrder.Timestamp(n)]++
			if i > 0 && g.eventNumber(n) < g.eventNumber(n-1) {
				ordered = false
			}
			num := g.eventNumber(n)
			if num/100 != group {
				t.Fatalf("event %d has number %d, outside its group", n, num)
			}
			// The event is the in-order event of its number, time included.
			if e, w := AppendEventCSV(nil, g.Generate(n)), AppendEventCSV(nil, inOrder.Generate(num)); !bytes.Equal(e, w) {
				t.Fatalf("event %d is not event number %d", n, num)
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("group %d: times %v, want %v", group, got, want)
		}
		if ordered {
			t.Fatalf("group %d is in order", group)
		}
	}
}
