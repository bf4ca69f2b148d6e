// Package cowmap is the copy-on-write index of the heap state backend and of
// timer services: one Go map per key group, from string keys to *E, that can
// be frozen for a snapshot in constant time while its owner keeps writing.
//
// A Groups has a base (one map per key group) and, while snapshots are in
// flight, an overlay of the same shape. Freeze hands out a View of the base
// (and of a private clone of the overlay, if an earlier snapshot is still in
// flight) and from then on the owner never writes the base maps: inserts go
// to the overlay, deletes of base keys leave a tombstone (a nil *E) in it, and
// lookups read the overlay first. When the last snapshot is released, the
// overlay is merged into the base on the owner's goroutine, at a cost
// proportional to the writes made while snapshots were in flight.
//
// The maps are shared; the entries they point to are not copied by Groups.
// Owners whose entries are mutable copy an entry before changing it while it
// may be read by a view: Epoch and Snapshotting tell them which entries those
// are (entries stamped with an older epoch than the current one).
//
// A Groups is used from one goroutine (the owner's); Views are immutable and
// may be read from any goroutine until released.
package cowmap

// Groups is a set of maps, one per key-group index, from string keys to *E.
// The zero value is not usable; use New.
type Groups[E any] struct {
	base []map[string]*E
	over []map[string]*E // nil when no snapshot is in flight
	// active counts the views not yet released.
	active int
	epoch  uint32
}

// New returns an empty Groups of n key groups.
func New[E any](n int) Groups[E] {
	return Groups[E]{base: make([]map[string]*E, n)}
}

// Len is the number of key groups.
func (g *Groups[E]) Len() int { return len(g.base) }

// Snapshotting reports whether a view is in flight, so that the base is
// frozen.
func (g *Groups[E]) Snapshotting() bool { return g.active > 0 }

// Epoch is incremented by every Freeze. An entry stamped with the epoch
// current when it was created or copied may be changed in place unless
// Snapshotting and its stamp differs from Epoch.
func (g *Groups[E]) Epoch() uint32 { return g.epoch }

// Get returns the entry at k in key group kg, or nil.
func (g *Groups[E]) Get(kg int, k []byte) *E {
	if g.active == 0 {
		return g.base[kg][string(k)]
	}
	e, _ := g.Lookup(kg, k)
	return e
}

// Lookup returns the entry at k in key group kg, or nil, and whether it was
// found in the base (which is frozen while Snapshotting).
func (g *Groups[E]) Lookup(kg int, k []byte) (e *E, inBase bool) {
	if g.over != nil {
		if e, ok := g.over[kg][string(k)]; ok {
			return e, false // nil for a tombstone
		}
	}
	e = g.base[kg][string(k)]
	return e, e != nil
}

// Put sets the entry at k in key group kg.
func (g *Groups[E]) Put(kg int, k string, e *E) {
	m := g.base
	if g.active > 0 {
		m = g.over
	}
	if m[kg] == nil {
		m[kg] = make(map[string]*E)
	}
	m[kg][k] = e
}

// Delete removes the entry at k in key group kg, if any.
func (g *Groups[E]) Delete(kg int, k string) {
	if g.active == 0 {
		delete(g.base[kg], k)
		return
	}
	if _, ok := g.base[kg][k]; ok {
		if g.over[kg] == nil {
			g.over[kg] = make(map[string]*E)
		}
		g.over[kg][k] = nil // tombstone
		return
	}
	delete(g.over[kg], k)
}

// Range calls fn with every entry of key group kg, in no order. While
// Snapshotting, fn must not change the Groups (collect first); otherwise it
// may delete entries, as during any map iteration.
func (g *Groups[E]) Range(kg int, fn func(k string, e *E)) {
	if g.over == nil {
		for k, e := range g.base[kg] {
			fn(k, e)
		}
		return
	}
	View[E]{base: g.base, over: g.over}.Range(kg, fn)
}

// Freeze returns a view of the current contents for a snapshot and freezes
// the base until the view (and every other) is released with Release. It
// takes constant time when no other view is in flight; otherwise it clones
// the overlay's index (not the entries), which holds what was written since
// the oldest view in flight was taken.
func (g *Groups[E]) Freeze() View[E] {
	g.epoch++
	g.active++
	if g.over == nil {
		g.over = make([]map[string]*E, len(g.base))
		return View[E]{base: g.base}
	}
	over := make([]map[string]*E, len(g.over))
	for i, m := range g.over {
		if len(m) > 0 {
			c := make(map[string]*E, len(m))
			for k, e := range m {
				c[k] = e
			}
			over[i] = c
		}
	}
	return View[E]{base: g.base, over: over}
}

// Release ends one view returned by Freeze; the view must not be read any
// more. When no view is left, the overlay is merged into the base.
func (g *Groups[E]) Release() {
	if g.active == 0 {
		panic("cowmap: Release without a view in flight")
	}
	g.active--
	if g.active > 0 {
		return
	}
	over := g.over
	g.over = nil
	if g.base == nil { // dropped
		return
	}
	for kg, m := range over {
		for k, e := range m {
			if e == nil {
				delete(g.base[kg], k)
				continue
			}
			if g.base[kg] == nil {
				g.base[kg] = make(map[string]*E, len(m))
			}
			g.base[kg][k] = e
		}
	}
}

// Drop forgets every entry (the owner is closed). Views in flight keep
// theirs.
func (g *Groups[E]) Drop() {
	g.base = nil
	g.over = nil
}

// View is a frozen copy-on-write view of a Groups, as it was when Freeze
// returned it. It may be read from any goroutine until released.
type View[E any] struct {
	base []map[string]*E
	over []map[string]*E // private to the view, nil if empty
}

// Range calls fn with every entry of key group kg in the view, in no order.
func (v View[E]) Range(kg int, fn func(k string, e *E)) {
	var over map[string]*E
	if v.over != nil {
		over = v.over[kg]
	}
	for k, e := range over {
		if e != nil {
			fn(k, e)
		}
	}
	for k, e := range v.base[kg] {
		if _, shadowed := over[k]; !shadowed {
			fn(k, e)
		}
	}
}

// Len is the number of key groups.
func (v View[E]) Len() int { return len(v.base) }

// Count returns the number of entries of key group kg in the view.
func (v View[E]) Count(kg int) int {
	n := 0
	v.Range(kg, func(string, *E) { n++ })
	return n
}
