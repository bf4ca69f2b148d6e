package exec

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/eddy-streams/eddy/connector"
)

// With 'source.monitor-interval' the filesystem source is unbounded, as
// Flink's: it reads the files present when the job starts, then lists the
// path again at most once per interval and reads each file that appeared
// (a sink's part file appears when committed), once. Readers ask for a
// file when they have none (again after an interval when there was none);
// the enumerator remembers the files it handed out, in checkpoints too,
// so a restored job reads only new ones.

// monitorEnumerator is the enumerator of a monitored path.
type monitorEnumerator struct {
	ctx      connector.EnumeratorContext
	root     string
	interval time.Duration
	seen     map[string]bool
	pending  []string  // found, not handed out yet
	listed   time.Time // the last listing
}

func (s *fileSource) newMonitorEnumerator(ctx connector.EnumeratorContext) *monitorEnumerator {
	return &monitorEnumerator{ctx: ctx, root: s.root, interval: s.monitor, seen: map[string]bool{}}
}

// Start lists the path unless the enumerator was restored.
func (e *monitorEnumerator) Start() error {
	if len(e.seen) == 0 {
		return e.list()
	}
	return nil
}

// list adds the files not seen yet to pending.
func (e *monitorEnumerator) list() error {
	e.listed = time.Now()
	files, err := listFiles(e.root)
	if err != nil {
		return err
	}
	for _, f := range files {
		if !e.seen[f] {
			e.seen[f] = true
			e.pending = append(e.pending, f)
		}
	}
	return nil
}

func (e *monitorEnumerator) AddReader(int) {}

// HandleSplitRequest hands the reader the next file, listing the path
// first when there is none and the interval passed since the last listing.
// Without one the reader asks again later.
func (e *monitorEnumerator) HandleSplitRequest(subtask int) {
	if len(e.pending) == 0 && time.Since(e.listed) >= e.interval {
		// A listing that fails (the path went away) finds nothing new;
		// the next one tries again.
		_ = e.list()
	}
	if len(e.pending) > 0 {
		e.ctx.Assign(subtask, &fileSplit{path: e.pending[0]})
		e.pending = e.pending[1:]
	}
}

func (e *monitorEnumerator) AddSplitsBack(splits []connector.Split, subtask int) {
	e.ctx.Assign(subtask, splits...)
}

func (e *monitorEnumerator) Close() error { return nil }

// monitorState is a monitorEnumerator's checkpointed state.
type monitorState struct {
	Seen    []string `json:"seen"`
	Pending []string `json:"pending"`
}

func (e *monitorEnumerator) SnapshotState(int64) ([]byte, error) {
	st := monitorState{Pending: e.pending}
	for f := range e.seen {
		st.Seen = append(st.Seen, f)
	}
	slices.Sort(st.Seen)
	return json.Marshal(st)
}

// RestoreEnumerator restores a monitored path's enumerator (the only
// filesystem enumerator with state).
func (s *fileSource) RestoreEnumerator(ctx connector.EnumeratorContext, state []byte) (connector.Enumerator, error) {
	var st monitorState
	if err := json.Unmarshal(state, &st); err != nil {
		return nil, fmt.Errorf("filesystem source: bad enumerator state: %w", err)
	}
	e := s.newMonitorEnumerator(ctx)
	for _, f := range st.Seen {
		e.seen[f] = true
	}
	e.pending = st.Pending
	return e, nil
}

// askForSplit is a monitoring reader without a file: it asks the
// enumerator for one, again once an interval passed without an answer.
func (r *fileReader) askForSplit() {
	if r.asked.IsZero() || time.Since(r.asked) >= r.src.monitor {
		ready := make(chan struct{})
		time.AfterFunc(r.src.monitor, func() { close(ready) })
		r.asked, r.ready = time.Now(), ready
		r.ctx.RequestSplit()
	}
}
