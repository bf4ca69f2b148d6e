package exec

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
)

// The collecting aggregates keep their values rather than a summary:
//
//   - ARRAY_AGG(x): the values in arrival order, NULLs included (the
//     binder makes IGNORE NULLS a FILTER (WHERE x IS NOT NULL)); NULL
//     when there are none (Flink's ArrayAggFunction).
//   - COLLECT(x): the MULTISET of the non-NULL values; empty when there
//     are none.
//   - SINGLE_VALUE(x): the value of the one row (NULL included), NULL for
//     no row; more rows are an error. It is the value of a scalar
//     subquery that may return more than one row, as in Flink; its Offset
//     is the subquery's position (line << 32 | column) for the message.
//
// Without retraction a call keeps its values encoded in the accumulator's
// U, each length-prefixed, N counting them (SINGLE_VALUE keeps the first
// two only). Under retraction they are arrivals in the count store
// (accumulate_ordered.go), N numbering them and I counting the live ones;
// a retraction removes the value's earliest arrival, as Flink removes the
// first equal element (one never accumulated is ignored).
//
// JSON_OBJECTAGG(member) builds a JSON object from members the binder
// packs into one string (ast's JSONObjectAggExpr.AggForm): the key as JSON
// text (empty for a NULL key, an error), ':', and the value as JSON text
// (empty for a NULL value ABSENT ON NULL, which adds no member). As Flink,
// a key that is already in the object is an error, but a member retracted
// (key and value) leaves the object and its key may come again. The
// members are joined in S (in arrival order); the count store notes the
// object's keys, and under retraction its members as arrivals.

// keepsNulls reports a call whose NULL values count: the aggregator does
// not skip them.
func keepsNulls(c *plan.AggCall) bool {
	return c.UDAF == nil && (c.Func == "ARRAY_AGG" || c.Func == "SINGLE_VALUE")
}

// isCollecting reports ARRAY_AGG, COLLECT and SINGLE_VALUE.
func isCollecting(fn string) bool {
	return fn == "ARRAY_AGG" || fn == "COLLECT" || fn == "SINGLE_VALUE"
}

// elemCodec encodes the values of collecting call i.
func (a *aggregator) elemCodec(i int) *rowCodec {
	if a.codecs == nil {
		a.codecs = make([]*rowCodec, len(a.calls))
	}
	if a.codecs[i] == nil {
		t := a.calls[i].Type
		if t.Kind == types.KindArray || t.Kind == types.KindMultiset {
			if a.calls[i].Func != "SINGLE_VALUE" {
				t = *t.Elem
			}
		}
		a.codecs[i] = newRowCodec([]types.Type{plainType(t).Nullable()})
	}
	return a.codecs[i]
}

// elemKey is the encoding of value v of collecting call i: what its
// accumulator keeps, and its DISTINCT key (NULL apart from every value).
func (a *aggregator) elemKey(i int, v any) string {
	return a.elemCodec(i).encode([]any{v})
}

// addCollected accumulates or retracts value v (nil for NULL) of a
// collecting call.
func (a *aggregator) addCollected(acc *aggAcc, c *plan.AggCall, i int, v any, retract bool, prefix string) error {
	enc := a.elemKey(i, v)
	if !a.retract {
		if retract {
			return nil // never reached: the input has no retractions
		}
		acc.N++
		if c.Func == "SINGLE_VALUE" && acc.N > 2 {
			return nil // one too many is known already
		}
		acc.U = binary.AppendUvarint(acc.U, uint64(len(enc)))
		acc.U = append(acc.U, enc...)
		return nil
	}
	live := arrivals{store: a.counts, base: arrivalBase(prefix, i)}
	if !retract {
		live.add(acc.N, enc)
		acc.N++
		acc.I++
		return nil
	}
	if _, ok := live.removeEarliest(enc); ok {
		acc.I--
	}
	return nil
}

// collected returns the encoded values a collecting call holds, in
// arrival order.
func (a *aggregator) collected(acc *aggAcc, i int, prefix string) ([]string, error) {
	var encs []string
	if !a.retract {
		for b := acc.U; len(b) > 0; {
			n, k := binary.Uvarint(b)
			if k <= 0 || uint64(len(b)-k) < n {
				return nil, errors.New("corrupt accumulator")
			}
			encs = append(encs, string(b[k:k+int(n)]))
			b = b[k+int(n):]
		}
		return encs, nil
	}
	l := arrivals{store: a.counts, base: arrivalBase(prefix, i)}
	var keys []string
	l.store.Each(l.base+"o", func(k string, _ int64) { keys = append(keys, k) })
	slices.Sort(keys)
	for _, k := range keys {
		encs = append(encs, k[len(l.base)+17:])
	}
	return encs, nil
}

// collectedValue is the result of a collecting call.
func (a *aggregator) collectedValue(acc *aggAcc, c *plan.AggCall, i int, prefix string) (any, error) {
	count := acc.N
	if a.retract {
		count = acc.I
	}
	if c.Func == "SINGLE_VALUE" && count > 1 {
		return nil, singleValueError(c)
	}
	if count <= 0 {
		if c.Func == "COLLECT" {
			return []any{}, nil
		}
		return nil, nil
	}
	encs, err := a.collected(acc, i, prefix)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.Func, err)
	}
	vals := make([]any, len(encs))
	for k, enc := range encs {
		row, err := a.elemCodec(i).decode(enc)
		if err != nil {
			return nil, fmt.Errorf("%s: reading a kept value: %w", c.Func, err)
		}
		vals[k] = row[0]
	}
	if c.Func == "SINGLE_VALUE" {
		return vals[0], nil
	}
	return vals, nil
}

// singleValueError is the error of a scalar subquery that returned more
// than one row.
func singleValueError(c *plan.AggCall) error {
	line, col := c.Offset>>32, c.Offset&0xffffffff
	if line <= 0 {
		return errors.New("more than one row returned by a scalar subquery (a subquery used as an expression must return at most one row)")
	}
	return fmt.Errorf("more than one row returned by the scalar subquery at line %d, column %d (a subquery used as an expression must return at most one row)", line, col)
}

// jsonMember splits a packed JSON_OBJECTAGG member into the key's JSON
// text and the value's (empty when absent); ok is false for a NULL key.
func jsonMember(s string) (key, value string, ok bool) {
	if len(s) == 0 || s[0] != '"' {
		return "", "", false
	}
	i := 1
	for i < len(s) && s[i] != '"' {
		if s[i] == '\\' {
			i++
		}
		i++
	}
	if i+1 >= len(s) {
		return s, "", true
	}
	return s[:i+1], s[i+2:], true
}

// jsonKeyText is a key's JSON text as the key itself, for messages.
func jsonKeyText(key string) string {
	var s string
	if json.Unmarshal([]byte(key), &s) != nil {
		return key
	}
	return s
}

// addJSONMember accumulates or retracts a packed JSON_OBJECTAGG member.
func (a *aggregator) addJSONMember(acc *aggAcc, i int, v any, retract bool, prefix string) error {
	s, _ := v.(string)
	key, value, ok := jsonMember(s)
	if !ok {
		if retract {
			return nil
		}
		return errors.New("JSON_OBJECTAGG: a key is NULL; the keys of a JSON object must not be NULL")
	}
	keys := prefix + string(rune('A'+i)) + "\x02" + key
	member := key + ":" + value
	if retract {
		if value == "" {
			return nil // it added no member
		}
		if !a.retract {
			return nil // never reached: the input has no retractions
		}
		live := arrivals{store: a.counts, base: arrivalBase(prefix, i)}
		if _, ok := live.removeEarliest(member); ok {
			a.counts.Remove(keys)
			acc.S, acc.Set = live.join(",")
		}
		return nil
	}
	if _, dup := a.counts.Get(keys); dup {
		return fmt.Errorf("JSON_OBJECTAGG: the key '%s' is already in the object; the keys of a JSON object must be unique", jsonKeyText(key))
	}
	if value == "" {
		return nil // ABSENT ON NULL
	}
	a.counts.Put(keys, 1)
	if a.retract {
		live := arrivals{store: a.counts, base: arrivalBase(prefix, i)}
		live.add(acc.N, member)
		acc.N++
	}
	listAggAppend(acc, ",", member)
	return nil
}

// jsonObjectValue is the object a JSON_OBJECTAGG call built.
func jsonObjectValue(acc *aggAcc) any {
	if !acc.Set {
		return "{}"
	}
	return "{" + acc.S + "}"
}
