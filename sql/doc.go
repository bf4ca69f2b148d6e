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
// Errors carry the position of the mistake and print the source line with
// a caret, for parse and validation errors alike.
package sql
