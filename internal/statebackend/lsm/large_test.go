package lsm_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/internal/statebackend/lsm"
	"github.com/eddy-streams/eddy/internal/statebackend/statetest"
	"github.com/eddy-streams/eddy/state"
)

// TestLargerThanMemory writes 64 MB of state into a backend with 2 MB of
// block cache and 2 MB memtables, and reads it back.
func TestLargerThanMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 64 MB")
	}
	const valSize = 128
	n, mem := 500_000, int64(2<<20)
	if raceEnabled { // the race detector makes pebble about ten times slower
		n, mem = 100_000, 256<<10
	}
	budget := 3 * mem // the block cache and two memtables
	r := keygroup.Range{Start: 0, End: maxPar - 1}
	b := must(lsm.New(t.TempDir(), r, &statetest.ManualClock{}, lsm.Options{BlockCacheSize: mem, MemTableSize: uint64(mem)}))(t)
	defer b.Close()
	v := must(statebackend.NewValue(b, state.Value[string]("v"), void))(t)
	// Random values, so that compression does not shrink the state.
	val := func(i int) string {
		rng := rand.New(rand.NewPCG(uint64(i), 7))
		var sb strings.Builder
		for range valSize / 8 {
			x := rng.Uint64()
			for j := range 8 {
				sb.WriteByte(byte(x >> (8 * j)))
			}
		}
		return sb.String()
	}
	var key []byte
	setKey := func(i int) {
		key = keyCodec.Append(key[:0], fmt.Sprint("user-", i))
		b.SetCurrentKey(key, keygroup.ForKey(key, maxPar))
	}
	for i := range n {
		setKey(i)
		v.Update(val(i))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20_000 {
		i := rng.IntN(n)
		setKey(i)
		if got, ok := v.Value(); !ok || got != val(i) {
			t.Fatalf("value of user-%d = %.12q, %v", i, got, ok)
		}
	}
	keys := 0
	b.Keys("v", func([]byte, []byte) { keys++ })
	if keys != n {
		t.Errorf("Keys reports %d keys, want %d", keys, n)
	}
	m := lsm.DiskUsage(b)
	t.Logf("database: %d MB on disk", m>>20)
	if int64(m) < 8*budget {
		t.Errorf("the state takes only %d bytes on disk, want at least 8 × the %d-byte memory budget", m, budget)
	}
}
