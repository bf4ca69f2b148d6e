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
// in the runtime's keyed state, and emit chunks again. In front of the
// aggregations a row stays in its chunk (keyedRow.src) and is read typed,
// never boxed; HOP windows are aggregated per slice.
//
// One file per concept: eval.go compiles expressions, job.go walks the
// plan, scan.go and src_*.go are the sources (src_file_enum.go hands the
// filesystem's files to its readers, one at a time, and watches the path
// with source.monitor-interval; src_file_meta.go its metadata columns,
// partition.go its partition folders; the nexmark source sets apart the
// events its table's filter on event_type drops),
// calc.go the stateless operators, groupagg.go/accumulate*.go the
// aggregations (and the window aggregations), aggfast.go their typed paths,
// exchange.go the exchanges that feed the keyed operators (runs of a key's
// rows for joins and mini-batch aggregation), slicewin.go slice-based HOP
// aggregation, sessionwin*.go session windows (GROUP BY SESSION and the
// SESSION TVF), firebatch.go the batching of fired windows,
// window_proctime.go the processing-time window aggregation, join.go the
// regular joins (inner, outer, semi, anti; typed list state), join_interval.go,
// join_window.go and join_temporal.go the time-bounded joins,
// join_lookup.go lookup joins, topn.go Top-N, deduplication and window
// Top-N, topone.go the append-only Top-1, windowdedup.go window
// deduplication, over.go and over_updating.go OVER aggregations
// (over_rank.go batch mode's sorted OVER and ranking functions),
// match*.go MATCH_RECOGNIZE (an NFA over each partition's rows), setop.go
// INTERSECT/EXCEPT, unnest.go UNNEST, sort.go ORDER BY, build_ops.go
// builds those, sink.go the sinks (INSERT OVERWRITE through the file
// sink's overwrite), and connectors.go registers the
// connectors' options and metadata with package sql/catalog.
//
// table.exec.state.ttl reaches the operators whose state has no time
// bound (a STATE_TTL hint overrides it per join side or aggregation); an
// operator running on one subtask feeds the next exchange from one
// subtask, so a key's changes keep their order. In batch mode a global
// aggregation gets an element of no rows, so it has its row over an
// empty input.
package exec
