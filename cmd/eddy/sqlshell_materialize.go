package main

import (
	"strings"

	eddysql "github.com/eddy-streams/eddy/sql"
	"github.com/eddy-streams/eddy/sql/plan"
)

// maxTableRows is Flink's 'sql-client.execution.max-table-result.rows':
// past it the table view drops its oldest rows.
const maxTableRows = 1_000_000

// materialized is a changelog applied as it arrives, for the table view:
// +I/+U append a row, -U/-D remove the newest equal row (so an updated row
// moves to the end, as in Flink's table view). Removed rows leave a hole
// until the next compact, so that a retraction costs O(1).
type materialized struct {
	rows  [][]any          // nil is a removed row
	index map[string][]int // positions of the live rows, by value
	live  int
	head  int // no live row before it
	limit int
}

func newMaterialized(limit int) *materialized {
	return &materialized{index: map[string][]int{}, limit: limit}
}

func valuesKey(vals []any) string {
	var b strings.Builder
	for _, v := range vals {
		if v == nil {
			b.WriteString("\x01N")
		} else {
			b.WriteString("\x01V" + plan.ValueString(v))
		}
	}
	return b.String()
}

func (m *materialized) apply(r eddysql.Row) {
	k := valuesKey(r.Values)
	if r.Kind.IsAdditive() {
		vals := r.Values
		if vals == nil {
			vals = []any{} // nil marks a hole
		}
		m.rows = append(m.rows, vals)
		m.index[k] = append(m.index[k], len(m.rows)-1)
		m.live++
		if m.limit > 0 && m.live > m.limit {
			m.dropOldest()
		}
		return
	}
	pos := m.index[k]
	if len(pos) == 0 {
		return // a retraction of a row already dropped
	}
	m.rows[pos[len(pos)-1]] = nil
	m.setIndex(k, pos[:len(pos)-1])
	m.live--
}

func (m *materialized) setIndex(k string, pos []int) {
	if len(pos) == 0 {
		delete(m.index, k)
	} else {
		m.index[k] = pos
	}
}

func (m *materialized) dropOldest() {
	for m.head < len(m.rows) && m.rows[m.head] == nil {
		m.head++
	}
	if m.head == len(m.rows) {
		return
	}
	k := valuesKey(m.rows[m.head])
	m.rows[m.head] = nil
	m.setIndex(k, m.index[k][1:])
	m.live--
}

// table returns the live rows in order, compacting the holes away.
func (m *materialized) table() [][]any {
	if m.live == len(m.rows) {
		return m.rows
	}
	rows := make([][]any, 0, m.live)
	clear(m.index)
	for _, r := range m.rows {
		if r != nil {
			k := valuesKey(r)
			m.index[k] = append(m.index[k], len(rows))
			rows = append(rows, r)
		}
	}
	m.rows, m.head = rows, 0
	return rows
}
