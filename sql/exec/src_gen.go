package exec

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/eddy-streams/eddy/connector"
	"github.com/eddy-streams/eddy/sql/vector"
)

// genSource is a one-split source of rows that are a pure function of
// their index (datagen, VALUES): the split's position is the next index,
// so checkpoints and restores are exact. Count < 0 never ends; rate > 0
// limits rows per second of wall time.
type genSource struct {
	count int64
	rate  float64
	// fill returns the chunk of rows [from, from+n).
	fill func(from, n int64) (*vector.Chunk, error)
}

type genSplit struct{ next int64 }

func (genSplit) SplitID() string { return "0" }

func (s *genSource) Boundedness() connector.Boundedness {
	if s.count < 0 {
		return connector.Unbounded
	}
	return connector.Bounded
}

func (s *genSource) CreateEnumerator(ctx connector.EnumeratorContext) (connector.Enumerator, error) {
	return &genEnumerator{ctx: ctx}, nil
}

func (s *genSource) CreateReader(connector.ReaderContext) (connector.Reader[*vector.Chunk], error) {
	return &genReader{src: s}, nil
}

func (s *genSource) EncodeSplit(sp connector.Split) ([]byte, error) {
	g, ok := sp.(*genSplit)
	if !ok {
		return nil, fmt.Errorf("unexpected split %T", sp)
	}
	return binary.AppendVarint(nil, g.next), nil
}

func (s *genSource) DecodeSplit(b []byte) (connector.Split, error) {
	v, n := binary.Varint(b)
	if n <= 0 {
		return nil, fmt.Errorf("bad split state")
	}
	return &genSplit{next: v}, nil
}

type genEnumerator struct {
	ctx      connector.EnumeratorContext
	assigned bool
}

func (e *genEnumerator) Start() error {
	for i := 0; i < e.ctx.Parallelism(); i++ {
		if !e.assigned {
			e.ctx.Assign(i, &genSplit{})
			e.assigned = true
		}
		e.ctx.SignalNoMoreSplits(i)
	}
	return nil
}
func (e *genEnumerator) AddReader(int)          {}
func (e *genEnumerator) HandleSplitRequest(int) {}
func (e *genEnumerator) AddSplitsBack(splits []connector.Split, subtask int) {
	e.ctx.Assign(subtask, splits...)
}
func (e *genEnumerator) Close() error { return nil }

type genReader struct {
	src    *genSource
	split  *genSplit
	noMore bool
	start  time.Time
	base   int64
	wait   chan struct{}
}

func (r *genReader) Start() error { return nil }
func (r *genReader) AddSplits(splits []connector.Split) {
	for _, s := range splits {
		r.split = s.(*genSplit)
		r.base, r.start = r.split.next, time.Now()
	}
}
func (r *genReader) NotifyNoMoreSplits() { r.noMore = true }
func (r *genReader) Close() error        { return nil }

func (r *genReader) Available() <-chan struct{} {
	if r.wait == nil {
		return nil
	}
	return r.wait
}

func (r *genReader) SnapshotSplits() ([]connector.Split, error) {
	if r.split == nil || r.src.count >= 0 && r.split.next >= r.src.count {
		return nil, nil
	}
	return []connector.Split{&genSplit{next: r.split.next}}, nil
}

func (r *genReader) Poll(out connector.ReaderOutput[*vector.Chunk]) (connector.InputStatus, error) {
	if r.split == nil {
		if r.noMore {
			return connector.EndOfInput, nil
		}
		return connector.NothingAvailable, nil
	}
	n := int64(vector.DefaultChunkSize)
	if r.src.count >= 0 {
		n = min(n, r.src.count-r.split.next)
	}
	if r.src.rate > 0 {
		due := r.base + int64(time.Since(r.start).Seconds()*r.src.rate) + 1
		if allowed := due - r.split.next; allowed < n {
			n = allowed
		}
		if n <= 0 {
			ch := make(chan struct{})
			r.wait = ch
			wait := time.Duration(float64(time.Second) / r.src.rate)
			time.AfterFunc(max(wait, time.Millisecond), func() { close(ch) })
			return connector.NothingAvailable, nil
		}
	}
	if n > 0 {
		c, err := r.src.fill(r.split.next, n)
		if err != nil {
			return 0, err
		}
		r.split.next += n
		out.ForSplit("0").Collect(c)
	}
	if r.src.count >= 0 && r.split.next >= r.src.count {
		out.ReleaseSplit("0")
		r.split = nil
		if r.noMore {
			return connector.EndOfInput, nil
		}
		return connector.NothingAvailable, nil
	}
	return connector.MoreAvailable, nil
}
