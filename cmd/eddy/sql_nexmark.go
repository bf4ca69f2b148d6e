package main

import (
	"strings"

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

// checkNexmarkAPI validates --api. The SQL versions read the generator
// through the SQL nexmark table, so the options that wrap the DataStream
// source (failure injection, savepoints, the progress counter) are not
// available with them.
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
		return usagef("--api sql: %v (SQL versions: %s)", err, strings.Join(nexmarksql.Names(), ", "))
	}
	if o.injectFailures > 0 || o.stopWithSavepointAfter > 0 || o.fromSavepoint != "" {
		return usagef("--api sql does not support --inject-failures, --stop-with-savepoint-after or --from-savepoint yet")
	}
	o.progress = false
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

// buildNexmarkOutput adds query q to env with the chosen API.
func buildNexmarkOutput(env *datastream.Env, o runOptions, q *nexmark.Query, events *datastream.DataStream[gen.Event], cfg gen.Config, opts []gen.SourceOption) (nexmark.Output, error) {
	if o.api != apiSQL {
		return q.Build(env, events), nil
	}
	source := func(gen.Config) connector.Source[gen.Event] { return gen.NewSource(cfg, opts...) }
	return nexmarksql.Build(env, q.Name, cfg, source)
}
