// Package cowmap is the copy-on-write index of the heap state backend and of
// timer services: one Go map per key group, from string keys to *E, that can
// be frozen for a snapshot in time independent of the number of entries
// while its owner keeps writing.
//
// Freeze hands out a View holding the current map of every key group and
// marks those maps shared. The owner never writes a shared map: its first
// write to a key group while the map is shared replaces the map by a clone
// (maps.Clone, which copies the map's memory group by group, without
// rehashing), and the owner then reads and writes the clone in place. So
// lookups stay one map access while snapshots are in flight, a key group is
// copied at most once per snapshot, and releasing a view costs nothing: the
// maps only the view held become garbage. (An earlier design kept the
// changes in an overlay map and merged it back on release; that cost an
// extra lookup for every miss in the overlay, an overlay insert per entry
// touched, and the merge.)
//
// The maps are shared; the entries they point to are not copied by Groups.
// Owners whose entries are mutable copy an entry before changing it while it
// may be read by a view: Epoch and Snapshotting tell them which entries those
// are (entries stamped with an older epoch than the current one).
//
// A Groups is used from one goroutine (the owner's); Views are immutable and
// may be read from any goroutine until released.
package cowmap

import "maps"

// Groups is a set of maps, one per key-group index, from string keys to *E.
// The zero value is not usable; use New.
type Groups[E any] struct {
	m []map[string]*E
	// shared[kg] is set while m[kg] may be read by a view in flight, so
	// that the next write of key group kg clones it first.
	shared []bool
	// active counts the views not yet released.
	active int
	epoch  uint32
}

// New returns an empty Groups of n key groups.
func New[E any](n int) Groups[E] {
	return Groups[E]{m: make([]map[string]*E, n), shared: make([]bool, n)}
}

// Len is the number of key groups.
func (g *Groups[E]) Len() int { return len(g.m) }

// Snapshotting reports whether a view is in flight.
func (g *Groups[E]) Snapshotting() bool { return g.active > 0 }

// Epoch is incremented by every Freeze. An entry stamped with the epoch
// current when it was created or copied may be changed in place unless
// Snapshotting and its stamp differs from Epoch.
func (g *Groups[E]) Epoch() uint32 { return g.epoch }

// Get returns the entry at k in key group kg, or nil.
func (g *Groups[E]) Get(kg int, k []byte) *E {
	return g.m[kg][string(k)]
}

// writable returns the map of key group kg, cloning it first if a view may
// read it, and creating it if there is none.
func (g *Groups[E]) writable(kg int) map[string]*E {
	m := g.m[kg]
	if g.shared[kg] {
		g.shared[kg] = false
		if m != nil {
			m = maps.Clone(m)
			g.m[kg] = m
		}
	}
	if m == nil {
		m = make(map[string]*E)
		g.m[kg] = m
	}
	return m
}

// Put sets the entry at k in key group kg.
func (g *Groups[E]) Put(kg int, k string, e *E) {
	g.writable(kg)[k] = e
}

// Delete removes the entry at k in key group kg, if any.
func (g *Groups[E]) Delete(kg int, k string) {
	if _, ok := g.m[kg][k]; !ok {
		return // no clone for nothing
	}
	delete(g.writable(kg), k)
}

// Range calls fn with every entry of key group kg, in no order. While
// Snapshotting, fn must not change the Groups (collect first): a change
// clones the map being iterated, so that the iteration would go on over
// the old contents; otherwise fn may delete entries, as during any map
// iteration.
func (g *Groups[E]) Range(kg int, fn func(k string, e *E)) {
	for k, e := range g.m[kg] {
		fn(k, e)
	}
}

// Freeze returns a view of the current contents for a snapshot. Until the
// view (and every other) is released with Release, the owner's first write
// to each key group clones its map. Freeze copies no entries: its cost is
// proportional to the number of key groups.
func (g *Groups[E]) Freeze() View[E] {
	g.epoch++
	g.active++
	for kg := range g.shared {
		g.shared[kg] = true
	}
	v := View[E]{m: make([]map[string]*E, len(g.m))}
	copy(v.m, g.m)
	return v
}

// Release ends one view returned by Freeze; the view must not be read any
// more. When no view is left, the owner writes its maps in place again.
func (g *Groups[E]) Release() {
	if g.active == 0 {
		panic("cowmap: Release without a view in flight")
	}
	g.active--
	if g.active > 0 {
		return
	}
	for kg := range g.shared {
		g.shared[kg] = false
	}
}

// Drop forgets every entry (the owner is closed). Views in flight keep
// theirs.
func (g *Groups[E]) Drop() {
	g.m = nil
	g.shared = nil
}

// View is a frozen copy-on-write view of a Groups, as it was when Freeze
// returned it. It may be read from any goroutine until released.
type View[E any] struct {
	m []map[string]*E
}

// Range calls fn with every entry of key group kg in the view, in no order.
func (v View[E]) Range(kg int, fn func(k string, e *E)) {
	for k, e := range v.m[kg] {
		fn(k, e)
	}
}

// Len is the number of key groups.
func (v View[E]) Len() int { return len(v.m) }

// Count returns the number of entries of key group kg in the view.
func (v View[E]) Count(kg int) int { return len(v.m[kg]) }
