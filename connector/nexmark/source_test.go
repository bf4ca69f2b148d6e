package nexmark

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/connector"
	"github.com/eddy-streams/eddy/datastream"
)

// enumCtx records the assignments of an enumerator.
type enumCtx struct {
	parallelism int
	assigned    map[int][]connector.Split
	noMore      map[int]bool
}

func (c *enumCtx) Parallelism() int { return c.parallelism }
func (c *enumCtx) Assign(subtask int, splits ...connector.Split) {
	c.assigned[subtask] = append(c.assigned[subtask], splits...)
}
func (c *enumCtx) SignalNoMoreSplits(subtask int) { c.noMore[subtask] = true }

type readerCtx struct{ subtask, parallelism int }

func (c readerCtx) Subtask() int     { return c.subtask }
func (c readerCtx) Parallelism() int { return c.parallelism }
func (c readerCtx) RequestSplit()    {}
func (c readerCtx) NowMillis() int64 { return time.Now().UnixMilli() }

// record is an emitted event with its split and timestamp.
type record struct {
	split string
	e     Event
	ts    int64
}

// output records what a reader emits.
type output struct {
	records  []record
	released []string
}

type splitOut struct {
	o  *output
	id string
}

func (s splitOut) Collect(v Event) { panic("events must be emitted with their timestamp") }
func (s splitOut) CollectWithTimestamp(v Event, ts int64) {
	s.o.records = append(s.o.records, record{s.id, v, ts})
}
func (o *output) Collect(v Event) { panic("events must be emitted on their split's output") }
func (o *output) CollectWithTimestamp(Event, int64) {
	panic("events must be emitted on their split's output")
}
func (o *output) ForSplit(id string) connector.SplitOutput[Event] { return splitOut{o, id} }
func (o *output) ReleaseSplit(id string)                          { o.released = append(o.released, id) }

// startReaders creates the enumerator and parallelism readers of src and
// hands them their splits, as the runtime does.
func startReaders(t *testing.T, src connector.Source[Event], parallelism int) (*enumCtx, []connector.Reader[Event]) {
	t.Helper()
	ec := &enumCtx{parallelism: parallelism, assigned: map[int][]connector.Split{}, noMore: map[int]bool{}}
	en, err := src.CreateEnumerator(ec)
	if err != nil {
		t.Fatal(err)
	}
	if err := en.Start(); err != nil {
		t.Fatal(err)
	}
	var readers []connector.Reader[Event]
	for i := range parallelism {
		r, err := src.CreateReader(readerCtx{i, parallelism})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Start(); err != nil {
			t.Fatal(err)
		}
		if s := ec.assigned[i]; len(s) > 0 {
			r.AddSplits(s)
		}
		if ec.noMore[i] {
			r.NotifyNoMoreSplits()
		}
		readers = append(readers, r)
	}
	return ec, readers
}

// drain polls r until it ends or max records were emitted, waiting on
// Available as the runtime does.
func drain(t *testing.T, r connector.Reader[Event], out *output, max int) connector.InputStatus {
	t.Helper()
	for len(out.records) < max {
		st, err := r.Poll(out)
		if err != nil {
			t.Fatal(err)
		}
		switch st {
		case connector.EndOfInput:
			return st
		case connector.NothingAvailable:
			ch := r.Available()
			if ch == nil {
				t.Fatal("reader reports nothing available without a channel to wait on")
			}
			<-ch
		}
	}
	return connector.MoreAvailable
}

func TestBoundedSourceSplitsInterleave(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Events = 5000
	g := newGen(t, cfg)
	for _, tc := range []struct {
		parallelism int
		opts        []SourceOption
		splits      int
	}{{1, nil, 1}, {3, nil, 3}, {3, []SourceOption{WithSplits(8)}, 8}, {4, []SourceOption{WithSplits(1)}, 1}} {
		t.Run(fmt.Sprintf("p%d-splits%d", tc.parallelism, tc.splits), func(t *testing.T) {
			src := NewSource(cfg, tc.opts...)
			if src.Boundedness() != connector.Bounded {
				t.Fatal("a source of 5000 events is unbounded")
			}
			ec, readers := startReaders(t, src, tc.parallelism)
			nsplits := 0
			for sub := range tc.parallelism {
				if !ec.noMore[sub] {
					t.Errorf("subtask %d not told that no more splits come", sub)
				}
				for _, s := range ec.assigned[sub] {
					nsplits++
					if j := s.(*split).index; j%tc.parallelism != sub {
						t.Errorf("split %d assigned to subtask %d", j, sub)
					}
				}
			}
			if nsplits != tc.splits {
				t.Fatalf("%d splits, want %d", nsplits, tc.splits)
			}
			seen := make([]bool, cfg.Events)
			for sub, r := range readers {
				out := &output{}
				if st := drain(t, r, out, int(cfg.Events)+1); st != connector.EndOfInput {
					t.Fatalf("subtask %d: bounded reader did not end", sub)
				}
				last := map[string]int64{}
				lastTS := map[string]int64{}
				for _, rec := range out.records {
					n, ok := last[rec.split]
					if !ok {
						n, _ = strconv.ParseInt(rec.split, 10, 64) // a split starts at its index
					}
					if string(AppendEventCSV(nil, rec.e)) != string(AppendEventCSV(nil, g.Generate(n))) {
						t.Fatalf("split %s: the event after %d is not event %d", rec.split, n-int64(tc.splits), n)
					}
					if j := fmt.Sprint(n % int64(tc.splits)); j != rec.split {
						t.Fatalf("event %d emitted by split %s", n, rec.split)
					}
					if seen[n] {
						t.Fatalf("event %d emitted twice", n)
					}
					seen[n] = true
					if rec.ts != rec.e.Timestamp() {
						t.Fatalf("event %d emitted with timestamp %d, its time is %d", n, rec.ts, rec.e.Timestamp())
					}
					if prev, ok := lastTS[rec.split]; ok && rec.ts < prev {
						t.Fatalf("split %s: timestamp %d after %d", rec.split, rec.ts, prev)
					}
					last[rec.split], lastTS[rec.split] = n+int64(tc.splits), rec.ts
				}
				var want []string
				for _, s := range ec.assigned[sub] {
					want = append(want, s.SplitID())
				}
				slices.Sort(want)
				slices.Sort(out.released)
				if !slices.Equal(out.released, want) {
					t.Errorf("subtask %d released splits %v, want %v", sub, out.released, want)
				}
				if err := r.Close(); err != nil {
					t.Fatal(err)
				}
			}
			for n, ok := range seen {
				if !ok {
					t.Fatalf("event %d never emitted", n)
				}
			}
		})
	}
}

func TestSourceWithFewerEventsThanReaders(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Events = 2
	ec, readers := startReaders(t, NewSource(cfg), 4)
	if len(ec.assigned[2]) != 0 || len(ec.assigned[3]) != 0 {
		t.Fatalf("splits without events assigned: %v", ec.assigned)
	}
	total := 0
	for _, r := range readers {
		out := &output{}
		if st := drain(t, r, out, 10); st != connector.EndOfInput {
			t.Fatal("reader did not end")
		}
		total += len(out.records)
	}
	if total != 2 {
		t.Fatalf("%d events, want 2", total)
	}
}

func TestUnboundedSource(t *testing.T) {
	src := NewSource(DefaultConfig())
	if src.Boundedness() != connector.Unbounded {
		t.Fatal("a source of events.num 0 is bounded")
	}
	_, readers := startReaders(t, src, 2)
	g := newGen(t, DefaultConfig())
	for sub, r := range readers {
		out := &output{}
		if st := drain(t, r, out, 10000); st == connector.EndOfInput {
			t.Fatal("unbounded reader ended")
		}
		for i, rec := range out.records[:10000] {
			n := int64(sub + 2*i)
			if got, want := AppendEventCSV(nil, rec.e), AppendEventCSV(nil, g.Generate(n)); string(got) != string(want) {
				t.Fatalf("subtask %d record %d is not event %d", sub, i, n)
			}
		}
		if len(out.released) != 0 {
			t.Fatalf("unbounded splits released: %v", out.released)
		}
	}
}

// TestSourceRateLimit runs a reader at 5000 events per second: it takes the
// time the rate says, waits on Available instead of spinning, and a reader
// with half the splits gets half the rate.
func TestSourceRateLimit(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Events = 100000
	for _, tc := range []struct {
		name        string
		src         connector.Source[Event]
		parallelism int
	}{
		{"WithRate", NewSource(cfg, WithRate(5000)), 1},
		{"RateLimited", NewSource(func() Config { c := cfg; c.RateLimited, c.FirstEventRate = true, 5000; return c }()), 1},
		{"share", NewSource(cfg, WithRate(10000)), 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, readers := startReaders(t, tc.src, tc.parallelism)
			r := readers[0]
			out := &output{}
			polls := 0
			start := time.Now()
			for len(out.records) < 1500 {
				st, err := r.Poll(out)
				if err != nil {
					t.Fatal(err)
				}
				polls++
				if st == connector.NothingAvailable {
					<-r.Available()
				}
			}
			elapsed := time.Since(start)
			// 1500 events at 5000/s: 0.3 s, less the first batch allowed at once.
			if min := time.Duration(float64(1500-pollBatch) / 5000 * float64(time.Second)); elapsed < min {
				t.Errorf("1500 events in %v, want at least %v", elapsed, min)
			}
			if elapsed > 5*time.Second {
				t.Errorf("1500 events in %v", elapsed)
			}
			if polls > 1000 {
				t.Errorf("%d polls for 1500 events: the reader spins", polls)
			}
			for _, r := range readers {
				r.Close()
			}
		})
	}
}

func TestSourceRejectsBadOptions(t *testing.T) {
	bad := DefaultConfig()
	bad.BidProportion = -1
	for _, tc := range []struct {
		src  connector.Source[Event]
		want string
	}{
		{NewSource(bad), "bid.proportion"},
		{NewSource(DefaultConfig(), WithRate(0)), "rate"},
		{NewSource(DefaultConfig(), WithRate(-1)), "rate"},
		{NewSource(DefaultConfig(), WithSplits(0)), "splits"},
	} {
		ec := &enumCtx{parallelism: 1, assigned: map[int][]connector.Split{}, noMore: map[int]bool{}}
		if _, err := tc.src.CreateEnumerator(ec); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("want an error about %s, got %v", tc.want, err)
		}
		if _, err := tc.src.CreateReader(readerCtx{0, 1}); err == nil {
			t.Errorf("CreateReader accepts a bad source (%s)", tc.want)
		}
	}
}

// collectSink keeps every event with its timestamp.
type collectSink struct {
	mu     sync.Mutex
	events map[string]int
	bad    []string
}

func (s *collectSink) CreateWriter(connector.SinkContext) (connector.SinkWriter[Event], error) {
	return s, nil
}

func (s *collectSink) Write(e Event, ts int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ts != e.Timestamp() {
		s.bad = append(s.bad, fmt.Sprintf("timestamp %d, event time %d", ts, e.Timestamp()))
	}
	s.events[string(AppendEventCSV(nil, e))]++
	return nil
}
func (s *collectSink) Flush(bool) error { return nil }
func (s *collectSink) Close() error     { return nil }

// TestSourceInAJob runs the source with the suite's watermark strategy at
// parallelism 1 and 3: the job ends, every event arrives once with its
// event time, and no event is behind the watermark.
func TestSourceInAJob(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Events = 30000
	want := map[string]int{}
	g := newGen(t, cfg)
	for n := range cfg.Events {
		want[string(AppendEventCSV(nil, g.Generate(n)))]++
	}
	for _, p := range []int{1, 3} {
		env := datastream.NewEnv().SetParallelism(p)
		events := datastream.FromSource(env, NewSource(cfg), WatermarkStrategy(), "Nexmark")
		var lateMu sync.Mutex
		late := 0
		checked := datastream.Process(events, datastream.ProcessFunc[Event, Event](func(e Event, ctx *datastream.ProcessContext, out datastream.Collector[Event]) error {
			if ts, _ := ctx.Timestamp(); ts <= ctx.CurrentWatermark() {
				lateMu.Lock()
				late++
				lateMu.Unlock()
			}
			out.Collect(e)
			return nil
		}))
		sink := &collectSink{events: map[string]int{}}
		checked.SinkTo(sink, "Collect")
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		_, err := env.Execute(ctx, "nexmark source")
		cancel()
		if err != nil {
			t.Fatalf("parallelism %d: %v", p, err)
		}
		if len(sink.bad) > 0 {
			t.Fatalf("parallelism %d: %v", p, sink.bad[0])
		}
		if late > 0 {
			t.Errorf("parallelism %d: %d events behind the watermark", p, late)
		}
		if len(sink.events) != len(want) {
			t.Fatalf("parallelism %d: %d distinct events, want %d", p, len(sink.events), len(want))
		}
		for k, n := range want {
			if sink.events[k] != n {
				t.Fatalf("parallelism %d: event %q arrived %d times, want %d", p, k[:40], sink.events[k], n)
			}
		}
	}
}

func TestWatermarkStrategy(t *testing.T) {
	s := WatermarkStrategy()
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	e := Generate(DefaultConfig(), 4321)
	if ts := s.Timestamp(e, 0); ts != e.Timestamp() {
		t.Errorf("timestamp %d, want the event time %d", ts, e.Timestamp())
	}
	gen := s.NewGenerator()
	gen.OnEvent(e, e.Timestamp(), nil)
	var wm wmOut
	gen.OnPeriodicEmit(&wm)
	if want := e.Timestamp() - 4000 - 1; wm.wm != want {
		t.Errorf("watermark %d after an event at %d, want %d", wm.wm, e.Timestamp(), want)
	}
}

type wmOut struct{ wm int64 }

func (w *wmOut) EmitWatermark(wm int64) { w.wm = wm }
func (w *wmOut) MarkIdle()              {}
func (w *wmOut) MarkActive()            {}
