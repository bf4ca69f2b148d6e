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
	eddysql "github.com/eddy-streams/eddy/sql"
	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/exec"
	"github.com/eddy-streams/eddy/sql/parser"
	"github.com/eddy-streams/eddy/sql/plan"
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

// BuildOptions say where a query's events come from and where its files
// go.
type BuildOptions struct {
	// Config is the generator's configuration (events.num and the rest).
	Config gen.Config
	// Source, when set, is the source the nexmark table reads (the runner
	// wraps the generator to count events and inject failures); nil: the
	// generator of Config.
	Source func(gen.Config) connector.Source[gen.Event]
	// Dir is the folder of the files a query reads or writes, ${DIR} in
	// its SQL: q10's partitioned sink, q13's side input (which Build
	// writes there). Only those queries need it.
	Dir string
}

// Script returns the SQL of query name ready to run: the files it reads
// written into dir, which replaces ${DIR} in its text.
func Script(name, dir string) (string, error) {
	text, err := Query(name)
	if err != nil {
		return "", err
	}
	if strings.Contains(text, "${DIR}") {
		if dir == "" {
			return "", fmt.Errorf("%s: the query reads or writes files and needs a folder for them", name)
		}
		text = strings.ReplaceAll(text, "${DIR}", dir)
	}
	if setup := setups[name]; setup != nil {
		if err := setup(dir); err != nil {
			return "", fmt.Errorf("%s: %w", name, err)
		}
	}
	return text, nil
}

// Output is the result of a query Build added to a job.
type Output struct {
	// Columns are the names of the result's columns: the query's, or for
	// an INSERT the table's.
	Columns []string
	stream  *datastream.DataStream[*vector.Chunk]
	types   []types.Type
}

// Build adds query name, planned from its SQL, to env. A query's file is a
// script: statements that prepare it (tables, functions), then the query
// or an INSERT (whose sink Build adds too; the output is then the rows it
// inserts).
func Build(env *datastream.Env, name string, o BuildOptions) (*Output, error) {
	text, err := Script(name, o.Dir)
	if err != nil {
		return nil, err
	}
	stmts, err := parser.ParseStatements(text)
	if err != nil {
		return nil, fmt.Errorf("%s.sql: %w", name, err)
	}
	if len(stmts) == 0 {
		return nil, fmt.Errorf("%s.sql has no statements", name)
	}
	// The suite runs with mini-batch aggregation (its flink-conf.yaml).
	s := eddysql.NewSession(eddysql.Options{NexmarkSource: o.Source, Config: map[string]string{"table.exec.mini-batch.enabled": "true"}})
	ctx := context.Background()
	if _, err := s.Execute(ctx, DDL(o.Config.Events)); err != nil {
		return nil, fmt.Errorf("nexmark DDL: %w", err)
	}
	for _, st := range stmts[:len(stmts)-1] {
		if _, err := s.Execute(ctx, ast.Format(st)); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	var stream *datastream.DataStream[*vector.Chunk]
	var cols []plan.Column
	switch st := stmts[len(stmts)-1].(type) {
	case *ast.Query:
		stream, cols, err = s.BuildQueryStream(env, st)
	case *ast.Insert:
		stream, cols, err = s.BuildInsertStream(env, st)
	default:
		return nil, fmt.Errorf("%s.sql must end with a query or an INSERT", name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	out := &Output{stream: stream}
	for _, c := range cols {
		t := c.Type
		t.TimeAttr = types.NoTimeAttr
		out.types = append(out.types, t)
		out.Columns = append(out.Columns, c.Name)
	}
	return out, nil
}

// Discard ends the query in a sink that drops its rows (an INSERT's table
// sink stays).
func (o *Output) Discard() {
	o.stream.SinkTo(discard{}, "Discard")
}

// Changelog renders the result as rows whose first column is "+" for a
// row added (+I, +U) or "-" for a row taken away (-U, -D), followed by the
// row's values as the DataStream versions print them. Whatever the order
// in which the rows arrive, adding up the signs of equal rows gives the
// final result (ApplyChangelog).
func (o *Output) Changelog() *datastream.DataStream[[]string] {
	ts := o.types
	return datastream.FlatMap(o.stream, func(c *vector.Chunk, out datastream.Collector[[]string]) {
		for i := range c.Len() {
			row := make([]string, 1+len(c.Cols))
			row[0] = "-"
			if c.Kind(i).IsAdditive() {
				row[0] = "+"
			}
			for j, v := range c.Cols {
				row[1+j] = exec.FormatValue(ts[j], v.Get(i))
			}
			out.Collect(row)
		}
	}).Name("Render")
}

// Collect ends the query in a sink that keeps its rendered rows; the
// returned function gives the final result (the changelog applied, in no
// particular order) once the job finished.
func (o *Output) Collect() func() [][]string {
	sink := &changelogSink{}
	o.Changelog().SinkTo(sink, "Results").SetParallelism(1)
	return func() [][]string { return sink.result.Rows() }
}

// Changes applies a changelog of rows (a sign, then the values) and holds
// the resulting multiset.
type Changes struct {
	count map[string]int
	rows  map[string][]string
}

// Apply adds (sign "+") or takes away (sign "-") one row.
func (c *Changes) Apply(signed []string) error {
	if len(signed) == 0 || signed[0] != "+" && signed[0] != "-" {
		return fmt.Errorf("changelog row %q: the first column must be + or -", signed)
	}
	if c.count == nil {
		c.count, c.rows = map[string]int{}, map[string][]string{}
	}
	k := strings.Join(signed[1:], "\x00")
	if signed[0] == "+" {
		c.count[k]++
		c.rows[k] = signed[1:]
	} else {
		c.count[k]--
	}
	return nil
}

// Rows returns the rows present (a row added n times more than taken away
// appears n times), in no particular order.
func (c *Changes) Rows() [][]string {
	var out [][]string
	for k, n := range c.count {
		for range n {
			out = append(out, c.rows[k])
		}
	}
	return out
}

type changelogSink struct {
	result Changes
}

func (s *changelogSink) CreateWriter(connector.SinkContext) (connector.SinkWriter[[]string], error) {
	return s, nil
}
func (s *changelogSink) Write(row []string, _ int64) error { return s.result.Apply(row) }
func (s *changelogSink) Flush(bool) error                  { return nil }
func (s *changelogSink) Close() error                      { return nil }

type discard struct{}

func (discard) CreateWriter(connector.SinkContext) (connector.SinkWriter[*vector.Chunk], error) {
	return discard{}, nil
}
func (discard) Write(*vector.Chunk, int64) error { return nil }
func (discard) Flush(bool) error                 { return nil }
func (discard) Close() error                     { return nil }

// setups prepare the files a query reads, in BuildOptions.Dir.
var setups = map[string]func(dir string) error{
	"q13": writeSideInput,
}
