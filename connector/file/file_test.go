package file_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/connector"
	"github.com/eddy-streams/eddy/connector/file"
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/internal/checkpoint/storage"
)

type sinkCtx struct{ sub int }

func (c sinkCtx) Subtask() int     { return c.sub }
func (c sinkCtx) Parallelism() int { return 1 }
func (c sinkCtx) NowMillis() int64 { return 0 }

func visible(t *testing.T, dir string) []string {
	t.Helper()
	parts, err := file.Parts(dir)
	if err != nil {
		t.Fatal(err)
	}
	return parts
}

// A part file is hidden until its committable is committed; committing
// again is success.
func TestVisibleOnlyAfterCommit(t *testing.T) {
	dir := t.TempDir()
	s := file.New(dir, file.CSV(func(v int, dst []string) []string { return append(dst, strconv.Itoa(v), "x,y") }))
	w, err := s.CreateWriter(sinkCtx{0})
	if err != nil {
		t.Fatal(err)
	}
	pw := w.(connector.PrecommittingWriter[int])
	for i := range 3 {
		if err := w.Write(i, 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(false); err != nil {
		t.Fatal(err)
	}
	cs, err := pw.PrepareCommit()
	if err != nil || len(cs) != 1 {
		t.Fatalf("PrepareCommit: %v %v", cs, err)
	}
	if got := visible(t, dir); len(got) != 0 {
		t.Fatalf("visible before commit: %v", got)
	}
	if _, err := os.Stat(filepath.Join(dir, ".part-0-0.inprogress")); err != nil {
		t.Fatal(err)
	}
	// Through the codec, as after a restore.
	b, err := s.EncodeCommittable(cs[0])
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.DecodeCommittable(b)
	if err != nil || c != cs[0] {
		t.Fatalf("codec: %v %v", c, err)
	}
	cm, _ := s.CreateCommitter()
	for range 2 {
		if err := cm.Commit([]connector.Committable{c}); err != nil {
			t.Fatal(err)
		}
	}
	got := visible(t, dir)
	if len(got) != 1 || filepath.Base(got[0]) != "part-0-0" {
		t.Fatalf("visible: %v", got)
	}
	data, _ := os.ReadFile(got[0])
	if want := "0,\"x,y\"\n1,\"x,y\"\n2,\"x,y\"\n"; string(data) != want {
		t.Fatalf("part file %q, want %q", data, want)
	}
	// Nothing written: no committable. A restored writer removes files from
	// its counter on.
	if cs, _ := pw.PrepareCommit(); len(cs) != 0 {
		t.Fatalf("empty PrepareCommit: %v", cs)
	}
	os.WriteFile(filepath.Join(dir, "part-0-1"), []byte("stale\n"), 0o644)
	os.WriteFile(filepath.Join(dir, ".part-0-2.inprogress"), []byte("stale\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "part-1-1"), []byte("other subtask\n"), 0o644)
	st, _ := w.(connector.StatefulSinkWriter[int]).SnapshotState(1)
	if _, err := s.RestoreWriter(sinkCtx{0}, [][]byte{st}); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range visible(t, dir) {
		names = append(names, filepath.Base(p))
	}
	if !slices.Equal(names, []string{"part-0-0", "part-1-1"}) {
		t.Fatalf("after restore: %v", names)
	}
	if _, err := os.Stat(filepath.Join(dir, ".part-0-2.inprogress")); err == nil {
		t.Fatal("stale in-progress file kept")
	}
}

// failOnce panics once, the first time subtask sub reaches record at.
type failOnce struct {
	sub   int
	at    int64
	armed *atomic.Bool
	seen  *atomic.Int64
	me    int
}

func (f *failOnce) Open(rc *datastream.RuntimeContext) error { f.me = rc.Subtask(); return nil }

func (f *failOnce) ProcessElement(v int64, _ *datastream.ProcessContext, out datastream.Collector[int64]) error {
	if f.me == f.sub && f.seen.Add(1) >= f.at && f.armed.CompareAndSwap(true, false) {
		panic(fmt.Sprintf("injected failure at record %d of subtask %d", f.at, f.sub))
	}
	out.Collect(v)
	return nil
}

func readLines(t *testing.T, dir string) []string {
	t.Helper()
	var lines []string
	for _, p := range visible(t, dir) {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
		f.Close()
	}
	return lines
}

func runJob(t *testing.T, dir, ckDir string, records int64, inject *failOnce, format string) {
	t.Helper()
	env := datastream.NewEnv().SetParallelism(2)
	if ckDir != "" {
		if err := env.Configure(map[string]string{
			"execution.checkpointing.interval":   "50ms",
			"state.checkpoints.dir":              ckDir,
			"eddy.job-id":                        "job",
			"restart-strategy.fixed-delay.delay": "10ms",
			"state.checkpoints.num-retained":     "1000", // the test reads them all
		}); err != nil {
			t.Fatal(err)
		}
	}
	s := datastream.FromGenerator(env, records, func(i int64) int64 { return i }, datastream.WithRate(float64(records)))
	if inject != nil {
		s = datastream.Process(s, datastream.ProcessFunction[int64, int64](inject))
	}
	var f file.Format[int64] = file.CSV(func(v int64, dst []string) []string { return append(dst, strconv.FormatInt(v, 10)) })
	if format == "json" {
		f = file.JSONLines[int64]()
	}
	s.SinkTo(file.New(dir, f), "Files")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := env.Execute(ctx, "files"); err != nil {
		t.Fatal(err)
	}
}

func checkExactly(t *testing.T, lines []string, records int64) {
	t.Helper()
	seen := make([]bool, records)
	for _, l := range lines {
		v, err := strconv.ParseInt(strings.TrimSpace(l), 10, 64)
		if err != nil || v < 0 || v >= records {
			t.Fatalf("bad line %q", l)
		}
		if seen[v] {
			t.Fatalf("record %d written twice", v)
		}
		seen[v] = true
	}
	if int64(len(lines)) != records {
		t.Fatalf("%d records written, want %d", len(lines), records)
	}
}

// Without checkpointing the part files become visible at the end.
func TestNoCheckpointing(t *testing.T) {
	dir := t.TempDir()
	runJob(t, dir, "", 20_000, nil, "json")
	checkExactly(t, readLines(t, dir), 20_000)
	// A second run into the same directory replaces the first.
	runJob(t, dir, "", 1000, nil, "csv")
	checkExactly(t, readLines(t, dir), 1000)
}

// A failure in the middle of a checkpointed job: after the restore the
// output is exactly the failure-free output, with several part files.
func TestExactlyOnceAfterFailure(t *testing.T) {
	for _, tc := range []struct {
		sub int
		at  int64
	}{{0, 30_000}, {1, 55_000}} {
		t.Run(fmt.Sprintf("sub%d-at%d", tc.sub, tc.at), func(t *testing.T) {
			dir, ck := t.TempDir(), t.TempDir()
			const records = 200_000
			inj := &failOnce{sub: tc.sub, at: tc.at, armed: &atomic.Bool{}, seen: &atomic.Int64{}}
			inj.armed.Store(true)
			runJob(t, dir, ck, records, inj, "csv")
			if inj.armed.Load() {
				t.Fatal("the failure was not injected")
			}
			checkExactly(t, readLines(t, dir), records)
			if n := len(visible(t, dir)); n < 4 {
				t.Errorf("%d part files: checkpoints did not roll them", n)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if strings.HasSuffix(e.Name(), ".inprogress") {
					t.Errorf("in-progress file %s left", e.Name())
				}
			}
			// The checkpoints hold the sink's operator state, per subtask
			// (those after a subtask ended after its final checkpoint
			// record it as finished, without state).
			blob := storage.NewLocal(ck)
			ids, err := storage.Completed(blob, "job")
			if err != nil || len(ids) == 0 {
				t.Fatalf("no retained checkpoint: %v %v", ids, err)
			}
			found := 0
			for _, id := range ids {
				m, _, err := storage.Load(blob, storage.CheckpointDir("job", id))
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, op := range m.Operators {
					for _, st := range op.Subtasks {
						if strings.HasPrefix(string(st.OperatorState), "EDDYOPS1") && strings.Contains(string(st.OperatorState), "sink-writer-state") {
							n++
						}
					}
				}
				found = max(found, n)
			}
			if found != 2 {
				t.Errorf("at most %d subtasks with sink state in a checkpoint's metadata, want 2", found)
			}
		})
	}
}

// commitAll pre-commits what writer w of sink s wrote and commits it, its
// committables going through their encoding as through a checkpoint.
func commitAll(t *testing.T, s *file.Sink[int], w connector.SinkWriter[int]) {
	t.Helper()
	cs, err := w.(connector.PrecommittingWriter[int]).PrepareCommit()
	if err != nil {
		t.Fatal(err)
	}
	committer, err := s.CreateCommitter()
	if err != nil {
		t.Fatal(err)
	}
	var decoded []connector.Committable
	for _, c := range cs {
		b, err := s.EncodeCommittable(c)
		if err != nil {
			t.Fatal(err)
		}
		d, err := s.DecodeCommittable(b)
		if err != nil {
			t.Fatal(err)
		}
		decoded = append(decoded, d)
	}
	if err := committer.Commit(decoded); err != nil {
		t.Fatal(err)
	}
}

// The rolling policy closes a part file at its size limit; the files it
// closed are committed with the next checkpoint, in buckets too, and an ID
// names the files.
func TestRollingAndBuckets(t *testing.T) {
	dir := t.TempDir()
	s := file.New(dir, file.CSV(func(v int, dst []string) []string { return append(dst, strconv.Itoa(v)) }))
	s.RollSize, s.ID = 4, "job-1"
	s.Buckets = func(v int, each func(string, int) error) error { return each("even="+strconv.FormatBool(v%2 == 0), v) }
	s.SuccessFile = "_SUCCESS"
	w, err := s.CreateWriter(sinkCtx{0})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if err := w.Write(i, 0); err != nil {
			t.Fatal(err)
		}
	}
	commitAll(t, s, w)
	parts := visible(t, dir)
	// Rows of up to two digits and a newline: a file rolls every two rows
	// or so, in each of the two buckets.
	if len(parts) < 4 {
		t.Errorf("%d part files, want the rolling policy to make several: %v", len(parts), parts)
	}
	var rows []string
	for _, p := range parts {
		if !strings.Contains(filepath.Base(p), "part-job-1-0-") {
			t.Errorf("part file %s is not named by the sink's ID", p)
		}
		b, _ := os.ReadFile(p)
		rows = append(rows, strings.Fields(string(b))...)
	}
	slices.Sort(rows)
	if want := []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}; !slices.Equal(rows, want) {
		t.Errorf("rows %v, want %v", rows, want)
	}
	for _, b := range []string{"even=true", "even=false"} {
		if _, err := os.Stat(filepath.Join(dir, b, "_SUCCESS")); err != nil {
			t.Errorf("bucket %s: %v", b, err)
		}
	}
}

// An overwriting sink removes the part files of other jobs from the
// buckets it commits into, and from OverwriteBuckets at the end of the
// input even when it wrote nothing there; other buckets keep theirs.
func TestOverwrite(t *testing.T) {
	dir := t.TempDir()
	render := file.CSV(func(v int, dst []string) []string { return append(dst, strconv.Itoa(v)) })
	write := func(id string, overwrite bool, buckets []string, vals ...int) {
		t.Helper()
		s := file.New(dir, render)
		s.ID, s.Overwrite, s.OverwriteBuckets = id, overwrite, buckets
		s.Buckets = func(v int, each func(string, int) error) error { return each("k="+strconv.Itoa(v%3), v) }
		w, err := s.CreateWriter(sinkCtx{0})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			if err := w.Write(v, 0); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(true); err != nil {
			t.Fatal(err)
		}
		commitAll(t, s, w)
	}
	rows := func() map[string][]string {
		out := map[string][]string{}
		for _, p := range visible(t, dir) {
			b, _ := os.ReadFile(p)
			bucket := filepath.Base(filepath.Dir(p))
			out[bucket] = append(out[bucket], strings.Fields(string(b))...)
		}
		for _, r := range out {
			slices.Sort(r)
		}
		return out
	}
	write("old", false, nil, 0, 1, 2, 3, 4, 5)
	// k=1 rewritten, k=2 named whole but empty, k=0 untouched.
	write("new", true, []string{"k=2"}, 7, 10)
	got := rows()
	want := map[string][]string{"k=0": {"0", "3"}, "k=1": {"10", "7"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after the overwrite: %v, want %v", got, want)
	}
	// A committer of an overwriting sink needs an ID to tell its files.
	s := file.New(dir, render)
	s.Overwrite = true
	if _, err := s.CreateCommitter(); err == nil {
		t.Error("an overwriting sink without an ID made a committer")
	}
}
