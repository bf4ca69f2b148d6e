package lsm

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/cockroachdb/pebble/v2"

	"github.com/eddy-streams/eddy/internal/statebackend/stateio"
)

// Timer key layout (docs/format/lsm-layout.md):
//
//	keyGroup <u16 BE> | stateID <u32 BE> | domain <u8> | ts <u64 BE, sign bit flipped> | key | ns
//
// with the value uvarint(len key). A key group's timers of one domain are
// one contiguous range in firing order: timestamp, then key and namespace
// bytes, the heap backend's order. Key and namespace are not length-
// prefixed so that the order within a timestamp is exactly the heap
// backend's (which compares key‖ns); the key's length is in the value.
const (
	timerDomainOff = prefixLen
	timerTSOff     = timerDomainOff + 1
	timerIDOff     = timerTSOff + 8 // start of key‖ns
	timerDomains   = 2
)

// appendTimerKey appends the pebble key of a timer.
func appendTimerKey(dst []byte, kg int, id uint32, domain byte, ts int64, key, ns []byte) []byte {
	dst = appendGroupPrefix(dst, kg, id)
	dst = append(dst, domain)
	dst = binary.BigEndian.AppendUint64(dst, uint64(ts)^(1<<63))
	dst = append(dst, key...)
	return append(dst, ns...)
}

// timerDomainBounds returns the key range [lower, upper) of the timers of
// one domain of state id in key group kg.
func timerDomainBounds(kg int, id uint32, domain byte) (lower, upper []byte) {
	lower = append(appendGroupPrefix(nil, kg, id), domain)
	upper = append(appendGroupPrefix(nil, kg, id), domain+1)
	return lower, upper
}

// parsedTimer is a timer's pebble key and value split into their parts; the
// slices alias the key.
type parsedTimer struct {
	kg      int
	domain  byte
	ts      int64
	key, ns []byte
}

func parseTimer(k, v []byte, p *parsedTimer) error {
	if len(k) < timerIDOff || k[timerDomainOff] >= timerDomains {
		return errBadKey
	}
	kl, n := binary.Uvarint(v)
	if n <= 0 || n != len(v) || kl > uint64(len(k)-timerIDOff) {
		return fmt.Errorf("malformed timer value %x", v)
	}
	p.kg = int(binary.BigEndian.Uint16(k))
	p.domain = k[timerDomainOff]
	p.ts = int64(binary.BigEndian.Uint64(k[timerTSOff:]) ^ (1 << 63))
	end := timerIDOff + int(kl)
	p.key, p.ns = k[timerIDOff:end:end], k[end:]
	return nil
}

// Timers are the timers of one timer service, kept in the database as
// a state of kind timers (Flink's RocksDB priority-queue state): one pebble
// key per timer, so that memory does not grow with their number. For each
// key group and domain the first few timers are cached (Flink's
// RocksDBCachingPriorityQueueSet), and the key groups with timers are kept
// in a min-heap by their earliest timer, so that the earliest timer and the
// due timers are found without reading the database, which is read again
// only when a key group's cache runs empty. Memory is O(key groups).
//
// Timers are part of the backend's snapshots and incremental checkpoints
// like any state. Timers are used from the backend's goroutine only; a
// database failure makes its methods panic with an error naming the
// timers, as state access does.
type Timers struct {
	b        *Backend
	st       *stateInfo
	dom      [timerDomains]timerDomain
	cacheLen int // timers cached per key group and domain
	buf      []byte
	val      []byte
	pop      []byte
	last     []byte // see Add
}

// timerCacheBudget bounds the timers cached per domain over all key groups;
// each key group caches between minTimerCache and maxTimerCache.
const (
	timerCacheBudget = 1 << 14
	minTimerCache    = 4
	maxTimerCache    = 64
)

// timerDomain is the cache of the earliest timers of one domain.
type timerDomain struct {
	loaded bool
	heads  []timerHead // by key group - kgRange.Start
	order  []int       // min-heap of the indexes of heads with a timer
}

// timerHead is the cache of a key group's earliest timers in a domain.
type timerHead struct {
	// cache holds the key group's first timers, ascending: every timer of
	// the key group up to hi, or all of them if complete. It is empty only
	// if complete (it is refilled when it runs empty).
	cache    []cachedTimer
	complete bool
	hi       []byte
	pos      int // position in timerDomain.order, -1 if absent
}

// cachedTimer is a timer's pebble key and the length of its key (the value).
type cachedTimer struct {
	key    []byte
	keyLen int
}

// NewTimers returns the timers m describes (m.Kind must be timers),
// claiming those of m.Name restored from a snapshot or checkpoint. Creating
// timers whose name is taken by a state or other timers fails, wrapping
// stateio.ErrNameTaken.
func NewTimers(b *Backend, m stateio.StateMeta) (*Timers, error) {
	if m.Kind != stateio.KindTimers {
		return nil, fmt.Errorf("lsm: cannot create timers %q of kind %s", m.Name, m.Kind)
	}
	if b.closed {
		return nil, fmt.Errorf("lsm: cannot create timers %q: %w", m.Name, errClosed)
	}
	if _, ok := b.sections[m.Name]; ok {
		return nil, fmt.Errorf("lsm: cannot create timers %q: %w", m.Name, stateio.ErrNameTaken)
	}
	st, ok := b.states[m.Name]
	switch {
	case ok && st.claimed:
		return nil, fmt.Errorf("lsm: cannot create timers %q: %w", m.Name, stateio.ErrNameTaken)
	case ok:
		if err := st.meta.Check(m); err != nil {
			return nil, fmt.Errorf("lsm: %w", err)
		}
		st.meta = m
	default:
		st = b.newState(m)
	}
	st.claimed = true
	st.restoredKGs = nil
	n := min(max(timerCacheBudget/b.kgRange.Len(), minTimerCache), maxTimerCache)
	return &Timers{b: b, st: st, cacheLen: n}, nil
}

// Add registers a timer of key (in key group kg) and the encoded
// namespace ns in domain (stateio.EventTime or stateio.ProcessingTime).
// Adding an existing timer changes nothing: the pebble key is the timer.
func (t *Timers) Add(domain, kg int, key, ns []byte, ts int64) {
	d := t.domain(domain)
	t.buf = appendTimerKey(t.buf[:0], kg, t.st.id, byte(domain), ts, key, ns)
	// Operators often register one timer twice in a row (a window's
	// trigger and cleanup timers): skip the second write.
	if len(t.last) > 0 && bytes.Equal(t.buf, t.last) {
		return
	}
	t.val = binary.AppendUvarint(t.val[:0], uint64(len(key)))
	if err := t.b.db.Set(t.buf, t.val, pebble.NoSync); err != nil {
		t.st.fail(err)
	}
	t.last = append(t.last[:0], t.buf...)
	i := kg - t.b.kgRange.Start
	h := &d.heads[i]
	if !h.complete && bytes.Compare(t.buf, h.hi) > 0 {
		return // after the cached timers: in the database only
	}
	pos, found := h.find(t.buf)
	if found {
		return
	}
	h.insert(pos, t.buf, len(key))
	if len(h.cache) > t.cacheLen {
		h.removeAt(len(h.cache) - 1)
		h.complete = false
		h.hi = append(h.hi[:0], h.cache[len(h.cache)-1].key...)
	}
	if pos == 0 {
		d.fix(i)
	}
}

// Delete removes a timer, if it exists.
func (t *Timers) Delete(domain, kg int, key, ns []byte, ts int64) {
	d := t.domain(domain)
	t.buf = appendTimerKey(t.buf[:0], kg, t.st.id, byte(domain), ts, key, ns)
	t.del(t.buf)
	i := kg - t.b.kgRange.Start
	h := &d.heads[i]
	if pos, found := h.find(t.buf); found {
		h.removeAt(pos)
		t.refillIfEmpty(byte(domain), i)
		if pos == 0 {
			d.fix(i)
		}
	}
}

// Earliest returns the timestamp of the earliest timer of domain, and false
// if there is none.
func (t *Timers) Earliest(domain int) (int64, bool) {
	d := t.domain(domain)
	if len(d.order) == 0 {
		return 0, false
	}
	return headTS(d.heads[d.order[0]].cache[0].key), true
}

// PopDue removes the earliest timer of domain and returns it if its
// timestamp is at most until: timers come in the order of timestamp, key
// group, then key and namespace bytes. The slices are valid until the next
// call of a method of t.
func (t *Timers) PopDue(domain int, until int64) (kg int, key, ns []byte, ts int64, ok bool) {
	d := t.domain(domain)
	if len(d.order) == 0 {
		return 0, nil, nil, 0, false
	}
	i := d.order[0]
	h := &d.heads[i]
	if ts = headTS(h.cache[0].key); ts > until {
		return 0, nil, nil, 0, false
	}
	t.pop = append(t.pop[:0], h.cache[0].key...)
	kl := h.cache[0].keyLen
	t.del(t.pop)
	h.removeAt(0)
	t.refillIfEmpty(byte(domain), i)
	d.fix(i)
	end := timerIDOff + kl
	return i + t.b.kgRange.Start, t.pop[timerIDOff:end:end], t.pop[end:], ts, true
}

// Len returns the number of timers of domain. It scans them: it is meant
// for tests and metrics.
func (t *Timers) Len(domain int) int {
	if domain < 0 || domain >= timerDomains {
		return 0
	}
	r := t.b.kgRange
	lower, upper := rangeBounds(r.Start, r.End)
	it, err := t.b.db.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
	if err != nil {
		t.st.fail(err)
	}
	defer it.Close()
	n := 0
	for kg := r.Start; kg <= r.End; kg++ {
		lo, hi := timerDomainBounds(kg, t.st.id, byte(domain))
		for valid := it.SeekGE(lo); valid && bytes.Compare(it.Key(), hi) < 0; valid = it.Next() {
			n++
		}
	}
	if err := it.Error(); err != nil {
		t.st.fail(err)
	}
	return n
}

// Load adds the timers of restored (of the timer section format) in the
// backend's key groups.
func (t *Timers) Load(restored *stateio.RestoredState) error {
	if err := restored.Meta().Check(t.st.meta); err != nil {
		return fmt.Errorf("lsm: %w", err)
	}
	w := newBatchWriter(t.b.db)
	defer w.close()
	err := writeRestored(w, t.st, restored)
	if err == nil {
		err = w.flush()
	}
	if err != nil {
		return fmt.Errorf("lsm: loading timers %q: %w", t.st.name(), err)
	}
	for i := range t.dom {
		t.dom[i] = timerDomain{}
	}
	t.last = t.last[:0]
	return nil
}

// Freeze returns a view of the timers at the time of the call, for a
// snapshot of the timers alone (the backend's snapshots include them
// anyway). It takes a pebble snapshot: nothing is copied.
func (t *Timers) Freeze() stateio.FrozenSection {
	b := t.b
	b.snapMu.Lock()
	b.snapshots++
	b.snapMu.Unlock()
	return &timersView{
		b:    b,
		snap: b.db.NewSnapshot(),
		view: stateView{meta: t.st.meta, id: t.st.id},
	}
}

// timersView is a frozen view of Timers.
type timersView struct {
	b    *Backend
	snap *pebble.Snapshot
	view stateView
}

func (v *timersView) Meta() *stateio.StateMeta { return &v.view.meta }

func (v *timersView) AppendKeyGroup(dst []byte, kg int) ([]byte, int) {
	if v.view.err != nil || !v.b.kgRange.Contains(kg) {
		return dst, 0
	}
	if v.view.it == nil {
		lower, upper := rangeBounds(v.b.kgRange.Start, v.b.kgRange.End)
		it, err := v.snap.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
		if err != nil {
			v.view.err = err
			return dst, 0
		}
		v.view.it = it
	}
	return v.view.AppendKeyGroup(dst, kg)
}

func (v *timersView) Release() {
	if v.snap == nil {
		return
	}
	if v.view.it != nil {
		_ = v.view.it.Close()
	}
	_ = v.snap.Close()
	v.snap = nil
	v.b.releaseSnapshot()
}

// appendTimers appends the timers of key group kg as stream entries, one
// per timer, as the heap backend writes them.
func (v *stateView) appendTimers(dst []byte, kg int) ([]byte, int) {
	lo, hi := stateBounds(kg, v.id)
	var p parsedTimer
	n := 0
	for valid := v.it.SeekGE(lo); valid && bytes.Compare(v.it.Key(), hi) < 0; valid = v.it.Next() {
		if err := parseTimer(v.it.Key(), v.it.Value(), &p); err != nil {
			v.err = fmt.Errorf("timer key %x: %w", v.it.Key(), err)
			return dst, n
		}
		dst = stateio.AppendEntryHead(dst, p.key, p.ns, 1)
		dst = stateio.AppendTS(dst, p.ts)
		dst = append(dst, 1, p.domain)
		n++
	}
	return dst, n
}

// writeTimers writes the timers of a restored entry into the database.
func writeTimers(w *batchWriter, k, v []byte, kg int, id uint32, e *stateio.Entry) ([]byte, []byte, error) {
	v = binary.AppendUvarint(v[:0], uint64(len(e.Key)))
	for _, el := range e.Elems {
		// Elements were checked by stateio.Read: one byte, domain 0 or 1.
		k = appendTimerKey(k[:0], kg, id, el.Value[0], el.TS, e.Key, e.Namespace)
		if err := w.set(k, v); err != nil {
			return k, v, err
		}
	}
	return k, v, nil
}

// domain returns the cache of domain, loading it on first use.
func (t *Timers) domain(domain int) *timerDomain {
	if domain < 0 || domain >= timerDomains {
		panic(fmt.Sprintf("lsm: timers %q: unknown time domain %d", t.st.name(), domain))
	}
	d := &t.dom[domain]
	if d.loaded {
		return d
	}
	r := t.b.kgRange
	d.heads = make([]timerHead, r.Len())
	d.order = d.order[:0]
	for i := range d.heads {
		d.heads[i].pos = -1
		t.fill(byte(domain), i, nil)
		d.fix(i)
	}
	d.loaded = true
	return d
}

// refillIfEmpty refills the cache of key-group index i if it ran empty
// while the database has more timers (after hi).
func (t *Timers) refillIfEmpty(domain byte, i int) {
	if h := &t.dom[domain].heads[i]; len(h.cache) == 0 && !h.complete {
		t.fill(domain, i, h.hi)
		t.dom[domain].fix(i)
	}
}

// fill reads the first timers of key-group index i after the key after
// (from the start if nil) into its empty cache. Every timer up to after
// is gone, so the tombstones of fired timers are never walked. The caller
// fixes the heap.
func (t *Timers) fill(domain byte, i int, after []byte) {
	h := &t.dom[domain].heads[i]
	lower, upper := timerDomainBounds(t.b.kgRange.Start+i, t.st.id, domain)
	if after != nil {
		lower = after
	}
	it, err := t.b.db.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
	if err != nil {
		t.st.fail(err)
	}
	h.complete = true
	for valid := it.First(); valid; valid = it.Next() {
		k, v := it.Key(), it.Value()
		if after != nil && bytes.Equal(k, after) {
			continue
		}
		if len(h.cache) == t.cacheLen {
			h.complete = false
			break
		}
		kl, n := binary.Uvarint(v)
		if n <= 0 || kl > uint64(len(k)-timerIDOff) {
			_ = it.Close()
			t.st.fail(fmt.Errorf("timer key %x: malformed value %x", k, v))
		}
		h.insert(len(h.cache), k, int(kl))
	}
	err = it.Error()
	if cerr := it.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.st.fail(err)
	}
	if !h.complete {
		h.hi = append(h.hi[:0], h.cache[len(h.cache)-1].key...)
	}
}

// find returns the position of key k in the cache, or where it would go.
func (h *timerHead) find(k []byte) (int, bool) {
	return slices.BinarySearchFunc(h.cache, k, func(c cachedTimer, k []byte) int { return bytes.Compare(c.key, k) })
}

// insert inserts a copy of k at pos, reusing the buffer of a removed timer.
func (h *timerHead) insert(pos int, k []byte, keyLen int) {
	n := len(h.cache)
	if n < cap(h.cache) {
		h.cache = h.cache[:n+1]
	} else {
		h.cache = append(h.cache, cachedTimer{})
	}
	spare := h.cache[n].key
	copy(h.cache[pos+1:], h.cache[pos:n])
	h.cache[pos] = cachedTimer{key: append(spare[:0], k...), keyLen: keyLen}
}

// removeAt removes the timer at pos, keeping its buffer past the end.
func (h *timerHead) removeAt(pos int) {
	n := len(h.cache)
	r := h.cache[pos]
	copy(h.cache[pos:], h.cache[pos+1:])
	h.cache[n-1] = r
	h.cache = h.cache[:n-1]
}

func (t *Timers) del(k []byte) {
	if err := t.b.db.Delete(k, pebble.NoSync); err != nil {
		t.st.fail(err)
	}
	t.last = t.last[:0]
}

func headTS(k []byte) int64 {
	return int64(binary.BigEndian.Uint64(k[timerTSOff:]) ^ (1 << 63))
}

// less orders key-group heads as the heap backend fires timers:
// timestamp, key group, then key and namespace bytes.
func (d *timerDomain) less(i, j int) bool {
	a, b := d.heads[d.order[i]].cache[0].key, d.heads[d.order[j]].cache[0].key
	if c := bytes.Compare(a[timerTSOff:timerIDOff], b[timerTSOff:timerIDOff]); c != 0 {
		return c < 0
	}
	if c := bytes.Compare(a[:kgLen], b[:kgLen]); c != 0 {
		return c < 0
	}
	return bytes.Compare(a[timerIDOff:], b[timerIDOff:]) < 0
}

func (d *timerDomain) swap(i, j int) {
	d.order[i], d.order[j] = d.order[j], d.order[i]
	d.heads[d.order[i]].pos = i
	d.heads[d.order[j]].pos = j
}

// fix restores the heap after the head of key-group index i changed,
// adding or removing it as it gained or lost its timers.
func (d *timerDomain) fix(i int) {
	h := &d.heads[i]
	switch {
	case len(h.cache) == 0 && h.pos < 0:
		return
	case len(h.cache) == 0:
		p, last := h.pos, len(d.order)-1
		if p != last {
			d.swap(p, last)
		}
		d.order = d.order[:last]
		h.pos = -1
		if p != last {
			d.siftDown(p)
			d.siftUp(p)
		}
		return
	case h.pos < 0:
		h.pos = len(d.order)
		d.order = append(d.order, i)
	}
	d.siftDown(h.pos)
	d.siftUp(h.pos)
}

func (d *timerDomain) siftUp(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !d.less(i, p) {
			return
		}
		d.swap(i, p)
		i = p
	}
}

func (d *timerDomain) siftDown(i int) {
	n := len(d.order)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		c := l
		if r := l + 1; r < n && d.less(r, l) {
			c = r
		}
		if !d.less(c, i) {
			return
		}
		d.swap(i, c)
		i = c
	}
}
