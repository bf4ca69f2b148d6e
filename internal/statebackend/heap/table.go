package heap

import (
	"fmt"
	"math"
	"reflect"

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
}

// anyTable is a table of any stored type.
type anyTable interface {
	info() *tableInfo
	keys(fn func(key, ns []byte))
	release()
}

// entry is the stored value of one (key, namespace) of a state.
type entry[S any] struct {
	v      S
	ts     int64  // last write (or read, with OnReadAndWrite) for TTL
	mapKey string // encodedKey | encodedNamespace, the entry's key in its map
	keyLen int32
	kg     int32 // index of the key group in the backend's range
	slot   int32 // index in table.live, for TTL states
}

// table holds one state: a map per key group.
type table[S any] struct {
	tableInfo
	b      *Backend
	groups []map[string]*entry[S]

	// TTL. ttl is 0 when disabled.
	ttl           int64
	updateOnRead  bool
	returnExpired bool
	// purge drops the expired parts of e's value and reports whether
	// nothing is left; it is used by the incremental cleanup.
	purge func(e *entry[S], now int64) bool
	// live holds every entry of a TTL state, in no order, so that the
	// incremental cleanup can walk them with a cursor across accesses.
	live   []*entry[S]
	cursor int

	// removals counts removed entries; handles cache the entry they last
	// found while it does not change.
	removals uint64
}

// register returns the table of the state d describes, creating it if the
// name is new. nsType is the handle's namespace type. purge is needed for
// kinds whose values expire in parts (lists, maps); nil means the entry as a
// whole expires.
func register[S any](b *Backend, d state.Descriptor, nsType reflect.Type, purge func(t *table[S], e *entry[S], now int64) bool) (*table[S], error) {
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
	ttl := d.TTLConfig()
	t := &table[S]{
		tableInfo: tableInfo{name: name, kind: d.StateKind(), descType: descType, nsType: nsType, ttl: ttl},
		b:         b,
		groups:    make([]map[string]*entry[S], b.kgRange.Len()),
	}
	if ttl.Enabled() {
		t.ttl = ttl.Duration.Milliseconds()
		t.updateOnRead = ttl.Update == state.OnReadAndWrite
		t.returnExpired = ttl.Visibility == state.ReturnExpiredIfNotCleanedUp
		if purge != nil {
			t.purge = func(e *entry[S], now int64) bool { return purge(t, e, now) }
		} else {
			t.purge = func(e *entry[S], now int64) bool { return t.expired(e.ts, now) }
		}
	}
	b.tables[name] = t
	return t, nil
}

// nilCodec is the error of a handle constructor given no namespace codec.
func nilCodec(d state.Descriptor) error {
	return fmt.Errorf("state %q: nil namespace codec", d.StateName())
}

func (t *table[S]) info() *tableInfo { return &t.tableInfo }

func (t *table[S]) release() {
	t.removals++
	t.groups = nil
	t.live = nil
}

func (t *table[S]) keys(fn func(key, ns []byte)) {
	var buf []byte
	for _, m := range t.groups {
		for k, e := range m {
			buf = append(buf[:0], k...)
			fn(buf[:e.keyLen:e.keyLen], buf[e.keyLen:])
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
// access stopped, and removes those with nothing unexpired left.
func (t *table[S]) cleanup(now int64) {
	for range cleanupSize {
		if len(t.live) == 0 {
			return
		}
		if t.cursor >= len(t.live) {
			t.cursor = 0
		}
		e := t.live[t.cursor]
		if t.purge(e, now) {
			t.remove(e) // moves another entry into live[cursor]
		} else {
			t.cursor++
		}
	}
}

// insert adds an entry with a zero value for the lookup bytes k (key of
// length keyLen, then namespace) in key group index kg.
func (t *table[S]) insert(kg int, k []byte, keyLen int) *entry[S] {
	m := t.groups[kg]
	if m == nil {
		m = make(map[string]*entry[S])
		t.groups[kg] = m
	}
	e := &entry[S]{mapKey: string(k), keyLen: int32(keyLen), kg: int32(kg), slot: -1}
	m[e.mapKey] = e
	if t.ttl != 0 {
		e.slot = int32(len(t.live))
		t.live = append(t.live, e)
	}
	return e
}

// remove deletes e from the table.
func (t *table[S]) remove(e *entry[S]) {
	t.removals++
	delete(t.groups[e.kg], e.mapKey)
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
