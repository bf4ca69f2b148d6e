// Package plan owns the binder/validator and the planner of Eddy's SQL
// engine: it turns statements of package sql/ast into a physical plan that
// package sql/exec runs.
//
// The binder (bind*.go) resolves names against the catalog (tables, views,
// CTEs, columns, nested fields, functions through package sql/functions)
// and produces a logical plan of relational nodes (node.go) with output
// column names, types, nullability, time attributes (rowtime from
// WATERMARK, PROCTIME()) and changelog mode (insert-only or updating).
// Validation errors are *Error values naming the table, column or
// function, with the closest existing name and the position in the text.
//
// The rules (rules.go, prune.go, reuse.go) rewrite the plan: filters move
// into joins and below them, equalities become join keys, adjacent Calcs
// merge, projections and filters are pushed into scans (nested fields
// included, so a scan reads bid.price rather than the bid ROW), columns
// nobody reads are dropped below window functions and joins, and scans of
// one table share a source. Window aggregations are recognized at bind
// time: a GROUP BY on window_start and window_end of a window table
// function (or a legacy TUMBLE/HOP group window) emits final, insert-only
// results.
//
// Joins, ranking and OVER (bind_join.go, bind_temporal.go, bind_over.go,
// bind_over_updating.go, bind_order.go, bind_setop.go, bind_unnest.go): a
// join whose ON bounds one input's rowtime by the other's is an interval
// join (insert-only); one equating two windowed inputs' window_start and
// window_end a window join (final results when the window closes); one
// FOR SYSTEM_TIME AS OF a time attribute a temporal join with a versioned
// table (a primary key, or a view of the last row per key by rowtime) or,
// on processing time against a filesystem table, a lookup join; others
// are regular joins, whose outer kinds retract their NULL-padded rows.
// USING and NATURAL joins (bind_join_using.go) put merged columns first.
// ROW_NUMBER() OVER becomes a Rank node; a WHERE rownum <= N above it
// limits it, and it runs as an updating Top-N, a deduplication keeping the
// first row (ordered by a time attribute ascending: insert-only), a window
// Top-N or window deduplication (partitioned by a window's bounds: final).
// Aggregates and LAG OVER a rowtime- or proctime-ordered ROWS or RANGE
// frame become an OverAggregate; over an updating input (which Flink
// refuses) a retracting one. ORDER BY with LIMIT is a Top-N; without, a
// temporal sort on rowtime. INTERSECT/EXCEPT [ALL] is a SetOp counting rows
// on both sides. MATCH_RECOGNIZE (bind_match.go, match*.go) becomes a
// Match node: its pattern, and DEFINE and MEASURES resolved into accessors
// of the match's rows.
//
// Subqueries (bind_subquery*.go, decorrelate.go): [NOT] IN, [NOT] EXISTS
// and quantified comparisons in WHERE and HAVING conjuncts become semi and
// anti joins; elsewhere, and scalar subqueries, become joins with
// aggregations of the subquery, correlated ones decorrelated into grouped
// LEFT joins as Calcite does (with its count-bug handling).
//
// Aggregation (bind_agg.go, bind_grouping.go, bind_window.go,
// session_window.go, window_dedup.go): GROUP BY with grouping sets expands
// its input once per set with a grouping id; window TVFs (SESSION
// included) feed window aggregations.
//
// Hints (hints.go, state_ttl.go): OPTIONS overrides a table's options for
// one statement; STATE_TTL sets the state retention of a query block's
// regular joins (per side) and group aggregation; the join-strategy query
// hints are checked and have no effect.
//
// The physical plan is the same node type with exchanges made explicit
// (hash by key, or single) and the sinks' acceptance of updates checked.
// It is plain data: Plan marshals to JSON and back (json.go), so a job can
// be run from its plan alone (COMPILE PLAN / EXECUTE PLAN); functions made
// by CREATE FUNCTION … AS 'class' are named by their Go class. Planned.Explain prints the plans as Flink's
// EXPLAIN does, with the changelog mode of every physical node.
package plan
