package datastream

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// slowCounter is keyCounter that sleeps 1ms every 16 records: about 15K
// records per second per subtask, far slower than the source, so the job is
// backpressured and the channels into it stay full.
type slowCounter struct {
	keyCounter
	seen int
}

func (c *slowCounter) ProcessElement(v int64, ctx *KeyedContext[int64], out Collector[KeyValue[int64, int64]]) error {
	if c.seen++; c.seen%16 == 0 {
		time.Sleep(time.Millisecond)
	}
	return c.keyCounter.ProcessElement(v, ctx, out)
}

// backpressuredJob runs countJob's pipeline with the slow counter at
// parallelism 2: source (and an optional fail injector) -> Map -> hash ->
// slow keyed counter -> collect.
func backpressuredJob(t *testing.T, records int64, options map[string]string, inj *failInjector) (map[int64]int64, *JobResult) {
	t.Helper()
	j := countJob{records: records, seed: 7, keys: 500}
	env := NewEnv().SetParallelism(2)
	if err := env.Configure(options); err != nil {
		t.Fatal(err)
	}
	var s *DataStream[int64] = FromGenerator(env, records, func(i int64) int64 { return i })
	if inj != nil {
		s = Process(s, ProcessFunction[int64, int64](inj))
	}
	keyed := KeyBy(Map(s, j.key), func(k int64) int64 { return k })
	counts := Collect(KeyedProcess(keyed, KeyedProcessFunction[int64, int64, KeyValue[int64, int64]](&slowCounter{})))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := env.Execute(ctx, "backpressured")
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]int64{}
	for _, kv := range counts.Values() {
		if _, dup := got[kv.Key]; dup {
			t.Errorf("key %d emitted twice", kv.Key)
		}
		got[kv.Key] = kv.Value
	}
	sameCounts(t, got, j.expected())
	return got, res
}

func unalignedOptions(dir string, extra ...string) map[string]string {
	o := ckOptions(dir, "job")
	o["execution.checkpointing.interval"] = "100ms"
	o["state.checkpoints.num-retained"] = "100"
	// 8 buffers of 256 records per channel: about 4K records in flight
	// into each counter subtask, some 300ms of its work.
	o["taskmanager.network.memory.buffers-per-channel"] = "8"
	o["eddy.exchange.batch-size"] = "256"
	for i := 0; i+1 < len(extra); i += 2 {
		o[extra[i]] = extra[i+1]
	}
	return o
}

func durations(cps []CheckpointStat) []int64 {
	var ds []int64
	for _, c := range cps {
		ds = append(ds, c.DurationMs)
	}
	return ds
}

func median(ds []int64) int64 {
	s := slices.Sorted(slices.Values(ds))
	return s[len(s)/2]
}

// channelStateFiles lists the channel state files of the job's retained
// checkpoints.
func channelStateFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "job", "chk-*", "*-channels"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// Under backpressure an aligned barrier waits behind the records queued in
// every channel on its way; an unaligned one overtakes them, so unaligned
// checkpoints complete much faster, and their channel state holds the
// overtaken records.
func TestUnalignedCheckpointsUnderBackpressure(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two jobs of about two seconds")
	}
	const records = 40_000
	alignedDir, unalignedDir := t.TempDir(), t.TempDir()
	_, aligned := backpressuredJob(t, records, unalignedOptions(alignedDir), nil)
	_, unaligned := backpressuredJob(t, records, unalignedOptions(unalignedDir, "execution.checkpointing.unaligned.enabled", "true"), nil)
	ad, ud := durations(aligned.Checkpoints), durations(unaligned.Checkpoints)
	t.Logf("aligned checkpoint durations (ms): %v", ad)
	t.Logf("unaligned checkpoint durations (ms): %v", ud)
	if len(ud) < 5 {
		t.Fatalf("%d unaligned checkpoints completed in %v, want at least 5", len(ud), unaligned.Duration)
	}
	if len(ad) == 0 {
		t.Fatal("no aligned checkpoint completed")
	}
	if ma, mu := median(ad), median(ud); mu*3 > ma {
		t.Errorf("median unaligned checkpoint %dms, aligned %dms: want unaligned at least 3 times faster", mu, ma)
	}
	if len(channelStateFiles(t, alignedDir)) != 0 {
		t.Error("aligned checkpoints wrote channel state")
	}
	if len(channelStateFiles(t, unalignedDir)) == 0 {
		t.Error("no unaligned checkpoint wrote channel state")
	}
}

// With unaligned checkpoints and injected failures, restoring replays the
// channel state: the counts are exactly those of a failure-free run.
func TestUnalignedCheckpointRecoveryExactlyOnce(t *testing.T) {
	for _, opts := range [][]string{
		{"execution.checkpointing.unaligned.enabled", "true"},
		{"execution.checkpointing.unaligned.enabled", "true", "execution.checkpointing.aligned-checkpoint-timeout", "30ms"},
	} {
		t.Run(strings.Join(opts, "="), func(t *testing.T) {
			dir := t.TempDir()
			left := &atomic.Int64{}
			left.Store(2)
			inj := &failInjector{subtask: 1, at: 9_000, left: left, processed: &atomic.Int64{}, failedAt: &atomic.Int64{}}
			_, res := backpressuredJob(t, 40_000, unalignedOptions(dir, opts...), inj)
			if left.Load() > 0 {
				t.Fatalf("%d failures not injected", left.Load())
			}
			if len(res.Restarts) != 2 {
				t.Fatalf("%d restarts, want 2", len(res.Restarts))
			}
			restoredFrom := 0
			for _, r := range res.Restarts {
				if r.CheckpointID > 0 {
					restoredFrom++
				}
			}
			if restoredFrom == 0 {
				t.Error("no restart restored a checkpoint")
			}
			if len(channelStateFiles(t, dir)) == 0 {
				t.Error("no checkpoint holds channel state")
			}
		})
	}
}

// With an aligned checkpoint timeout, checkpoints start aligned and switch
// to unaligned where the alignment lasts too long: under backpressure they
// complete soon after the timeout, with channel state; with a timeout
// longer than the alignment they stay aligned, without.
func TestAlignedCheckpointTimeoutSwitchesToUnaligned(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two jobs of about two seconds")
	}
	const records = 40_000
	switchDir, longDir := t.TempDir(), t.TempDir()
	_, switched := backpressuredJob(t, records, unalignedOptions(switchDir,
		"execution.checkpointing.unaligned.enabled", "true", "execution.checkpointing.aligned-checkpoint-timeout", "50ms"), nil)
	_, long := backpressuredJob(t, records, unalignedOptions(longDir,
		"execution.checkpointing.unaligned.enabled", "true", "execution.checkpointing.aligned-checkpoint-timeout", "1h"), nil)
	sd, ld := durations(switched.Checkpoints), durations(long.Checkpoints)
	t.Logf("timeout 50ms: checkpoint durations (ms): %v", sd)
	t.Logf("timeout 1h: checkpoint durations (ms): %v", ld)
	if len(sd) < 5 || len(ld) == 0 {
		t.Fatalf("%d and %d checkpoints completed", len(sd), len(ld))
	}
	if ms, ml := median(sd), median(ld); ms*2 > ml {
		t.Errorf("median checkpoint with a 50ms timeout %dms, never timing out %dms: want the first at least twice as fast", ms, ml)
	}
	if len(channelStateFiles(t, switchDir)) == 0 {
		t.Error("no checkpoint switched to unaligned")
	}
	if files := channelStateFiles(t, longDir); len(files) != 0 {
		t.Errorf("checkpoints that never timed out wrote channel state: %v", files)
	}
}

// Unaligned checkpoints need exactly-once; the timeout must not be
// negative.
func TestUnalignedConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		options map[string]string
		want    string
	}{
		{map[string]string{"execution.checkpointing.unaligned.enabled": "true", "execution.checkpointing.mode": "AT_LEAST_ONCE"}, "requires execution.checkpointing.mode EXACTLY_ONCE"},
		{map[string]string{"execution.checkpointing.aligned-checkpoint-timeout": "-1s"}, "must not be negative"},
		{map[string]string{"execution.checkpointing.unaligned.enabled": "maybe"}, "execution.checkpointing.unaligned.enabled"},
	} {
		err := NewEnv().Configure(tc.options)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.options, err, tc.want)
		}
	}
	env := NewEnv()
	if err := env.Configure(map[string]string{"execution.checkpointing.unaligned.enabled": "true", "execution.checkpointing.aligned-checkpoint-timeout": "2s"}); err != nil {
		t.Fatal(err)
	}
	if c := env.Config(); !c.UnalignedCheckpoints || c.AlignedCheckpointTimeout != 2*time.Second {
		t.Errorf("config %+v", c)
	}
}

// A checkpoint with channel state restores at the same parallelism only;
// a corrupted channel state file is detected before restoring, naming it.
func TestUnalignedCheckpointRestoreChecks(t *testing.T) {
	dir := t.TempDir()
	backpressuredJob(t, 30_000, unalignedOptions(dir, "execution.checkpointing.unaligned.enabled", "true"), nil)
	files := channelStateFiles(t, dir)
	if len(files) == 0 {
		t.Fatal("no channel state written")
	}
	chk := filepath.Dir(files[0])
	run := func(p int) error {
		env := NewEnv().SetParallelism(p).SetSavepointPath(chk)
		j := countJob{records: 100, seed: 7, keys: 500}
		keyed := KeyBy(Map(FromGenerator(env, 100, func(i int64) int64 { return i }), j.key), func(k int64) int64 { return k })
		Collect(KeyedProcess(keyed, KeyedProcessFunction[int64, int64, KeyValue[int64, int64]](&slowCounter{})))
		_, err := env.Execute(context.Background(), "restore")
		return err
	}
	if err := run(3); err == nil || !strings.Contains(err.Error(), "same parallelism") {
		t.Errorf("rescaling: error %v", err)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0xff
	if err := os.WriteFile(files[0], data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(2); err == nil || !strings.Contains(err.Error(), filepath.Base(files[0])) {
		t.Errorf("corrupted channel state: error %v", err)
	}
}
