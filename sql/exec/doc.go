// Package exec turns a physical plan of package sql/plan into a job on the
// runtime, through the DataStream API.
//
// Edges between SQL operators carry columnar chunks (*vector.Chunk):
// sources emit chunks, Calc evaluates projections and filters a chunk at a
// time with the kernels of package sql/functions, and sinks write chunks.
// A hash exchange splits chunks into rows keyed by the canonical encoding
// of their key columns (package vector's row format, stable across
// processes), partitioned through the runtime's KeyBy; the keyed operators
// behind it (group and window aggregation, joins, limit) keep their state
// in the runtime's keyed state, and emit chunks again.
//
// One file per concept: eval.go compiles expressions, job.go walks the
// plan, scan.go and src_*.go are the sources, calc.go the stateless
// operators, groupagg.go/accumulate.go the aggregations, windowagg.go the
// window aggregations, join.go the regular join, sink.go the sinks, and
// connectors.go registers the connectors' options with package
// sql/catalog.
package exec
