package nexmark

import (
	"strconv"

	gen "github.com/eddy-streams/eddy/connector/nexmark"
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/state"
)

// Query 11: user sessions.
//
//	SELECT B.bidder, count(*) AS bid_count,
//	       SESSION_START(B.dateTime, INTERVAL '10' SECOND) AS starttime,
//	       SESSION_END(B.dateTime, INTERVAL '10' SECOND) AS endtime
//	FROM bid B
//	GROUP BY B.bidder, SESSION(B.dateTime, INTERVAL '10' SECOND);
//
// The bids of a bidder form sessions: a bid at t opens the window
// [t, t + 10 s), and windows that overlap or touch merge (Flink's session
// windows: a bid exactly 10 s after the previous one is still in its
// session). A row per session: the bidder, its number of bids, starttime =
// the first bid's time and endtime = the last bid's time + 10 s
// (SESSION_END is the exclusive end of the window). A session is emitted
// when the watermark reaches its end - 1, stamped end - 1, as the window
// operator does.
//
// Bids are keyed by bidder. The state of a bidder is its open sessions
// (usually one; more when the watermark lags behind bids more than 10 s
// apart) with their counts: a bid merges into the sessions it touches, as
// Flink's merging window set does, but with one state read and write. Each
// session has an event-time timer at or before its end - 1; a bid that
// extends a session leaves the timer where it is, and when it fires early
// it moves to the session's new end, so a bid costs no timer operation.
//
// A bid is late if its own window [t, t + 10 s) ended before the watermark;
// it is dropped, as the window operator drops late records (the generator's
// watermark leaves none).
func init() {
	register(&Query{
		Name:    "q11",
		Columns: []string{"bidder", "bid_count", "starttime", "endtime"},
		Build: func(_ *datastream.Env, events *datastream.DataStream[gen.Event]) Output {
			byBidder := datastream.KeyBy(bidEvents(events), func(b *gen.Bid) int64 { return b.Bidder })
			rows := datastream.KeyedProcess[*gen.Bid, int64, bidderWindow](byBidder, &q11Sessions{}).Name("Bids per session")
			return NewOutput(rows, renderBidderWindow, nil)
		},
	})
}

// q11Gap is the session gap in milliseconds.
const q11Gap = 10_000

// q11Session is an open session: the window [Start, End), its number of
// bids, and the time of its pending timer (<= End - 1).
type q11Session struct {
	Start, End, Count, Timer int64
}

// q11Sessions keeps the open sessions of every bidder and emits them when
// the watermark passes their end.
type q11Sessions struct {
	open state.ValueState[[]q11Session]
}

func (q *q11Sessions) Open(rc *datastream.RuntimeContext) error {
	var err error
	q.open, err = datastream.GetValueState(rc, state.Value[[]q11Session]("sessions"))
	return err
}

func (q *q11Sessions) ProcessElement(b *gen.Bid, ctx *datastream.KeyedContext[int64], _ datastream.Collector[bidderWindow]) error {
	w := q11Session{Start: b.DateTime, End: b.DateTime + q11Gap, Count: 1}
	if w.End-1 <= ctx.CurrentWatermark() {
		return nil // late
	}
	sessions, _ := q.open.Value()
	// Merge w with every session it overlaps or touches; they are disjoint
	// and apart, so the merged window touches no other. The merged session
	// keeps the earliest pending timer of the sessions it replaces.
	merged := -1
	for i := 0; i < len(sessions); i++ {
		s := sessions[i]
		if s.Start > w.End || s.End < w.Start {
			continue
		}
		w.Start, w.End, w.Count = min(w.Start, s.Start), max(w.End, s.End), w.Count+s.Count
		if merged < 0 || s.Timer < w.Timer {
			w.Timer = s.Timer
		}
		if merged < 0 {
			merged = i
			continue
		}
		sessions = append(sessions[:i], sessions[i+1:]...)
		i--
	}
	if merged < 0 {
		w.Timer = w.End - 1
		ctx.TimerService().RegisterEventTimeTimer(w.Timer)
		sessions = append(sessions, w)
	} else {
		sessions[merged] = w
	}
	q.open.Update(sessions)
	return nil
}

// OnTimer emits the sessions that end by ts + 1 and moves the timers that
// fired early to their sessions' ends.
func (q *q11Sessions) OnTimer(ts int64, ctx *datastream.TimerContext[int64], out datastream.Collector[bidderWindow]) error {
	sessions, ok := q.open.Value()
	if !ok {
		return nil
	}
	keep := sessions[:0]
	for _, s := range sessions {
		if s.End-1 <= ts {
			out.Collect(bidderWindow{Bidder: ctx.CurrentKey(), Count: s.Count, Start: s.Start, End: s.End})
			continue
		}
		if s.Timer <= ts {
			s.Timer = s.End - 1
			ctx.TimerService().RegisterEventTimeTimer(s.Timer)
		}
		keep = append(keep, s)
	}
	if len(keep) == 0 {
		q.open.Clear()
		return nil
	}
	q.open.Update(keep)
	return nil
}

// bidderWindow is a row of q11 and q12: a bidder's bid count in a window.
type bidderWindow struct {
	Bidder, Count, Start, End int64
}

func renderBidderWindow(r bidderWindow, dst []string) []string {
	return append(dst, strconv.FormatInt(r.Bidder, 10), strconv.FormatInt(r.Count, 10), FormatTime(r.Start), FormatTime(r.End))
}
