package lsm_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/internal/statebackend/lsm"
	"github.com/eddy-streams/eddy/internal/statebackend/statetest"
	"github.com/eddy-streams/eddy/state"
)

func totalSize(files []lsm.CheckpointFile) int64 {
	var n int64
	for _, f := range files {
		n += f.Size
	}
	return n
}

// TestIncrementalCheckpoint loads 200000 keys, checkpoints, changes 100
// keys and checkpoints again: the second checkpoint shares almost every
// byte with the first. Both restore.
func TestIncrementalCheckpoint(t *testing.T) {
	clock := &statetest.ManualClock{Millis: 1}
	r := keygroup.Range{Start: 0, End: maxPar - 1}
	b := must(lsm.New(t.TempDir(), r, clock, lsm.Options{MemTableSize: 4 << 20, BlockCacheSize: 4 << 20}))(t)
	defer b.Close()
	v := must(statebackend.NewValue(b, state.Value[int64]("v"), void))(t)
	const n = 200_000
	var key []byte
	set := func(i int, x int64) {
		key = keyCodec.Append(key[:0], fmt.Sprint("user-", i))
		b.SetCurrentKey(key, keygroup.ForKey(key, maxPar))
		v.Update(x)
	}
	for i := range n {
		set(i, int64(i))
	}
	dir := t.TempDir()
	// Settle the LSM first, so that no compaction started by the load
	// rewrites files between the two checkpoints measured.
	must(b.CheckpointFiles(0, filepath.Join(dir, "cp0")))(t)
	lsm.WaitForCompactions(b)
	cp1 := must(b.CheckpointFiles(1, filepath.Join(dir, "cp1")))(t)
	for i := range 100 {
		set(i*1000, -1)
	}
	cp2 := must(b.CheckpointFiles(2, filepath.Join(dir, "cp2")))(t)

	full, added := totalSize(cp1.Files), totalSize(cp2.NewFiles(cp1))
	t.Logf("checkpoint 1: %d files, %d bytes; checkpoint 2: %d files, %d new files of %d bytes", len(cp1.Files), full, len(cp2.Files), len(cp2.NewFiles(cp1)), added)
	for _, f := range cp2.NewFiles(cp1) {
		t.Logf("  new: %s %d shared=%v", f.Name, f.Size, f.Shared)
	}
	if full < 1<<20 {
		t.Errorf("the first checkpoint holds only %d bytes", full)
	}
	if added*20 > full {
		t.Errorf("the second checkpoint adds %d bytes to the first's %d", added, full)
	}
	if cp1.BackendID != cp2.BackendID || cp1.BackendID == "" {
		t.Errorf("backend ids %q and %q", cp1.BackendID, cp2.BackendID)
	}

	// Restore checkpoint 2 (the fast path: same key-group range) and check
	// every value.
	rb := must(lsm.RestoreFromFiles(t.TempDir(), r, clock, lsm.Options{}, cp2.Dir))(t)
	defer rb.Close()
	rv := must(statebackend.NewValue(rb, state.Value[int64]("v"), void))(t)
	for i := range n {
		key = keyCodec.Append(key[:0], fmt.Sprint("user-", i))
		rb.SetCurrentKey(key, keygroup.ForKey(key, maxPar))
		want := int64(i)
		if i%1000 == 0 && i < 100_000 {
			want = -1
		}
		if got, ok := rv.Value(); !ok || got != want {
			t.Fatalf("restored value of user-%d = %d, %v; want %d", i, got, ok, want)
		}
	}
	// The checkpoint directories are intact: restoring did not change them.
	for _, f := range cp2.Files {
		info, err := os.Stat(filepath.Join(cp2.Dir, f.Name))
		if err != nil || info.Size() != f.Size {
			t.Errorf("checkpoint file %s changed by the restore: %v", f.Name, err)
		}
	}
	// A restored backend continues the lineage: its next checkpoint shares
	// the files of the one it restored.
	cp3 := must(rb.CheckpointFiles(3, filepath.Join(dir, "cp3")))(t)
	if cp3.BackendID != cp2.BackendID {
		t.Errorf("restored backend id %q, want %q", cp3.BackendID, cp2.BackendID)
	}
	if added := totalSize(cp3.NewFiles(cp2)); added*20 > full {
		t.Errorf("the first checkpoint after a restore adds %d bytes", added)
	}
}

// TestIncrementalRescale checkpoints 2 and 3 subtasks with every kind of
// state and timers, and restores 3 and 1 subtasks from their files.
func TestIncrementalRescale(t *testing.T) {
	for _, par := range [][2]int{{1, 1}, {2, 3}, {3, 1}, {2, 2}} {
		t.Run(fmt.Sprintf("%d_to_%d", par[0], par[1]), func(t *testing.T) {
			clock := &statetest.ManualClock{Millis: 1_000_000}
			var want []string
			var dirs []string
			for i := range par[0] {
				r := keygroup.RangeForSubtask(maxPar, par[0], i)
				b := must(lsm.New(t.TempDir(), r, clock, smallOpts))(t)
				defer b.Close()
				s := newStates(t, b)
				s.populate(ownedKeys(r, 300))
				// Some state goes to SSTs, some stays in the memtable.
				must(b.CheckpointFiles(0, filepath.Join(t.TempDir(), "cp0")))(t)
				s.populate(ownedKeys(r, 350)[300:])
				cp := must(b.CheckpointFiles(1, filepath.Join(t.TempDir(), "cp")))(t)
				dirs = append(dirs, cp.Dir)
				want = append(want, s.dump()...)
			}
			slices.Sort(want)
			var got []string
			for j := range par[1] {
				r := keygroup.RangeForSubtask(maxPar, par[1], j)
				b := must(lsm.RestoreFromFiles(t.TempDir(), r, clock, smallOpts, dirs...))(t)
				defer b.Close()
				got = append(got, newStates(t, b).dump()...)
			}
			slices.Sort(got)
			if len(want) < 350*par[0] || !slices.Equal(got, want) {
				t.Errorf("restored %d lines, want the %d written", len(got), len(want))
			}
		})
	}
}

// TestIncrementalCorruptMeta checks that a corrupted meta file is an error
// wrapping ErrCorrupt.
func TestIncrementalCorruptMeta(t *testing.T) {
	r := keygroup.Range{Start: 0, End: maxPar - 1}
	b := must(lsm.New(t.TempDir(), r, nil, smallOpts))(t)
	defer b.Close()
	newStates(t, b).populate(ownedKeys(r, 10))
	cp := must(b.CheckpointFiles(1, filepath.Join(t.TempDir(), "cp")))(t)
	path := filepath.Join(cp.Dir, lsm.MetaFile)
	data := must(os.ReadFile(path))(t)
	data[len(data)/2] ^= 1
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := lsm.RestoreFromFiles(t.TempDir(), r, nil, smallOpts, cp.Dir)
	if !errors.Is(err, statebackend.ErrCorrupt) {
		t.Errorf("restoring from a corrupted meta file: %v, want an error wrapping ErrCorrupt", err)
	}
}
