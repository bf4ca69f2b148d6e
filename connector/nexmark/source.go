package nexmark

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/eddy-streams/eddy/connector"
	"github.com/eddy-streams/eddy/connector/ratelimit"
)

// SourceOption configures NewSource.
type SourceOption func(*sourceOptions)

type sourceOptions struct {
	rate      float64 // events per second of wall time over all readers; 0: unlimited
	rateSet   bool
	splits    int // 0: one per reader subtask
	splitsSet bool
	tap       func(subtask int) func()
}

// WithTap calls tap once per reader with the reader's subtask index; the
// function it returns, if not nil, is called before each event the reader
// emits. A panic in it fails the reader's task, which is how the
// benchmark runner injects failures into a query it does not build
// itself (a SQL job); it is also where it counts events.
func WithTap(tap func(subtask int) func()) SourceOption {
	return func(o *sourceOptions) { o.tap = tap }
}

// WithRate limits the source to eventsPerSecond events per second of wall
// time over all its readers (each reader generates its splits' share),
// whatever the event-time rate. It overrides Config.RateLimited. A reader
// ahead of schedule waits on a timer, never spinning. The rate must be
// positive.
func WithRate(eventsPerSecond float64) SourceOption {
	return func(o *sourceOptions) { o.rate, o.rateSet = eventsPerSecond, true }
}

// WithSplits divides the events into n splits instead of one per reader
// subtask; the splits are assigned round robin to the readers. n must be
// positive.
func WithSplits(n int) SourceOption {
	return func(o *sourceOptions) { o.splits, o.splitsSet = n, true }
}

// NewSource returns a parallel source of the events of cfg: bounded when
// cfg.Events > 0, unbounded otherwise. Its splits interleave event numbers
// (split j of k generates events j, j+k, j+2k, …), so every split advances
// through event time at the same pace and the union of the splits is the
// events 0, 1, 2, … whatever the parallelism. Readers emit every event on
// its split's output with its event time as the record timestamp, so
// watermarks are generated per split.
//
// Events are generated as fast as they are consumed unless cfg.RateLimited
// (FirstEventRate events per second of wall time) or WithRate says
// otherwise. An invalid configuration or option fails when the job
// creates the source's enumerator.
func NewSource(cfg Config, opts ...SourceOption) connector.Source[Event] {
	s := &source{cfg: cfg}
	for _, opt := range opts {
		if opt != nil {
			opt(&s.opts)
		}
	}
	if !s.opts.rateSet && cfg.RateLimited {
		s.opts.rate = float64(cfg.FirstEventRate)
	}
	return s
}

type source struct {
	cfg  Config
	opts sourceOptions
}

func (s *source) Boundedness() connector.Boundedness {
	if s.cfg.Events > 0 {
		return connector.Bounded
	}
	return connector.Unbounded
}

func (s *source) validate() error {
	if err := s.cfg.Validate(); err != nil {
		return err
	}
	if r := s.opts.rate; s.opts.rateSet && (!(r > 0) || math.IsInf(r, 1)) {
		return fmt.Errorf("nexmark: source rate must be a positive number of events per second, got %v", r)
	}
	if s.opts.splitsSet && s.opts.splits <= 0 {
		return fmt.Errorf("nexmark: number of splits must be positive, got %d", s.opts.splits)
	}
	return nil
}

// split is a residue class of event numbers: index, index+total, … below
// end (end < 0: unbounded).
type split struct {
	index int
	total int
	end   int64
	// resume is the next event number + 1 of a split restored from a
	// checkpoint; 0: from its first event (index).
	resume int64
}

func (s *split) SplitID() string { return strconv.Itoa(s.index) }

// String describes the split.
func (s *split) String() string {
	return fmt.Sprintf("nexmark split %d of %d", s.index, s.total)
}

// CreateEnumerator makes the splits and assigns them round robin to the
// readers up front.
func (s *source) CreateEnumerator(ctx connector.EnumeratorContext) (connector.Enumerator, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	n := s.opts.splits
	if n == 0 {
		n = ctx.Parallelism()
	}
	end := int64(-1)
	if s.cfg.Events > 0 {
		end = s.cfg.Events
	}
	assign := map[int][]connector.Split{}
	for j := range n {
		if end >= 0 && int64(j) >= end {
			break // no events for this split
		}
		sub := j % ctx.Parallelism()
		assign[sub] = append(assign[sub], &split{index: j, total: n, end: end})
	}
	return &enumerator{ctx: ctx, splits: assign}, nil
}

// enumerator assigns its splits once, then signals that no more come.
type enumerator struct {
	ctx    connector.EnumeratorContext
	splits map[int][]connector.Split
}

func (e *enumerator) Start() error {
	for i := range e.ctx.Parallelism() {
		if s := e.splits[i]; len(s) > 0 {
			e.ctx.Assign(i, s...)
		}
		e.ctx.SignalNoMoreSplits(i)
	}
	return nil
}

func (e *enumerator) AddReader(int)          {}
func (e *enumerator) HandleSplitRequest(int) {}

// AddSplitsBack gives a failed reader's splits back to its subtask; they
// start again from their first event.
func (e *enumerator) AddSplitsBack(splits []connector.Split, subtask int) {
	if len(splits) > 0 {
		e.ctx.Assign(subtask, splits...)
	}
}

func (e *enumerator) Close() error { return nil }

func (s *source) CreateReader(ctx connector.ReaderContext) (connector.Reader[Event], error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	g, err := NewGenerator(s.cfg)
	if err != nil {
		return nil, err
	}
	r := &reader{src: s, gen: g, limit: ratelimit.New(nil)}
	if s.opts.tap != nil {
		r.tap = s.opts.tap(ctx.Subtask())
	}
	return r, nil
}

// pollBatch bounds the events of one Poll, so the task gets to its mailbox
// and timers regularly.
const pollBatch = 256

// reader generates the events of its splits, a batch of each in turn,
// limited to its share of the rate.
type reader struct {
	src    *source
	gen    *Generator
	splits []*splitState
	turn   int // the split whose turn it is
	noMore bool
	limit  *ratelimit.Limiter
	tap    func() // WithTap's function of this reader, or nil
}

type splitState struct {
	split *split
	id    string
	next  int64
}

func (r *reader) Start() error { return nil }

// SetTransient makes the events the reader emits valid only until it
// emits the next one (Generator.SetTransient), for a consumer that copies
// them.
func (r *reader) SetTransient() { r.gen.SetTransient() }

func (r *reader) AddSplits(splits []connector.Split) {
	for _, s := range splits {
		sp := s.(*split)
		next := int64(sp.index)
		if sp.resume > 0 {
			next = sp.resume - 1
		}
		r.splits = append(r.splits, &splitState{split: sp, id: sp.SplitID(), next: next})
	}
	if r.src.opts.rate > 0 && len(r.splits) > 0 {
		// This reader's share of the rate: its splits out of all.
		total := float64(r.splits[0].split.total)
		r.limit.SetRate(r.src.opts.rate * float64(len(r.splits)) / total)
	}
}

func (r *reader) NotifyNoMoreSplits() { r.noMore = true }

func (r *reader) Poll(out connector.ReaderOutput[Event]) (connector.InputStatus, error) {
	if !r.limit.Ready() {
		return connector.NothingAvailable, nil
	}
	if len(r.splits) == 0 {
		if r.noMore {
			return connector.EndOfInput, nil
		}
		return connector.NothingAvailable, nil
	}
	n := r.limit.Allowed(pollBatch)
	if n == 0 {
		return connector.NothingAvailable, nil
	}
	s := r.splits[r.turn]
	so := out.ForSplit(s.id)
	sp := s.split
	stride := int64(sp.total)
	emitted := 0
	for emitted < n && (sp.end < 0 || s.next < sp.end) {
		e := r.gen.Generate(s.next)
		if r.tap != nil {
			r.tap()
		}
		so.CollectWithTimestamp(e, e.Timestamp())
		s.next += stride
		emitted++
	}
	r.limit.Emitted(emitted)
	if sp.end >= 0 && s.next >= sp.end {
		out.ReleaseSplit(s.id)
		r.splits = append(r.splits[:r.turn], r.splits[r.turn+1:]...)
	} else {
		r.turn++
	}
	if r.turn >= len(r.splits) {
		r.turn = 0
	}
	if len(r.splits) == 0 && r.noMore {
		return connector.EndOfInput, nil
	}
	return connector.MoreAvailable, nil
}

// Available is ready at the next due time when the rate limit holds the
// reader back; otherwise only new splits make progress.
func (r *reader) Available() <-chan struct{} { return r.limit.Available() }

// SnapshotSplits implements connector.SplitSnapshotter: each unfinished
// split from its next event on.
func (r *reader) SnapshotSplits() ([]connector.Split, error) {
	out := make([]connector.Split, 0, len(r.splits))
	for _, s := range r.splits {
		sp := *s.split
		sp.resume = s.next + 1
		out = append(out, &sp)
	}
	return out, nil
}

// EncodeSplit implements connector.SplitCodec: four varints (index,
// total, end, resume).
func (s *source) EncodeSplit(x connector.Split) ([]byte, error) {
	sp, ok := x.(*split)
	if !ok {
		return nil, fmt.Errorf("nexmark source: cannot encode split %T", x)
	}
	b := binary.AppendVarint(nil, int64(sp.index))
	b = binary.AppendVarint(b, int64(sp.total))
	b = binary.AppendVarint(b, sp.end)
	return binary.AppendVarint(b, sp.resume), nil
}

// DecodeSplit implements connector.SplitCodec.
func (s *source) DecodeSplit(b []byte) (connector.Split, error) {
	var v [4]int64
	for i := range v {
		x, n := binary.Varint(b)
		if n <= 0 {
			return nil, errors.New("nexmark source: truncated split")
		}
		v[i], b = x, b[n:]
	}
	if len(b) != 0 || v[1] <= 0 || v[0] < 0 || v[0] >= v[1] || v[3] < 0 {
		return nil, errors.New("nexmark source: malformed split")
	}
	return &split{index: int(v[0]), total: int(v[1]), end: v[2], resume: v[3]}, nil
}

func (r *reader) Close() error {
	r.limit.Stop()
	return nil
}
