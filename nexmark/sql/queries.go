package sql

import (
	"context"
	"embed"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/eddy-streams/eddy/connector"
	gen "github.com/eddy-streams/eddy/connector/nexmark"
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/nexmark"
	eddysql "github.com/eddy-streams/eddy/sql"
	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/exec"
	"github.com/eddy-streams/eddy/sql/parser"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

//go:embed *.sql
var files embed.FS

// DDL returns the suite's table and views for a run of events events.
func DDL(events int64) string {
	b, _ := files.ReadFile("ddl.sql")
	return strings.ReplaceAll(string(b), "${EVENTS}", strconv.FormatInt(events, 10))
}

// Query returns the SQL of query name ("q5").
func Query(name string) (string, error) {
	b, err := files.ReadFile(name + ".sql")
	if err != nil {
		return "", fmt.Errorf("no SQL version of Nexmark query %q (have: %s)", name, strings.Join(Names(), ", "))
	}
	return string(b), nil
}

// Names lists the queries with a SQL version, in order.
func Names() []string {
	entries, _ := files.ReadDir(".")
	var names []string
	for _, e := range entries {
		n := strings.TrimSuffix(e.Name(), ".sql")
		if strings.HasPrefix(n, "q") {
			names = append(names, n)
		}
	}
	sort.Slice(names, func(i, j int) bool {
		a, _ := strconv.Atoi(names[i][1:])
		b, _ := strconv.Atoi(names[j][1:])
		return a < b
	})
	return names
}

// Build adds query name, planned from its SQL, to env, reading the
// events of cfg from source (nil: the generator's default source). The
// output renders rows as the DataStream versions do; for an updating query
// (q4) only additions are rows, so the last row of a key is its final
// value.
func Build(env *datastream.Env, name string, cfg gen.Config, source func(gen.Config) connector.Source[gen.Event]) (nexmark.Output, error) {
	// The queries of the suite written in SQL only (q15 …) have no
	// DataStream version: their rows render as additions.
	updating := false
	if q, err := nexmark.Lookup(name); err == nil {
		updating = q.Updating
	}
	text, err := Query(name)
	if err != nil {
		return nil, err
	}
	s := eddysql.NewSession(eddysql.Options{NexmarkSource: source})
	if _, err := s.Execute(context.Background(), DDL(cfg.Events)); err != nil {
		return nil, fmt.Errorf("nexmark DDL: %w", err)
	}
	stmt, err := parser.ParseStatement(text)
	if err != nil {
		return nil, err
	}
	query, ok := stmt.(*ast.Query)
	if !ok {
		return nil, fmt.Errorf("%s.sql is not a query", name)
	}
	stream, cols, err := s.BuildQueryStream(env, query)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	ts := make([]types.Type, len(cols))
	for i, c := range cols {
		ts[i] = c.Type
		ts[i].TimeAttr = types.NoTimeAttr
	}
	return &output{stream: stream, types: ts, updating: updating}, nil
}

// output ends a SQL query as package nexmark's outputs do. Discarding
// skips rendering; the other two render each row's values as the
// DataStream versions print them, and for an updating query (q4) keep
// additions only, so that the last row of a key is its final value.
type output struct {
	stream   *datastream.DataStream[*vector.Chunk]
	types    []types.Type
	updating bool
}

func (o *output) Discard() {
	o.stream.SinkTo(discard{}, "Discard")
}

func (o *output) render() nexmark.Output {
	ts, updating := o.types, o.updating
	rows := datastream.FlatMap(o.stream, func(c *vector.Chunk, out datastream.Collector[[]string]) {
		for i := range c.Len() {
			if updating && !c.Kind(i).IsAdditive() {
				continue
			}
			row := make([]string, len(c.Cols))
			for j, v := range c.Cols {
				row[j] = exec.FormatValue(ts[j], v.Get(i))
			}
			out.Collect(row)
		}
	}).Name("Render")
	var key func([]string) string
	if updating {
		key = func(r []string) string { return r[0] }
	}
	return nexmark.NewOutput(rows, func(r []string, dst []string) []string { return append(dst, r...) }, key)
}

func (o *output) Collect() func() [][]string { return o.render().Collect() }

func (o *output) Rows() (*datastream.DataStream[[]string], bool) { return o.render().Rows() }

type discard struct{}

func (discard) CreateWriter(connector.SinkContext) (connector.SinkWriter[*vector.Chunk], error) {
	return discard{}, nil
}
func (discard) Write(*vector.Chunk, int64) error { return nil }
func (discard) Flush(bool) error                 { return nil }
func (discard) Close() error                     { return nil }
