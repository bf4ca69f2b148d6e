package nexmark

import (
	"strconv"
	"time"

	gen "github.com/eddy-streams/eddy/connector/nexmark"
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/state"
	"github.com/eddy-streams/eddy/window"
)

// Query 5: hot items.
//
//	SELECT AuctionBids.auction, AuctionBids.num
//	FROM (
//	  SELECT auction, count(*) AS num, window_start AS starttime, window_end AS endtime
//	  FROM TABLE(HOP(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
//	  GROUP BY auction, window_start, window_end
//	) AS AuctionBids
//	JOIN (
//	  SELECT max(CountBids.num) AS maxn, CountBids.starttime, CountBids.endtime
//	  FROM (
//	    SELECT count(*) AS num, window_start AS starttime, window_end AS endtime
//	    FROM TABLE(HOP(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
//	    GROUP BY auction, window_start, window_end
//	  ) AS CountBids
//	  GROUP BY CountBids.starttime, CountBids.endtime
//	) AS MaxBids
//	ON AuctionBids.starttime = MaxBids.starttime AND
//	   AuctionBids.endtime = MaxBids.endtime AND
//	   AuctionBids.num >= MaxBids.maxn;
//
// HOP windows are [start, start + 10 s) with start a multiple of 2 s (epoch
// aligned), so a bid at t counts in the five windows whose start is in
// (t - 10 s, t]. For every window the rows are the auctions whose bid count
// in it is the window's maximum: all of them when several tie, one row each.
// The result has only the two columns the suite's sink declares (auction,
// num), no window bounds, so the same row can come from several windows.
//
// Stage 1 counts bids per auction and window as Flink's window aggregation
// of HOP windows does, by slices: the windows are made of 2 s slices, and a
// bid adds one to the counter of its auction's slice rather than to five
// windows' counters. Stage 1 is keyed by auction; its state is the
// auction's counts of the slices that windows still need, and an event-time
// timer at the end of the next window holding bids emits that window's
// count (the sum of its five slices), stamped window end - 1, once the
// watermark passes it. Stage 2 is keyed by window end: a 2 s tumbling
// window on those stamps holds exactly the counts of one HOP window, and
// keeps their maximum with the auctions that reach it, emitting them when
// the watermark passes (after every count of the window has arrived).
//
// A bid is late if the watermark has passed the end of its slice, so that
// the first window holding it has been emitted; it is dropped (the
// generator's watermark leaves no late bid).
func init() {
	register(&Query{
		Name:    "q5",
		Columns: []string{"auction", "num"},
		Build: func(_ *datastream.Env, events *datastream.DataStream[gen.Event]) Output {
			bids := bidEvents(events)
			byAuction := datastream.KeyBy(bids, func(b *gen.Bid) int64 { return b.Auction })
			counts := datastream.KeyedProcess[*gen.Bid, int64, q5Count](byAuction, &q5Slicer{}).Name("Bids per auction and window")
			byWindow := datastream.KeyBy(counts, func(c q5Count) int64 { return c.End })
			// A count of the window [end - 10 s, end) carries end - 1, which
			// lies in the tumbling window [end - 2 s, end).
			tumble := must(window.TumblingEventTime[q5Count](2*time.Second, 0))
			hot := datastream.WindowAggregateProcess(datastream.Window(byWindow, tumble), q5MaxAgg{},
				datastream.ProcessWindowFunc[q5Max, q5Row, int64, window.TimeWindow](q5EmitHot)).Name("Hottest auctions per window")
			return NewOutput(hot, q5Render, nil)
		},
	})
}

// bidEvents keeps the bid events and hands on their bids by pointer.
func bidEvents(events *datastream.DataStream[gen.Event]) *datastream.DataStream[*gen.Bid] {
	return datastream.FlatMap(events, func(e gen.Event, out datastream.Collector[*gen.Bid]) {
		if e.Type == gen.BidEvent {
			out.Collect(e.Bid)
		}
	}).Name("Bids")
}

// must returns a window assigner built from constant, valid parameters.
func must[A any](a A, err error) A {
	if err != nil {
		panic("nexmark: " + err.Error())
	}
	return a
}

// q5Slide is the slide of the HOP windows and the length of their slices,
// and q5Slices the number of slices in a window (10 s / 2 s).
const (
	q5Slide  = 2000
	q5Slices = 5
)

// q5Count is the bid count of an auction in the window ending at End.
type q5Count struct {
	Auction, Num, End int64
}

// q5Auction is stage 1's state of an auction: its bid counts per slice from
// slice First on (slice i is [i × q5Slide, (i+1) × q5Slide)), and the end
// (in slices) of the window its pending timer emits.
type q5Auction struct {
	First  int64
	Counts []int64
	Next   int64
}

// q5Slicer counts the bids of every auction per slice and emits its count
// in every window holding bids.
type q5Slicer struct {
	auction state.ValueState[q5Auction]
}

func (s *q5Slicer) Open(rc *datastream.RuntimeContext) error {
	var err error
	s.auction, err = datastream.GetValueState(rc, state.Value[q5Auction]("slices"))
	return err
}

func (s *q5Slicer) ProcessElement(b *gen.Bid, ctx *datastream.KeyedContext[int64], _ datastream.Collector[q5Count]) error {
	slice := window.GetWindowStartWithOffset(b.DateTime, 0, q5Slide) / q5Slide
	if (slice+1)*q5Slide-1 <= ctx.CurrentWatermark() {
		return nil // late
	}
	st, ok := s.auction.Value()
	switch {
	case !ok:
		st = q5Auction{First: slice, Counts: make([]int64, 1, 8)}
	case slice < st.First: // out of order: make room in front
		front := make([]int64, st.First-slice, st.First-slice+int64(len(st.Counts)))
		st.Counts = append(front, st.Counts...)
		st.First = slice
	}
	i := int(slice - st.First)
	for len(st.Counts) <= i {
		st.Counts = append(st.Counts, 0)
	}
	st.Counts[i]++
	// The first window holding the slice ends at slice+1.
	if end := slice + 1; st.Next == 0 || end < st.Next {
		timers := ctx.TimerService()
		if st.Next != 0 {
			timers.DeleteEventTimeTimer(st.Next*q5Slide - 1)
		}
		timers.RegisterEventTimeTimer(end*q5Slide - 1)
		st.Next = end
	}
	s.auction.Update(st)
	return nil
}

// OnTimer emits the auction's count in the window ending at slice
// (ts+1)/q5Slide, drops the slices later windows do not hold, and sets the
// timer of the next window holding bids.
func (s *q5Slicer) OnTimer(ts int64, ctx *datastream.TimerContext[int64], out datastream.Collector[q5Count]) error {
	st, ok := s.auction.Value()
	if !ok {
		return nil
	}
	end := (ts + 1) / q5Slide
	var n int64
	for sl := max(end-q5Slices, st.First); sl < end && sl-st.First < int64(len(st.Counts)); sl++ {
		n += st.Counts[sl-st.First]
	}
	if n > 0 {
		out.Collect(q5Count{Auction: ctx.CurrentKey(), Num: n, End: end * q5Slide})
	}
	// The next window, end+1, starts at slice end+1-q5Slices.
	if drop := end + 1 - q5Slices - st.First; drop > 0 {
		if drop >= int64(len(st.Counts)) {
			st.Counts = st.Counts[:0]
		} else {
			st.Counts = st.Counts[:copy(st.Counts, st.Counts[drop:])]
		}
		st.First += drop
	}
	st.Next = 0
	for i, c := range st.Counts {
		if c > 0 {
			st.Next = max(end+1, st.First+int64(i)+1)
			break
		}
	}
	if st.Next == 0 {
		s.auction.Clear()
		return nil
	}
	ctx.TimerService().RegisterEventTimeTimer(st.Next*q5Slide - 1)
	s.auction.Update(st)
	return nil
}

// q5Max is a window's highest count and the auctions that have it.
type q5Max struct {
	Num      int64
	Auctions []int64
}

// q5MaxAgg keeps the maximum count of a window with every auction that
// reaches it.
type q5MaxAgg struct{}

func (q5MaxAgg) CreateAccumulator() q5Max { return q5Max{} }

func (q5MaxAgg) Add(c q5Count, m q5Max) q5Max {
	switch {
	case c.Num > m.Num:
		m.Num = c.Num
		m.Auctions = append(m.Auctions[:0], c.Auction)
	case c.Num == m.Num:
		m.Auctions = append(m.Auctions, c.Auction)
	}
	return m
}

func (q5MaxAgg) Result(m q5Max) q5Max { return m }

func (q5MaxAgg) Merge(a, b q5Max) q5Max {
	switch {
	case b.Num > a.Num:
		return b
	case b.Num == a.Num:
		a.Auctions = append(a.Auctions, b.Auctions...)
	}
	return a
}

// q5Row is a result row.
type q5Row struct {
	Auction, Num int64
}

func q5EmitHot(_ int64, _ *datastream.WindowContext[window.TimeWindow], maxes []q5Max, out datastream.Collector[q5Row]) error {
	m := maxes[0]
	for _, a := range m.Auctions {
		out.Collect(q5Row{Auction: a, Num: m.Num})
	}
	return nil
}

func q5Render(r q5Row, dst []string) []string {
	return append(dst, strconv.FormatInt(r.Auction, 10), strconv.FormatInt(r.Num, 10))
}
