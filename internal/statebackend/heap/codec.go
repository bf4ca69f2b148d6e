package heap

import (
	"encoding/binary"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"unsafe"

	"github.com/eddy-streams/eddy/internal/statebackend/stateio"
	"github.com/eddy-streams/eddy/serde"
)

// codecFor returns the default codec of T, or an error naming T and what it
// is used for.
func codecFor[T any](what string) (serde.Codec[T], error) {
	c, err := serde.For[T]()
	if err != nil {
		return nil, fmt.Errorf("its %s type %v cannot be serialized: %w", what, reflect.TypeFor[T](), err)
	}
	return c, nil
}

// hasRefs reports whether values of t share memory when copied: whether t
// holds slices, maps, pointers, interfaces, channels or functions. Strings
// are immutable and do not count.
func hasRefs(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Array:
		return t.Len() > 0 && hasRefs(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if hasRefs(t.Field(i).Type) {
				return true
			}
		}
		return false
	case reflect.Slice, reflect.Map, reflect.Pointer, reflect.Interface, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return true
	}
	return false
}

// deepCopier returns a function that makes the T at p, a plain copy of
// another, share nothing mutable with it, or nil if a plain copy of a T
// already shares nothing mutable. It copies slices with reflect, once per
// slice (elements without references in one copy); types it does not know
// (none that have a default codec) go through their codec. The function is
// used from the task goroutine only.
func deepCopier[T any](c serde.Codec[T]) func(p *T) {
	t := reflect.TypeFor[T]()
	if !hasRefs(t) {
		return nil
	}
	if cp, ok := compileCopier(t); ok {
		return func(p *T) { cp(reflect.ValueOf(p).Elem()) }
	}
	return codecCopier(c)
}

// codecCopier returns a deep copier of T that goes through c: slower than
// the reflect copier, but it copies whatever c encodes.
func codecCopier[T any](c serde.Codec[T]) func(p *T) {
	var buf []byte
	return func(p *T) {
		buf = c.Append(buf[:0], *p)
		out, _, err := c.Decode(buf)
		if err != nil {
			panic(fmt.Sprintf("heap: copying a %v through its codec: %v", reflect.TypeFor[T](), err))
		}
		*p = out
	}
}

// copier replaces the references in the addressable value v by copies.
type copier func(v reflect.Value)

// compileCopier returns the copier of values of type t, nil if t holds no
// references, and false if t holds references it cannot copy (maps,
// pointers, interfaces, ...).
func compileCopier(t reflect.Type) (copier, bool) {
	if !hasRefs(t) {
		return nil, true
	}
	switch t.Kind() {
	case reflect.Slice:
		elem, ok := compileCopier(t.Elem())
		if !ok {
			return nil, false
		}
		return func(v reflect.Value) {
			if v.IsNil() {
				return
			}
			// The capacity is kept so that user code appending to the
			// copy does not reallocate at once.
			c := reflect.MakeSlice(t, v.Len(), v.Cap())
			reflect.Copy(c, v)
			if elem != nil {
				for i := range c.Len() {
					elem(c.Index(i))
				}
			}
			v.Set(c)
		}, true
	case reflect.Array:
		elem, ok := compileCopier(t.Elem())
		if !ok {
			return nil, false
		}
		return func(v reflect.Value) {
			for i := range v.Len() {
				elem(v.Index(i))
			}
		}, true
	case reflect.Struct:
		type field struct {
			index int
			cp    copier
		}
		var fields []field
		for i := range t.NumField() {
			cp, ok := compileCopier(t.Field(i).Type)
			if !ok {
				return nil, false
			}
			if cp != nil {
				fields = append(fields, field{i, cp})
			}
		}
		return func(v reflect.Value) {
			for _, f := range fields {
				fv := v.Field(f.index)
				if !fv.CanSet() { // unexported, as the codecs encode them
					fv = reflect.NewAt(fv.Type(), unsafe.Pointer(fv.UnsafeAddr())).Elem()
				}
				f.cp(fv)
			}
		}, true
	}
	return nil, false
}

// decodeAll decodes b, which must hold exactly one value.
func decodeAll[T any](c serde.Codec[T], b []byte) (T, error) {
	v, n, err := c.Decode(b)
	if err == nil && n != len(b) {
		err = fmt.Errorf("%d bytes left after decoding a %v", len(b)-n, reflect.TypeFor[T]())
	}
	return v, err
}

// elemTS returns the timestamp to give a restored element in a table.
func elemTS[S any](t *table[S], el *stateio.Elem, withTS bool, now int64) int64 {
	switch {
	case t.ttl == 0:
		return 0
	case withTS:
		return el.TS
	default: // TTL turned on since the snapshot: written now
		return now
	}
}

// valueOps is the kindOps of value, reducing and aggregating state, whose
// stored value is a T.
func valueOps[T any]() *kindOps[T] {
	o := &kindOps[T]{valueType: reflect.TypeFor[T]()}
	c, err := codecFor[T]("value")
	if err != nil {
		o.codecErr = err
		return o
	}
	o.clone = deepCopier(c)
	o.appendElems = func(dst []byte, v T, ts int64, withTS bool) ([]byte, bool) {
		dst = append(dst, 1) // one element
		if withTS {
			dst = stateio.AppendTS(dst, ts)
		}
		return stateio.AppendValue(dst, c, v), true
	}
	o.load = func(t *table[T], e *entry[T], elems []stateio.Elem, withTS bool, now int64) error {
		v, err := decodeAll(c, elems[0].Value)
		if err != nil {
			return err
		}
		e.v = v
		e.ts = elemTS(t, &elems[0], withTS, now)
		return nil
	}
	return o
}

// listOps is the kindOps of list state.
func listOps[T any]() *kindOps[listVal[T]] {
	o := &kindOps[listVal[T]]{valueType: reflect.TypeFor[T](), purge: purgeList[T], expiredAll: expiredList[T]}
	c, err := codecFor[T]("element")
	if err != nil {
		o.codecErr = err
		return o
	}
	copyElem := deepCopier(c)
	o.clone = func(l *listVal[T]) {
		l.vals, l.ts = slices.Clone(l.vals), slices.Clone(l.ts)
		if copyElem != nil {
			for i := range l.vals {
				copyElem(&l.vals[i])
			}
		}
	}
	o.appendElems = func(dst []byte, l listVal[T], _ int64, withTS bool) ([]byte, bool) {
		if len(l.vals) == 0 {
			return dst, false
		}
		dst = binary.AppendUvarint(dst, uint64(len(l.vals)))
		for i, v := range l.vals {
			if withTS {
				dst = stateio.AppendTS(dst, l.ts[i])
			}
			dst = stateio.AppendValue(dst, c, v)
		}
		return dst, true
	}
	o.load = func(t *table[listVal[T]], e *entry[listVal[T]], elems []stateio.Elem, withTS bool, now int64) error {
		l := listVal[T]{vals: make([]T, len(elems))}
		if t.ttl != 0 {
			l.ts = make([]int64, len(elems))
		}
		for i := range elems {
			v, err := decodeAll(c, elems[i].Value)
			if err != nil {
				return fmt.Errorf("element %d: %w", i, err)
			}
			l.vals[i] = v
			if t.ttl != 0 {
				l.ts[i] = elemTS(t, &elems[i], withTS, now)
			}
		}
		e.v = l
		return nil
	}
	return o
}

// mapOps is the kindOps of map state.
func mapOps[K comparable, V any]() *kindOps[map[K]mapVal[V]] {
	type S = map[K]mapVal[V]
	o := &kindOps[S]{valueType: reflect.TypeFor[V](), userKeyType: reflect.TypeFor[K](), purge: purgeMap[K, V], expiredAll: expiredMap[K, V]}
	kc, err := codecFor[K]("map key")
	if err != nil {
		o.codecErr = err
		return o
	}
	vc, err := codecFor[V]("value")
	if err != nil {
		o.codecErr = err
		return o
	}
	copyVal := deepCopier(vc)
	o.clone = func(m *S) {
		out := maps.Clone(*m)
		if copyVal != nil {
			for k, mv := range out {
				copyVal(&mv.v)
				out[k] = mv
			}
		}
		*m = out
	}
	o.appendElems = func(dst []byte, m S, _ int64, withTS bool) ([]byte, bool) {
		if len(m) == 0 {
			return dst, false
		}
		dst = binary.AppendUvarint(dst, uint64(len(m)))
		for k, mv := range m {
			dst = stateio.AppendValue(dst, kc, k)
			if withTS {
				dst = stateio.AppendTS(dst, mv.ts)
			}
			dst = stateio.AppendValue(dst, vc, mv.v)
		}
		return dst, true
	}
	o.load = func(t *table[S], e *entry[S], elems []stateio.Elem, withTS bool, now int64) error {
		m := make(S, len(elems))
		for i := range elems {
			k, err := decodeAll(kc, elems[i].UserKey)
			if err != nil {
				return fmt.Errorf("map key %x: %w", elems[i].UserKey, err)
			}
			v, err := decodeAll(vc, elems[i].Value)
			if err != nil {
				return fmt.Errorf("value of map key %x: %w", elems[i].UserKey, err)
			}
			if _, dup := m[k]; dup {
				return fmt.Errorf("map key %x appears twice", elems[i].UserKey)
			}
			m[k] = mapVal[V]{v, elemTS(t, &elems[i], withTS, now)}
		}
		e.v = m
		return nil
	}
	return o
}
