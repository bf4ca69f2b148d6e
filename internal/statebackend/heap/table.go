package heap

import (
	"fmt"
	"math"
	"reflect"

	"github.com/eddy-streams/eddy/internal/statebackend/cowmap"
	"github.com/eddy-streams/eddy/internal/statebackend/stateio"
	"github.com/eddy-streams/eddy/state"
)

// cleanupSize is how many entries of a TTL state every access of that state
// checks for expiry (Flink's incremental cleanup default).
const cleanupSize = 5

// tableInfo is what registration compares when a state name is used again.
type tableInfo struct {
	name     string
	kind     state.Kind
	descType reflect.Type // the descriptor's type, which carries the value types
	nsType   reflect.Type
	ttl      state.TTL
	// meta is the state's metadata in snapshots.
	meta stateio.StateMeta
	// codecErr says why the state cannot be snapshotted, if it cannot.
	codecErr error
}

// anyTable is a table of any stored type.
type anyTable interface {
	info() *tableInfo
	keys(fn func(key, ns []byte))
	// freeze returns a frozen view of the table for a snapshot; unfreeze
	// ends it.
	freeze() stateio.FrozenState
	unfreeze()
	release()
}

// entry is the stored value of one (key, namespace) of a state.
//
// While a snapshot is in flight, an entry the snapshot may read (epoch older
// than the table's) is immutable: the task copies it before any access (see
// table.lookup). v, ts, mapKey and keyLen are what snapshots read; slot and
// epoch belong to the task goroutine.
type entry[S any] struct {
	v      S
	ts     int64  // last write (or read, with OnReadAndWrite) for TTL
	mapKey string // encodedKey | encodedNamespace, the entry's key in its map
	keyLen int32
	kg     int32  // index of the key group in the backend's range
	slot   int32  // index in table.live, for TTL states
	epoch  uint32 // the index's epoch when the entry was made
}

// kindOps is what a table needs to know of its kind and types.
type kindOps[S any] struct {
	valueType, userKeyType reflect.Type
	// codecErr says why values cannot be serialized (no default codec).
	codecErr error
	// purge drops the expired parts of e's value and reports whether
	// nothing is left; nil for kinds whose entries expire as a whole.
	purge func(t *table[S], e *entry[S], now int64) bool
	// expiredAll reports, without changing e, whether nothing of e's value
	// is unexpired; nil for kinds whose entries expire as a whole.
	expiredAll func(t *table[S], e *entry[S], now int64) bool
	// clone makes *v, a plain copy of another value, share nothing mutable
	// with it; nil when a plain copy of S shares nothing mutable.
	clone func(v *S)
	// appendElems appends the number of elements of v and the elements, and
	// reports whether there were any.
	appendElems func(dst []byte, v S, ts int64, withTS bool) ([]byte, bool)
	// load sets the value (and timestamp) of e from restored elements;
	// withTS tells whether they carry timestamps, now is the time to give
	// them if not.
	load func(t *table[S], e *entry[S], elems []stateio.Elem, withTS bool, now int64) error
}

// table holds one state: a map per key group, in a copy-on-write index.
type table[S any] struct {
	tableInfo
	b   *Backend
	g   cowmap.Groups[entry[S]]
	ops *kindOps[S]

	// TTL. ttl is 0 when disabled.
	ttl           int64
	updateOnRead  bool
	returnExpired bool
	// live holds every entry of a TTL state, in no order, so that the
	// incremental cleanup can walk them with a cursor across accesses.
	live   []*entry[S]
	cursor int

	// removals counts removed (or replaced) entries and snapshots taken;
	// handles cache the entry they last found while it does not change.
	removals uint64
}

// register returns the table of the state d describes, creating it if the
// name is new, and restoring its entries if the backend restored state of
// that name. nsType is the handle's namespace type; ops describes the kind
// and is called only if the table is new.
func register[S any](b *Backend, d state.Descriptor, nsType reflect.Type, ops func() *kindOps[S]) (*table[S], error) {
	if err := state.Validate(d); err != nil {
		return nil, err
	}
	name := d.StateName()
	if b.tables == nil {
		return nil, fmt.Errorf("heap: cannot create state %q: backend is closed", name)
	}
	descType := reflect.TypeOf(d)
	if old, ok := b.tables[name]; ok {
		oi := old.info()
		switch {
		case oi.kind != d.StateKind():
			return nil, fmt.Errorf("state %q is already registered as %s state, cannot create it as %s state", name, oi.kind, d.StateKind())
		case oi.descType != descType:
			return nil, fmt.Errorf("state %q is already registered with type %v, cannot create it with type %v", name, oi.descType, descType)
		case oi.nsType != nsType:
			return nil, fmt.Errorf("state %q is already registered with namespace type %v, cannot create it with namespace type %v", name, oi.nsType, nsType)
		case oi.ttl != d.TTLConfig():
			return nil, fmt.Errorf("state %q is already registered with TTL %+v, cannot create it with TTL %+v", name, oi.ttl, d.TTLConfig())
		}
		t, ok := old.(*table[S])
		if !ok { // unreachable: the descriptor type determines S
			return nil, fmt.Errorf("state %q is already registered with another stored type", name)
		}
		return t, nil
	}
	if _, ok := b.sections[name]; ok {
		return nil, fmt.Errorf("heap: cannot create state %q: the name is taken by a timer service", name)
	}
	o := ops()
	if o.codecErr != nil && b.opts.RequireCodecs {
		return nil, fmt.Errorf("heap: cannot create state %q: %w (the backend takes snapshots)", name, o.codecErr)
	}
	ttl := d.TTLConfig()
	t := &table[S]{
		tableInfo: tableInfo{name: name, kind: d.StateKind(), descType: descType, nsType: nsType, ttl: ttl, codecErr: o.codecErr},
		b:         b,
		g:         cowmap.New[entry[S]](b.kgRange.Len()),
		ops:       o,
	}
	t.meta = stateio.StateMeta{
		Name:          name,
		Kind:          stateio.KindOf(d.StateKind()),
		Timestamps:    ttl.Enabled(),
		NamespaceType: nsType.String(),
		ValueType:     o.valueType.String(),
	}
	if o.userKeyType != nil {
		t.meta.UserKeyType = o.userKeyType.String()
	}
	if ttl.Enabled() {
		t.ttl = ttl.Duration.Milliseconds()
		t.updateOnRead = ttl.Update == state.OnReadAndWrite
		t.returnExpired = ttl.Visibility == state.ReturnExpiredIfNotCleanedUp
	}
	if rs, ok := b.restored[name]; ok {
		if err := t.restore(rs); err != nil {
			return nil, err
		}
		delete(b.restored, name)
	}
	b.tables[name] = t
	return t, nil
}

// restore loads the restored entries of rs into the new table t.
func (t *table[S]) restore(rs *stateio.RestoredState) error {
	if err := rs.Meta().Check(t.meta); err != nil {
		return fmt.Errorf("heap: %w", err)
	}
	if t.codecErr != nil && rs.Entries() > 0 {
		return fmt.Errorf("heap: cannot restore state %q: %w", t.name, t.codecErr)
	}
	withTS := rs.Meta().Timestamps
	now := t.now()
	var k []byte
	return rs.ForEach(func(kg int, re *stateio.Entry) error {
		idx := kg - t.b.kgRange.Start
		k = append(append(k[:0], re.Key...), re.Namespace...)
		if t.g.Get(idx, k) != nil {
			return fmt.Errorf("heap: cannot restore state %q: key group %d has two entries for key %x, namespace %x", t.name, kg, re.Key, re.Namespace)
		}
		e := t.insert(idx, k, len(re.Key))
		if err := t.ops.load(t, e, re.Elems, withTS, now); err != nil {
			return fmt.Errorf("heap: cannot restore state %q: key group %d, key %x: %w (was it snapshotted with another codec?)", t.name, kg, re.Key, err)
		}
		return nil
	})
}

// nilCodec is the error of a handle constructor given no namespace codec.
func nilCodec(d state.Descriptor) error {
	return fmt.Errorf("state %q: nil namespace codec", d.StateName())
}

func (t *table[S]) info() *tableInfo { return &t.tableInfo }

func (t *table[S]) release() {
	t.removals++
	t.g.Drop()
	t.live = nil
}

func (t *table[S]) keys(fn func(key, ns []byte)) {
	var buf []byte
	call := func(k string, keyLen int32) {
		buf = append(buf[:0], k...)
		fn(buf[:keyLen:keyLen], buf[keyLen:])
	}
	if !t.g.Snapshotting() {
		for kg := range t.g.Len() {
			t.g.Range(kg, func(k string, e *entry[S]) { call(k, e.keyLen) })
		}
		return
	}
	// fn may change the table, which must not happen while its index is
	// iterated: collect first.
	type kl struct {
		k string
		n int32
	}
	var all []kl
	for kg := range t.g.Len() {
		all = all[:0]
		t.g.Range(kg, func(k string, e *entry[S]) { all = append(all, kl{k, e.keyLen}) })
		for _, x := range all {
			call(x.k, x.n)
		}
	}
}

// expired reports whether a value written (or read) at ts has expired at
// now: Flink's TtlUtils.expired, with the expiration time saturating.
func (t *table[S]) expired(ts, now int64) bool {
	exp := ts + t.ttl
	if exp < ts {
		exp = math.MaxInt64
	}
	return exp <= now
}

// now returns the time for TTL: the clock's for a TTL state, else 0. It is
// called at the start of every access of the state, and done at its end.
func (t *table[S]) now() int64 {
	if t.ttl == 0 {
		return 0
	}
	return t.b.clock.NowMillis()
}

// done ends an access of the state at time now: for a TTL state it runs a
// step of the incremental cleanup. It runs after the access so that an
// access sees its own entry as it was, expired or not (with
// ReturnExpiredIfNotCleanedUp an expired value is returned once).
func (t *table[S]) done(now int64) {
	if t.ttl != 0 {
		t.cleanup(now)
	}
}

// cleanup checks up to cleanupSize entries, continuing where the previous
// access stopped, and removes those with nothing unexpired left. Entries a
// snapshot may read are not changed: they are removed if nothing of them is
// unexpired, and skipped otherwise.
func (t *table[S]) cleanup(now int64) {
	for range cleanupSize {
		if len(t.live) == 0 {
			return
		}
		if t.cursor >= len(t.live) {
			t.cursor = 0
		}
		e := t.live[t.cursor]
		var gone bool
		switch {
		case t.ops.purge == nil:
			gone = t.expired(e.ts, now)
		case t.frozen(e):
			gone = t.ops.expiredAll(t, e, now)
		default:
			gone = t.ops.purge(t, e, now)
		}
		if gone {
			t.remove(e) // moves another entry into live[cursor]
		} else {
			t.cursor++
		}
	}
}

// frozen reports whether a snapshot may read e, so that it must not change.
func (t *table[S]) frozen(e *entry[S]) bool {
	return t.g.Snapshotting() && e.epoch != t.g.Epoch()
}

// lookup returns the entry at the lookup bytes k in key group index kg, or
// nil. While a snapshot is in flight, an entry it may read is first replaced
// by a copy (copy on access, reads included, because callers may change the
// entry and hand its value to user code), so that the entry returned may
// always be changed.
func (t *table[S]) lookup(kg int, k []byte) *entry[S] {
	if !t.g.Snapshotting() {
		return t.g.Get(kg, k)
	}
	return t.lookupSnapshotting(kg, k)
}

func (t *table[S]) lookupSnapshotting(kg int, k []byte) *entry[S] {
	e := t.g.Get(kg, k)
	if e != nil && e.epoch != t.g.Epoch() {
		e = t.copyEntry(e)
	}
	return e
}

// copyEntry replaces the frozen entry e with a copy the task may change.
func (t *table[S]) copyEntry(e *entry[S]) *entry[S] {
	c := &entry[S]{v: e.v, ts: e.ts, mapKey: e.mapKey, keyLen: e.keyLen, kg: e.kg, slot: e.slot, epoch: t.g.Epoch()}
	if t.ops.clone != nil {
		t.ops.clone(&c.v)
	}
	if c.slot >= 0 {
		t.live[c.slot] = c
	}
	t.g.Put(int(c.kg), c.mapKey, c)
	t.removals++
	return c
}

// insert adds an entry with a zero value for the lookup bytes k (key of
// length keyLen, then namespace) in key group index kg.
func (t *table[S]) insert(kg int, k []byte, keyLen int) *entry[S] {
	e := &entry[S]{mapKey: string(k), keyLen: int32(keyLen), kg: int32(kg), slot: -1, epoch: t.g.Epoch()}
	t.g.Put(kg, e.mapKey, e)
	if t.ttl != 0 {
		e.slot = int32(len(t.live))
		t.live = append(t.live, e)
	}
	return e
}

// remove deletes e from the table.
func (t *table[S]) remove(e *entry[S]) {
	t.removals++
	t.g.Delete(int(e.kg), e.mapKey)
	if e.slot >= 0 {
		last := len(t.live) - 1
		moved := t.live[last]
		t.live[e.slot] = moved
		moved.slot = e.slot
		t.live[last] = nil
		t.live = t.live[:last]
		e.slot = -1
	}
}

// freeze returns a frozen view of the table: the index is frozen, the
// entries it holds are not changed until unfreeze.
func (t *table[S]) freeze() stateio.FrozenState {
	t.removals++ // handles drop the entries they cached
	return &tableView[S]{meta: t.meta, view: t.g.Freeze(), kgStart: t.b.kgRange.Start, ttl: t.ttl != 0, ops: t.ops}
}

func (t *table[S]) unfreeze() {
	t.g.Release()
	t.removals++
}

// tableView is a frozen table, written from the snapshot's goroutine.
type tableView[S any] struct {
	meta    stateio.StateMeta
	view    cowmap.View[entry[S]]
	kgStart int
	ttl     bool
	ops     *kindOps[S]
}

func (v *tableView[S]) Meta() *stateio.StateMeta { return &v.meta }

func (v *tableView[S]) AppendKeyGroup(dst []byte, kg int) ([]byte, int) {
	idx := kg - v.kgStart
	if idx < 0 || idx >= v.view.Len() {
		return dst, 0
	}
	n := 0
	v.view.Range(idx, func(_ string, e *entry[S]) {
		start := len(dst)
		k := e.mapKey
		dst = stateio.AppendBytes(dst, k[:e.keyLen])
		dst = stateio.AppendBytes(dst, k[e.keyLen:])
		var ok bool
		if dst, ok = v.ops.appendElems(dst, e.v, e.ts, v.ttl); ok {
			n++
		} else {
			dst = dst[:start]
		}
	})
	return dst, n
}
