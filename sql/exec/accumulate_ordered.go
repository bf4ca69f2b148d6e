package exec

import (
	"fmt"
	"slices"
	"strings"

	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
)

// The order-sensitive aggregates: FIRST_VALUE, LAST_VALUE and LISTAGG, by
// arrival order, NULLs ignored. Without retraction the accumulator alone
// holds the answer (Flink's FirstValueAggFunction, LastValueAggFunction,
// ListAggFunction). Under retraction (Flink's …WithRetractAggFunction) a
// call also keeps its live values in arrival order in the count store, and
// a retraction removes the value's earliest arrival, as Flink does; when
// that was the current first or last value the next one takes over, and
// LISTAGG is joined again.
//
// The accumulator holds the current value (FIRST/LAST: I for integers and
// booleans, F for floats, S otherwise; LISTAGG: the joined string in S) and
// Set when there is one. Under retraction arrivals are numbered: N is the
// next number and Hi that of FIRST/LAST's current value.

// defaultListAggSeparator is LISTAGG's separator when none is given.
const defaultListAggSeparator = ","

// holdValue makes v FIRST/LAST's current value.
func holdValue(acc *aggAcc, v any) {
	acc.Set = true
	switch x := v.(type) {
	case int8:
		acc.I = int64(x)
	case int16:
		acc.I = int64(x)
	case int32:
		acc.I = int64(x)
	case int64:
		acc.I = x
	case bool:
		acc.I = 0
		if x {
			acc.I = 1
		}
	case float32:
		acc.F = float64(x)
	case float64:
		acc.F = x
	case string:
		acc.S = x
	default:
		acc.S = valueKey(v)
	}
}

// heldValue is FIRST/LAST's current value in type t.
func heldValue(acc *aggAcc, t types.Type) (any, error) {
	switch {
	case t.IsIntegral():
		return narrow(t, acc.I), nil
	case t.IsApprox():
		return narrow(t, acc.F), nil
	case t.Kind == types.KindBoolean:
		return acc.I != 0, nil
	case t.IsCharacter():
		return acc.S, nil
	}
	return plan.ParseValue(plainType(t), acc.S)
}

// separator is LISTAGG's separator of call i: its literal second argument,
// noted from the first row (see noteSeparator).
func (a *aggregator) separator(i int) string {
	if i < len(a.seps) && a.seps[i] != nil {
		return *a.seps[i]
	}
	return defaultListAggSeparator
}

// noteSeparator records the separator of call i from a row, once: it is a
// literal, the same in every row.
func (a *aggregator) noteSeparator(i int, v any) {
	if a.seps == nil {
		a.seps = make([]*string, len(a.calls))
	}
	if s, ok := v.(string); ok {
		a.seps[i] = &s
	}
}

// hasSeparator reports whether call i's separator is known.
func (a *aggregator) hasSeparator(i int) bool { return i < len(a.seps) && a.seps[i] != nil }

// addOrdered accumulates or retracts non-null v of a FIRST_VALUE,
// LAST_VALUE or LISTAGG call.
func (a *aggregator) addOrdered(acc *aggAcc, c *plan.AggCall, i int, v any, retract bool, prefix string) error {
	if !a.retract {
		switch c.Func {
		case "FIRST_VALUE":
			if !acc.Set {
				holdValue(acc, v)
			}
		case "LAST_VALUE":
			holdValue(acc, v)
		case "LISTAGG":
			s, ok := v.(string)
			if !ok {
				return fmt.Errorf("LISTAGG of %T", v)
			}
			listAggAppend(acc, a.separator(i), s)
		}
		return nil
	}
	live := arrivals{store: a.counts, base: arrivalBase(prefix, i)}
	vk := valueKey(v)
	if !retract {
		seq := acc.N
		acc.N++
		live.add(seq, vk)
		switch c.Func {
		case "FIRST_VALUE":
			if !acc.Set {
				holdValue(acc, v)
				acc.Hi = seq
			}
		case "LAST_VALUE":
			holdValue(acc, v)
			acc.Hi = seq
		case "LISTAGG":
			listAggAppend(acc, a.separator(i), vk)
		}
		return nil
	}
	seq, ok := live.removeEarliest(vk)
	if !ok {
		return nil // never accumulated: nothing to take back
	}
	switch c.Func {
	case "FIRST_VALUE", "LAST_VALUE":
		if !acc.Set || seq != acc.Hi {
			return nil // the current value stays
		}
		next, nk, ok := live.extreme(c.Func == "LAST_VALUE")
		if !ok {
			acc.Set, acc.S = false, ""
			return nil
		}
		nv, err := plan.ParseValue(plainType(c.Type), nk)
		if err != nil {
			return fmt.Errorf("%s: reading a kept value: %w", c.Func, err)
		}
		holdValue(acc, nv)
		acc.Hi = next
	case "LISTAGG":
		acc.S, acc.Set = live.join(a.separator(i))
	}
	return nil
}

func listAggAppend(acc *aggAcc, sep, s string) {
	if acc.Set {
		acc.S = acc.S + sep + s
		return
	}
	acc.S, acc.Set = s, true
}

// orderedValue is the current value of a FIRST_VALUE, LAST_VALUE or
// LISTAGG call (nil for NULL).
func orderedValue(acc *aggAcc, c *plan.AggCall) (any, error) {
	if !acc.Set {
		return nil, nil
	}
	if c.Func == "LISTAGG" {
		return acc.S, nil
	}
	return heldValue(acc, c.Type)
}

// arrivals is the ordered multiset of a call's live values under
// retraction, in the count store under base:
//
//	o<seq><value>     1     one per live arrival; seq orders them
//	q<value>\0<j>     seq   the j-th arrival of value still live
//	h<value>, t<value>      the first and one past the last j of value
//
// so adding and removing a value's earliest arrival take a few lookups,
// and only a change of FIRST/LAST's current value or LISTAGG's retraction
// scans the o entries (Flink scans its order map likewise).
type arrivals struct {
	store countStore
	base  string
}

// arrivalBase scopes call i's arrivals; \x01 keeps them apart from the
// \x00 keys of DISTINCT and MIN/MAX counts.
func arrivalBase(prefix string, i int) string {
	return prefix + string(rune('A'+i)) + "\x01"
}

// seqKey is a fixed-width hex arrival number, so keys sort by it.
func seqKey(n int64) string {
	const digits = "0123456789abcdef"
	var b [16]byte
	for i := 15; i >= 0; i-- {
		b[i] = digits[n&0xf]
		n >>= 4
	}
	return string(b[:])
}

func (l arrivals) add(seq int64, vk string) {
	tail, _ := l.store.Get(l.base + "t" + vk)
	l.store.Put(l.base+"q"+vk+"\x00"+seqKey(tail), seq)
	l.store.Put(l.base+"t"+vk, tail+1)
	l.store.Put(l.base+"o"+seqKey(seq)+vk, 1)
}

// removeEarliest removes the earliest live arrival of vk and returns its
// number; ok is false when vk has none.
func (l arrivals) removeEarliest(vk string) (seq int64, ok bool) {
	tail, ok := l.store.Get(l.base + "t" + vk)
	if !ok {
		return 0, false
	}
	head, _ := l.store.Get(l.base + "h" + vk)
	qk := l.base + "q" + vk + "\x00" + seqKey(head)
	seq, ok = l.store.Get(qk)
	l.store.Remove(qk)
	if head+1 >= tail {
		l.store.Remove(l.base + "h" + vk)
		l.store.Remove(l.base + "t" + vk)
	} else {
		l.store.Put(l.base+"h"+vk, head+1)
	}
	if ok {
		l.store.Remove(l.base + "o" + seqKey(seq) + vk)
	}
	return seq, ok
}

// extreme returns the earliest (last false) or latest live arrival.
func (l arrivals) extreme(last bool) (seq int64, vk string, ok bool) {
	var best string
	l.store.Each(l.base+"o", func(k string, _ int64) {
		if !ok || last && k > best || !last && k < best {
			best, ok = k, true
		}
	})
	if !ok {
		return 0, "", false
	}
	return parseSeq(best[len(l.base)+1:]), best[len(l.base)+17:], true
}

// join joins the live values in arrival order; ok is false when there
// are none.
func (l arrivals) join(sep string) (joined string, ok bool) {
	var keys []string
	l.store.Each(l.base+"o", func(k string, _ int64) { keys = append(keys, k) })
	slices.Sort(keys)
	var b strings.Builder
	for j, k := range keys {
		if j > 0 {
			b.WriteString(sep)
		}
		b.WriteString(k[len(l.base)+17:])
	}
	return b.String(), len(keys) > 0
}

func parseSeq(s string) int64 {
	var n int64
	for i := 0; i < 16 && i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			n = n<<4 | int64(c-'0')
		default:
			n = n<<4 | int64(c-'a'+10)
		}
	}
	return n
}
