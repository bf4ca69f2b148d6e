package nexmark

import "fmt"

// First ids, as the suite's GeneratorConfig.
const (
	firstPersonID   = 1000
	firstAuctionID  = 1000
	firstCategoryID = 10
)

// Generator generates events. It allocates payloads from slabs and strings
// from an arena, so generating is cheap; a Generator is not safe for
// concurrent use (use one per goroutine), but the events it returns are
// immutable and may be shared.
type Generator struct {
	cfg Config

	total      int64   // sum of the proportions
	delayUs    float64 // inter-event delay in microseconds
	auctionLen int64   // events until NumInFlightAuctions more auctions
	seedMix    int64   // XORed into every event's seed (0 for seed 0)
	channels   *channelTable

	rnd javaRandom

	// Allocation sizes: slabs of payloads and chunks of string bytes.
	personSlab, auctionSlab, bidSlab, chunk int

	persons  []Person
	auctions []Auction
	bids     []Bid
	arena    []byte

	// transient reuses one payload of each type and the arena for every
	// event (SetTransient).
	transient bool
}

// Slab and arena sizes: a payload pins its slab and a string its arena
// chunk, so they stay moderate. The slabs hold about 1000 events' payloads
// in the default proportions.
const (
	personSlab  = 64
	auctionSlab = 128
	bidSlab     = 1024
	arenaChunk  = 32 << 10
)

// NewGenerator returns a generator for cfg.
func NewGenerator(cfg Config) (*Generator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	g := &Generator{
		cfg:      cfg,
		total:    int64(cfg.PersonProportion + cfg.AuctionProportion + cfg.BidProportion),
		delayUs:  1000000.0 / float64(cfg.FirstEventRate),
		channels: bidChannels(),

		personSlab: personSlab, auctionSlab: auctionSlab, bidSlab: bidSlab, chunk: arenaChunk,
	}
	if cfg.AuctionProportion > 0 {
		g.auctionLen = int64(cfg.NumInFlightAuctions) * g.total / int64(cfg.AuctionProportion)
	}
	if cfg.Seed != 0 {
		g.seedMix = int64(mix64(uint64(cfg.Seed)))
		if g.seedMix == 0 {
			g.seedMix = 0x5EED
		}
	}
	return g, nil
}

// mix64 is SplitMix64's finalizer: a bijection that spreads a seed's bits.
func mix64(z uint64) uint64 {
	z += 0x9E3779B97F4A7C15
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// Generate returns event n of cfg. It panics if cfg is invalid. It
// allocates the event alone; for many events use a Generator, which
// amortizes allocations.
func Generate(cfg Config, n int64) Event {
	g, err := NewGenerator(cfg)
	if err != nil {
		panic(fmt.Sprintf("nexmark.Generate: %v", err))
	}
	g.personSlab, g.auctionSlab, g.bidSlab, g.chunk = 1, 1, 1, 0
	return g.Generate(n)
}

// SetTransient makes the generator reuse its payloads and string bytes:
// an event is valid only until the next call of Generate. For a consumer
// that copies each event before asking for the next (a columnar scan), it
// saves allocating and collecting every event.
func (g *Generator) SetTransient() {
	g.transient = true
	g.persons, g.auctions, g.bids = make([]Person, 1), make([]Auction, 1), make([]Bid, 1)
}

// Config returns the generator's configuration.
func (g *Generator) Config() Config { return g.cfg }

// Generate returns event n (n ≥ 0): a pure function of the configuration and
// n, whatever was generated before.
func (g *Generator) Generate(n int64) Event {
	num := g.eventNumber(n)
	ts := g.timestamp(num)
	id := num // the suite's firstEventId is 0
	g.rnd.setSeed(id ^ g.seedMix)
	if g.transient {
		g.arena = g.arena[:0]
	}
	p := eventPos{id / g.total, id % g.total}
	switch {
	case p.offset < int64(g.cfg.PersonProportion):
		return Event{Type: PersonEvent, Person: g.person(p, ts)}
	case p.offset < int64(g.cfg.PersonProportion+g.cfg.AuctionProportion):
		return Event{Type: AuctionEvent, Auction: g.auction(p, num, ts)}
	default:
		return Event{Type: BidEvent, Bid: g.bid(p, ts)}
	}
}

// eventPos is an event id divided by the total proportion: the epoch and
// the offset in it (divided once per event).
type eventPos struct{ epoch, offset int64 }

// Timestamp returns the event time of event n without generating it.
func (g *Generator) Timestamp(n int64) int64 { return g.timestamp(g.eventNumber(n)) }

// Type returns the type of event n without generating it.
func (g *Generator) Type(n int64) EventType {
	switch rem := g.eventNumber(n) % g.total; {
	case rem < int64(g.cfg.PersonProportion):
		return PersonEvent
	case rem < int64(g.cfg.PersonProportion+g.cfg.AuctionProportion):
		return AuctionEvent
	default:
		return BidEvent
	}
}

// eventNumber is the suite's nextAdjustedEventNumber: within groups of
// OutOfOrderGroupSize events the numbers are shuffled.
func (g *Generator) eventNumber(n int64) int64 {
	k := g.cfg.OutOfOrderGroupSize
	if k == 1 {
		return n
	}
	return n/k*k + n*953%k
}

// timestamp is the suite's timestampForEvent: the delay in microseconds is
// a double, the product truncated to a long, then to milliseconds.
func (g *Generator) timestamp(num int64) int64 {
	return g.cfg.BaseTime + int64(float64(num)*g.delayUs)/1000
}

// lastPersonID is the suite's lastBase0PersonId: the last person generated
// at or before the event (the event itself if it is a person).
func (g *Generator) lastPersonID(pos eventPos) int64 {
	epoch, offset := pos.epoch, pos.offset
	p := int64(g.cfg.PersonProportion)
	if offset >= p {
		offset = p - 1
	}
	return epoch*p + offset
}

// lastAuctionID is the suite's lastBase0AuctionId: the last auction
// generated at or before the event.
func (g *Generator) lastAuctionID(pos eventPos) int64 {
	epoch, offset := pos.epoch, pos.offset
	p, a := int64(g.cfg.PersonProportion), int64(g.cfg.AuctionProportion)
	switch {
	case offset < p:
		epoch--
		offset = a - 1
	case offset >= p+a:
		offset = a - 1
	default:
		offset -= p
	}
	return epoch*a + offset
}

// Leads: a random person or auction may be up to this many ids ahead of the
// last one generated, as the suite's PERSON_ID_LEAD and AUCTION_ID_LEAD.
const (
	personIDLead  = 10
	auctionIDLead = 10
)

// nextPersonID is the suite's nextBase0PersonId: one of the last
// NumActivePeople people or a few ahead.
func (g *Generator) nextPersonID(pos eventPos) int64 {
	numPeople := g.lastPersonID(pos) + 1
	active := min(numPeople, int64(g.cfg.NumActivePeople))
	return numPeople - active + g.rnd.nextLongn(active+personIDLead)
}

// nextAuctionID is the suite's nextBase0AuctionId: one of the last
// NumInFlightAuctions auctions or a few ahead.
func (g *Generator) nextAuctionID(pos eventPos) int64 {
	maxAuction := g.lastAuctionID(pos)
	minAuction := max(maxAuction-int64(g.cfg.NumInFlightAuctions), 0)
	return minAuction + g.rnd.nextLongn(maxAuction-minAuction+1+auctionIDLead)
}

func (g *Generator) newPerson() *Person {
	if len(g.persons) == 0 {
		g.persons = make([]Person, g.personSlab)
	}
	p := &g.persons[0]
	if g.transient {
		*p = Person{}
		return p
	}
	g.persons = g.persons[1:]
	return p
}

func (g *Generator) newAuction() *Auction {
	if len(g.auctions) == 0 {
		g.auctions = make([]Auction, g.auctionSlab)
	}
	a := &g.auctions[0]
	if g.transient {
		*a = Auction{}
		return a
	}
	g.auctions = g.auctions[1:]
	return a
}

func (g *Generator) newBid() *Bid {
	if len(g.bids) == 0 {
		g.bids = make([]Bid, g.bidSlab)
	}
	b := &g.bids[0]
	if g.transient {
		*b = Bid{}
		return b
	}
	g.bids = g.bids[1:]
	return b
}
