package lsm

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/statebackend/stateio"
)

// Clock gives processing time in epoch milliseconds, for state TTL.
type Clock interface {
	NowMillis() int64
}

type wallClock struct{}

func (wallClock) NowMillis() int64 { return time.Now().UnixMilli() }

// Options are the tuning options of a backend. Zero fields take defaults.
type Options struct {
	// BlockCacheSize is the size in bytes of the cache of uncompressed
	// SST blocks (Flink's state.backend.rocksdb.block.cache-size). Default
	// 8 MiB.
	BlockCacheSize int64
	// MemTableSize is the size in bytes of a memtable (Flink's
	// state.backend.rocksdb.writebuffer.size); up to two are in memory at
	// once. Default 64 MiB. Pebble starts memtables small and grows them up
	// to this size, so an idle backend does not hold it.
	MemTableSize uint64
	// DisableIncrementalCleanup turns off the per-access TTL cleanup of
	// other entries (see the package documentation), leaving expired
	// values to be removed when they are accessed: it costs little in
	// common workloads but much when a few keys are rewritten very often.
	DisableIncrementalCleanup bool
}

const (
	defaultBlockCacheSize = 8 << 20
	defaultMemTableSize   = 64 << 20
)

// dbDirName is the subdirectory of a backend's working directory that holds
// its pebble database. It belongs to the backend: New and Restore remove a
// stale one, Close removes it.
const dbDirName = "db"

// Backend is the LSM keyed state backend of one operator in one subtask:
// its state lives in a pebble database under a working directory. It
// implements statebackend.Keyed, statebackend.Snapshotter,
// statebackend.Restorer and stateio.SectionHost. It is used from the
// subtask's goroutine only; snapshots are written from any.
type Backend struct {
	kgRange keygroup.Range
	clock   Clock
	opts    Options
	dir     string // working directory
	db      *pebble.DB
	// id names this backend's lineage of SST files (see
	// IncrementalSnapshot.BackendID).
	id string

	key      []byte
	keyGroup int
	// version is bumped by every SetCurrentKey that changes the key; 0 means
	// no key has been set. Handles rebuild their pebble key when it changes.
	version uint64

	states map[string]*stateInfo
	nextID uint32
	// sections are the sections (AddSection) that take part in
	// snapshots. Timer services keep their timers in the database as
	// states (NewTimers) instead.
	sections map[string]stateio.Section

	// snapshots counts the snapshots in flight; the DB is closed when the
	// backend is closed and none is left.
	snapshots int
	// snapMu guards snapshots and dbClosed: a snapshot may be released
	// on another goroutine once its task ended, racing Close.
	snapMu   sync.Mutex
	dbClosed bool
	closed   bool
	closeErr error
}

// New returns an empty backend for the key groups kgRange whose database
// lives in dir/db (dir is created if needed; a stale dir/db is removed).
// clock gives processing time for TTL; nil means the wall clock.
func New(dir string, kgRange keygroup.Range, clock Clock, opts Options) (*Backend, error) {
	dbDir := filepath.Join(dir, dbDirName)
	if err := os.RemoveAll(dbDir); err != nil {
		return nil, fmt.Errorf("lsm: removing stale database: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("lsm: %w", err)
	}
	b, err := open(dir, kgRange, clock, opts)
	if err != nil {
		return nil, err
	}
	b.id = newBackendID()
	return b, nil
}

// open opens (or creates) the database in dir/db.
func open(dir string, kgRange keygroup.Range, clock Clock, opts Options) (*Backend, error) {
	if kgRange.Start < 0 || kgRange.End > keygroup.UpperBoundMaxParallelism-1 {
		return nil, fmt.Errorf("lsm: invalid key-group range %v", kgRange)
	}
	if clock == nil {
		clock = wallClock{}
	}
	db, err := pebble.Open(filepath.Join(dir, dbDirName), pebbleOptions(opts, false))
	if err != nil {
		return nil, fmt.Errorf("lsm: opening database in %s: %w", dir, err)
	}
	return &Backend{
		kgRange:  kgRange,
		clock:    clock,
		opts:     opts,
		dir:      dir,
		db:       db,
		keyGroup: -1,
		states:   make(map[string]*stateInfo),
		sections: make(map[string]stateio.Section),
	}, nil
}

// pebbleOptions returns the pebble options of a backend's database.
func pebbleOptions(o Options, readOnly bool) *pebble.Options {
	cacheSize, memSize := o.BlockCacheSize, o.MemTableSize
	if cacheSize <= 0 {
		cacheSize = defaultBlockCacheSize
	}
	if memSize == 0 {
		memSize = defaultMemTableSize
	}
	return &pebble.Options{
		CacheSize:    cacheSize,
		MemTableSize: memSize,
		// Durability comes from checkpoints, as in Flink's RocksDB backend:
		// a restarted task restores its last checkpoint, never this DB.
		DisableWAL: true,
		// List state appends with Merge; the default merger concatenates.
		Merger:   pebble.DefaultMerger,
		ReadOnly: readOnly,
		Logger:   quietLogger{},
	}
}

// quietLogger drops pebble's informational messages.
type quietLogger struct{}

func (quietLogger) Infof(string, ...any)           {}
func (quietLogger) Errorf(format string, a ...any) { log.Printf("lsm: pebble: "+format, a...) }
func (quietLogger) Fatalf(format string, a ...any) { panic(fmt.Sprintf("lsm: pebble: "+format, a...)) }

func newBackendID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// SetCurrentKey sets the key that subsequent state access is scoped to. The
// backend copies encodedKey. It panics if keyGroup is not in KeyGroupRange.
func (b *Backend) SetCurrentKey(encodedKey []byte, keyGroup int) {
	if keyGroup == b.keyGroup && b.version != 0 && bytes.Equal(encodedKey, b.key) {
		return
	}
	if !b.kgRange.Contains(keyGroup) {
		panic(fmt.Sprintf("lsm: key group %d is outside the backend's key-group range %v", keyGroup, b.kgRange))
	}
	b.key = append(b.key[:0], encodedKey...)
	b.keyGroup = keyGroup
	b.version++
}

// CurrentKey returns the encoding of the current key; the slice is valid
// until the next SetCurrentKey.
func (b *Backend) CurrentKey() []byte { return b.key }

// CurrentKeyGroup returns the key group of the current key, or -1 if no key
// has been set.
func (b *Backend) CurrentKeyGroup() int { return b.keyGroup }

// KeyGroupRange returns the key groups the backend holds.
func (b *Backend) KeyGroupRange() keygroup.Range { return b.kgRange }

// Dir returns the backend's working directory.
func (b *Backend) Dir() string { return b.dir }

// Keys calls fn with every (key, namespace) that has a value in the named
// state, once each, by key group. Values whose TTL has expired but that have
// not been cleaned up yet are included, as in Flink. The slices are valid
// only during the call. fn may read and write state; Keys iterates a view
// of the database taken when it is called, so entries fn creates are not
// visited and entries it removes may still be.
//
// Restored state no handle has been created for yet is reported too.
func (b *Backend) Keys(stateName string, fn func(encodedKey []byte, encodedNamespace []byte)) {
	st, ok := b.states[stateName]
	if !ok || b.closed || st.meta.Kind == stateio.KindTimers {
		return
	}
	lower, upper := rangeBounds(b.kgRange.Start, b.kgRange.End)
	it, err := b.db.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
	if err != nil {
		panic(accessError(stateName, err))
	}
	defer it.Close()
	var p parsedKey
	var last, buf []byte
	for kg := b.kgRange.Start; kg <= b.kgRange.End; kg++ {
		lo, hi := stateBounds(kg, st.id)
		for valid := it.SeekGE(lo); valid && bytes.Compare(it.Key(), hi) < 0; valid = it.Next() {
			if err := parseKey(it.Key(), &p); err != nil {
				panic(accessError(stateName, err))
			}
			if last != nil && bytes.Equal(p.head, last) {
				continue // another map entry of the same (key, namespace)
			}
			last = append(last[:0], p.head...)
			buf = append(append(buf[:0], p.key...), p.ns...)
			fn(buf[:len(p.key):len(p.key)], buf[len(p.key):])
		}
		if err := it.Error(); err != nil {
			panic(accessError(stateName, err))
		}
	}
}

// accessError is the value state access panics with when the database
// fails: the state interfaces have no error results, as Flink's state
// throws unchecked exceptions.
func accessError(name string, err error) error {
	return fmt.Errorf("lsm: state %q: %w", name, err)
}

// Close closes the database and removes it (dir/db); handles must not be
// used afterwards. Snapshots in flight stay valid: the database is closed
// when the last is released. Close leaves the working directory and any
// checkpoint directory made by CheckpointFiles.
func (b *Backend) Close() error {
	if b.closed {
		return b.closeErr
	}
	b.closed = true
	for _, st := range b.states {
		st.closeCleaner()
	}
	b.sections = nil
	b.snapMu.Lock()
	last := b.snapshots == 0 && !b.dbClosed
	b.dbClosed = b.dbClosed || last
	b.snapMu.Unlock()
	if last {
		b.closeDB()
	}
	return b.closeErr
}

func (b *Backend) closeDB() {
	err := b.db.Close()
	if rmErr := os.RemoveAll(filepath.Join(b.dir, dbDirName)); err == nil {
		err = rmErr
	}
	if err != nil {
		b.closeErr = fmt.Errorf("lsm: closing database: %w", err)
	}
}

var errClosed = errors.New("backend is closed")
