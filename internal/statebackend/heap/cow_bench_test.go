package heap_test

import (
	"fmt"
	"io"
	"testing"

	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/internal/statebackend/heap"
	"github.com/eddy-streams/eddy/internal/statebackend/statetest"
	"github.com/eddy-streams/eddy/state"
)

// sliced is a value shaped like Nexmark q5's per-auction state: counters
// and a slice that user code changes in place before writing the value back.
type sliced struct {
	First  int64
	Counts []int64
	Next   int64
}

// cowKeys is the number of keys of BenchmarkCheckpointCost, few enough
// that the state stays in the caches: on a shared machine, cache misses
// make the figures too noisy to compare.
const cowKeys = 1 << 12

// BenchmarkCheckpointCost is the task-side cost of checkpoints for a job
// that updates most of its keys between two checkpoints (q5): every op is a
// read-modify-write of one of cowKeys keys, in a fixed scattered order.
// Modes:
//
//   - none: no snapshots;
//   - cow: a snapshot is in flight half of the time (taken every 2×cowKeys
//     ops, released cowKeys ops later), so every key is accessed once while
//     it is in flight; it is not written;
//   - cow+write: as cow, and the snapshot is written (to io.Discard, on the
//     benchmark's goroutine) before it is released, so that ns/op includes
//     the writer's work.
//
// The difference between cow and none is what copy-on-write costs the
// task.
func BenchmarkCheckpointCost(b *testing.B) {
	for _, kind := range []string{"int64", "sliced"} {
		for _, mode := range []string{"none", "cow", "cow+write"} {
			b.Run(fmt.Sprintf("value=%s/mode=%s", kind, mode), func(b *testing.B) {
				be := heap.New(keygroup.Range{Start: 0, End: 63}, &statetest.ManualClock{Millis: 1})
				keys := make([][]byte, cowKeys)
				groups := make([]int, cowKeys)
				for i := range keys {
					keys[i] = keyCodec.Append(nil, fmt.Sprint("auction-", i))
					groups[i] = keygroup.ForKey(keys[i], 128) % 64
				}
				var access func(k int)
				switch kind {
				case "int64":
					v, err := heap.NewValue(be, state.Value[int64]("v"), statebackend.VoidCodec)
					if err != nil {
						b.Fatal(err)
					}
					access = func(int) {
						x, _ := v.Value()
						v.Update(x + 1)
					}
				case "sliced":
					v, err := heap.NewValue(be, state.Value[sliced]("v"), statebackend.VoidCodec)
					if err != nil {
						b.Fatal(err)
					}
					access = func(k int) {
						x, ok := v.Value()
						if !ok {
							x = sliced{First: int64(k), Counts: make([]int64, 5, 8)}
						}
						x.Counts[k%5]++ // in place, as q5 does
						x.Next++
						v.Update(x)
					}
				}
				for k := range keys {
					be.SetCurrentKey(keys[k], groups[k])
					access(k)
				}
				var snap statebackend.Snapshot
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					if mode != "none" {
						switch i % (2 * cowKeys) {
						case 0:
							s, err := be.Snapshot(int64(i))
							if err != nil {
								b.Fatal(err)
							}
							snap = s
						case cowKeys:
							if mode == "cow+write" {
								if err := snap.WriteKeyGroups(io.Discard, snap.KeyGroupRange()); err != nil {
									b.Fatal(err)
								}
							}
							snap.Release()
							snap = nil
						}
					}
					k := (i * 7919) % cowKeys // a permutation: cowKeys is a power of 2
					i++
					be.SetCurrentKey(keys[k], groups[k])
					access(k)
				}
				if snap != nil {
					snap.Release()
				}
			})
		}
	}
}
