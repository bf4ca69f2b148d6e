package datastream

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/internal/statebackend/heap"
	"github.com/eddy-streams/eddy/internal/statebackend/lsm"
)

// StateBackendConfig holds the options of the keyed state backend.
type StateBackendConfig struct {
	// Type is state.backend.type: "heap" (the default; Flink's "hashmap"),
	// state as Go values in memory, or "lsm" (Flink's "rocksdb"), state in
	// an embedded pebble database on local disk, for state larger than
	// memory.
	Type string
	// Incremental is execution.checkpointing.incremental (also
	// state.backend.incremental): the lsm backend's checkpoints upload only
	// the files earlier checkpoints did not have. Savepoints stay full.
	Incremental bool
	// LocalRecovery is state.backend.local-recovery: after a failure a
	// subtask restores its incremental state from its local checkpoint
	// directory instead of downloading it.
	LocalRecovery bool
	// LocalDir is state.backend.lsm.localdir (also
	// state.backend.rocksdb.localdir): where lsm databases live; the
	// system's temporary directory by default.
	LocalDir string
	// BlockCacheSize and WriteBufferSize are
	// state.backend.lsm.block.cache-size and
	// state.backend.lsm.writebuffer.size (also with "rocksdb" for "lsm"),
	// in bytes: the cache of uncompressed blocks and the size of a
	// memtable, per backend (one per keyed operator and subtask). Zero
	// takes the defaults (8 MiB, 64 MiB).
	BlockCacheSize, WriteBufferSize int64
}

// set parses a state backend option; handled is false for other keys.
func (c *StateBackendConfig) set(key, value string) (handled bool, err error) {
	key = strings.Replace(key, "state.backend.rocksdb.", "state.backend.lsm.", 1)
	boolValue := func() (bool, error) {
		b, err := strconv.ParseBool(value)
		if err != nil {
			return false, fmt.Errorf("option %s: %q is not true or false", key, value)
		}
		return b, nil
	}
	switch key {
	case "state.backend.type", "state.backend":
		switch t := strings.ToLower(value); t {
		case "heap", "hashmap", "jobmanager", "filesystem":
			c.Type = "heap"
		case "lsm", "rocksdb":
			c.Type = "lsm"
		default:
			return true, fmt.Errorf("state.backend.type must be heap (hashmap) or lsm (rocksdb), got %q", value)
		}
	case "execution.checkpointing.incremental", "state.backend.incremental":
		c.Incremental, err = boolValue()
	case "state.backend.local-recovery":
		c.LocalRecovery, err = boolValue()
	case "state.backend.lsm.localdir":
		c.LocalDir = strings.TrimPrefix(value, "file://")
	case "state.backend.lsm.block.cache-size":
		c.BlockCacheSize, err = ParseMemorySize(value)
	case "state.backend.lsm.writebuffer.size":
		c.WriteBufferSize, err = ParseMemorySize(value)
	default:
		return false, nil
	}
	if err != nil {
		err = fmt.Errorf("option %s: %w", key, err)
	}
	return true, err
}

// ParseMemorySize reads a Flink memory size: a number of bytes with an
// optional unit b, k/kb, m/mb, g/gb, t/tb (powers of 1024), e.g. "64mb".
func ParseMemorySize(value string) (int64, error) {
	v := strings.ToLower(strings.TrimSpace(value))
	i := strings.IndexFunc(v, func(r rune) bool { return r < '0' || r > '9' })
	num, unit := v, ""
	if i >= 0 {
		num, unit = v[:i], strings.TrimSpace(v[i:])
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || num == "" {
		return 0, fmt.Errorf("%q is not a memory size (e.g. 64mb)", value)
	}
	shift := map[string]uint{"": 0, "b": 0, "bytes": 0, "k": 10, "kb": 10, "kibibytes": 10, "m": 20, "mb": 20, "mebibytes": 20,
		"g": 30, "gb": 30, "gibibytes": 30, "t": 40, "tb": 40, "tebibytes": 40}
	s, ok := shift[unit]
	if !ok {
		return 0, fmt.Errorf("unknown memory unit %q in %q (use b, kb, mb, gb or tb)", unit, value)
	}
	if n > (1<<62)>>s {
		return 0, fmt.Errorf("%q is too large", value)
	}
	return n << s, nil
}

func (c *StateBackendConfig) validate() error {
	switch {
	case c.Type != "" && c.Type != "heap" && c.Type != "lsm":
		return fmt.Errorf("state.backend.type must be heap or lsm, got %q", c.Type)
	case c.BlockCacheSize < 0 || c.WriteBufferSize < 0:
		return fmt.Errorf("state.backend.lsm sizes must not be negative")
	}
	return nil
}

// keyedBackends creates the keyed state backends of one job run: heap
// backends, or lsm backends in directories under one folder that close
// removes.
type keyedBackends struct {
	cfg   StateBackendConfig
	clock operator.Clock

	mu  sync.Mutex
	dir string // the job's folder of lsm databases, made on first use
}

func (k *keyedBackends) lsmOptions() lsm.Options {
	return lsm.Options{BlockCacheSize: k.cfg.BlockCacheSize, MemTableSize: uint64(k.cfg.WriteBufferSize)}
}

// backendDir makes the working directory of a new lsm backend.
func (k *keyedBackends) backendDir(operatorName string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.dir == "" {
		base := k.cfg.LocalDir
		if base == "" {
			base = os.TempDir()
		}
		if err := os.MkdirAll(base, 0o755); err != nil {
			return "", fmt.Errorf("state.backend.lsm.localdir: %w", err)
		}
		d, err := os.MkdirTemp(base, "eddy-lsm-*")
		if err != nil {
			return "", fmt.Errorf("state.backend.lsm.localdir: %w", err)
		}
		k.dir = d
	}
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, operatorName)
	if len(safe) > 40 {
		safe = safe[:40]
	}
	return os.MkdirTemp(k.dir, safe+"-*")
}

func (k *keyedBackends) new(operatorName string, r keygroup.Range) (statebackend.Keyed, error) {
	if k.cfg.Type != "lsm" {
		return heap.New(r, k.clock), nil
	}
	dir, err := k.backendDir(operatorName)
	if err != nil {
		return nil, err
	}
	return lsm.New(dir, r, k.clock, k.lsmOptions())
}

func (k *keyedBackends) restore(operatorName string, r keygroup.Range, streams []io.Reader) (statebackend.Keyed, error) {
	if k.cfg.Type != "lsm" {
		return heap.Restore(r, k.clock, streams...)
	}
	dir, err := k.backendDir(operatorName)
	if err != nil {
		return nil, err
	}
	return lsm.Restore(dir, r, k.clock, k.lsmOptions(), streams...)
}

func (k *keyedBackends) restoreFromFiles(operatorName string, r keygroup.Range, sources []string) (statebackend.Keyed, error) {
	if k.cfg.Type != "lsm" {
		return nil, fmt.Errorf("the checkpoint holds incremental lsm state: restore it with state.backend.type: lsm (a savepoint moves state between backends)")
	}
	dir, err := k.backendDir(operatorName)
	if err != nil {
		return nil, err
	}
	return lsm.RestoreFromFiles(dir, r, k.clock, k.lsmOptions(), sources...)
}

// close removes the job's lsm databases; the backends are closed.
func (k *keyedBackends) close() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.dir != "" {
		os.RemoveAll(k.dir)
	}
}
