package storage

import (
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestLocalBlob(t *testing.T) {
	dir := t.TempDir()
	b := NewLocal(dir)
	if err := b.Put("job/chk-1/a", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := b.Put("job/chk-1/a", []byte("yz")); err != nil {
		t.Fatal(err)
	}
	got, err := b.Get("job/chk-1/a")
	if err != nil || string(got) != "yz" {
		t.Fatalf("Get: %q %v", got, err)
	}
	if _, err := b.Get("job/none"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get of a missing blob: %v", err)
	}
	b.Put("job/chk-2/b", nil)
	paths, err := b.List("job")
	if err != nil || !slices.Equal(paths, []string{"job/chk-1/a", "job/chk-2/b"}) {
		t.Fatalf("List: %v %v", paths, err)
	}
	if err := b.Delete("job/chk-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "job", "chk-1")); !os.IsNotExist(err) {
		t.Fatal("chk-1 not deleted")
	}
	if err := b.Delete(""); err == nil {
		t.Fatal("deleting the root succeeded")
	}
}

// A checkpoint is visible (Completed) only once its _metadata exists.
func TestMetadataVisibilityAndChecksums(t *testing.T) {
	b := NewLocal(t.TempDir())
	b.Put("j/chk-3/op-0", []byte("state"))
	ids, _ := Completed(b, "j")
	if len(ids) != 0 {
		t.Fatalf("incomplete checkpoint listed: %v", ids)
	}
	m := &Metadata{JobID: "j", CheckpointID: 3, Kind: "checkpoint", Operators: []OperatorState{{
		ID: "op", Name: "Op", Parallelism: 1, MaxParallelism: 128,
		Subtasks: []SubtaskState{{Subtask: 0, KeyGroups: [2]int{0, 127}, KeyedState: &FileRef{Name: "op-0", Size: 5, CRC32: 0x20c6e9b4}}},
	}, {ID: "src", Parallelism: 1, Subtasks: []SubtaskState{{Source: &SourceState{Splits: [][]byte{{1, 2}}, NoMoreSplits: true}}}}}}
	m.Operators[0].Subtasks[0].KeyedState.CRC32 = crcOf("state")
	data, err := EncodeMetadata(m)
	if err != nil {
		t.Fatal(err)
	}
	b.Put("j/chk-3/_metadata", data)
	ids, _ = Completed(b, "j")
	if !slices.Equal(ids, []int64{3}) {
		t.Fatalf("Completed: %v", ids)
	}
	got, files, err := Load(b, "j/chk-3")
	if err != nil {
		t.Fatal(err)
	}
	if string(files["op-0"]) != "state" || got.Operators[1].Subtasks[0].Source.Splits[0][1] != 2 {
		t.Fatalf("loaded %+v %v", got, files)
	}
	// Corrupted metadata.
	bad := slices.Clone(data)
	bad[len(magic)+5] ^= 1
	if _, err := DecodeMetadata(bad); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("corrupted metadata: %v", err)
	}
	if _, err := DecodeMetadata(data[:len(data)-4]); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("truncated metadata: %v", err)
	}
	// Corrupted state file: the error names it.
	b.Put("j/chk-3/op-0", []byte("stat3"))
	if _, _, err := Load(b, "j/chk-3"); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "op-0") {
		t.Fatalf("corrupted state file: %v", err)
	}
}

func crcOf(s string) uint32 { return crc32.ChecksumIEEE([]byte(s)) }
