// Package ast declares the syntax tree of Eddy's Flink SQL dialect.
//
// The tree is produced by package sql/parser and consumed by the binder.
// Every node records where it starts in the source (Loc / Node.Start), so
// later phases can report errors against the user's text.
//
// The node families mirror go/ast:
//
//   - Stmt: one top-level statement (CREATE TABLE, INSERT, a query, ...).
//   - Query, QueryBody: SELECT blocks, set operations and VALUES, wrapped in
//     a *Query that carries WITH, ORDER BY, LIMIT and OFFSET.
//   - TableRef: items of a FROM clause (tables, joins, subqueries, table
//     functions, UNNEST).
//   - Expr: scalar expressions.
//   - Type: data types as written in DDL and CAST.
//
// Format prints any node as canonical SQL. The printed text parses back to
// a tree that is Equal to the original (positions aside), and printing is
// idempotent; the parser tests check both properties on every case.
//
// Walk and Inspect traverse a tree; Equal compares two trees ignoring
// positions.
//
// The tree keeps syntax, not meaning: names are not resolved, function
// names are not looked up, and equivalent spellings are normalized only
// where Flink treats them as the same thing (INTEGER is INT, != is <>,
// TIMESTAMP WITH LOCAL TIME ZONE is TIMESTAMP_LTZ, t ARRAY is ARRAY<t>).
package ast
