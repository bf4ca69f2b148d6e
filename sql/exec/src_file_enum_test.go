package exec

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/connector"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
)

// assignments is an EnumeratorContext that records what it is given.
type assignments struct {
	files  []string
	noMore int
}

func (a *assignments) Parallelism() int { return 1 }
func (a *assignments) Assign(_ int, splits ...connector.Split) {
	for _, s := range splits {
		a.files = append(a.files, filepath.Base(s.(*fileSplit).path))
	}
}
func (a *assignments) SignalNoMoreSplits(int) { a.noMore++ }

// oneColumnFiles is the filesystem source of CSV files of one INT column
// in dir, monitored every interval unless it is empty.
func oneColumnFiles(t *testing.T, dir, interval string) *fileSource {
	t.Helper()
	opts := map[string]string{"path": dir, "format": "csv"}
	if interval != "" {
		opts["source.monitor-interval"] = interval
	}
	spec := &plan.ScanSpec{Options: opts, Physical: []plan.Column{{Name: "x", Type: types.Int()}}, Paths: [][]int{{0}}, PathTypes: []types.Type{types.Int()}}
	raw, err := newFileSource(spec)
	if err != nil {
		t.Fatal(err)
	}
	return raw.(*fileSource)
}

// The enumerator of a monitored path hands out the files present at the
// start, then new ones, each once, as the readers ask; listing at most
// once per interval. Restored from a checkpoint it hands out only files
// it had not. It never says there are no more.
func TestMonitorEnumerator(t *testing.T) {
	dir := t.TempDir()
	put := func(name string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte("1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	put("a.csv")
	put("b.csv")
	put(".hidden")
	src := oneColumnFiles(t, dir, "30ms")
	if src.Boundedness() != connector.Unbounded {
		t.Fatal("a monitored path is bounded")
	}
	ctx := &assignments{}
	e, err := src.CreateEnumerator(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	ask := func(n int) {
		for range n {
			e.HandleSplitRequest(0)
		}
	}
	ask(3)
	if !slices.Equal(ctx.files, []string{"a.csv", "b.csv"}) {
		t.Fatalf("at the start: %v", ctx.files)
	}
	put("c.csv")
	ask(1) // within the interval: not listed yet
	if len(ctx.files) != 2 {
		t.Fatalf("listed again within the interval: %v", ctx.files)
	}
	time.Sleep(40 * time.Millisecond)
	ask(2)
	if !slices.Equal(ctx.files, []string{"a.csv", "b.csv", "c.csv"}) {
		t.Fatalf("after an interval: %v", ctx.files)
	}
	state, err := e.(connector.EnumeratorSnapshotter).SnapshotState(1)
	if err != nil {
		t.Fatal(err)
	}
	put("d.csv")
	restored := &assignments{}
	e2, err := src.RestoreEnumerator(restored, state)
	if err != nil {
		t.Fatal(err)
	}
	if err := e2.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(40 * time.Millisecond)
	for range 3 {
		e2.HandleSplitRequest(0)
	}
	if !slices.Equal(restored.files, []string{"d.csv"}) {
		t.Errorf("restored: %v, want only the new file", restored.files)
	}
	if _, err := src.RestoreEnumerator(restored, []byte("{")); err == nil {
		t.Error("a corrupted state restored")
	}
	for i := range 3 {
		put(fmt.Sprintf("e%d.csv", i))
	}
	time.Sleep(40 * time.Millisecond)
	e2.HandleSplitRequest(0)
	if got := restored.files[1:]; !slices.Equal(got, []string{"e0.csv"}) {
		t.Errorf("one file per request: %v", got)
	}
	if ctx.noMore+restored.noMore > 0 {
		t.Error("a monitored path signalled no more files")
	}
}

// Without monitoring, readers pull the files present at the start one at
// a time and are told there are no more when none is left; a failed
// reader's file, where it got to, goes to the next reader that asks, and
// the files not handed out are the checkpointed state.
func TestFileEnumerator(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a.csv", "b.csv", "c.csv"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src := oneColumnFiles(t, dir, "")
	ctx := &assignments{}
	e, _ := src.CreateEnumerator(ctx)
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	e.HandleSplitRequest(0)
	e.HandleSplitRequest(1)
	state, err := e.(connector.EnumeratorSnapshotter).SnapshotState(1)
	if err != nil {
		t.Fatal(err)
	}
	e.AddSplitsBack([]connector.Split{&fileSplit{path: filepath.Join(dir, "a.csv"), line: 7}}, 0)
	for range 3 {
		e.HandleSplitRequest(1)
	}
	if !slices.Equal(ctx.files, []string{"a.csv", "b.csv", "a.csv", "c.csv"}) || ctx.noMore != 1 {
		t.Errorf("handed out %v, no more %d times", ctx.files, ctx.noMore)
	}
	restored := &assignments{}
	e2, err := src.RestoreEnumerator(restored, state)
	if err != nil {
		t.Fatal(err)
	}
	if err := e2.Start(); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		e2.HandleSplitRequest(0)
	}
	if !slices.Equal(restored.files, []string{"c.csv"}) || restored.noMore != 1 {
		t.Errorf("restored: handed out %v, no more %d times", restored.files, restored.noMore)
	}
}
