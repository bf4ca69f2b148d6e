package datastream

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/connector"
	"github.com/eddy-streams/eddy/eventtime"
	"github.com/eddy-streams/eddy/internal/checkpoint/storage"
)

// lazySource has splits of splitLen consecutive numbers that its
// enumerator hands out one per request, as a source that discovers its
// input over time does; the enumerator's state is the splits not handed
// out yet.
type lazySource struct {
	splits, splitLen int64
}

type lazySplit struct{ id, pos int64 }

func (s lazySplit) SplitID() string { return fmt.Sprint(s.id) }

func (s *lazySource) Boundedness() connector.Boundedness { return connector.Bounded }

func (s *lazySource) CreateEnumerator(ctx connector.EnumeratorContext) (connector.Enumerator, error) {
	e := &lazyEnumerator{ctx: ctx}
	for i := range s.splits {
		e.left = append(e.left, i)
	}
	return e, nil
}

func (s *lazySource) RestoreEnumerator(ctx connector.EnumeratorContext, state []byte) (connector.Enumerator, error) {
	e := &lazyEnumerator{ctx: ctx}
	for len(state) > 0 {
		v, n := binary.Uvarint(state)
		if n <= 0 {
			return nil, errors.New("lazy enumerator: bad state")
		}
		e.left, state = append(e.left, int64(v)), state[n:]
	}
	return e, nil
}

func (s *lazySource) CreateReader(connector.ReaderContext) (connector.Reader[int64], error) {
	return &lazyReader{src: s}, nil
}

func (s *lazySource) EncodeSplit(sp connector.Split) ([]byte, error) {
	q := sp.(lazySplit)
	return binary.AppendUvarint(binary.AppendUvarint(nil, uint64(q.id)), uint64(q.pos)), nil
}

func (s *lazySource) DecodeSplit(b []byte) (connector.Split, error) {
	id, n := binary.Uvarint(b)
	pos, m := binary.Uvarint(b[max(n, 0):])
	if n <= 0 || m <= 0 {
		return nil, errors.New("lazy split: malformed")
	}
	return lazySplit{int64(id), int64(pos)}, nil
}

type lazyEnumerator struct {
	ctx  connector.EnumeratorContext
	left []int64
}

func (e *lazyEnumerator) Start() error  { return nil }
func (e *lazyEnumerator) AddReader(int) {}
func (e *lazyEnumerator) HandleSplitRequest(sub int) {
	if len(e.left) == 0 {
		e.ctx.SignalNoMoreSplits(sub)
		return
	}
	e.ctx.Assign(sub, lazySplit{id: e.left[0]})
	e.left = e.left[1:]
}
func (e *lazyEnumerator) AddSplitsBack([]connector.Split, int) {}
func (e *lazyEnumerator) Close() error                         { return nil }

func (e *lazyEnumerator) SnapshotState(int64) ([]byte, error) {
	var b []byte
	for _, id := range e.left {
		b = binary.AppendUvarint(b, uint64(id))
	}
	return b, nil
}

type lazyReader struct {
	src       *lazySource
	ctx       connector.ReaderContext
	cur       []lazySplit
	noMore    bool
	requested bool
}

func (r *lazyReader) Start() error { return nil }

func (r *lazyReader) AddSplits(splits []connector.Split) {
	for _, sp := range splits {
		r.cur = append(r.cur, sp.(lazySplit))
	}
	r.requested = false
}

func (r *lazyReader) NotifyNoMoreSplits() { r.noMore = true }

func (r *lazyReader) SnapshotSplits() ([]connector.Split, error) {
	out := make([]connector.Split, len(r.cur))
	for i, s := range r.cur {
		out[i] = s
	}
	return out, nil
}

func (r *lazyReader) Poll(out connector.ReaderOutput[int64]) (connector.InputStatus, error) {
	if len(r.cur) == 0 {
		switch {
		case r.noMore:
			return connector.EndOfInput, nil
		case !r.requested:
			r.requested = true
			r.ctx.RequestSplit()
		}
		return connector.NothingAvailable, nil
	}
	s := &r.cur[0]
	for n := 0; n < 100 && s.pos < r.src.splitLen; n++ {
		out.Collect(s.id*r.src.splitLen + s.pos)
		s.pos++
	}
	if s.pos == r.src.splitLen {
		r.cur = r.cur[1:]
	}
	time.Sleep(200 * time.Microsecond) // spread the run over a few checkpoints
	return connector.MoreAvailable, nil
}

func (r *lazyReader) Available() <-chan struct{} { return nil }
func (r *lazyReader) Close() error               { return nil }

// A source whose enumerator hands out splits on request: its state is in
// the checkpoints, so after a failure the splits it had not handed out yet
// are still read, exactly once, next to the readers' restored splits.
func TestEnumeratorStateInCheckpoints(t *testing.T) {
	src := &lazySource{splits: 40, splitLen: 1000}
	dir := t.TempDir()
	env := NewEnv().SetParallelism(2)
	opts := ckOptions(dir, "lazy")
	opts["state.checkpoints.num-retained"] = "100"
	if err := env.Configure(opts); err != nil {
		t.Fatal(err)
	}
	var armed atomic.Bool
	armed.Store(true)
	inj := &failInjector{subtask: 0, at: 9_000, armed: &armed, processed: &atomic.Int64{}, failedAt: &atomic.Int64{}}
	s := Process(FromSource[int64](env, readerContextSource{src}, eventtime.NoWatermarks[int64](), "Lazy"), ProcessFunction[int64, int64](inj))
	keyed := KeyBy(Map(s, func(v int64) int64 { return v % 13 }), func(k int64) int64 { return k })
	counts := Collect(KeyedProcess(keyed, KeyedProcessFunction[int64, int64, KeyValue[int64, int64]](&keyCounter{})))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := env.Execute(ctx, "lazy")
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]int64{}
	for v := range src.splits * src.splitLen {
		want[v%13]++
	}
	got := map[int64]int64{}
	for _, kv := range counts.Values() {
		got[kv.Key] = kv.Value
	}
	sameCounts(t, got, want)
	if len(res.Restarts) != 1 {
		t.Fatalf("%d restarts, want 1", len(res.Restarts))
	}
	ids, _ := storage.Completed(storage.NewLocal(dir), "lazy")
	withState := 0
	for _, id := range ids {
		m, _, err := storage.Load(storage.NewLocal(dir), storage.CheckpointDir("lazy", id))
		if err != nil {
			t.Fatal(err)
		}
		for _, op := range m.Operators {
			if op.CoordinatorState != nil && strings.Contains(op.Name, "Lazy") {
				withState++
			}
		}
	}
	if withState == 0 {
		t.Errorf("no checkpoint of %v has the enumerator's state", ids)
	}
}

// readerContextSource hands each lazy reader its context.
type readerContextSource struct{ *lazySource }

func (s readerContextSource) CreateReader(ctx connector.ReaderContext) (connector.Reader[int64], error) {
	return &lazyReader{src: s.lazySource, ctx: ctx}, nil
}
