package exec

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/eddy-streams/eddy/connector"
)

// The filesystem source's readers pull their files, one at a time, as
// Flink's FileSource: a reader asks the enumerator for a file when it has
// none, so each reader has one split open (its watermark advances file by
// file instead of waiting for every file assigned to it) and fast readers
// take more files. The files not handed out yet are the enumerator's
// checkpointed state.
//
// With 'source.monitor-interval' the source is unbounded: the enumerator
// lists the path again, at most once per interval, when asked for a file
// it does not have, and hands out each file that appeared (a sink's part
// file appears when committed) once; the files it handed out are in its
// state too, so a restored job reads only new ones. A reader that got no
// file asks again an interval later. Without it, a reader asking when no
// file is left is told there are no more.

// fileEnumerator hands out the files of a path.
type fileEnumerator struct {
	ctx      connector.EnumeratorContext
	root     string
	interval time.Duration // 0: list once
	seen     map[string]bool
	pending  []*fileSplit // found, not handed out yet (or given back)
	listed   time.Time    // the last listing
}

func (s *fileSource) newEnumerator(ctx connector.EnumeratorContext) *fileEnumerator {
	return &fileEnumerator{ctx: ctx, root: s.root, interval: s.monitor, seen: map[string]bool{}}
}

// Start takes the files listed when the job was planned, unless the
// enumerator was restored.
func (e *fileEnumerator) Start() error {
	if e.seen != nil && len(e.seen) > 0 || e.pending != nil {
		return nil
	}
	files, err := listFiles(e.root)
	if err != nil {
		return err
	}
	e.add(files)
	return nil
}

// add queues the files not seen yet.
func (e *fileEnumerator) add(files []string) {
	e.listed = time.Now()
	for _, f := range files {
		if !e.seen[f] {
			e.seen[f] = true
			e.pending = append(e.pending, &fileSplit{path: f})
		}
	}
}

func (e *fileEnumerator) AddReader(int) {}

// HandleSplitRequest hands the reader the next file; a monitoring
// enumerator without one lists the path first if the interval passed.
func (e *fileEnumerator) HandleSplitRequest(subtask int) {
	if len(e.pending) == 0 && e.interval > 0 && time.Since(e.listed) >= e.interval {
		// A listing that fails (the path went away) finds nothing new;
		// the next one tries again.
		if files, err := listFiles(e.root); err == nil {
			e.add(files)
		} else {
			e.listed = time.Now()
		}
	}
	switch {
	case len(e.pending) > 0:
		e.ctx.Assign(subtask, e.pending[0])
		e.pending = e.pending[1:]
	case e.interval == 0:
		e.ctx.SignalNoMoreSplits(subtask)
	}
}

// AddSplitsBack takes back the files of a failed reader, where it got to
// in them, for the next reader that asks.
func (e *fileEnumerator) AddSplitsBack(splits []connector.Split, _ int) {
	var back []*fileSplit
	for _, s := range splits {
		back = append(back, s.(*fileSplit))
	}
	e.pending = append(back, e.pending...)
}

func (e *fileEnumerator) Close() error { return nil }

// enumState is a fileEnumerator's checkpointed state.
type enumState struct {
	Seen    []string      `json:"seen"`
	Pending []pendingFile `json:"pending"`
}

type pendingFile struct {
	Path string `json:"path"`
	Line int64  `json:"line,omitempty"`
}

func (e *fileEnumerator) SnapshotState(int64) ([]byte, error) {
	st := enumState{Seen: []string{}, Pending: []pendingFile{}}
	for f := range e.seen {
		st.Seen = append(st.Seen, f)
	}
	slices.Sort(st.Seen)
	for _, p := range e.pending {
		st.Pending = append(st.Pending, pendingFile{p.path, p.line})
	}
	return json.Marshal(st)
}

// RestoreEnumerator restores the enumerator from a checkpoint.
func (s *fileSource) RestoreEnumerator(ctx connector.EnumeratorContext, state []byte) (connector.Enumerator, error) {
	var st enumState
	if err := json.Unmarshal(state, &st); err != nil {
		return nil, fmt.Errorf("filesystem source: bad enumerator state: %w", err)
	}
	e := s.newEnumerator(ctx)
	for _, f := range st.Seen {
		e.seen[f] = true
	}
	e.pending = []*fileSplit{}
	for _, p := range st.Pending {
		e.pending = append(e.pending, &fileSplit{path: p.Path, line: p.Line})
	}
	return e, nil
}

// askForSplit is a reader without a file: it asks the enumerator for one;
// a monitoring reader asks again once an interval passed without an
// answer.
func (r *fileReader) askForSplit() {
	if r.src.monitor == 0 {
		if r.asked.IsZero() {
			r.asked = time.Now()
			r.ctx.RequestSplit()
		}
		return
	}
	if r.asked.IsZero() || time.Since(r.asked) >= r.src.monitor {
		ready := make(chan struct{})
		time.AfterFunc(r.src.monitor, func() { close(ready) })
		r.asked, r.ready = time.Now(), ready
		r.ctx.RequestSplit()
	}
}
