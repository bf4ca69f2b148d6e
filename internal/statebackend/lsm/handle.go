package lsm

import (
	"bytes"
	"fmt"
	"io"

	"github.com/cockroachdb/pebble/v2"

	"github.com/eddy-streams/eddy/serde"
)

// handle is what every state handle has in common: its state, its
// namespace, and the pebble key of the current key and namespace, rebuilt
// only when either changes so that steady-state access allocates nothing.
type handle[N any] struct {
	st    *stateInfo
	b     *Backend
	codec serde.Codec[N]

	ns      []byte // encoded current namespace
	key     []byte // pebble key of the current key and ns
	version uint64
	stale   bool

	val      []byte // scratch for values written
	tgt, src []byte // scratch for MergeNamespaces
}

func newHandle[N any](b *Backend, st *stateInfo, codec serde.Codec[N]) handle[N] {
	var zero N
	return handle[N]{st: st, b: b, codec: codec, ns: codec.Append(nil, zero), stale: true}
}

// SetNamespace sets the namespace the handle reads and writes until the next
// call. A new handle is in the namespace of N's zero value.
func (h *handle[N]) SetNamespace(ns N) {
	h.ns = h.codec.Append(h.ns[:0], ns)
	h.stale = true
}

func (h *handle[N]) noKey() {
	panic(fmt.Sprintf("lsm: state %q accessed before a current key was set", h.st.name()))
}

// entryKey returns the pebble key of the current key and namespace.
func (h *handle[N]) entryKey() []byte {
	if h.stale || h.version != h.b.version {
		if h.b.version == 0 {
			h.noKey()
		}
		h.key = appendEntryKey(h.key[:0], h.b.keyGroup, h.st.id, h.b.key, h.ns)
		h.version = h.b.version
		h.stale = false
	}
	return h.key
}

// get returns the stored value at k and its closer, or false if there is
// none. The value is valid until the closer is closed.
func (h *handle[N]) get(k []byte) ([]byte, io.Closer, bool) {
	v, c, err := h.b.db.Get(k)
	if err != nil {
		if err == pebble.ErrNotFound {
			return nil, nil, false
		}
		h.st.fail(err)
	}
	return v, c, true
}

// getCopy returns a copy of the stored value at k in h.val, or false.
func (h *handle[N]) getCopy(k []byte) ([]byte, bool) {
	v, c, ok := h.get(k)
	if !ok {
		return nil, false
	}
	h.val = append(h.val[:0], v...)
	closeValue(h.st, c)
	return h.val, true
}

func closeValue(st *stateInfo, c io.Closer) {
	if err := c.Close(); err != nil {
		st.fail(err)
	}
}

func (h *handle[N]) set(k, v []byte) {
	if err := h.b.db.Set(k, v, pebble.NoSync); err != nil {
		h.st.fail(err)
	}
}

func (h *handle[N]) del(k []byte) {
	if err := h.b.db.Delete(k, pebble.NoSync); err != nil {
		h.st.fail(err)
	}
}

func (h *handle[N]) corrupt(k []byte, err error) {
	panic(fmt.Errorf("lsm: state %q: stored value at %x does not decode (was it written with another codec?): %w", h.st.name(), k, err))
}

// Clear removes the value of the current key and namespace.
func (h *handle[N]) Clear() {
	now := h.st.now()
	defer h.st.done(now)
	h.del(h.entryKey())
}

// mergeKeys returns the pebble keys of the current key in namespace target
// (in h.tgt) and calls fn with those of each source namespace but target.
func (h *handle[N]) mergeKeys(target N, sources []N, fn func(src []byte)) []byte {
	if h.b.version == 0 {
		h.noKey()
	}
	kg, id := h.b.keyGroup, h.st.id
	h.val = h.codec.Append(h.val[:0], target)
	h.tgt = appendEntryKey(h.tgt[:0], kg, id, h.b.key, h.val)
	for _, s := range sources {
		h.val = h.codec.Append(h.val[:0], s)
		h.src = appendEntryKey(h.src[:0], kg, id, h.b.key, h.val)
		if !bytes.Equal(h.src, h.tgt) {
			fn(h.src)
		}
	}
	return h.tgt
}

// cleaner is the incremental TTL cleanup of one state: every access checks
// the next cleanupSize entries (pebble keys) of the state, round robin over
// its key groups, and removes the expired ones. It walks a long-lived
// iterator, whose view is as old as the iterator, and re-reads an entry
// before changing it, so a stale view only delays cleanup; the iterator is
// renewed after a round and every maxUses accesses, so that it neither
// misses new entries for long nor pins old memtables and files.
type cleaner struct {
	st        *stateInfo
	it        *pebble.Iterator
	uses      int
	exhausted bool
	cur       []byte
	p         parsedKey
	buf       []byte
}

const (
	minUsesPerRound = 32
	maxUses         = 10_000
)

func (c *cleaner) close() {
	if c.it != nil {
		_ = c.it.Close()
		c.it = nil
	}
}

func (c *cleaner) step(now int64) {
	c.uses++
	if c.it == nil || (c.exhausted && c.uses >= minUsesPerRound) || c.uses >= maxUses {
		c.renew()
	}
	if c.exhausted {
		return
	}
	st := c.st
	r := st.b.kgRange
	it := c.it
	for checked := 0; checked < cleanupSize; {
		if !it.Valid() {
			if err := it.Error(); err != nil {
				st.fail(err)
			}
			c.exhausted = true
			return
		}
		k := it.Key()
		if err := parseKey(k, &c.p); err != nil {
			st.fail(err)
		}
		if c.p.id != st.id {
			kg := c.p.kg
			if c.p.id > st.id {
				kg++
			}
			if kg > r.End {
				c.exhausted = true
				return
			}
			c.buf = appendGroupPrefix(c.buf[:0], kg, st.id)
			it.SeekGE(c.buf)
			continue
		}
		c.check(k, it.Value(), now)
		checked++
		// Next steps over the key's older versions in the memtable: cheap
		// unless a few keys are rewritten very often (see the package
		// documentation); NextPrefix or a seek costs a memtable seek (~2µs)
		// every time instead.
		it.Next()
	}
}

// renew replaces the iterator with one of the current state of the
// database, positioned where the old one was (or at the start after a
// round).
func (c *cleaner) renew() {
	st := c.st
	if c.it != nil {
		if c.it.Valid() && !c.exhausted {
			c.cur = append(c.cur[:0], c.it.Key()...)
		} else {
			c.cur = c.cur[:0]
		}
		_ = c.it.Close()
		c.it = nil
	}
	r := st.b.kgRange
	lower, upper := rangeBounds(r.Start, r.End)
	it, err := st.b.db.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
	if err != nil {
		st.fail(err)
	}
	c.it, c.uses, c.exhausted = it, 0, false
	if len(c.cur) == 0 {
		c.cur = appendGroupPrefix(c.cur[:0], r.Start, st.id)
	}
	it.SeekGE(c.cur)
}

// check removes the expired parts of the stored entry k whose (possibly
// stale) value is v.
func (c *cleaner) check(k, v []byte, now int64) {
	st := c.st
	if !anyExpired(st, v, now) {
		return
	}
	db := st.b.db
	cur, closer, err := db.Get(k)
	if err == pebble.ErrNotFound {
		return
	}
	if err != nil {
		st.fail(err)
	}
	defer closeValue(st, closer)
	if st.meta.Kind != kindList {
		ts, _, err := splitTS(cur, true)
		if err != nil {
			st.fail(fmt.Errorf("key %x: %w", k, err))
		}
		if st.expired(ts, now) {
			if err := db.Delete(k, pebble.NoSync); err != nil {
				st.fail(err)
			}
		}
		return
	}
	kept, n, err := purgeElems(st, c.buf[:0], cur, now)
	if err != nil {
		st.fail(fmt.Errorf("key %x: %w", k, err))
	}
	c.buf = kept
	switch {
	case n == 0:
		err = db.Delete(k, pebble.NoSync)
	case len(kept) != len(cur):
		err = db.Set(k, kept, pebble.NoSync)
	}
	if err != nil {
		st.fail(err)
	}
}

// anyExpired reports whether any part of the stored value v of the TTL
// state st has expired.
func anyExpired(st *stateInfo, v []byte, now int64) bool {
	if st.meta.Kind != kindList {
		ts, _, err := splitTS(v, true)
		return err == nil && st.expired(ts, now)
	}
	for len(v) > 0 {
		ts, _, rest, err := nextElem(v, true)
		if err != nil {
			return false
		}
		if st.expired(ts, now) {
			return true
		}
		v = rest
	}
	return false
}

// purgeElems appends the unexpired elements of the stored list v to dst and
// returns them with their number.
func purgeElems(st *stateInfo, dst, v []byte, now int64) ([]byte, int, error) {
	n := 0
	for len(v) > 0 {
		ts, elem, rest, err := nextElem(v, true)
		if err != nil {
			return nil, 0, err
		}
		if !st.expired(ts, now) {
			dst = appendElem(dst, true, ts, elem)
			n++
		}
		v = rest
	}
	return dst, n, nil
}
