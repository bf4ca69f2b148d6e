// Package sql is Eddy's SQL session API: the entry point that takes Flink
// SQL text and executes it.
//
//	s := sql.NewSession(sql.Options{})
//	res, err := s.Execute(ctx, "CREATE TABLE t (...) WITH (...); SELECT a, COUNT(*) FROM t GROUP BY a")
//	rows := res.Final() // the changelog applied
//
// A session owns a catalog (package sql/catalog) and the table config set
// by SET. Statements go parser → binder/validator → logical plan → rules →
// physical plan (package sql/plan) → a job on the runtime (package
// sql/exec). DDL, SET/RESET, SHOW, DESCRIBE and EXPLAIN answer at once;
// INSERT (and STATEMENT SET, several INSERTs as one job) and queries run a
// job to its end. A query's result is its changelog (+I, -U, +U, -D rows);
// Result.Final applies it. In batch mode ('execution.runtime-mode' =
// 'batch') inputs must be bounded and results are final: only +I rows.
//
// User-defined functions are Go code registered on the session (CREATE
// FUNCTION names a JVM class, which Eddy cannot run):
// Session.RegisterScalarFunction, RegisterAggregateFunction (generic, over
// an AggregateFunction[ACC, IN, OUT]) and Session.RegisterTableFunction
// (called with CROSS JOIN LATERAL TABLE). Their SQL types follow the Go
// types; names are case-insensitive and may not shadow a built-in.
//
// Errors carry the position of the mistake and print the source line with
// a caret, for parse and validation errors alike.
package sql
