// Package parser turns Flink SQL text into the syntax tree of package
// sql/ast.
//
// The lexer (lexer.go) splits the whole input into tokens up front; the
// parser is hand-written recursive descent over that slice, with
// precedence climbing for expressions (expr.go). One file per area:
// query.go for SELECT and friends, ddl.go for CREATE/DROP, stmt.go for the
// remaining statements, types.go for data types.
//
// Entry points: ParseStatements for scripts, ParseStatement, ParseQuery,
// ParseExpr and ParseType. Errors are *Error values carrying line and
// column and printing the offending source line with a caret. Parsing stops
// at the first error. Nesting is limited (maxDepth) so hostile input yields
// an error instead of exhausting the stack, and no input makes the parser
// panic.
//
// Not supported yet: MATCH_RECOGNIZE, JSON function
// clauses (RETURNING, ON EMPTY), charset prefixes, dynamic parameters (?), WITHIN GROUP, IGNORE/RESPECT
// NULLS, TABLESAMPLE.
package parser
