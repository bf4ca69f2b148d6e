package datastream

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/state"
)

func lsmOptions(t *testing.T, incremental, localRecovery bool) map[string]string {
	opts := ckOptions(t.TempDir(), "lsm")
	opts["state.backend.type"] = "lsm"
	opts["state.backend.lsm.localdir"] = t.TempDir()
	opts["state.backend.lsm.writebuffer.size"] = "4mb"
	opts["state.backend.lsm.block.cache-size"] = "4mb"
	opts["execution.checkpointing.incremental"] = fmt.Sprint(incremental)
	opts["state.backend.local-recovery"] = fmt.Sprint(localRecovery)
	return opts
}

// The keyed counting job on the lsm backend, with full or incremental
// checkpoints, with and without local recovery, and a failure: the counts
// equal a failure-free run, and no database is left behind.
func TestLSMBackendExactlyOnce(t *testing.T) {
	for _, tc := range []struct {
		name               string
		incremental, local bool
	}{{"full", false, false}, {"incremental", true, false}, {"incremental-local", true, true}} {
		t.Run(tc.name, func(t *testing.T) {
			opts := lsmOptions(t, tc.incremental, tc.local)
			var armed atomic.Bool
			armed.Store(true)
			var res JobResult
			j := countJob{parallelism: 2, records: 60_000, rate: 80_000, seed: 3, keys: 500, options: opts, result: &res,
				injector: &failInjector{subtask: 1, at: 20_000, armed: &armed, processed: &atomic.Int64{}, failedAt: &atomic.Int64{}}}
			got, err := j.run(t)
			if err != nil {
				t.Fatal(err)
			}
			sameCounts(t, got, j.expected())
			if len(res.Restarts) != 1 || res.Restarts[0].CheckpointID == 0 {
				t.Errorf("restarts %+v, want one from a checkpoint", res.Restarts)
			}
			if left, _ := os.ReadDir(opts["state.backend.lsm.localdir"]); len(left) != 0 {
				t.Errorf("%d entries left in the lsm directory", len(left))
			}
		})
	}
}

// bigStateJob writes many distinct keys first, then updates a few keys
// for a while.
type bigStateFn struct{ v state.ValueState[int64] }

func (f *bigStateFn) Open(rc *RuntimeContext) error {
	var err error
	f.v, err = GetValueState(rc, state.Value[int64]("v"))
	return err
}

func (f *bigStateFn) ProcessElement(x int64, ctx *KeyedContext[int64], out Collector[int64]) error {
	n, _ := f.v.Value()
	f.v.Update(n + x)
	return nil
}

// With incremental checkpoints a checkpoint after a small change uploads a
// small fraction of the one that captured the bulk of the state.
func TestLSMIncrementalCheckpointSizes(t *testing.T) {
	distinct, updates := int64(150_000), int64(150_000)
	if raceEnabled {
		distinct, updates = 40_000, 40_000
	}
	opts := lsmOptions(t, true, false)
	opts["execution.checkpointing.interval"] = "100ms"
	env := NewEnv().SetParallelism(1)
	if err := env.Configure(opts); err != nil {
		t.Fatal(err)
	}
	src := FromGenerator(env, distinct+updates, func(i int64) int64 {
		if i < distinct {
			return i
		}
		return i % 50
	}, WithRate(300_000))
	keyed := KeyBy(src, func(k int64) int64 { return k })
	KeyedProcess(keyed, KeyedProcessFunction[int64, int64, int64](&bigStateFn{}))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := env.Execute(ctx, "big state")
	if err != nil {
		t.Fatal(err)
	}
	// A checkpoint of over 256 KiB, then a later one under a tenth of it.
	// (Compactions of the small database may upload the bulk again later:
	// which checkpoint is the largest depends on timing.)
	var sizes []string
	var big int64 // the largest so far
	biggest, smallAfter := int64(0), false
	for _, c := range res.Checkpoints {
		sizes = append(sizes, fmt.Sprint(c.Bytes))
		if big >= 256<<10 && c.Bytes*10 < big {
			smallAfter = true
		}
		big = max(big, c.Bytes)
		biggest = max(biggest, c.Bytes)
	}
	t.Logf("checkpoint sizes: %s", strings.Join(sizes, " "))
	if biggest < 256<<10 || !smallAfter {
		t.Errorf("checkpoint sizes %v: want one of over 256 KiB followed by one under a tenth of it", sizes)
	}
}

// A savepoint taken on one backend restores on the other, at another
// parallelism.
func TestSavepointAcrossBackends(t *testing.T) {
	for _, tc := range []struct{ from, to string }{{"lsm", "heap"}, {"heap", "lsm"}} {
		t.Run(tc.from+"to"+tc.to, func(t *testing.T) {
			j := savepointJob{parallelism: 2, records: 100_000, keys: 300, counterUID: "counter",
				options: map[string]string{"state.backend.type": tc.from, "state.backend.lsm.localdir": t.TempDir()}}
			path := stopMidway(t, j, t.TempDir())
			j.parallelism, j.from = 3, path
			j.options = map[string]string{"state.backend.type": tc.to, "state.backend.lsm.localdir": t.TempDir()}
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

func TestStateBackendOptions(t *testing.T) {
	for _, bad := range []map[string]string{
		{"state.backend.type": "memory"},
		{"state.backend.lsm.block.cache-size": "12 parsecs"},
		{"state.backend.rocksdb.writebuffer.size": "-1"},
		{"execution.checkpointing.incremental": "maybe"},
	} {
		if err := NewEnv().Configure(bad); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
	var c Config
	for k, v := range map[string]string{"state.backend.type": "rocksdb", "state.backend.rocksdb.block.cache-size": "16 mb", "state.backend.incremental": "true"} {
		if err := c.set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if c.State.Type != "lsm" || c.State.BlockCacheSize != 16<<20 || !c.State.Incremental {
		t.Errorf("parsed %+v", c.State)
	}
}

// payloadFn keeps a 200-byte value per key, incompressible.
type payloadFn struct {
	v   state.ValueState[string]
	buf [200]byte
}

func (f *payloadFn) Open(rc *RuntimeContext) error {
	var err error
	f.v, err = GetValueState(rc, state.Value[string]("payload"))
	return err
}

func (f *payloadFn) ProcessElement(x int64, ctx *KeyedContext[int64], out Collector[int64]) error {
	old, _ := f.v.Value()
	if old == "" {
		out.Collect(1) // a new key
	}
	r := uint64(x) + uint64(len(old)) + 0x9e3779b97f4a7c15
	for i := range f.buf {
		r ^= r << 13
		r ^= r >> 7
		r ^= r << 17
		f.buf[i] = byte(r)
	}
	f.v.Update(string(f.buf[:]))
	return nil
}

// A job whose keyed state is more than ten times the memory given to the
// lsm backend (block cache and memtables) runs to completion: the state
// lives on disk.
func TestLSMStateLargerThanMemoryBudget(t *testing.T) {
	keys, valueSize := int64(80_000), int64(200)
	if raceEnabled {
		keys = 45_000
	}
	opts := lsmOptions(t, true, false)
	opts["state.backend.lsm.writebuffer.size"] = "256kb"
	opts["state.backend.lsm.block.cache-size"] = "256kb"
	opts["execution.checkpointing.interval"] = "200ms"
	env := NewEnv().SetParallelism(1)
	if err := env.Configure(opts); err != nil {
		t.Fatal(err)
	}
	src := FromGenerator(env, keys, func(i int64) int64 { return i * 7919 % keys })
	newKeys := Collect(KeyedProcess(KeyBy(src, func(k int64) int64 { return k }), KeyedProcessFunction[int64, int64, int64](&payloadFn{})))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := env.Execute(ctx, "large state"); err != nil {
		t.Fatal(err)
	}
	if n := int64(len(newKeys.Values())); n != keys {
		t.Errorf("%d keys, want %d", n, keys)
	}
	const budget = 256<<10 + 2*(256<<10) // the cache and two memtables
	if keys*valueSize < 10*budget {
		t.Fatalf("state %d bytes, want more than 10 × the %d-byte budget", keys*valueSize, budget)
	}
}
