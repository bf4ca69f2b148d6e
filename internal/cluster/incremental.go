package cluster

import (
	"fmt"
	"hash/crc32"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/eddy-streams/eddy/internal/checkpoint/storage"
	"github.com/eddy-streams/eddy/internal/graph"
	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/statebackend/lsm"
)

// incrementalBackend is a keyed backend that takes incremental checkpoints:
// a local directory of files, most of them immutable and shared between
// checkpoints (the lsm backend).
type incrementalBackend interface {
	CheckpointFiles(checkpointID int64, dir string) (*lsm.IncrementalSnapshot, error)
	// Dir is the backend's working directory; its checkpoint directories
	// go there, and stay for local recovery.
	Dir() string
}

// sharedDir is the folder of a job's shared files, in its folder.
const sharedDir = "shared"

// sharedFiles reference-counts the shared files of a job's incremental
// checkpoints (Flink's SharedStateRegistry): a file is uploaded by the
// first checkpoint that lists it and deleted when no checkpoint that is
// retained or in progress references it any more. Files of the checkpoint
// the job started from are pinned: the job does not own them (Flink's
// NO_CLAIM restore mode).
type sharedFiles struct {
	mu     sync.Mutex
	stored map[string]bool           // keys whose upload completed
	refs   map[string]map[int64]bool // key → checkpoints referencing it
	byID   map[int64][]string
	pinned map[string]bool
}

func newSharedFiles() *sharedFiles {
	return &sharedFiles{stored: map[string]bool{}, refs: map[string]map[int64]bool{}, byID: map[int64][]string{}, pinned: map[string]bool{}}
}

// reference records that checkpoint id uses the shared files keys and
// returns those not known to be stored: the checkpoint uploads them.
func (s *sharedFiles) reference(id int64, keys []string) (upload []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		if s.refs[k] == nil {
			s.refs[k] = map[int64]bool{}
		}
		s.refs[k][id] = true
		if !s.stored[k] {
			upload = append(upload, k)
		}
	}
	s.byID[id] = append(s.byID[id], keys...)
	return upload
}

// uploaded records completed uploads.
func (s *sharedFiles) uploaded(keys []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		s.stored[k] = true
	}
}

// pin records the shared files of the checkpoint the job was restored
// from as stored and never to be deleted.
func (s *sharedFiles) pin(keys []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		s.pinned[k], s.stored[k] = true, true
	}
}

// release drops the references of checkpoint id (subsumed or aborted) and
// returns the files no checkpoint references any more.
func (s *sharedFiles) release(id int64) (garbage []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range s.byID[id] {
		refs := s.refs[k]
		delete(refs, id)
		if len(refs) == 0 {
			delete(s.refs, k)
			if !s.pinned[k] {
				delete(s.stored, k)
				garbage = append(garbage, k)
			}
		}
	}
	delete(s.byID, id)
	slices.Sort(garbage)
	return slices.Compact(garbage)
}

// localCheckpoint names a subtask's local checkpoint directory, kept for
// local recovery (state.backend.local-recovery).
type localCheckpoint struct {
	id      int64
	op      string
	subtask int
}

// localDirs are the local checkpoint directories of a job's lsm backends:
// those of the latest completed checkpoint are kept, older and aborted ones
// deleted.
type localDirs struct {
	mu   sync.Mutex
	dirs map[localCheckpoint]string
}

func (l *localDirs) add(c localCheckpoint, dir string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.dirs == nil {
		l.dirs = map[localCheckpoint]string{}
	}
	l.dirs[c] = dir
}

// get returns the local directory of a subtask's checkpoint, if it is
// still there.
func (l *localDirs) get(c localCheckpoint) (string, bool) {
	l.mu.Lock()
	dir, ok := l.dirs[c]
	l.mu.Unlock()
	if !ok {
		return "", false
	}
	if _, err := os.Stat(filepath.Join(dir, lsm.MetaFile)); err != nil {
		return "", false
	}
	return dir, true
}

// drop deletes the directories of checkpoint id, or with older set of
// every checkpoint before id.
func (l *localDirs) drop(id int64, older bool) {
	l.mu.Lock()
	var rm []string
	for c, dir := range l.dirs {
		if c.id == id && !older || c.id < id && older {
			rm = append(rm, dir)
			delete(l.dirs, c)
		}
	}
	l.mu.Unlock()
	for _, dir := range rm {
		os.RemoveAll(dir)
	}
}

// incrementalWrite is the asynchronous part of a keyed backend's
// incremental checkpoint: the files to upload.
type incrementalWrite struct {
	k      keyedInstance
	snap   *lsm.IncrementalSnapshot
	upload map[string]bool // shared keys this checkpoint uploads
}

// snapshotIncremental takes the synchronous part of an incremental
// checkpoint of k: the backend's checkpoint directory, and the references
// to its shared files.
func (h *handler) snapshotIncremental(id int64, k keyedInstance, ib incrementalBackend) (*incrementalWrite, error) {
	dir := filepath.Join(ib.Dir(), fmt.Sprintf("chk-%d", id))
	os.RemoveAll(dir) // left from an attempt that failed before
	snap, err := ib.CheckpointFiles(id, dir)
	if err != nil {
		return nil, fmt.Errorf("checkpointing %q: %w", k.node.Name, err)
	}
	var keys []string
	for _, f := range snap.Files {
		if f.Shared {
			keys = append(keys, snap.SharedKey(f))
		}
	}
	w := &incrementalWrite{k: k, snap: snap, upload: map[string]bool{}}
	for _, key := range h.d.jc.shared.reference(id, keys) {
		w.upload[key] = true
	}
	h.d.jc.local.add(localCheckpoint{id: id, op: OperatorID(k.node), subtask: h.dep.Subtask}, dir)
	return w, nil
}

// write uploads the checkpoint's private files into the checkpoint folder
// dir (of blob) and the shared files it uploads into the job's shared
// folder, and returns the subtask's state and the private paths written.
func (w *incrementalWrite) write(blob storage.Blob, jobID, dir string, subtask int, shared *sharedFiles) (piece, []string, error) {
	k := w.k
	st := &storage.IncrementalState{BackendID: w.snap.BackendID}
	var paths, done []string
	private := fmt.Sprintf("%s-%d", fileSafe(OperatorID(k.node)), subtask)
	for _, f := range w.snap.Files {
		data, err := os.ReadFile(filepath.Join(w.snap.Dir, f.Name))
		if err != nil {
			return piece{}, paths, fmt.Errorf("reading checkpoint file %s of %q: %w", f.Name, k.node.Name, err)
		}
		ref := storage.IncrementalFile{Name: f.Name, Size: int64(len(data)), CRC32: crc32.ChecksumIEEE(data), Shared: f.Shared}
		if f.Shared {
			key := w.snap.SharedKey(f)
			ref.Path = sharedDir + "/" + key
			if w.upload[key] {
				if err := blob.Put(jobID+"/"+ref.Path, data); err != nil {
					return piece{}, paths, err
				}
				done = append(done, key)
			}
		} else {
			p := dir + "/" + private + "/" + f.Name
			if err := blob.Put(p, data); err != nil {
				return piece{}, paths, err
			}
			paths = append(paths, p)
			ref.Path = path.Base(dir) + "/" + private + "/" + f.Name
		}
		st.Files = append(st.Files, ref)
	}
	shared.uploaded(done)
	r := w.snap.KeyGroups
	return piece{
		op:  storage.OperatorState{ID: OperatorID(k.node), Name: k.node.Name, Parallelism: k.node.Parallelism, MaxParallelism: k.node.MaxParallelism},
		sub: storage.SubtaskState{Subtask: subtask, KeyGroups: [2]int{r.Start, r.End}, IncrementalState: st},
	}, paths, nil
}

// incrementalDirs returns local directories holding the incremental
// checkpoints of operator n's old subtasks whose key groups intersect r,
// from the checkpoint being restored: the subtask's own local checkpoint
// directory when local recovery is on and it is still there, otherwise
// the files downloaded (and checked) into a new directory. restoring is
// false when the checkpoint has no incremental state for n.
func (x *execution) incrementalDirs(n *graph.Node, r keygroup.Range) (dirs []string, restoring bool, err error) {
	if x.restore == nil {
		return nil, false, nil
	}
	op, ok := x.restore.meta.Operator(OperatorID(n))
	if !ok {
		return nil, false, nil
	}
	for _, st := range op.Subtasks {
		inc := st.IncrementalState
		if inc == nil || st.KeyGroups[1] < r.Start || st.KeyGroups[0] > r.End {
			continue
		}
		restoring = true
		if x.opts.LocalRecovery && x.jc != nil {
			if dir, ok := x.jc.local.get(localCheckpoint{id: x.restore.meta.CheckpointID, op: op.ID, subtask: st.Subtask}); ok {
				dirs = append(dirs, dir)
				continue
			}
		}
		dir, err := x.download(op.ID, st.Subtask, inc)
		if err != nil {
			return nil, false, fmt.Errorf("restoring operator %q: %w", n.Name, err)
		}
		dirs = append(dirs, dir)
	}
	return dirs, restoring, nil
}

// download fetches the files of an old subtask's incremental checkpoint
// into a new local directory, checking sizes and checksums.
func (x *execution) download(opID string, subtask int, inc *storage.IncrementalState) (string, error) {
	if x.restore.blob == nil {
		return "", fmt.Errorf("the checkpoint's storage is closed")
	}
	if x.restoreDir == "" {
		d, err := os.MkdirTemp("", "eddy-restore-*")
		if err != nil {
			return "", err
		}
		x.restoreDir = d
	}
	dir := filepath.Join(x.restoreDir, fmt.Sprintf("%s-%d", fileSafe(opID), subtask))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	root := path.Dir(x.restore.dir)
	for _, f := range inc.Files {
		p := path.Join(root, f.Path)
		data, err := x.restore.blob.Get(p)
		if err != nil {
			return "", fmt.Errorf("reading state file %s/%s: %w", x.restore.blob, p, err)
		}
		if int64(len(data)) != f.Size || crc32.ChecksumIEEE(data) != f.CRC32 {
			return "", fmt.Errorf("state file %s/%s: %w (size %d, want %d; or checksum mismatch)", x.restore.blob, p, storage.ErrCorrupt, len(data), f.Size)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f.Name)), data, 0o644); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// sharedKeys returns the shared files (keys relative to the shared folder)
// the checkpoint m references.
func sharedKeys(m *storage.Metadata) []string {
	var keys []string
	for _, op := range m.Operators {
		for _, st := range op.Subtasks {
			if st.IncrementalState == nil {
				continue
			}
			for _, f := range st.IncrementalState.Files {
				if f.Shared {
					if k, ok := strings.CutPrefix(f.Path, sharedDir+"/"); ok {
						keys = append(keys, k)
					}
				}
			}
		}
	}
	return keys
}
