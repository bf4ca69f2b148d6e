package lsm

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"reflect"

	"github.com/cockroachdb/pebble/v2"

	"github.com/eddy-streams/eddy/internal/statebackend/stateio"
	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/state"
)

// cleanupSize is how many entries of a TTL state every access of that state
// checks for expiry (Flink's incremental cleanup default, as the heap
// backend).
const cleanupSize = 5

// stateInfo is a state of the backend: registered by a handle, or restored
// (from a stream or checkpoint files) and not claimed by a handle yet.
type stateInfo struct {
	b    *Backend
	id   uint32
	meta stateio.StateMeta // meta.Timestamps: stored values carry timestamps

	// Set when a handle claims the state; registration compares them.
	claimed  bool
	descType reflect.Type
	nsType   reflect.Type
	ttlConf  state.TTL

	// TTL. ttl is 0 when disabled.
	ttl           int64
	updateOnRead  bool
	returnExpired bool
	clean         *cleaner

	// restoredKGs marks the key groups restored from streams, to refuse
	// restoring one twice; nil once claimed.
	restoredKGs map[int]bool
}

func (st *stateInfo) name() string { return st.meta.Name }

// newState adds an unclaimed state with metadata m and a fresh id.
func (b *Backend) newState(m stateio.StateMeta) *stateInfo {
	st := &stateInfo{b: b, id: b.nextID, meta: m}
	b.nextID++
	b.states[m.Name] = st
	return st
}

// typeNames is the metadata a handle needs its state to have.
type typeNames struct {
	kind               state.Kind
	valueType, userKey reflect.Type
}

// register returns the state d describes, creating it if the name is new,
// or claiming restored state of that name if its metadata matches.
func register(b *Backend, d state.Descriptor, nsType reflect.Type, tn typeNames) (*stateInfo, error) {
	if err := state.Validate(d); err != nil {
		return nil, err
	}
	name := d.StateName()
	if b.closed {
		return nil, fmt.Errorf("lsm: cannot create state %q: %w", name, errClosed)
	}
	descType := reflect.TypeOf(d)
	ttl := d.TTLConfig()
	st, ok := b.states[name]
	if ok && st.claimed {
		switch {
		case st.meta.Kind != stateio.KindOf(d.StateKind()):
			return nil, fmt.Errorf("state %q is already registered as %s state, cannot create it as %s state", name, st.meta.Kind, d.StateKind())
		case st.descType != descType:
			return nil, fmt.Errorf("state %q is already registered with type %v, cannot create it with type %v", name, st.descType, descType)
		case st.nsType != nsType:
			return nil, fmt.Errorf("state %q is already registered with namespace type %v, cannot create it with namespace type %v", name, st.nsType, nsType)
		case st.ttlConf != ttl:
			return nil, fmt.Errorf("state %q is already registered with TTL %+v, cannot create it with TTL %+v", name, st.ttlConf, ttl)
		}
		return st, nil
	}
	if _, ok := b.sections[name]; ok {
		return nil, fmt.Errorf("lsm: cannot create state %q: the name is taken by a timer service", name)
	}
	want := stateio.StateMeta{
		Name:          name,
		Kind:          stateio.KindOf(tn.kind),
		Timestamps:    ttl.Enabled(),
		NamespaceType: nsType.String(),
		ValueType:     tn.valueType.String(),
	}
	if tn.userKey != nil {
		want.UserKeyType = tn.userKey.String()
	}
	if ok { // restored
		if err := st.meta.Check(want); err != nil {
			return nil, fmt.Errorf("lsm: %w", err)
		}
		if st.meta.Timestamps != want.Timestamps {
			if err := st.migrateTimestamps(want.Timestamps, b.clock.NowMillis()); err != nil {
				return nil, err
			}
		}
		st.meta = want
	} else {
		st = b.newState(want)
	}
	st.claimed = true
	st.restoredKGs = nil
	st.descType, st.nsType, st.ttlConf = descType, nsType, ttl
	if ttl.Enabled() {
		st.ttl = ttl.Duration.Milliseconds()
		st.updateOnRead = ttl.Update == state.OnReadAndWrite
		st.returnExpired = ttl.Visibility == state.ReturnExpiredIfNotCleanedUp
		if !b.opts.DisableIncrementalCleanup {
			st.clean = &cleaner{st: st}
		}
	}
	return st, nil
}

// codecFor returns the default codec of T, or an error naming the state,
// T and what it is used for: the LSM backend stores every value serialized.
func codecFor[T any](d state.Descriptor, what string) (serde.Codec[T], error) {
	c, err := serde.For[T]()
	if err != nil {
		return nil, fmt.Errorf("lsm: cannot create state %q: its %s type %v cannot be serialized: %w", d.StateName(), what, reflect.TypeFor[T](), err)
	}
	return c, nil
}

// nilCodec is the error of a handle constructor given no namespace codec.
func nilCodec(d state.Descriptor) error {
	return fmt.Errorf("state %q: nil namespace codec", d.StateName())
}

// expired reports whether a value written (or read) at ts has expired at
// now: Flink's TtlUtils.expired, with the expiration time saturating.
func (st *stateInfo) expired(ts, now int64) bool {
	exp := ts + st.ttl
	if exp < ts {
		exp = math.MaxInt64
	}
	return exp <= now
}

// visible reports whether a value written at ts may be used at now.
func (st *stateInfo) visible(ts, now int64) bool {
	return st.ttl == 0 || st.returnExpired || !st.expired(ts, now)
}

// now returns the time for TTL: the clock's for a TTL state, else 0.
func (st *stateInfo) now() int64 {
	if st.ttl == 0 {
		return 0
	}
	return st.b.clock.NowMillis()
}

// done ends an access of the state at time now: for a TTL state it runs a
// step of the incremental cleanup, after the access so that the access
// sees its own entry as it was.
func (st *stateInfo) done(now int64) {
	if st.clean != nil {
		st.clean.step(now)
	}
}

func (st *stateInfo) closeCleaner() {
	if st.clean != nil {
		st.clean.close()
	}
}

func (st *stateInfo) fail(err error) {
	panic(accessError(st.name(), err))
}

// forEachStored calls fn with every pebble key and value of the state in
// the backend's key groups, from a view taken at the call.
func (st *stateInfo) forEachStored(fn func(k, v []byte) error) error {
	b := st.b
	lower, upper := rangeBounds(b.kgRange.Start, b.kgRange.End)
	it, err := b.db.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
	if err != nil {
		return err
	}
	defer it.Close()
	for kg := b.kgRange.Start; kg <= b.kgRange.End; kg++ {
		lo, hi := stateBounds(kg, st.id)
		for valid := it.SeekGE(lo); valid && bytes.Compare(it.Key(), hi) < 0; valid = it.Next() {
			if err := fn(it.Key(), it.Value()); err != nil {
				return err
			}
		}
	}
	return it.Error()
}

// migrateTimestamps rewrites every stored value of the state with
// timestamps (TTL turned on since the state was written: the values count
// as written now) or without (TTL turned off).
func (st *stateInfo) migrateTimestamps(withTS bool, now int64) error {
	w := newBatchWriter(st.b.db)
	var buf []byte
	err := st.forEachStored(func(k, v []byte) error {
		var err error
		buf, err = convertTS(buf[:0], st.meta.Kind, v, st.meta.Timestamps, withTS, now)
		if err != nil {
			return fmt.Errorf("key %x: %w", k, err)
		}
		return w.set(k, buf)
	})
	if err == nil {
		err = w.flush()
	}
	w.close()
	if err != nil {
		return fmt.Errorf("lsm: turning TTL of restored state %q on or off: %w", st.name(), err)
	}
	st.meta.Timestamps = withTS
	return nil
}

// convertTS appends the stored value v of a state of kind k, with or
// without timestamps (hasTS), converted to wantTS.
func convertTS(dst []byte, k stateio.Kind, v []byte, hasTS, wantTS bool, now int64) ([]byte, error) {
	if k != stateio.KindList {
		if hasTS {
			if len(v) < 8 {
				return nil, errShortValue
			}
			v = v[8:]
		}
		if wantTS {
			dst = binary.BigEndian.AppendUint64(dst, uint64(now))
		}
		return append(dst, v...), nil
	}
	for len(v) > 0 {
		ts, elem, rest, err := nextElem(v, hasTS)
		if err != nil {
			return nil, err
		}
		if !hasTS {
			ts = now
		}
		dst = appendElem(dst, wantTS, ts, elem)
		v = rest
	}
	return dst, nil
}

// batchWriter writes through a batch committed every few MB, for bulk
// writes (restore, migration).
type batchWriter struct {
	db *pebble.DB
	b  *pebble.Batch
}

const batchBytes = 4 << 20

func newBatchWriter(db *pebble.DB) *batchWriter {
	return &batchWriter{db: db, b: db.NewBatch()}
}

func (w *batchWriter) set(k, v []byte) error {
	if err := w.b.Set(k, v, nil); err != nil {
		return err
	}
	if w.b.Len() >= batchBytes {
		return w.flush()
	}
	return nil
}

func (w *batchWriter) flush() error {
	if w.b.Empty() {
		return nil
	}
	if err := w.b.Commit(pebble.NoSync); err != nil {
		return err
	}
	w.b.Reset()
	return nil
}

func (w *batchWriter) close() { _ = w.b.Close() }
