package lsm

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/statebackend/stateio"
)

// Files an incremental checkpoint adds to pebble's checkpoint directory.
const (
	// MetaFile holds the backend's state registrations (names, kinds,
	// types, ids), its key-group range and lineage id, checksummed.
	MetaFile = "EDDY-META"
	// TimersFile holds the backend's snapshot sections (AddSection) as a
	// keyed-state stream (docs/format/keyed-state.md) of its key-group
	// range. Timers are in the database, so it normally holds no state;
	// older checkpoints have their timers here, and restore reads them.
	TimersFile = "EDDY-TIMERS"
)

// IncrementalSnapshot is an incremental checkpoint of a backend: a
// directory holding a pebble checkpoint (SSTs hard-linked from the live
// database) and the backend's MetaFile and TimersFile. The runtime uploads
// its files and may delete the directory afterwards; the live database
// does not need it.
type IncrementalSnapshot struct {
	CheckpointID int64
	// BackendID names the lineage of the backend's SST files: within one
	// BackendID an SST name always denotes the same content, so a shared
	// file is uploaded once and referenced by every later checkpoint that
	// lists it. A backend restored by RestoreFromFiles's fast path (one
	// old checkpoint of the same key-group range) continues the lineage
	// of that checkpoint; any other backend starts a new one.
	BackendID string
	KeyGroups keygroup.Range
	// Dir is the checkpoint directory.
	Dir   string
	Files []CheckpointFile // sorted by name
}

// CheckpointFile is a file of an incremental checkpoint.
type CheckpointFile struct {
	Name string // base name in the checkpoint directory
	Size int64
	// Shared files (SSTs, blob files) are immutable and keep their names
	// across the checkpoints of a lineage: upload each once and
	// reference-count it (Flink's shared state). The other files
	// (MANIFEST, OPTIONS, markers, MetaFile, TimersFile) are private to
	// one checkpoint: their contents change under the same names.
	Shared bool
}

// SharedKey is the name under which a shared file is stored and
// reference-counted: the lineage and the file name.
func (s *IncrementalSnapshot) SharedKey(f CheckpointFile) string {
	return s.BackendID + "/" + f.Name
}

// NewFiles returns the files of s that prev (the previous checkpoint of the
// same backend, or nil) does not have: every private file and the shared
// files prev does not list. These are the files to upload; the other shared
// files of s are referenced from prev's upload.
func (s *IncrementalSnapshot) NewFiles(prev *IncrementalSnapshot) []CheckpointFile {
	had := map[string]bool{}
	if prev != nil && prev.BackendID == s.BackendID {
		for _, f := range prev.Files {
			if f.Shared {
				had[f.Name] = true
			}
		}
	}
	var out []CheckpointFile
	for _, f := range s.Files {
		if !f.Shared || !had[f.Name] {
			out = append(out, f)
		}
	}
	return out
}

// isShared reports whether a file of a pebble checkpoint is immutable.
func isShared(name string) bool {
	return strings.HasSuffix(name, ".sst") || strings.HasSuffix(name, ".blob")
}

// CheckpointFiles takes an incremental checkpoint into dir, which must not
// exist: it flushes the memtables (the database runs without a WAL, so
// unflushed writes would be missing), makes a pebble checkpoint (hard
// links, plus copies of the small private files), and writes MetaFile and
// TimersFile next to it. It is called on the task goroutine; its cost is
// the flush, not the size of the state.
func (b *Backend) CheckpointFiles(checkpointID int64, dir string) (*IncrementalSnapshot, error) {
	if b.closed {
		return nil, fmt.Errorf("lsm: cannot checkpoint: %w", errClosed)
	}
	if err := b.db.Flush(); err != nil {
		return nil, fmt.Errorf("lsm: checkpoint %d: flushing: %w", checkpointID, err)
	}
	if err := b.db.Checkpoint(dir, pebble.WithFlushedWAL()); err != nil {
		return nil, fmt.Errorf("lsm: checkpoint %d: %w", checkpointID, err)
	}
	fail := func(err error) (*IncrementalSnapshot, error) {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("lsm: checkpoint %d: %w", checkpointID, err)
	}
	if err := b.writeSections(filepath.Join(dir, TimersFile), checkpointID); err != nil {
		return fail(err)
	}
	if err := os.WriteFile(filepath.Join(dir, MetaFile), b.appendMeta(nil, checkpointID), 0o644); err != nil {
		return fail(err)
	}
	s := &IncrementalSnapshot{CheckpointID: checkpointID, BackendID: b.id, KeyGroups: b.kgRange, Dir: dir}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return fail(err)
	}
	for _, e := range ents {
		info, err := e.Info()
		if err != nil {
			return fail(err)
		}
		if !info.Mode().IsRegular() {
			continue
		}
		s.Files = append(s.Files, CheckpointFile{Name: e.Name(), Size: info.Size(), Shared: isShared(e.Name())})
	}
	return s, nil
}

// writeSections writes the sections (AddSection) as a stream of the
// backend's key groups. Timers are in the database, so the stream is
// usually empty.
func (b *Backend) writeSections(path string, checkpointID int64) error {
	var parts []part
	var frozen []stateio.FrozenSection
	for _, name := range sortedKeys(b.sections) {
		f := b.sections[name].Freeze()
		frozen = append(frozen, f)
		parts = append(parts, part{meta: *f.Meta(), frozen: f})
	}
	defer func() {
		for _, f := range frozen {
			f.Release()
		}
	}()
	var buf bytes.Buffer
	if err := writeStream(&buf, checkpointID, b.kgRange, nil, parts); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// The meta file: magic, version, then the fields below, then a CRC-32C
// (Castagnoli) of everything before it.
const (
	metaMagic   = "EDDYLSM\x00"
	metaVersion = 1
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// checkpointMeta is the content of a MetaFile.
type checkpointMeta struct {
	checkpointID int64
	backendID    string
	kgRange      keygroup.Range
	nextID       uint32
	states       []metaState
}

type metaState struct {
	id   uint32
	meta stateio.StateMeta
}

func (b *Backend) appendMeta(dst []byte, checkpointID int64) []byte {
	dst = append(dst, metaMagic...)
	dst = binary.BigEndian.AppendUint16(dst, metaVersion)
	dst = binary.BigEndian.AppendUint64(dst, uint64(checkpointID))
	dst = appendStr(dst, b.id)
	dst = binary.BigEndian.AppendUint32(dst, uint32(b.kgRange.Start))
	dst = binary.BigEndian.AppendUint32(dst, uint32(b.kgRange.Len()))
	dst = binary.BigEndian.AppendUint32(dst, b.nextID)
	names := sortedKeys(b.states)
	dst = binary.AppendUvarint(dst, uint64(len(names)))
	for _, name := range names {
		st := b.states[name]
		dst = binary.BigEndian.AppendUint32(dst, st.id)
		dst = appendStr(dst, st.meta.Name)
		var flags byte
		if st.meta.Timestamps {
			flags = 1
		}
		dst = append(dst, byte(st.meta.Kind), flags)
		dst = appendStr(dst, st.meta.NamespaceType)
		dst = appendStr(dst, st.meta.ValueType)
		dst = appendStr(dst, st.meta.UserKeyType)
	}
	return binary.BigEndian.AppendUint32(dst, crc32.Checksum(dst, castagnoli))
}

func appendStr(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// metaReader reads the fields of a meta file, remembering the first error.
type metaReader struct {
	b   []byte
	err error
}

func (r *metaReader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: checkpoint metadata ends inside %s", stateio.ErrCorrupt, what)
	}
}

func (r *metaReader) fixed(n int, what string) []byte {
	if r.err != nil || len(r.b) < n {
		r.fail(what)
		return make([]byte, n)
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *metaReader) uvarint(what string) uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail(what)
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *metaReader) str(what string) string {
	n := r.uvarint(what)
	if n > uint64(len(r.b)) {
		r.fail(what)
		return ""
	}
	return string(r.fixed(int(n), what))
}

// parseMeta parses and checks a meta file.
func parseMeta(data []byte) (*checkpointMeta, error) {
	if len(data) < len(metaMagic)+2+4 || string(data[:len(metaMagic)]) != metaMagic {
		return nil, fmt.Errorf("%w: not an lsm checkpoint metadata file", stateio.ErrCorrupt)
	}
	body := data[:len(data)-4]
	if got, want := binary.BigEndian.Uint32(data[len(body):]), crc32.Checksum(body, castagnoli); got != want {
		return nil, fmt.Errorf("%w: checkpoint metadata checksum mismatch: stored %08x, computed %08x", stateio.ErrCorrupt, got, want)
	}
	r := &metaReader{b: body[len(metaMagic):]}
	if v := binary.BigEndian.Uint16(r.fixed(2, "the version")); v != metaVersion {
		return nil, fmt.Errorf("%w: unsupported checkpoint metadata version %d", stateio.ErrCorrupt, v)
	}
	m := &checkpointMeta{}
	m.checkpointID = int64(binary.BigEndian.Uint64(r.fixed(8, "the checkpoint id")))
	m.backendID = r.str("the backend id")
	start := int(binary.BigEndian.Uint32(r.fixed(4, "the key-group range")))
	count := int(binary.BigEndian.Uint32(r.fixed(4, "the key-group range")))
	m.kgRange = keygroup.Range{Start: start, End: start + count - 1}
	m.nextID = binary.BigEndian.Uint32(r.fixed(4, "the next state id"))
	n := r.uvarint("the state count")
	for i := uint64(0); i < n && r.err == nil; i++ {
		var s metaState
		s.id = binary.BigEndian.Uint32(r.fixed(4, "a state id"))
		s.meta.Name = r.str("a state name")
		kf := r.fixed(2, "a state kind")
		s.meta.Kind, s.meta.Timestamps = stateio.Kind(kf[0]), kf[1]&1 != 0
		s.meta.NamespaceType = r.str("a namespace type")
		s.meta.ValueType = r.str("a value type")
		s.meta.UserKeyType = r.str("a map key type")
		if r.err == nil && (s.meta.Kind < stateio.KindValue || s.meta.Kind > stateio.KindTimers || s.id >= m.nextID) {
			return nil, fmt.Errorf("%w: checkpoint metadata: state %q has kind %d and id %d", stateio.ErrCorrupt, s.meta.Name, kf[0], s.id)
		}
		m.states = append(m.states, s)
	}
	if r.err != nil {
		return nil, r.err
	}
	if len(r.b) != 0 {
		return nil, fmt.Errorf("%w: %d bytes after the checkpoint metadata", stateio.ErrCorrupt, len(r.b))
	}
	return m, nil
}

func readMeta(dir string) (*checkpointMeta, error) {
	data, err := os.ReadFile(filepath.Join(dir, MetaFile))
	if err != nil {
		return nil, err
	}
	m, err := parseMeta(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, MetaFile), err)
	}
	return m, nil
}

// RestoreFromFiles returns a backend for the key groups kgRange, whose
// database lives in dir/db (as New), restored from incremental checkpoints:
// each of sources is a directory holding every file of one checkpoint
// (CheckpointFiles) of an old subtask, downloaded. Sources whose key groups
// do not intersect kgRange are ignored.
//
// If a single source has exactly kgRange (recovery without rescaling), its
// files are hard-linked (or copied) into the new database, which is opened
// as it is; the backend continues the source's lineage (BackendID).
// Otherwise every source is opened read-only and the entries of the key
// groups kgRange are copied into a fresh database, renumbering states by
// name (timers are states too, so only the key groups kgRange of them come
// back). The sources are never changed. Sections (and the timers of older
// checkpoints) come back from the sources' TimersFile, and states and
// timers are claimed by handles and timer services, as after Restore.
func RestoreFromFiles(dir string, kgRange keygroup.Range, clock Clock, opts Options, sources ...string) (*Backend, error) {
	var metas []*checkpointMeta
	var dirs []string
	for _, src := range sources {
		m, err := readMeta(src)
		if err != nil {
			return nil, fmt.Errorf("lsm: restoring from %s: %w", src, err)
		}
		if m.kgRange.Start <= kgRange.End && kgRange.Start <= m.kgRange.End {
			metas = append(metas, m)
			dirs = append(dirs, src)
		}
	}
	var b *Backend
	var err error
	if len(metas) == 1 && metas[0].kgRange == kgRange {
		b, err = restoreDirect(dir, kgRange, clock, opts, dirs[0], metas[0])
	} else {
		b, err = restoreRescaled(dir, kgRange, clock, opts, dirs, metas)
	}
	if err != nil {
		return nil, err
	}
	for _, src := range dirs {
		if err := b.restoreTimers(filepath.Join(src, TimersFile)); err != nil {
			_ = b.Close()
			return nil, fmt.Errorf("lsm: restoring timers from %s: %w", src, err)
		}
	}
	return b, nil
}

func (b *Backend) restoreTimers(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return b.Restore(f)
}

// restoreDirect opens the checkpoint in src as the backend's database.
func restoreDirect(dir string, kgRange keygroup.Range, clock Clock, opts Options, src string, m *checkpointMeta) (*Backend, error) {
	dbDir := filepath.Join(dir, dbDirName)
	if err := os.RemoveAll(dbDir); err != nil {
		return nil, fmt.Errorf("lsm: removing stale database: %w", err)
	}
	if err := os.MkdirAll(dbDir, 0o755); err != nil {
		return nil, fmt.Errorf("lsm: %w", err)
	}
	ents, err := os.ReadDir(src)
	if err != nil {
		return nil, fmt.Errorf("lsm: restoring from %s: %w", src, err)
	}
	for _, e := range ents {
		name := e.Name()
		if name == MetaFile || name == TimersFile || !e.Type().IsRegular() {
			continue
		}
		from, to := filepath.Join(src, name), filepath.Join(dbDir, name)
		if isShared(name) {
			err = vfs.LinkOrCopy(vfs.Default, from, to) // immutable: pebble only unlinks it
		} else {
			err = vfs.Copy(vfs.Default, from, to) // pebble may rewrite it
		}
		if err != nil {
			return nil, fmt.Errorf("lsm: restoring from %s: %w", src, err)
		}
	}
	b, err := open(dir, kgRange, clock, opts)
	if err != nil {
		return nil, err
	}
	b.id = m.backendID
	b.nextID = m.nextID
	for _, s := range m.states {
		b.states[s.meta.Name] = &stateInfo{b: b, id: s.id, meta: s.meta}
	}
	return b, nil
}

// restoreRescaled copies the key groups kgRange of the sources into a fresh
// database.
func restoreRescaled(dir string, kgRange keygroup.Range, clock Clock, opts Options, dirs []string, metas []*checkpointMeta) (*Backend, error) {
	b, err := New(dir, kgRange, clock, opts)
	if err != nil {
		return nil, err
	}
	for i, src := range dirs {
		if err := b.copyFrom(src, metas[i]); err != nil {
			_ = b.Close()
			return nil, fmt.Errorf("lsm: restoring from %s: %w", src, err)
		}
	}
	return b, nil
}

// copyFrom copies the entries of the backend's key groups from the
// checkpoint database in src, whose metadata is m, mapping its state ids to
// the backend's.
func (b *Backend) copyFrom(src string, m *checkpointMeta) error {
	ids := make(map[uint32]uint32, len(m.states))
	for _, s := range m.states {
		st := b.states[s.meta.Name]
		if st == nil {
			st = b.newState(s.meta)
		} else if st.meta != s.meta {
			return fmt.Errorf("state %q is described differently by two checkpoints: %+v and %+v", s.meta.Name, st.meta, s.meta)
		}
		ids[s.id] = st.id
	}
	db, err := pebble.Open(src, pebbleOptions(b.opts, true))
	if err != nil {
		return err
	}
	defer db.Close()
	start, end := max(b.kgRange.Start, m.kgRange.Start), min(b.kgRange.End, m.kgRange.End)
	lower, upper := rangeBounds(start, end)
	it, err := db.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
	if err != nil {
		return err
	}
	defer it.Close()
	w := newBatchWriter(b.db)
	defer w.close()
	var k []byte
	for valid := it.First(); valid; valid = it.Next() {
		old := it.Key()
		if len(old) < prefixLen {
			return fmt.Errorf("%w: malformed key %x", stateio.ErrCorrupt, old)
		}
		id, ok := ids[binary.BigEndian.Uint32(old[kgLen:])]
		if !ok {
			return fmt.Errorf("%w: key %x of an unknown state", stateio.ErrCorrupt, old)
		}
		k = append(k[:0], old...)
		binary.BigEndian.PutUint32(k[kgLen:], id)
		if err := w.set(k, it.Value()); err != nil {
			return err
		}
	}
	if err := it.Error(); err != nil {
		return err
	}
	return w.flush()
}
