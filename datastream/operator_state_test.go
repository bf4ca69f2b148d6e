package datastream

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/state"
)

// opStateLog collects what the instances of the operator-state test job saw.
type opStateLog struct {
	mu sync.Mutex
	// restoredSplit and restoredUnion are the sums of the split and union
	// list elements each restored instance got; finalCounts the count each
	// instance ended with; finalBroadcast the broadcast counter each
	// instance ended with.
	restoredSplit, restoredUnion []int64
	finalCounts, finalBroadcast  []int64
}

// countingFn counts the elements its instance saw, keeping the count in an
// operator list state (one element per instance) and in a union list state.
type countingFn struct {
	log   *opStateLog
	count int64
	split state.ListState[int64]
	union state.ListState[int64]
}

func (f *countingFn) InitializeState(ctx *StateInitializationContext) error {
	var err error
	if f.split, err = GetOperatorListState(ctx, state.List[int64]("count")); err != nil {
		return err
	}
	if f.union, err = GetUnionListState(ctx, state.List[int64]("all-counts")); err != nil {
		return err
	}
	if !ctx.IsRestored() {
		return nil
	}
	var split, union int64
	for _, c := range f.split.Get() {
		split += c
	}
	for _, c := range f.union.Get() {
		union += c
	}
	f.count = split // the instances share the old counts out
	f.log.mu.Lock()
	f.log.restoredSplit = append(f.log.restoredSplit, split)
	f.log.restoredUnion = append(f.log.restoredUnion, union)
	f.log.mu.Unlock()
	return nil
}

func (f *countingFn) SnapshotState(StateSnapshotContext) error {
	f.split.Update([]int64{f.count})
	f.union.Update([]int64{f.count})
	return nil
}

func (f *countingFn) ProcessElement(v int64, _ *ProcessContext, out Collector[int64]) error {
	f.count++
	return nil
}

func (f *countingFn) Close() error {
	f.log.mu.Lock()
	f.log.finalCounts = append(f.log.finalCounts, f.count)
	f.log.mu.Unlock()
	return nil
}

var broadcastCounter = state.Map[string, int64]("counter")

// broadcastCountingFn counts the broadcast elements in broadcast state.
type broadcastCountingFn struct {
	log *opStateLog
	bc  BroadcastState[string, int64]
}

func (f *broadcastCountingFn) ProcessElement(int64, *ReadOnlyBroadcastContext, Collector[int64]) error {
	return nil
}

func (f *broadcastCountingFn) ProcessBroadcastElement(_ int64, ctx *BroadcastContext, _ Collector[int64]) error {
	if f.bc == nil {
		var err error
		if f.bc, err = GetBroadcastState(ctx, broadcastCounter); err != nil {
			return err
		}
	}
	n, _ := f.bc.Get("n")
	f.bc.Put("n", n+1)
	return nil
}

func (f *broadcastCountingFn) Close() error {
	n := int64(-1)
	if f.bc != nil {
		n, _ = f.bc.Get("n")
	}
	f.log.mu.Lock()
	f.log.finalBroadcast = append(f.log.finalBroadcast, n)
	f.log.mu.Unlock()
	return nil
}

// Operator list state is split among the instances on a rescale, union list
// state goes to every instance, broadcast state is restored in every
// instance: a job stopped with a savepoint at parallelism 2 and resumed at 3
// and at 1 ends with the counts of an uninterrupted run.
func TestOperatorStateRescale(t *testing.T) {
	const records = 60_000
	build := func(p int, from string, log *opStateLog, seen *atomic.Int64) *Env {
		env := NewEnv().SetParallelism(p)
		if from != "" {
			env.SetSavepointPath(from)
		}
		src := FromGenerator(env, records, func(i int64) int64 { seen.Add(1); return i }, WithRate(records/2)).UID("src")
		Process(src, ProcessFunction[int64, int64](&countingFn{log: log})).UID("counting")
		rules := FromGenerator(env, records, func(i int64) int64 { return i }, WithRate(records/2)).UID("rules").SetParallelism(1)
		ProcessBroadcast(ConnectBroadcast(src, BroadcastWith(rules, broadcastCounter)),
			BroadcastProcessFunction[int64, int64, int64](&broadcastCountingFn{log: log})).UID("broadcast")
		return env
	}
	for _, to := range []int{3, 1} {
		t.Run("2to"+itoa(to), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			var seen atomic.Int64
			first := &opStateLog{}
			c, err := build(2, "", first, &seen).ExecuteAsync(ctx, "operator state")
			if err != nil {
				t.Fatal(err)
			}
			for seen.Load() < records/3 {
				time.Sleep(time.Millisecond)
			}
			path, err := c.StopWithSavepoint(ctx, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Wait(); err != nil {
				t.Fatal(err)
			}
			var atSavepoint int64
			for _, n := range first.finalCounts {
				atSavepoint += n
			}
			if atSavepoint == 0 || atSavepoint >= records {
				t.Fatalf("%d records counted at the savepoint", atSavepoint)
			}

			second := &opStateLog{}
			if _, err := build(to, path, second, &seen).Execute(ctx, "operator state"); err != nil {
				t.Fatal(err)
			}
			if len(second.restoredSplit) != to {
				t.Fatalf("%d instances restored, want %d", len(second.restoredSplit), to)
			}
			var split, final int64
			for i := range to {
				split += second.restoredSplit[i]
				if second.restoredUnion[i] != atSavepoint {
					t.Errorf("instance %d: union state sums to %d, want %d", i, second.restoredUnion[i], atSavepoint)
				}
				final += second.finalCounts[i]
			}
			if split != atSavepoint {
				t.Errorf("the split list states sum to %d, want %d", split, atSavepoint)
			}
			if final != records {
				t.Errorf("the instances counted %d records in all, want %d", final, records)
			}
			if len(second.finalBroadcast) != to {
				t.Fatalf("%d broadcast instances, want %d", len(second.finalBroadcast), to)
			}
			for i, n := range second.finalBroadcast {
				if n != records {
					t.Errorf("broadcast instance %d counted %d broadcast elements, want %d", i, n, records)
				}
			}
		})
	}
}
