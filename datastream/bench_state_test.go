package datastream

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkStateCheckpoints measures checkpoints against state size: a
// keyed job takes keys distinct keys from a bulk source, as fast as it
// can, next to a trickle of updates to 1,000 of them that goes on for
// 5.5 s after the bulk is in (then the job stops with a savepoint, not
// counted), with a checkpoint every second, on the heap backend (full
// checkpoints) and on the lsm backend (full, and incremental). It reports
// the size and duration of the checkpoint that holds all the keys (the
// largest), of the checkpoints after it (small changes), and the state
// bytes per key. Run one configuration at a time, e.g.
//
//	go test -run '^$' -bench 'StateCheckpoints/keys=1M/lsm-incremental' -benchtime 1x ./datastream
func BenchmarkStateCheckpoints(b *testing.B) {
	for _, keys := range []int64{1_000_000, 10_000_000} {
		for _, backend := range []string{"heap", "lsm-full", "lsm-incremental"} {
			b.Run(fmt.Sprintf("keys=%dM/%s", keys/1_000_000, backend), func(b *testing.B) {
				for range b.N {
					benchStateCheckpoints(b, keys, backend)
				}
			})
		}
	}
}

func benchStateCheckpoints(b *testing.B, keys int64, backend string) {
	opts := map[string]string{
		"execution.checkpointing.interval": "1s",
		"state.checkpoints.dir":            b.TempDir(),
		"state.checkpoints.num-retained":   "2",
		"eddy.job-id":                      "bench",
	}
	if backend != "heap" {
		opts["state.backend.type"] = "lsm"
		opts["state.backend.lsm.localdir"] = b.TempDir()
		opts["execution.checkpointing.incremental"] = fmt.Sprint(backend == "lsm-incremental")
	}
	env := NewEnv().SetParallelism(1)
	if err := env.Configure(opts); err != nil {
		b.Fatal(err)
	}
	var loaded atomic.Int64
	bulk := FromGenerator(env, keys, func(i int64) int64 { loaded.Add(1); return i * 2654435761 % keys })
	// Small changes: 1,000 updates a second to 1,000 of the keys, until
	// a few checkpoints after the bulk is in.
	trickle := FromGenerator(env, 1<<40, func(i int64) int64 { return i % 1000 }, WithRate(1000))
	keyed := KeyBy(bulk.Union(trickle), func(k int64) int64 { return k })
	KeyedProcess(keyed, KeyedProcessFunction[int64, int64, int64](&bigStateFn{}))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	start := time.Now()
	c, err := env.ExecuteAsync(ctx, "state checkpoints")
	if err != nil {
		b.Fatal(err)
	}
	for loaded.Load() < keys {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(5500 * time.Millisecond)
	if _, err := c.StopWithSavepoint(ctx, b.TempDir()); err != nil {
		b.Fatal(err)
	}
	res, err := c.Wait()
	if err != nil {
		b.Fatal(err)
	}
	cps := res.Checkpoints
	if len(cps) < 3 {
		b.Fatalf("%d checkpoints", len(cps))
	}
	at := 0
	for i, c := range cps {
		if c.Bytes > cps[at].Bytes {
			at = i
		}
	}
	var after, afterMs []int64
	for _, c := range cps[at+1:] {
		if c.Bytes > 1024 { // not the final, finished-task ones
			after = append(after, c.Bytes)
			afterMs = append(afterMs, c.DurationMs)
		}
	}
	b.ReportMetric(float64(cps[at].Bytes), "largest-ckpt-bytes")
	b.ReportMetric(float64(cps[at].DurationMs), "largest-ckpt-ms")
	if len(after) > 0 {
		b.ReportMetric(float64(medianOf(after)), "later-ckpt-bytes")
		b.ReportMetric(float64(medianOf(afterMs)), "later-ckpt-ms")
	}
	b.ReportMetric(float64(cps[at].Bytes)/float64(keys), "ckpt-bytes/key")
	b.ReportMetric(float64(len(cps)), "checkpoints")
	b.ReportMetric(time.Since(start).Seconds(), "job-s")
}

func medianOf(v []int64) int64 {
	s := slices.Sorted(slices.Values(v))
	return s[len(s)/2]
}
