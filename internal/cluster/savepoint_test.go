package cluster

import (
	"slices"
	"testing"

	"github.com/eddy-streams/eddy/internal/checkpoint/storage"
	"github.com/eddy-streams/eddy/internal/graph"
	"github.com/eddy-streams/eddy/internal/source"
)

type fakeSourceCoordinator struct{ got map[int]source.ReaderState }

func (f *fakeSourceCoordinator) Start() error { return nil }
func (f *fakeSourceCoordinator) Close() error { return nil }
func (f *fakeSourceCoordinator) RestoreReaders(s map[int]source.ReaderState) error {
	f.got = s
	return nil
}

// At another parallelism the union of the old readers' splits is dealt
// round robin to the new readers.
func TestRestoreCoordinatorsRescale(t *testing.T) {
	meta := &storage.Metadata{Operators: []storage.OperatorState{{ID: "src", Parallelism: 2, Subtasks: []storage.SubtaskState{
		{Subtask: 0, Source: &storage.SourceState{Splits: [][]byte{[]byte("a"), []byte("c")}, NoMoreSplits: true}},
		{Subtask: 1, Source: &storage.SourceState{Splits: [][]byte{[]byte("b")}, NoMoreSplits: true}},
	}}}}
	for _, tc := range []struct {
		parallelism int
		want        [][]string
	}{
		{3, [][]string{{"a"}, {"c"}, {"b"}}},
		{1, [][]string{{"a", "c", "b"}}},
		{2, [][]string{{"a", "c"}, {"b"}}},
	} {
		n := &graph.Node{UID: "src", Name: "source", Parallelism: tc.parallelism}
		f := &fakeSourceCoordinator{}
		if err := restoreCoordinators(&restored{meta: meta}, map[*graph.Node]graph.Coordinator{n: f}); err != nil {
			t.Fatal(err)
		}
		if len(f.got) != tc.parallelism {
			t.Fatalf("p%d: %d readers restored", tc.parallelism, len(f.got))
		}
		for i, want := range tc.want {
			var got []string
			for _, b := range f.got[i].Splits {
				got = append(got, string(b))
			}
			if !slices.Equal(got, want) || !f.got[i].NoMoreSplits {
				t.Errorf("p%d reader %d: %v (no more %v), want %v", tc.parallelism, i, got, f.got[i].NoMoreSplits, want)
			}
		}
	}
}
