package lsm_test

import (
	"strings"
	"testing"

	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/internal/statebackend/lsm"
	"github.com/eddy-streams/eddy/internal/statebackend/statetest"
)

// smallOpts keeps the many test databases small.
var smallOpts = lsm.Options{BlockCacheSize: 1 << 20, MemTableSize: 1 << 20}

func newBackend(t *testing.T, r keygroup.Range, clock *statetest.ManualClock) statebackend.Keyed {
	// The LSM backend stores every value serialized, so a state whose
	// type has no codec cannot be created (an error naming it, see
	// TestNoCodec) rather than failing at its first snapshot.
	if strings.HasSuffix(t.Name(), "/SnapshotUnserializable") {
		t.Skip("lsm: states without codecs cannot be created (TestNoCodec)")
	}
	b, err := lsm.New(t.TempDir(), r, clock, smallOpts)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSuite(t *testing.T) {
	statetest.RunSuite(t, newBackend)
}
