package exec

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
)

// The collecting aggregates keep arrival order; under retraction a value's
// earliest arrival leaves, as in Flink, and one never added is ignored.
func TestCollectingAggregates(t *testing.T) {
	calls := []plan.AggCall{
		{Func: "ARRAY_AGG", Args: []int{0}, Filter: -1, Type: types.Array(types.Int()).Nullable()},
		{Func: "COLLECT", Args: []int{0}, Filter: -1, Type: types.Multiset(types.Int()).NotNullable()},
		{Func: "ARRAY_AGG", Args: []int{0}, Filter: -1, Distinct: true, Type: types.Array(types.Int()).Nullable()},
	}
	for _, retract := range []bool{false, true} {
		a := &aggregator{calls: calls, retract: retract, counts: memCounts{}}
		g := newGroupAcc(len(calls))
		add := func(v any, back bool) {
			t.Helper()
			if err := a.add(&g, []any{v}, back, ""); err != nil {
				t.Fatal(err)
			}
		}
		want := func(what string, vals ...any) {
			t.Helper()
			got, err := a.results(&g, "")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, vals) {
				t.Errorf("retract=%v, %s: got %v, want %v", retract, what, got, vals)
			}
		}
		want("no rows", nil, []any{}, nil)
		for _, v := range []any{int32(1), nil, int32(2), int32(1)} {
			add(v, false)
		}
		want("added", []any{int32(1), nil, int32(2), int32(1)}, []any{int32(1), int32(2), int32(1)}, []any{int32(1), nil, int32(2)})
		if !retract {
			continue
		}
		add(int32(1), true)
		want("the first 1 retracted", []any{nil, int32(2), int32(1)}, []any{int32(2), int32(1)}, []any{int32(1), nil, int32(2)})
		add(int32(7), true) // never added
		add(nil, true)
		add(int32(1), true)
		want("1s and NULL retracted", []any{int32(2)}, []any{int32(2)}, []any{int32(2)})
		add(int32(1), false)
		want("1 again", []any{int32(2), int32(1)}, []any{int32(2), int32(1)}, []any{int32(2), int32(1)})
	}
}

// SINGLE_VALUE is the one row's value (NULL too) and fails on more rows,
// naming the subquery; a retraction brings it back to one.
func TestSingleValue(t *testing.T) {
	pos := int64(3)<<32 | 14
	c := plan.AggCall{Func: "SINGLE_VALUE", Args: []int{0}, Filter: -1, Type: types.String(), Offset: pos}
	for _, retract := range []bool{false, true} {
		a := &aggregator{calls: []plan.AggCall{c}, retract: retract, counts: memCounts{}}
		g := newGroupAcc(1)
		if v, err := a.result(&g, 0, ""); v != nil || err != nil {
			t.Errorf("no row: %v, %v", v, err)
		}
		if err := a.add(&g, []any{nil}, false, ""); err != nil {
			t.Fatal(err)
		}
		if v, err := a.result(&g, 0, ""); v != nil || err != nil {
			t.Errorf("a NULL row: %v, %v", v, err)
		}
		if err := a.add(&g, []any{"x"}, false, ""); err != nil {
			t.Fatal(err)
		}
		_, err := a.result(&g, 0, "")
		if err == nil || !strings.Contains(err.Error(), "more than one row returned by the scalar subquery at line 3, column 14") {
			t.Errorf("two rows: %v", err)
		}
		if !retract {
			continue
		}
		if err := a.add(&g, []any{nil}, true, ""); err != nil {
			t.Fatal(err)
		}
		if v, err := a.result(&g, 0, ""); v != "x" || err != nil {
			t.Errorf("the NULL row retracted: %v, %v", v, err)
		}
	}
}

// JSON_OBJECTAGG refuses NULL and duplicate keys; a retracted member's key
// may come again.
func TestJSONObjectAgg(t *testing.T) {
	c := plan.AggCall{Func: "JSON_OBJECTAGG", Args: []int{0}, Filter: -1, Type: types.String().NotNullable()}
	a := &aggregator{calls: []plan.AggCall{c}, retract: true, counts: memCounts{}}
	g := newGroupAcc(1)
	add := func(member string, back bool) error { return a.add(&g, []any{member}, back, "") }
	for _, m := range []string{`"a":1`, `"b\"c":null`, `"d":`} {
		if err := add(m, false); err != nil {
			t.Fatal(err)
		}
	}
	if v, _ := a.result(&g, 0, ""); v != `{"a":1,"b\"c":null}` {
		t.Errorf("got %v", v)
	}
	if err := add(`"b\"c":2`, false); err == nil || !strings.Contains(err.Error(), `JSON_OBJECTAGG: the key 'b"c' is already`) {
		t.Errorf("duplicate: %v", err)
	}
	if err := add(`:1`, false); err == nil || !strings.Contains(err.Error(), "a key is NULL") {
		t.Errorf("NULL key: %v", err)
	}
	if err := add(`"a":1`, true); err != nil {
		t.Fatal(err)
	}
	if err := add(`"a":2`, false); err != nil {
		t.Fatalf("a key retracted then added again: %v", err)
	}
	if v, _ := a.result(&g, 0, ""); v != `{"b\"c":null,"a":2}` {
		t.Errorf("got %v", v)
	}
}

// NTILE deals the rest of the rows to the first buckets.
func TestNtile(t *testing.T) {
	for _, c := range []struct {
		n, k int64
		want string
	}{
		{6, 4, "1 1 2 2 3 4"}, {5, 2, "1 1 1 2 2"}, {2, 5, "1 2"}, {3, 3, "1 2 3"}, {4, 1, "1 1 1 1"}, {7, 3, "1 1 1 2 2 3 3"},
	} {
		var got []string
		for i := range c.n {
			got = append(got, strconv.FormatInt(ntile(i, c.n, c.k), 10))
		}
		if s := strings.Join(got, " "); s != c.want {
			t.Errorf("NTILE(%d) of %d rows: %s, want %s", c.k, c.n, s, c.want)
		}
	}
}
