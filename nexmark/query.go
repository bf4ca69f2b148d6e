package nexmark

import (
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/eddy-streams/eddy/connector"
	gen "github.com/eddy-streams/eddy/connector/nexmark"
	"github.com/eddy-streams/eddy/datastream"
)

// Query is one Nexmark query.
type Query struct {
	Name string
	// Columns are the names of the result columns, as the suite's SQL
	// names them.
	Columns []string
	// Updating queries produce a table that changes (keyed by the row key);
	// their final result is the last row of every key. Others append rows.
	Updating bool
	// Build adds the query to env, reading events, and returns its output.
	Build func(env *datastream.Env, events *datastream.DataStream[gen.Event]) Output
}

var registry = map[string]*Query{}

// register adds q to the registry; queries call it from init.
func register(q *Query) {
	if _, dup := registry[q.Name]; dup {
		panic("nexmark: query " + q.Name + " registered twice")
	}
	registry[q.Name] = q
}

// Lookup returns the query named name ("q5").
func Lookup(name string) (*Query, error) {
	q, ok := registry[name]
	if !ok {
		return nil, fmt.Errorf("unknown query %q (known: %v)", name, Names())
	}
	return q, nil
}

// Names returns the names of all queries in order (q0, q1, …, q12).
func Names() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		a, _ := strconv.Atoi(names[i][1:])
		b, _ := strconv.Atoi(names[j][1:])
		return a < b
	})
	return names
}

// Output is the end of a query's job: either discarded (a benchmark) or
// rendered into rows (results and tests). Exactly one of its methods is
// called, once, before the job runs.
type Output interface {
	// Discard ends the query in a sink that drops everything.
	Discard()
	// Collect ends the query in a sink that keeps rendered rows; the
	// returned function gives the final result once the job finished: all
	// rows of an append query, the last row of every key of an updating one.
	Collect() func() [][]string
	// Rows renders the results into rows, to end the query in a sink of
	// the caller's (the exactly-once file sink of `eddy nexmark run`). For
	// an updating query every update is a row whose first column is the
	// row key (a changelog: the final result is the last row of every
	// key, in the order of the stream); keyed tells which.
	Rows() (rows *datastream.DataStream[[]string], keyed bool)
}

// NewOutput returns the output of a query whose result stream is s. render
// appends the columns of a result to dst; key gives the row key of an
// updating query (nil for append queries).
func NewOutput[T any](s *datastream.DataStream[T], render func(v T, dst []string) []string, key func(v T) string) Output {
	return &output[T]{s: s, render: render, key: key}
}

type output[T any] struct {
	s      *datastream.DataStream[T]
	render func(T, []string) []string
	key    func(T) string
}

func (o *output[T]) Discard() {
	o.s.SinkTo(discard[T]{}, "Discard")
}

func (o *output[T]) Collect() func() [][]string {
	rows := &rowSink[T]{render: o.render, key: o.key, last: map[string][]string{}}
	// One sink subtask: each key's updates then arrive over one channel, in
	// the order they were produced.
	o.s.SinkTo(rows, "Results").SetParallelism(1)
	return rows.result
}

func (o *output[T]) Rows() (*datastream.DataStream[[]string], bool) {
	render, key := o.render, o.key
	if key == nil {
		return datastream.Map(o.s, func(v T) []string { return render(v, nil) }), false
	}
	return datastream.Map(o.s, func(v T) []string { return render(v, []string{key(v)}) }), true
}

type discard[T any] struct{}

func (discard[T]) CreateWriter(connector.SinkContext) (connector.SinkWriter[T], error) {
	return discard[T]{}, nil
}
func (discard[T]) Write(T, int64) error { return nil }
func (discard[T]) Flush(bool) error     { return nil }
func (discard[T]) Close() error         { return nil }

// rowSink renders results into rows; for an updating query it keeps the
// last row per key (every key's updates come from one subtask, in order).
type rowSink[T any] struct {
	render func(T, []string) []string
	key    func(T) string

	mu    sync.Mutex
	rows  [][]string
	last  map[string][]string
	order []string
}

func (r *rowSink[T]) CreateWriter(connector.SinkContext) (connector.SinkWriter[T], error) {
	return r, nil
}

func (r *rowSink[T]) Write(v T, _ int64) error {
	row := r.render(v, nil)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.key == nil {
		r.rows = append(r.rows, row)
		return nil
	}
	k := r.key(v)
	if _, ok := r.last[k]; !ok {
		r.order = append(r.order, k)
	}
	r.last[k] = row
	return nil
}

func (r *rowSink[T]) Flush(bool) error { return nil }
func (r *rowSink[T]) Close() error     { return nil }

func (r *rowSink[T]) result() [][]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.key == nil {
		return r.rows
	}
	out := make([][]string, 0, len(r.order))
	for _, k := range r.order {
		out = append(out, r.last[k])
	}
	return out
}

// FormatTime renders an event time as the suite's CSV does:
// YYYY-MM-DD HH:MM:SS.sss in UTC.
func FormatTime(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04:05.000")
}
