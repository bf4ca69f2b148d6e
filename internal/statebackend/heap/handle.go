package heap

import (
	"bytes"
	"fmt"

	"github.com/eddy-streams/eddy/serde"
)

// handle is what every state handle has in common: its table, its
// namespace, and the cached lookup bytes currentKey | namespace.
type handle[N, S any] struct {
	t     *table[S]
	b     *Backend
	codec serde.Codec[N]

	ns      []byte // encoded current namespace
	lookup  []byte // b.key | ns, valid for version unless stale
	version uint64
	stale   bool

	// cached is the entry last found at lookup, valid while lookup is and
	// the table's removals count is cachedAt, so that a read-modify-write
	// (Value then Update) hashes once.
	cached   *entry[S]
	cachedAt uint64

	tgt, src []byte // scratch for MergeNamespaces
}

func newHandle[N, S any](b *Backend, t *table[S], codec serde.Codec[N]) handle[N, S] {
	var zero N
	return handle[N, S]{t: t, b: b, codec: codec, ns: codec.Append(nil, zero), stale: true}
}

// SetNamespace sets the namespace the handle reads and writes until the next
// call. A new handle is in the namespace of N's zero value.
func (h *handle[N, S]) SetNamespace(ns N) {
	h.ns = h.codec.Append(h.ns[:0], ns)
	h.stale = true
}

func (h *handle[N, S]) noKey() {
	panic(fmt.Sprintf("heap: state %q accessed before a current key was set", h.t.name))
}

// key returns the lookup bytes of the current key and namespace.
func (h *handle[N, S]) key() []byte {
	if h.stale || h.version != h.b.version {
		if h.b.version == 0 {
			h.noKey()
		}
		h.lookup = append(append(h.lookup[:0], h.b.key...), h.ns...)
		h.version = h.b.version
		h.stale = false
	}
	return h.lookup
}

// get returns the entry of the current key and namespace, or nil.
func (h *handle[N, S]) get() *entry[S] {
	if h.cached != nil && !h.stale && h.version == h.b.version && h.cachedAt == h.t.removals {
		return h.cached
	}
	k := h.key()
	e := h.t.lookup(h.b.kgIdx, k)
	if e != nil && int(e.keyLen) != len(h.b.key) {
		h.ambiguous()
	}
	h.cached, h.cachedAt = e, h.t.removals
	return e
}

func (h *handle[N, S]) ambiguous() {
	panic(fmt.Sprintf("heap: state %q: encoded key %x runs into an encoded namespace of another key; keys must be self-delimiting", h.t.name, h.b.key))
}

// getOrCreate returns the entry of the current key and namespace, adding
// one with a zero value if there is none.
func (h *handle[N, S]) getOrCreate() *entry[S] {
	if e := h.get(); e != nil {
		return e
	}
	return h.create()
}

// create adds an entry with a zero value for the current key and namespace,
// which must have none; key must have been called since the last change of
// either.
func (h *handle[N, S]) create() *entry[S] {
	e := h.t.insert(h.b.kgIdx, h.lookup, len(h.b.key))
	h.cached, h.cachedAt = e, h.t.removals
	return e
}

// Clear removes the value of the current key and namespace.
func (h *handle[N, S]) Clear() {
	now := h.t.now()
	defer h.t.done(now)
	if e := h.get(); e != nil {
		h.t.remove(e)
	}
}

// mergeSources removes the entries of the current key in the namespaces
// sources (skipping target) and calls take with each, in order. It returns
// the lookup bytes of target, valid until the next mergeSources.
func (h *handle[N, S]) mergeSources(target N, sources []N, take func(e *entry[S])) []byte {
	if h.b.version == 0 {
		h.noKey()
	}
	h.tgt = h.codec.Append(append(h.tgt[:0], h.b.key...), target)
	for _, s := range sources {
		h.src = h.codec.Append(append(h.src[:0], h.b.key...), s)
		if bytes.Equal(h.src, h.tgt) {
			continue
		}
		e := h.t.lookup(h.b.kgIdx, h.src)
		if e == nil {
			continue
		}
		if int(e.keyLen) != len(h.b.key) {
			h.ambiguous()
		}
		h.t.remove(e)
		take(e)
	}
	return h.tgt
}

// mergeTarget returns the entry at the lookup bytes tgt of the current key,
// creating it if create is set.
func (h *handle[N, S]) mergeTarget(tgt []byte, create bool) *entry[S] {
	e := h.t.lookup(h.b.kgIdx, tgt)
	if e == nil && create {
		e = h.t.insert(h.b.kgIdx, tgt, len(h.b.key))
	}
	return e
}
