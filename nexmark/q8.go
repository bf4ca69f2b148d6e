package nexmark

import (
	"strconv"
	"time"

	gen "github.com/eddy-streams/eddy/connector/nexmark"
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/window"
)

// Query 8: monitor new users.
//
//	SELECT P.id, P.name, P.starttime
//	FROM (
//	  SELECT id, name, window_start AS starttime, window_end AS endtime
//	  FROM TABLE(TUMBLE(TABLE person, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
//	  GROUP BY id, name, window_start, window_end
//	) P
//	JOIN (
//	  SELECT seller, window_start AS starttime, window_end AS endtime
//	  FROM TABLE(TUMBLE(TABLE auction, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
//	  GROUP BY seller, window_start, window_end
//	) A
//	ON P.id = A.seller AND P.starttime = A.starttime AND P.endtime = A.endtime;
//
// The people who registered and created an auction in the same 10 s
// tumbling window [start, start + 10 s) (epoch aligned): one row per person
// and window, however many auctions they created in it, since both sides are
// grouped before the join. The columns are the suite's sink's: id, name and
// stime, the window start.
//
// Persons and auctions go, tagged, into one stream keyed by person id =
// seller, and a tumbling event-time window aggregates each key
// incrementally: it keeps the person, if one arrived, and whether an auction
// did; when the window is complete it emits the person if both did. No
// auction is buffered.
func init() {
	register(&Query{
		Name:    "q8",
		Columns: []string{"id", "name", "stime"},
		Build: func(_ *datastream.Env, events *datastream.DataStream[gen.Event]) Output {
			in := datastream.FlatMap(events, func(e gen.Event, out datastream.Collector[q8In]) {
				switch e.Type {
				case gen.PersonEvent:
					out.Collect(q8In{ID: e.Person.ID, Person: e.Person})
				case gen.AuctionEvent:
					out.Collect(q8In{ID: e.Auction.Seller})
				}
			}).Name("Persons and sellers")
			byID := datastream.KeyBy(in, func(v q8In) int64 { return v.ID })
			tumble := must(window.TumblingEventTime[q8In](10*time.Second, 0))
			rows := datastream.WindowAggregateProcess(datastream.Window(byID, tumble), q8Agg{},
				datastream.ProcessWindowFunc[q8Acc, q8Row, int64, window.TimeWindow](q8Emit)).Name("New sellers per window")
			return NewOutput(rows, q8Render, nil)
		},
	})
}

// q8In is a person (Person set) or an auction of the seller ID (Person nil).
type q8In struct {
	ID     int64
	Person *gen.Person
}

// q8Acc is what a window of a person id saw: the person's ID and name
// (values, not a pointer, so that checkpoints can serialize it).
type q8Acc struct {
	HasPerson bool
	ID        int64
	Name      string
	Auction   bool
}

type q8Agg struct{}

func (q8Agg) CreateAccumulator() q8Acc { return q8Acc{} }

func (q8Agg) Add(v q8In, acc q8Acc) q8Acc {
	if v.Person != nil {
		acc.HasPerson, acc.ID, acc.Name = true, v.Person.ID, v.Person.Name
	} else {
		acc.Auction = true
	}
	return acc
}

func (q8Agg) Result(acc q8Acc) q8Acc { return acc }

func (q8Agg) Merge(a, b q8Acc) q8Acc {
	if !a.HasPerson {
		a.HasPerson, a.ID, a.Name = b.HasPerson, b.ID, b.Name
	}
	a.Auction = a.Auction || b.Auction
	return a
}

// q8Row is a result row.
type q8Row struct {
	ID    int64
	Name  string
	Start int64
}

func q8Emit(_ int64, ctx *datastream.WindowContext[window.TimeWindow], accs []q8Acc, out datastream.Collector[q8Row]) error {
	if acc := accs[0]; acc.HasPerson && acc.Auction {
		out.Collect(q8Row{ID: acc.ID, Name: acc.Name, Start: ctx.Window().Start})
	}
	return nil
}

func q8Render(r q8Row, dst []string) []string {
	return append(dst, strconv.FormatInt(r.ID, 10), r.Name, FormatTime(r.Start))
}
