package main

import (
	"cmp"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/eddy-streams/eddy/connector"
	gen "github.com/eddy-streams/eddy/connector/nexmark"
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/nexmark"
	nexmarksql "github.com/eddy-streams/eddy/nexmark/sql"
)

// The APIs `eddy nexmark run --api` runs a query with.
const (
	apiDataStream = "datastream"
	apiSQL        = "sql"
)

// checkNexmarkAPI validates --api and that the query has a version in it.
func checkNexmarkAPI(o *runOptions) error {
	switch o.api {
	case apiDataStream, "":
		return nil
	case apiSQL:
	default:
		return usagef("--api must be %s or %s, got %q", apiDataStream, apiSQL, o.api)
	}
	if o.query == genQuery {
		return usagef("--api sql: --query gen has no SQL version")
	}
	if _, err := nexmarksql.Query(o.query); err != nil {
		return usagef("--api sql: %v", err)
	}
	return nil
}

// nexmarkEvents is the generator's stream for the DataStream versions; nil
// for the SQL versions, whose nexmark table reads the generator itself.
func nexmarkEvents(env *datastream.Env, o runOptions, cfg gen.Config, opts []gen.SourceOption) *datastream.DataStream[gen.Event] {
	if o.api == apiSQL {
		return nil
	}
	return datastream.FromSource(env, gen.NewSource(cfg, opts...), gen.WatermarkStrategy(), "Nexmark")
}

// sqlTap is the SQL versions' stand-in for the operators the DataStream
// versions chain after the source: the generator's readers count events
// for the progress line and the savepoint trigger, and fail as the failure
// plan says.
func sqlTap(plan *failurePlan, done *atomic.Int64) gen.SourceOption {
	return gen.WithTap(func(subtask int) func() {
		var n int64
		return func() {
			if plan != nil {
				plan.observe(subtask)
			}
			if done != nil {
				if n++; n == progressBatch {
					done.Add(progressBatch)
					n = 0
				}
			}
		}
	})
}

// partsLayout is how the rows of a query's part files make its result.
type partsLayout int

const (
	appendRows      partsLayout = iota // every row is a result row
	lastRowPerKey                      // the first column is the key; the last row of a key counts
	signedChangelog                    // the first column is + or -; signs add up per row
)

// queryOutput is a query's result in a job, whichever API built it.
type queryOutput struct {
	columns []string
	ds      nexmark.Output
	sql     *nexmarksql.Output
}

func (q queryOutput) discard() {
	if q.sql != nil {
		q.sql.Discard()
		return
	}
	q.ds.Discard()
}

func (q queryOutput) collect() func() [][]string {
	if q.sql != nil {
		return q.sql.Collect()
	}
	return q.ds.Collect()
}

func (q queryOutput) rows() (*datastream.DataStream[[]string], partsLayout) {
	if q.sql != nil {
		return q.sql.Changelog(), signedChangelog
	}
	rows, keyed := q.ds.Rows()
	if keyed {
		return rows, lastRowPerKey
	}
	return rows, appendRows
}

// buildNexmarkOutput adds the query to env with the chosen API. The SQL
// versions that read or write files (q10, q13) keep them in filesDir.
func buildNexmarkOutput(env *datastream.Env, o runOptions, events *datastream.DataStream[gen.Event], cfg gen.Config, opts []gen.SourceOption, filesDir string) (queryOutput, error) {
	if o.api != apiSQL {
		q, err := nexmark.Lookup(o.query)
		if err != nil {
			return queryOutput{}, err
		}
		return queryOutput{columns: q.Columns, ds: q.Build(env, events)}, nil
	}
	source := func(gen.Config) connector.Source[gen.Event] { return gen.NewSource(cfg, opts...) }
	out, err := nexmarksql.Build(env, o.query, nexmarksql.BuildOptions{Config: cfg, Source: source, Dir: filesDir})
	if err != nil {
		return queryOutput{}, err
	}
	cols := out.Columns
	if q, err := nexmark.Lookup(o.query); err == nil {
		// The DataStream version's names, so both write the same file.
		cols = q.Columns
	}
	return queryOutput{columns: cols, sql: out}, nil
}

// nexmarkFilesDir is the folder of the files a SQL query reads or writes:
// --files-dir, or a temporary folder that the returned function removes.
func nexmarkFilesDir(o runOptions) (string, func(), error) {
	if o.filesDir != "" {
		if err := os.MkdirAll(o.filesDir, 0o755); err != nil {
			return "", nil, fmt.Errorf("--files-dir: %w", err)
		}
		return o.filesDir, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "eddy-nexmark-files-*")
	if err != nil {
		return "", nil, err
	}
	return dir, func() { os.RemoveAll(dir) }, nil
}

// knownQueries lists the queries of both APIs, for --query's help and
// errors.
func knownQueries() []string {
	seen := map[string]bool{}
	var names []string
	for _, n := range append(nexmark.Names(), nexmarksql.Names()...) {
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	num := func(s string) int {
		n, _ := strconv.Atoi(strings.TrimPrefix(s, "q"))
		return n
	}
	slices.SortFunc(names, func(a, b string) int { return cmp.Compare(num(a), num(b)) })
	return names
}
