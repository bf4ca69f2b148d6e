package datastream

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// savepointJob is a keyed counting job whose counter has a UID.
type savepointJob struct {
	parallelism int
	records     int64
	keys        int64
	counterUID  string
	from        string
	ignore      bool
	maxPar      int
	seen        *atomic.Int64
	options     map[string]string // more options (state backend)
}

func (j savepointJob) key(i int64) int64 { return (i*7 + i/3) % j.keys }

func (j savepointJob) build(t *testing.T) (*Env, *CollectSink[KeyValue[int64, int64]]) {
	t.Helper()
	env := NewEnv().SetParallelism(j.parallelism)
	if j.from != "" {
		env.SetSavepointPath(j.from).SetIgnoreUnclaimedState(j.ignore)
	}
	if j.maxPar > 0 {
		if err := env.Configure(map[string]string{"pipeline.max-parallelism": itoa(j.maxPar)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := env.Configure(j.options); err != nil {
		t.Fatal(err)
	}
	seen := j.seen
	src := FromGenerator(env, j.records, func(i int64) int64 {
		if seen != nil {
			seen.Add(1)
		}
		return i
	}, WithRate(float64(j.records)))
	keyed := KeyBy(Map(src, j.key), func(k int64) int64 { return k })
	counted := KeyedProcess(keyed, KeyedProcessFunction[int64, int64, KeyValue[int64, int64]](&keyCounter{})).UID(j.counterUID)
	return env, Collect(counted)
}

func (j savepointJob) expected() map[int64]int64 {
	want := map[int64]int64{}
	for i := range j.records {
		want[j.key(i)]++
	}
	return want
}

func countsOf(t *testing.T, kvs []KeyValue[int64, int64]) map[int64]int64 {
	t.Helper()
	got := map[int64]int64{}
	for _, kv := range kvs {
		if _, dup := got[kv.Key]; dup {
			t.Errorf("key %d emitted twice", kv.Key)
		}
		got[kv.Key] = kv.Value
	}
	return got
}

// stopMidway runs j, stops it with a savepoint after about a third of its
// records and returns the savepoint's path.
func stopMidway(t *testing.T, j savepointJob, dir string) string {
	t.Helper()
	j.seen = &atomic.Int64{}
	env, out := j.build(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := env.ExecuteAsync(ctx, "count")
	if err != nil {
		t.Fatal(err)
	}
	for j.seen.Load() < j.records/3 {
		select {
		case <-c.Done():
			t.Fatal("the job ended before the savepoint")
		case <-time.After(time.Millisecond):
		}
	}
	path, err := c.StopWithSavepoint(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Wait(); err != nil {
		t.Fatalf("a job stopped with a savepoint failed: %v", err)
	}
	if !strings.HasPrefix(filepath.Base(path), "savepoint-") {
		t.Fatalf("savepoint path %s", path)
	}
	if _, err := os.Stat(filepath.Join(path, "_metadata")); err != nil {
		t.Fatal(err)
	}
	if n := len(out.Values()); n != 0 {
		t.Fatalf("the stopped job emitted %d final counts", n)
	}
	if j.seen.Load() >= j.records {
		t.Fatal("the job read every record before it stopped")
	}
	return path
}

// A keyed counting job stopped with a savepoint resumes at another
// parallelism with its keyed state (by key-group ranges) and its source
// positions (splits redistributed): the counts equal an uninterrupted run.
func TestSavepointRescale(t *testing.T) {
	for _, tc := range []struct{ from, to int }{{2, 3}, {3, 1}} {
		t.Run(strings.Join([]string{itoa(tc.from), itoa(tc.to)}, "to"), func(t *testing.T) {
			j := savepointJob{parallelism: tc.from, records: 200_000, keys: 500, counterUID: "counter"}
			path := stopMidway(t, j, t.TempDir())
			j.parallelism, j.from = tc.to, path
			env, out := j.build(t)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if _, err := env.Execute(ctx, "count"); err != nil {
				t.Fatal(err)
			}
			sameCounts(t, countsOf(t, out.Values()), j.expected())
		})
	}
}

// A savepoint with state for an operator the job no longer has is refused
// unless execution.savepoint.ignore-unclaimed-state is set.
func TestSavepointUnclaimedState(t *testing.T) {
	j := savepointJob{parallelism: 2, records: 100_000, keys: 100, counterUID: "counter"}
	path := stopMidway(t, j, t.TempDir())
	j.from, j.counterUID = path, "another-counter"
	env, _ := j.build(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := env.Execute(ctx, "count")
	if err == nil || !strings.Contains(err.Error(), "counter") || !strings.Contains(err.Error(), "ignore-unclaimed-state") {
		t.Fatalf("got %v, want a refusal naming the operator and execution.savepoint.ignore-unclaimed-state", err)
	}
	// A different max parallelism is refused too.
	j.counterUID, j.maxPar = "counter", 7
	env, _ = j.build(t)
	if _, err := env.Execute(ctx, "count"); err == nil || !strings.Contains(err.Error(), "max parallelism") {
		t.Fatalf("got %v, want a refusal of the max parallelism", err)
	}
	j.counterUID, j.maxPar = "another-counter", 0
	j.ignore = true
	env, out := j.build(t)
	if _, err := env.Execute(ctx, "count"); err != nil {
		t.Fatal(err)
	}
	// The counts start afresh (the old counter's state is skipped); the
	// source resumes from the savepoint.
	var total int64
	for _, v := range countsOf(t, out.Values()) {
		total += v
	}
	if total <= 0 || total >= j.records {
		t.Fatalf("counted %d records after the resume, want some but fewer than %d", total, j.records)
	}
}

func itoa(n int) string { return string(rune('0' + n)) }

// TriggerSavepoint leaves the job running to its end; a job started from
// the savepoint (at another parallelism) gets the same counts.
func TestTriggerSavepoint(t *testing.T) {
	j := savepointJob{parallelism: 2, records: 200_000, keys: 300, counterUID: "counter", seen: &atomic.Int64{}}
	env, out := j.build(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := env.ExecuteAsync(ctx, "count")
	if err != nil {
		t.Fatal(err)
	}
	for j.seen.Load() < j.records/3 {
		time.Sleep(time.Millisecond)
	}
	path, err := c.TriggerSavepoint(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Wait(); err != nil {
		t.Fatal(err)
	}
	sameCounts(t, countsOf(t, out.Values()), j.expected())
	if _, err := c.TriggerSavepoint(ctx, t.TempDir()); err == nil {
		t.Error("a savepoint of a finished job succeeded")
	}
	j.parallelism, j.from, j.seen = 3, path, nil
	env, out = j.build(t)
	if _, err := env.Execute(ctx, "count"); err != nil {
		t.Fatal(err)
	}
	sameCounts(t, countsOf(t, out.Values()), j.expected())
}
