package nexmark

import (
	"strconv"

	gen "github.com/eddy-streams/eddy/connector/nexmark"
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/state"
)

// Query 3: local item suggestion.
//
//	SELECT P.name, P.city, P.state, A.id
//	FROM auction AS A INNER JOIN person AS P ON A.seller = P.id
//	WHERE A.category = 10 AND (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA');
//
// A regular inner join of two append streams: every (person, auction) pair
// that matches is emitted once, whichever side arrives first, and there is
// no time bound. The filters run before the join (as Flink pushes them
// down); the join is keyed by person id = seller, with the person (the
// columns the result needs) and the ids of the auctions still waiting for
// their seller in keyed state. A person id is unique in Nexmark, so a key
// holds at most one person; auctions whose seller is not in OR, ID or CA
// wait forever, as they do in the SQL join's state.
func init() {
	register(&Query{
		Name:    "q3",
		Columns: []string{"name", "city", "state", "id"},
		Build: func(_ *datastream.Env, events *datastream.DataStream[gen.Event]) Output {
			persons := datastream.Map(events.Filter(func(e gen.Event) bool {
				if e.Type != gen.PersonEvent {
					return false
				}
				s := e.Person.State
				return s == "OR" || s == "ID" || s == "CA"
			}).Name("Persons in OR, ID, CA"), func(e gen.Event) *gen.Person { return e.Person }).Name("Person")
			auctions := datastream.Map(events.Filter(func(e gen.Event) bool {
				return e.Type == gen.AuctionEvent && e.Auction.Category == 10
			}).Name("Auctions of category 10"), func(e gen.Event) *gen.Auction { return e.Auction }).Name("Auction")
			joined := datastream.ConnectKeyed(
				datastream.KeyBy(persons, func(p *gen.Person) int64 { return p.ID }),
				datastream.KeyBy(auctions, func(a *gen.Auction) int64 { return a.Seller }))
			rows := datastream.KeyedCoProcess[*gen.Person, *gen.Auction, int64, q3Row](joined, &q3Join{}).Name("Join seller")
			return NewOutput(rows, q3Render, nil)
		},
	})
}

// q3Row is a result row.
type q3Row struct {
	Name, City, State string
	ID                int64
}

// q3Seller is what the join keeps of a person.
type q3Seller struct {
	Name, City, State string
}

// q3Join joins persons (first input) and auctions (second) on the person's
// id, the key.
type q3Join struct {
	seller  state.ValueState[q3Seller]
	pending state.ListState[int64] // ids of auctions waiting for their seller
}

func (j *q3Join) Open(rc *datastream.RuntimeContext) error {
	var err error
	if j.seller, err = datastream.GetValueState(rc, state.Value[q3Seller]("seller")); err != nil {
		return err
	}
	j.pending, err = datastream.GetListState(rc, state.List[int64]("pending auctions"))
	return err
}

func (j *q3Join) ProcessElement1(p *gen.Person, _ *datastream.KeyedContext[int64], out datastream.Collector[q3Row]) error {
	s := q3Seller{Name: p.Name, City: p.City, State: p.State}
	j.seller.Update(s)
	if ids := j.pending.Get(); len(ids) > 0 {
		for _, id := range ids {
			out.Collect(q3Row{Name: s.Name, City: s.City, State: s.State, ID: id})
		}
		j.pending.Clear()
	}
	return nil
}

func (j *q3Join) ProcessElement2(a *gen.Auction, _ *datastream.KeyedContext[int64], out datastream.Collector[q3Row]) error {
	if s, ok := j.seller.Value(); ok {
		out.Collect(q3Row{Name: s.Name, City: s.City, State: s.State, ID: a.ID})
		return nil
	}
	j.pending.Add(a.ID)
	return nil
}

func q3Render(r q3Row, dst []string) []string {
	return append(dst, r.Name, r.City, r.State, strconv.FormatInt(r.ID, 10))
}
