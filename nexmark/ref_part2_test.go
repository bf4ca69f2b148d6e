package nexmark

import (
	"cmp"
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	gen "github.com/eddy-streams/eddy/connector/nexmark"
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/eventtime"
)

// Shared helpers of the tests of q5, q8, q9, q11 and q12: each test
// computes the query's expected final result with plain loops and maps over
// the events read back from the CSV files, then runs the query at
// parallelism 1 and 2.

// p2Config is the default generator configuration with testEvents events.
func p2Config() gen.Config {
	cfg := gen.DefaultConfig()
	cfg.Events = testEvents
	return cfg
}

// p2Configs are the configurations the tests run on: the default one, whose
// 100K events span 10 s of event time (one or two 10 s windows, every
// bidder in one session), and a slow one, whose 200 events per second make
// them span 500 s: many windows, sessions that end and auctions that
// expire.
func p2Configs() []struct {
	name string
	cfg  gen.Config
} {
	slow := p2Config()
	slow.FirstEventRate = 200
	slow.NextEventRate = 200
	return []struct {
		name string
		cfg  gen.Config
	}{{"default", p2Config()}, {"slow", slow}}
}

// p2Run runs test on every configuration of p2Configs with its events.
func p2Run(t *testing.T, test func(t *testing.T, cfg gen.Config, g *generated)) {
	for _, c := range p2Configs() {
		t.Run(c.name, func(t *testing.T) { test(t, c.cfg, p2Events(t, c.cfg)) })
	}
}

var p2Cache struct {
	sync.Mutex
	g map[gen.Config]*generated
}

// p2Events returns the events of cfg as the CSV files give them back,
// generating them once for all the tests that use them.
func p2Events(t *testing.T, cfg gen.Config) *generated {
	t.Helper()
	p2Cache.Lock()
	defer p2Cache.Unlock()
	if p2Cache.g == nil {
		p2Cache.g = map[gen.Config]*generated{}
	}
	g, ok := p2Cache.g[cfg]
	if !ok {
		g = generate(t, cfg)
		p2Cache.g[cfg] = g
	}
	return g
}

// p2Check runs query name on cfg at parallelism 1 and 2 and compares each
// result with want.
func p2Check(t *testing.T, name string, cfg gen.Config, want [][]string) {
	t.Helper()
	for _, p := range []int{1, 2} {
		t.Run("p"+strconv.Itoa(p), func(t *testing.T) {
			sameRows(t, runQuery(t, name, cfg, p), want)
		})
	}
}

func p2Int(n int64) string { return strconv.FormatInt(n, 10) }

// p2Time renders an epoch-milliseconds time as the suite prints a
// TIMESTAMP(3).
func p2Time(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04:05.000")
}

// p2Floor returns the largest multiple of size <= ms (window alignment to
// the epoch).
func p2Floor(ms, size int64) int64 {
	r := ms % size
	if r < 0 {
		r += size
	}
	return ms - r
}

// p2Delay is the out-of-orderness of p2Shuffled's events, more than any
// window or session gap of the queries.
const p2Delay = 30_000

// p2Shuffled returns the events of the slow configuration in an order
// where each is up to p2Delay ms of event time away from its place: sorted
// by time plus a random delay in [0, p2Delay). Behind the highest time
// seen, none is more than p2Delay late.
func p2Shuffled(t *testing.T) (*generated, []gen.Event) {
	t.Helper()
	cfg := p2Configs()[1].cfg
	g := p2Events(t, cfg)
	type keyed struct {
		key int64
		e   gen.Event
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	var all []keyed
	for i := range g.persons {
		all = append(all, keyed{g.persons[i].DateTime + rnd.Int64N(p2Delay), gen.Event{Type: gen.PersonEvent, Person: &g.persons[i]}})
	}
	for i := range g.auctions {
		all = append(all, keyed{g.auctions[i].DateTime + rnd.Int64N(p2Delay), gen.Event{Type: gen.AuctionEvent, Auction: &g.auctions[i]}})
	}
	for i := range g.bids {
		all = append(all, keyed{g.bids[i].DateTime + rnd.Int64N(p2Delay), gen.Event{Type: gen.BidEvent, Bid: &g.bids[i]}})
	}
	slices.SortStableFunc(all, func(a, b keyed) int { return cmp.Compare(a.key, b.key) })
	events := make([]gen.Event, len(all))
	for i, k := range all {
		events[i] = k.e
	}
	return g, events
}

// p2Punctuated is a watermark generator that emits, on every event, the
// highest timestamp seen minus delay minus one: the watermark advances
// all along a run, however fast.
type p2Punctuated struct {
	delay, max int64
}

func (p *p2Punctuated) OnEvent(_ gen.Event, ts int64, out eventtime.Output) {
	if ts > p.max {
		p.max = ts
		out.EmitWatermark(ts - p.delay - 1)
	}
}

func (p *p2Punctuated) OnPeriodicEmit(eventtime.Output) {}

// p2RunEvents runs query name on events, in their order, with watermarks
// p2Delay behind the highest timestamp, at the given parallelism (the
// source is one subtask).
func p2RunEvents(t *testing.T, name string, events []gen.Event, parallelism int) [][]string {
	t.Helper()
	q, err := Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	env := datastream.NewEnv().SetParallelism(parallelism)
	strategy := eventtime.ForGenerator(func() eventtime.Generator[gen.Event] { return &p2Punctuated{delay: p2Delay, max: math.MinInt64} }).
		WithTimestampAssigner(func(e gen.Event, _ int64) int64 { return e.Timestamp() })
	stream := datastream.AssignTimestampsAndWatermarks(datastream.FromSlice(env, events), strategy).SetParallelism(1)
	result := q.Build(env, stream).Collect()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := env.Execute(ctx, name); err != nil {
		t.Fatal(err)
	}
	return result()
}

// p2CheckOutOfOrder runs query name on p2Shuffled's events at parallelism
// 1 and 2 and compares each result with what ref computes.
func p2CheckOutOfOrder(t *testing.T, name string, ref func(*testing.T, *generated) [][]string) {
	g, events := p2Shuffled(t)
	want := ref(t, g)
	for _, p := range []int{1, 2} {
		t.Run("p"+strconv.Itoa(p), func(t *testing.T) {
			sameRows(t, p2RunEvents(t, name, events, p), want)
		})
	}
}

// BenchmarkPart2 runs q5, q8, q9, q11 and q12 on 1M events at parallelism
// 1 into a discarding sink (profile with -cpuprofile / -memprofile).
func BenchmarkPart2(b *testing.B) {
	cfg := gen.DefaultConfig()
	cfg.Events = 1_000_000
	for _, name := range []string{"q5", "q8", "q9", "q11", "q12"} {
		b.Run(name, func(b *testing.B) {
			q, err := Lookup(name)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				env := datastream.NewEnv().SetParallelism(1)
				events := datastream.FromSource(env, gen.NewSource(cfg), gen.WatermarkStrategy(), "Nexmark")
				q.Build(env, events).Discard()
				if _, err := env.Execute(context.Background(), name); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cfg.Events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
