package datastream

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/connector"
	"github.com/eddy-streams/eddy/eventtime"
	"github.com/eddy-streams/eddy/internal/checkpoint/storage"
	"github.com/eddy-streams/eddy/state"
)

// failInjector passes records on and panics once (the first time its
// subtask reaches at records, while armed is true).
type failInjector struct {
	subtask   int
	at        int64
	always    bool
	slow      bool          // sleep 1ms every 500 records
	left      *atomic.Int64 // if set: fail this many times (armed is not used)
	armed     *atomic.Bool
	processed *atomic.Int64
	failedAt  *atomic.Int64

	sub  int
	seen int64
}

func (f *failInjector) Open(rc *RuntimeContext) error {
	f.sub, f.seen = rc.Subtask(), 0
	return nil
}

func (f *failInjector) take() bool {
	if f.left != nil {
		return f.left.Add(-1) >= 0
	}
	return f.armed.CompareAndSwap(true, false)
}

func (f *failInjector) ProcessElement(v int64, _ *ProcessContext, out Collector[int64]) error {
	f.seen++
	f.processed.Add(1)
	if f.slow && f.seen%500 == 0 {
		time.Sleep(time.Millisecond)
	}
	if f.sub == f.subtask && f.seen == f.at && (f.always || f.take()) {
		f.failedAt.Store(f.processed.Load())
		panic(fmt.Sprintf("injected failure at record %d of subtask %d", f.at, f.sub))
	}
	out.Collect(v)
	return nil
}

// keyCounter counts records per key and emits the final count at the end
// of input (an event-time timer fires at the final watermark).
type keyCounter struct {
	count state.ValueState[int64]
}

func (c *keyCounter) Open(rc *RuntimeContext) error {
	var err error
	c.count, err = GetValueState(rc, state.Value[int64]("count"))
	return err
}

func (c *keyCounter) ProcessElement(v int64, ctx *KeyedContext[int64], out Collector[KeyValue[int64, int64]]) error {
	n, _ := c.count.Value()
	c.count.Update(n + 1)
	ctx.TimerService().RegisterEventTimeTimer(1 << 40)
	return nil
}

func (c *keyCounter) OnTimer(ts int64, ctx *TimerContext[int64], out Collector[KeyValue[int64, int64]]) error {
	n, _ := c.count.Value()
	out.Collect(KeyValue[int64, int64]{ctx.CurrentKey(), n})
	return nil
}

type countJob struct {
	parallelism int
	records     int64
	rate        float64
	seed        int64
	keys        int64
	fromSlice   bool
	options     map[string]string
	injector    *failInjector
	result      *JobResult // if set, filled with the job's result
}

func (j countJob) key(i int64) int64 { return (i*j.seed + i/7) % j.keys }

func (j countJob) expected() map[int64]int64 {
	want := map[int64]int64{}
	for i := range j.records {
		want[j.key(i)]++
	}
	return want
}

func (j countJob) run(t *testing.T) (map[int64]int64, error) {
	t.Helper()
	env := NewEnv().SetParallelism(j.parallelism)
	if err := env.Configure(j.options); err != nil {
		t.Fatal(err)
	}
	var opts []GeneratorOption
	if j.rate > 0 {
		opts = append(opts, WithRate(j.rate))
	}
	var src *DataStream[int64]
	if j.fromSlice {
		elems := make([]int64, j.records)
		for i := range elems {
			elems[i] = int64(i)
		}
		src = FromSlice(env, elems)
	} else {
		src = FromGenerator(env, j.records, func(i int64) int64 { return i }, opts...)
	}
	var s *DataStream[int64] = src
	if j.injector != nil {
		s = Process(src, ProcessFunction[int64, int64](j.injector))
	}
	keyed := KeyBy(Map(s, j.key), func(k int64) int64 { return k })
	counts := Collect(KeyedProcess(keyed, KeyedProcessFunction[int64, int64, KeyValue[int64, int64]](&keyCounter{})))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := env.Execute(ctx, "count")
	if err != nil {
		return nil, err
	}
	if j.result != nil {
		*j.result = *res
	}
	got := map[int64]int64{}
	for _, kv := range counts.Values() {
		if _, dup := got[kv.Key]; dup {
			t.Errorf("key %d emitted twice", kv.Key)
		}
		got[kv.Key] = kv.Value
	}
	return got, nil
}

func sameCounts(t *testing.T, got, want map[int64]int64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d keys, want %d", len(got), len(want))
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("key %d: count %d, want %d", k, got[k], v)
		}
	}
}

func ckOptions(dir, jobID string) map[string]string {
	return map[string]string{
		"execution.checkpointing.interval":   "50ms",
		"state.checkpoints.dir":              dir,
		"state.checkpoints.num-retained":     "2",
		"eddy.job-id":                        jobID,
		"restart-strategy.fixed-delay.delay": "10ms",
	}
}

// A task failure restores keyed state, timers and source positions from
// the latest checkpoint: the final counts equal a failure-free run.
func TestCheckpointRecoveryExactlyOnce(t *testing.T) {
	for _, tc := range []struct {
		parallelism int
		seed        int64
		subtask     int
		at          int64
	}{
		{1, 3, 0, 60_000},
		{2, 5, 1, 40_000},
		{2, 11, 0, 70_000},
	} {
		t.Run(fmt.Sprintf("p%d-seed%d-at%d", tc.parallelism, tc.seed, tc.at), func(t *testing.T) {
			dir := t.TempDir()
			armed, processed, failedAt := &atomic.Bool{}, &atomic.Int64{}, &atomic.Int64{}
			armed.Store(true)
			j := countJob{parallelism: tc.parallelism, records: 200_000, rate: 200_000 * float64(tc.parallelism), seed: tc.seed, keys: 1000,
				options:  ckOptions(dir, "job"),
				injector: &failInjector{subtask: tc.subtask, at: tc.at, armed: armed, processed: processed, failedAt: failedAt}}
			got, err := j.run(t)
			if err != nil {
				t.Fatal(err)
			}
			if armed.Load() {
				t.Fatal("the failure was not injected")
			}
			sameCounts(t, got, j.expected())
			// The restarted attempt resumed from a checkpoint, not from
			// the beginning.
			if replayed := processed.Load() - j.records; replayed >= failedAt.Load() {
				t.Errorf("replayed %d records of the %d before the failure: no checkpoint was restored", replayed, failedAt.Load())
			}
		})
	}
}

// Checkpoints are laid out as <dir>/<job-id>/chk-<n>/, complete ones have
// _metadata, and only the retained ones are kept.
func TestCheckpointLayout(t *testing.T) {
	dir := t.TempDir()
	j := countJob{parallelism: 2, records: 30_000, rate: 100_000, seed: 3, keys: 100, options: ckOptions(dir, "layout")}
	// Every retained checkpoint then has the state of every subtask (a
	// subtask that ended after its final checkpoint has none).
	j.options["execution.checkpointing.checkpoints-after-tasks-finish.enabled"] = "false"
	got, err := j.run(t)
	if err != nil {
		t.Fatal(err)
	}
	sameCounts(t, got, j.expected())
	entries, err := os.ReadDir(filepath.Join(dir, "layout"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 || len(entries) > 2 {
		t.Fatalf("%d checkpoint folders, want 1 or 2 (state.checkpoints.num-retained)", len(entries))
	}
	for _, e := range entries {
		if _, ok := storage.ParseCheckpointDir(e.Name()); !ok {
			t.Fatalf("unexpected entry %s", e.Name())
		}
		m, files, err := storage.Load(storage.NewLocal(dir), "layout/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		var keyed, source int
		for _, op := range m.Operators {
			for _, st := range op.Subtasks {
				if st.KeyedState != nil {
					keyed++
					if _, ok := files[st.KeyedState.Name]; !ok {
						t.Errorf("state file %s not loaded", st.KeyedState.Name)
					}
				}
				if st.Source != nil {
					source++
				}
			}
		}
		if keyed != 2 || source != 2 {
			t.Errorf("%s: %d keyed subtask states, %d source subtask states, want 2 and 2", e.Name(), keyed, source)
		}
	}
}

// A job starts from a retained checkpoint (execution.savepoint.path) and
// ends with the same result; a corrupted state file makes it fall back to
// the previous checkpoint, or fail naming the file when the path names the
// corrupted checkpoint.
func TestStartFromRetainedCheckpointAndCorruption(t *testing.T) {
	dir := t.TempDir()
	j := countJob{parallelism: 2, records: 40_000, rate: 80_000, seed: 7, keys: 50, options: ckOptions(dir, "first")}
	// The newest retained checkpoints are then from before the end: after
	// a final checkpoint there would be nothing left to do.
	j.options["execution.checkpointing.checkpoints-after-tasks-finish.enabled"] = "false"
	if _, err := j.run(t); err != nil {
		t.Fatal(err)
	}
	ids, err := storage.Completed(storage.NewLocal(dir), "first")
	if err != nil || len(ids) != 2 {
		t.Fatalf("retained checkpoints %v (%v), want 2", ids, err)
	}
	latest := filepath.Join(dir, "first", fmt.Sprintf("chk-%d", ids[1]))

	resume := j
	resume.rate = 0
	resume.options = map[string]string{"execution.savepoint.path": latest}
	got, err := resume.run(t)
	if err != nil {
		t.Fatal(err)
	}
	sameCounts(t, got, j.expected())

	// Corrupt one state file of the latest checkpoint.
	files, _ := filepath.Glob(filepath.Join(latest, "node-*"))
	if len(files) == 0 {
		t.Fatal("no state file")
	}
	data, _ := os.ReadFile(files[0])
	data[len(data)/2] ^= 0xff
	if err := os.WriteFile(files[0], data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := resume.run(t); err == nil || !strings.Contains(err.Error(), filepath.Base(files[0])) {
		t.Fatalf("restoring a corrupted checkpoint: %v, want an error naming %s", err, files[0])
	}
	resume.options = map[string]string{"execution.savepoint.path": filepath.Join(dir, "first")}
	got, err = resume.run(t)
	if err != nil {
		t.Fatal(err)
	}
	sameCounts(t, got, j.expected())

	// Started again under the same job id from the older checkpoint, with
	// checkpointing: new checkpoints get ids after every existing folder.
	again := j
	again.options = ckOptions(dir, "first")
	again.options["execution.checkpointing.checkpoints-after-tasks-finish.enabled"] = "false"
	again.options["execution.savepoint.path"] = filepath.Join(dir, "first", fmt.Sprintf("chk-%d", ids[0]))
	if got, err = again.run(t); err != nil {
		t.Fatal(err)
	}
	sameCounts(t, got, j.expected())
	after, _ := storage.Completed(storage.NewLocal(dir), "first")
	if len(after) < 3 || after[0] != ids[0] || after[1] != ids[1] || after[2] <= ids[1] {
		t.Fatalf("checkpoints after the second run %v (before %v)", after, ids)
	}
}

// When the restart strategy gives up, the job fails with the root cause.
func TestRestartStrategyExhausted(t *testing.T) {
	for _, strategy := range []map[string]string{
		{"restart-strategy.type": "fixed-delay", "restart-strategy.fixed-delay.attempts": "2", "restart-strategy.fixed-delay.delay": "1ms"},
		{"restart-strategy.type": "failure-rate", "restart-strategy.failure-rate.max-failures-per-interval": "2",
			"restart-strategy.failure-rate.failure-rate-interval": "1m", "restart-strategy.failure-rate.delay": "1ms"},
		{"restart-strategy.type": "none"},
	} {
		opts := ckOptions(t.TempDir(), "fails")
		for k, v := range strategy {
			opts[k] = v
		}
		armed, processed, failedAt := &atomic.Bool{}, &atomic.Int64{}, &atomic.Int64{}
		j := countJob{parallelism: 1, records: 10_000, seed: 1, keys: 10, options: opts,
			injector: &failInjector{subtask: 0, at: 100, always: true, armed: armed, processed: processed, failedAt: failedAt}}
		_, err := j.run(t)
		if err == nil || !strings.Contains(err.Error(), "injected failure at record 100") {
			t.Fatalf("%v: got %v, want the root cause", strategy, err)
		}
		attempts := processed.Load() / 100
		want := map[string]int64{"fixed-delay": 3, "failure-rate": 3, "none": 1}[strategy["restart-strategy.type"]]
		if attempts != want {
			t.Errorf("%v: %d attempts, want %d", strategy, attempts, want)
		}
	}
}

// The restart strategies' delays, without a job.
func TestRestartOptions(t *testing.T) {
	env := NewEnv()
	if err := env.Configure(map[string]string{"restart-strategy.type": "bogus"}); err == nil {
		t.Fatal("unknown strategy accepted")
	}
	if err := env.Configure(map[string]string{"execution.checkpointing.interval": "1s"}); err != nil {
		t.Fatal(err)
	}
	FromSlice(env, []int{1}).Print()
	if _, err := env.Execute(context.Background(), "nodir"); err == nil || !strings.Contains(err.Error(), "state.checkpoints.dir") {
		t.Fatalf("checkpointing without state.checkpoints.dir: %v", err)
	}
	env = NewEnv()
	if err := env.Configure(map[string]string{"execution.checkpointing.mode": "at-least-once", "state.checkpoints.dir": "x",
		"execution.checkpointing.interval": "1s", "restart-strategy.type": "exponential-delay",
		"restart-strategy.exponential-delay.initial-backoff": "10ms", "restart-strategy.exponential-delay.max-backoff": "40ms",
		"restart-strategy.exponential-delay.backoff-multiplier": "2"}); err != nil {
		t.Fatal(err)
	}
}

// hiddenCodec hides the split codec of the source it wraps.
type hiddenCodec[T any] struct{ connector.Source[T] }

// A source that cannot be checkpointed fails a checkpointed job at once,
// instead of restarting forever.
func TestCheckpointingNeedsSplitCodec(t *testing.T) {
	env := NewEnv()
	if err := env.Configure(ckOptions(t.TempDir(), "nocodec")); err != nil {
		t.Fatal(err)
	}
	src := &generatorSource[int64]{count: 10, fn: func(i int64) int64 { return i }}
	Collect(FromSource[int64](env, hiddenCodec[int64]{src}, eventtime.NoWatermarks[int64](), "plain"))
	_, err := env.Execute(context.Background(), "nocodec")
	if err == nil || !strings.Contains(err.Error(), "SplitCodec") {
		t.Fatalf("got %v, want an error about connector.SplitCodec", err)
	}
}

// The slice source's position (elements emitted) is checkpointed too.
func TestCheckpointRecoveryFromSlice(t *testing.T) {
	armed, processed, failedAt := &atomic.Bool{}, &atomic.Int64{}, &atomic.Int64{}
	armed.Store(true)
	j := countJob{parallelism: 1, records: 60_000, seed: 13, keys: 300, fromSlice: true,
		options:  ckOptions(t.TempDir(), "slice"),
		injector: &failInjector{subtask: 0, at: 45_000, slow: true, armed: armed, processed: processed, failedAt: failedAt}}
	got, err := j.run(t)
	if err != nil {
		t.Fatal(err)
	}
	if armed.Load() {
		t.Fatal("the failure was not injected")
	}
	sameCounts(t, got, j.expected())
	if replayed := processed.Load() - j.records; replayed >= failedAt.Load() {
		t.Errorf("replayed %d records of the %d before the failure: no checkpoint was restored", replayed, failedAt.Load())
	}
}

// Several failures in a row, each recovered from the checkpoint taken
// after the previous recovery.
func TestCheckpointRecoveryRepeatedFailures(t *testing.T) {
	processed, failedAt, left := &atomic.Int64{}, &atomic.Int64{}, &atomic.Int64{}
	left.Store(3)
	j := countJob{parallelism: 2, records: 200_000, rate: 400_000, seed: 17, keys: 500,
		options:  ckOptions(t.TempDir(), "again"),
		injector: &failInjector{subtask: 1, at: 20_000, armed: &atomic.Bool{}, left: left, processed: processed, failedAt: failedAt}}
	got, err := j.run(t)
	if err != nil {
		t.Fatal(err)
	}
	if left.Load() >= 0 {
		t.Fatalf("%d failures not injected", left.Load()+1)
	}
	sameCounts(t, got, j.expected())
}

// chanCounter keeps state of a type without codec: its snapshots fail.
type chanCounter struct {
	st state.ValueState[chan int]
}

func (c *chanCounter) Open(rc *RuntimeContext) error {
	var err error
	c.st, err = GetValueState(rc, state.Value[chan int]("unserializable"))
	return err
}

func (c *chanCounter) ProcessElement(v int64, ctx *KeyedContext[int64], out Collector[int64]) error {
	c.st.Update(make(chan int))
	out.Collect(v)
	return nil
}

// Failed checkpoints beyond execution.checkpointing.tolerable-failed-checkpoints
// fail the job.
func TestCheckpointFailuresFailTheJob(t *testing.T) {
	env := NewEnv()
	opts := ckOptions(t.TempDir(), "declines")
	opts["restart-strategy.type"] = "none"
	opts["execution.checkpointing.tolerable-failed-checkpoints"] = "1"
	if err := env.Configure(opts); err != nil {
		t.Fatal(err)
	}
	src := FromGenerator(env, -1, func(i int64) int64 { return i % 10 }, WithRate(10_000))
	Collect(KeyedProcess(KeyBy(src, func(v int64) int64 { return v }), KeyedProcessFunction[int64, int64, int64](&chanCounter{})))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := env.Execute(ctx, "declines")
	if err == nil || !strings.Contains(err.Error(), "tolerable failure threshold (1)") || !strings.Contains(err.Error(), "unserializable") {
		t.Fatalf("got %v, want the checkpoint failure naming the state", err)
	}
}

// JobResult reports every completed checkpoint (id, duration, bytes) and
// every recovery (time until all restored tasks opened their operators).
func TestJobResultCheckpointAndRestartStats(t *testing.T) {
	dir := t.TempDir()
	armed, processed, failedAt := &atomic.Bool{}, &atomic.Int64{}, &atomic.Int64{}
	armed.Store(true)
	var res JobResult
	j := countJob{parallelism: 2, records: 200_000, rate: 400_000, seed: 5, keys: 1000,
		options:  ckOptions(dir, "job"),
		injector: &failInjector{subtask: 1, at: 40_000, armed: armed, processed: processed, failedAt: failedAt},
		result:   &res}
	got, err := j.run(t)
	if err != nil {
		t.Fatal(err)
	}
	sameCounts(t, got, j.expected())
	if len(res.Checkpoints) == 0 {
		t.Fatal("no checkpoint statistics")
	}
	var last int64
	for _, c := range res.Checkpoints {
		if c.ID <= last {
			t.Errorf("checkpoint ids not increasing: %d after %d", c.ID, last)
		}
		last = c.ID
		if c.DurationMs < 0 || c.Bytes <= 0 {
			t.Errorf("checkpoint %d: duration %d ms, %d bytes", c.ID, c.DurationMs, c.Bytes)
		}
	}
	if len(res.Restarts) != 1 {
		t.Fatalf("%d restarts reported, want 1: %+v", len(res.Restarts), res.Restarts)
	}
	r := res.Restarts[0]
	if r.Attempt != 1 || r.CheckpointID <= 0 || r.RecoveryMs < 10 || r.RecoveryMs > 30_000 {
		// The restart delay is 10ms: recovery cannot be shorter.
		t.Errorf("restart %+v", r)
	}

	// A failure-free run reports checkpoints and no restart.
	var clean JobResult
	j2 := countJob{parallelism: 2, records: 100_000, rate: 400_000, seed: 5, keys: 1000,
		options: ckOptions(t.TempDir(), "job2"), result: &clean}
	if _, err := j2.run(t); err != nil {
		t.Fatal(err)
	}
	if len(clean.Checkpoints) == 0 || len(clean.Restarts) != 0 {
		t.Errorf("failure-free run: %d checkpoints, %d restarts", len(clean.Checkpoints), len(clean.Restarts))
	}
}

// Checkpoints go on after a bounded source finished (FLIP-147): its tasks
// wait for a final checkpoint and then count as finished, so a failure
// after that restores from a checkpoint that has the finished source's
// contribution in the keyed state and does not read it again: the counts
// are exactly those of a failure-free run.
func TestCheckpointsAfterTasksFinish(t *testing.T) {
	const short, long = 2_000, 60_000
	key := func(i int64) int64 { return i % 97 }
	want := map[int64]int64{}
	for i := range int64(short) {
		want[key(i)]++
	}
	for i := range int64(long) {
		want[key(i)]++
	}
	for _, fail := range []bool{false, true} {
		t.Run(fmt.Sprintf("failure=%v", fail), func(t *testing.T) {
			env := NewEnv().SetParallelism(2)
			if err := env.Configure(ckOptions(t.TempDir(), "job")); err != nil {
				t.Fatal(err)
			}
			shortSrc := FromGenerator(env, short, func(i int64) int64 { return i })
			longSrc := FromGenerator(env, long, func(i int64) int64 { return i }, WithRate(long))
			var armed atomic.Bool
			armed.Store(fail)
			inj := &failInjector{subtask: 1, at: long / 2 * 3 / 4, armed: &armed, processed: &atomic.Int64{}, failedAt: &atomic.Int64{}}
			longSrc = Process(longSrc, ProcessFunction[int64, int64](inj))
			keyed := KeyBy(Map(shortSrc.Union(longSrc), key), func(k int64) int64 { return k })
			counts := Collect(KeyedProcess(keyed, KeyedProcessFunction[int64, int64, KeyValue[int64, int64]](&keyCounter{})))
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			res, err := env.Execute(ctx, "count")
			if err != nil {
				t.Fatal(err)
			}
			got := map[int64]int64{}
			for _, kv := range counts.Values() {
				got[kv.Key] += kv.Value
			}
			sameCounts(t, got, want)
			// The short source ends within milliseconds; the run lasts
			// about a second with checkpoints every 50 ms.
			if len(res.Checkpoints) < 5 {
				t.Errorf("%d checkpoints completed, want checkpoints after the short source finished", len(res.Checkpoints))
			}
			if fail && len(res.Restarts) != 1 {
				t.Errorf("%d restarts, want 1", len(res.Restarts))
			}
		})
	}
}
