// Package storagetest checks implementations of storage.Blob: the
// contract every storage shares and the checkpoint layout written through
// it. It is test support, for the tests of storage and of the packages
// implementing other storages (such as s3store).
package storagetest

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/eddy-streams/eddy/internal/checkpoint/storage"
)

// BlobContract checks the behaviour every storage.Blob implementation
// shares, in subtests, including CheckpointLayout. b must be empty.
func BlobContract(t *testing.T, b storage.Blob) {
	t.Helper()
	mustPut := func(t *testing.T, p, data string) {
		t.Helper()
		if err := b.Put(p, []byte(data)); err != nil {
			t.Fatalf("Put %s: %v", p, err)
		}
	}
	mustList := func(t *testing.T, prefix string, want ...string) {
		t.Helper()
		got, err := b.List(prefix)
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("List(%q) = %q, %v; want %q", prefix, got, err, want)
		}
	}

	t.Run("PutGetOverwrite", func(t *testing.T) {
		mustPut(t, "pg/chk-1/a", "x")
		mustPut(t, "pg/chk-1/a", "yz")
		got, err := b.Get("pg/chk-1/a")
		if err != nil || string(got) != "yz" {
			t.Fatalf("Get: %q %v", got, err)
		}
		mustPut(t, "pg/empty", "")
		if got, err := b.Get("pg/empty"); err != nil || len(got) != 0 {
			t.Fatalf("Get of an empty blob: %q %v", got, err)
		}
		bin := make([]byte, 256*4)
		for i := range bin {
			bin[i] = byte(i)
		}
		if err := b.Put("pg/bin", bin); err != nil {
			t.Fatal(err)
		}
		if got, err := b.Get("/pg//bin"); err != nil || !slices.Equal(got, bin) {
			t.Fatalf("Get of binary data (by an unclean path): %d bytes, %v", len(got), err)
		}
	})

	t.Run("GetMissing", func(t *testing.T) {
		_, err := b.Get("gm/none")
		if !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("Get of a missing blob: %v", err)
		}
		if !strings.Contains(err.Error(), "gm/none") || !strings.Contains(err.Error(), b.String()) {
			t.Fatalf("the error does not name the storage %s and the path: %v", b, err)
		}
	})

	t.Run("List", func(t *testing.T) {
		mustPut(t, "ls/job/chk-2/b", "b")
		mustPut(t, "ls/job/chk-1/a", "a")
		mustPut(t, "ls/job/chk-10/c", "c")
		mustPut(t, "ls/job/chk-1/sub/d", "d")
		mustPut(t, "ls/jobx/e", "e") // a sibling sharing the prefix string
		mustList(t, "ls/job", "ls/job/chk-1/a", "ls/job/chk-1/sub/d", "ls/job/chk-10/c", "ls/job/chk-2/b")
		mustList(t, "ls/job/", "ls/job/chk-1/a", "ls/job/chk-1/sub/d", "ls/job/chk-10/c", "ls/job/chk-2/b")
		mustList(t, "ls/job/chk-1", "ls/job/chk-1/a", "ls/job/chk-1/sub/d")
		mustList(t, "ls/none")
		all, err := b.List("")
		if err != nil || !slices.Contains(all, "ls/jobx/e") || !slices.IsSorted(all) {
			t.Fatalf("List of the root: %q %v", all, err)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		mustPut(t, "del/job/chk-1/a", "a")
		mustPut(t, "del/job/chk-1/sub/b", "b")
		mustPut(t, "del/job/chk-10/c", "c")
		mustPut(t, "del/job/chk-2", "blob")
		if err := b.Delete("del/job/chk-1"); err != nil {
			t.Fatal(err)
		}
		mustList(t, "del/job", "del/job/chk-10/c", "del/job/chk-2")
		if err := b.Delete("del/job/chk-2"); err != nil { // one blob
			t.Fatal(err)
		}
		mustList(t, "del/job", "del/job/chk-10/c")
		if err := b.Delete("del/job/none"); err != nil {
			t.Fatalf("Delete of a missing path: %v", err)
		}
		if err := b.Delete("del/job/chk-1"); err != nil {
			t.Fatalf("Delete of a deleted folder: %v", err)
		}
		for _, root := range []string{"", "/", "."} {
			if err := b.Delete(root); err == nil {
				t.Fatalf("deleting the root %q succeeded", root)
			}
		}
		mustList(t, "del/job", "del/job/chk-10/c")
	})

	t.Run("Concurrent", func(t *testing.T) {
		var wg sync.WaitGroup
		errs := make(chan error, 32)
		var want []string
		for i := range 16 {
			p := fmt.Sprintf("cc/f%02d", i)
			want = append(want, p)
			wg.Go(func() {
				for j := range 3 {
					if err := b.Put(p, []byte(fmt.Sprint(p, j))); err != nil {
						errs <- err
					}
				}
				if got, err := b.Get(p); err != nil || string(got) != p+"2" {
					errs <- fmt.Errorf("Get %s: %q %v", p, got, err)
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		mustList(t, "cc", want...)
	})

	t.Run("Checkpoints", func(t *testing.T) { CheckpointLayout(t, b) })
}

// CheckpointLayout writes checkpoints of job "ckjob" through b and reads
// them back with storage.Completed and storage.Load, corrupting some. b
// must hold nothing under "ckjob" and "ckjobx".
func CheckpointLayout(t *testing.T, b storage.Blob) {
	const job = "ckjob"
	write := func(id int64, state string, withMeta bool) []byte {
		t.Helper()
		dir := storage.CheckpointDir(job, id)
		if err := b.Put(dir+"/op-0", []byte(state)); err != nil {
			t.Fatal(err)
		}
		m := &storage.Metadata{JobID: job, CheckpointID: id, Kind: "checkpoint", Operators: []storage.OperatorState{{
			ID: "op", Name: "Op", Parallelism: 1, MaxParallelism: 128,
			Subtasks: []storage.SubtaskState{{Subtask: 0, KeyGroups: [2]int{0, 127},
				KeyedState: &storage.FileRef{Name: "op-0", Size: int64(len(state)), CRC32: crcOf(state)}}},
		}, {ID: "src", Parallelism: 1, Subtasks: []storage.SubtaskState{{Source: &storage.SourceState{Splits: [][]byte{{1, byte(id)}}, NoMoreSplits: true}}}}}}
		data, err := storage.EncodeMetadata(m)
		if err != nil {
			t.Fatal(err)
		}
		if withMeta {
			if err := b.Put(dir+"/"+storage.MetadataFile, data); err != nil {
				t.Fatal(err)
			}
		}
		return data
	}
	completed := func(want ...int64) {
		t.Helper()
		ids, err := storage.Completed(b, job)
		if err != nil || !slices.Equal(ids, want) {
			t.Fatalf("Completed = %v, %v; want %v", ids, err, want)
		}
	}

	completed()
	write(1, "state one", true)
	write(2, "state two", false) // not complete: no _metadata yet
	completed(1)
	meta2 := write(2, "state two", true)
	write(10, "state ten", true)
	completed(1, 2, 10)
	if err := b.Put(job+"x/chk-4/"+storage.MetadataFile, meta2); err != nil { // another job
		t.Fatal(err)
	}
	completed(1, 2, 10)

	m, files, err := storage.Load(b, storage.CheckpointDir(job, 2))
	if err != nil {
		t.Fatal(err)
	}
	if m.CheckpointID != 2 || string(files["op-0"]) != "state two" || m.Operators[1].Subtasks[0].Source.Splits[0][1] != 2 {
		t.Fatalf("loaded %+v %q", m, files)
	}

	// A corrupted state file is detected by its checksum; the error names
	// the storage and the file.
	if err := b.Put(storage.CheckpointDir(job, 2)+"/op-0", []byte("state tw0")); err != nil {
		t.Fatal(err)
	}
	_, _, err = storage.Load(b, storage.CheckpointDir(job, 2))
	if !errors.Is(err, storage.ErrCorrupt) || !strings.Contains(err.Error(), b.String()) || !strings.Contains(err.Error(), job+"/chk-2/op-0") {
		t.Fatalf("corrupted state file: %v", err)
	}
	// A truncated one too.
	if err := b.Put(storage.CheckpointDir(job, 2)+"/op-0", []byte("state")); err != nil {
		t.Fatal(err)
	}
	if _, _, err = storage.Load(b, storage.CheckpointDir(job, 2)); !errors.Is(err, storage.ErrCorrupt) {
		t.Fatalf("truncated state file: %v", err)
	}
	// A missing one.
	if err := b.Delete(storage.CheckpointDir(job, 2) + "/op-0"); err != nil {
		t.Fatal(err)
	}
	_, _, err = storage.Load(b, storage.CheckpointDir(job, 2))
	if !errors.Is(err, storage.ErrNotFound) || !strings.Contains(err.Error(), job+"/chk-2/op-0") {
		t.Fatalf("missing state file: %v", err)
	}

	// Corrupted and truncated metadata objects.
	bad := slices.Clone(meta2)
	bad[bytes.IndexByte(bad, '\n')+1+5] ^= 1 // in the JSON body, after the magic line
	for name, data := range map[string][]byte{"corrupted": bad, "truncated": meta2[:len(meta2)-4], "empty": nil} {
		if err := b.Put(storage.CheckpointDir(job, 10)+"/"+storage.MetadataFile, data); err != nil {
			t.Fatal(err)
		}
		_, _, err := storage.Load(b, storage.CheckpointDir(job, 10))
		if !errors.Is(err, storage.ErrCorrupt) || !strings.Contains(err.Error(), job+"/chk-10/"+storage.MetadataFile) || !strings.Contains(err.Error(), b.String()) {
			t.Fatalf("%s metadata: %v", name, err)
		}
	}
	// A missing checkpoint.
	if _, _, err := storage.Load(b, storage.CheckpointDir(job, 99)); !errors.Is(err, storage.ErrNotFound) || !strings.Contains(err.Error(), job+"/chk-99/"+storage.MetadataFile) {
		t.Fatalf("missing checkpoint: %v", err)
	}

	// The older checkpoint is still intact, and retiring the broken ones
	// leaves it alone.
	completed(1, 2, 10)
	for _, id := range []int64{2, 10} {
		if err := b.Delete(storage.CheckpointDir(job, id)); err != nil {
			t.Fatal(err)
		}
	}
	completed(1)
	if m, files, err := storage.Load(b, storage.CheckpointDir(job, 1)); err != nil || m.CheckpointID != 1 || string(files["op-0"]) != "state one" {
		t.Fatalf("Load chk-1: %+v %q %v", m, files, err)
	}
}

// WriteCheckpoint writes through b a complete checkpoint id of job, with
// one state file, that storage.Load reads back.
func WriteCheckpoint(t *testing.T, b storage.Blob, job string, id int64) {
	t.Helper()
	dir := storage.CheckpointDir(job, id)
	if err := b.Put(dir+"/s", []byte("state")); err != nil {
		t.Fatal(err)
	}
	data, err := storage.EncodeMetadata(&storage.Metadata{JobID: job, CheckpointID: id, Operators: []storage.OperatorState{{ID: "op",
		Subtasks: []storage.SubtaskState{{KeyedState: &storage.FileRef{Name: "s", Size: 5, CRC32: crcOf("state")}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Put(dir+"/"+storage.MetadataFile, data); err != nil {
		t.Fatal(err)
	}
}

func crcOf(s string) uint32 { return crc32.ChecksumIEEE([]byte(s)) }
