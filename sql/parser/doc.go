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
// The SQL/JSON functions (JSON_VALUE, JSON_QUERY, JSON_EXISTS, JSON_OBJECT,
// JSON_ARRAY, JSON_OBJECTAGG, JSON_ARRAYAGG) and IS [NOT] JSON have clause
// syntax of their own (json.go).
//
// MATCH_RECOGNIZE (match.go) parses as Flink's parser does; the pattern
// syntax Flink cannot run and the syntax tree has no node for
// (alternation, PERMUTE, exclusion, anchors, SUBSET) is refused here.
//
// Not supported yet: the PASSING and FORMAT JSON clauses of the JSON
// functions and the k : v member form of JSON_OBJECT, charset prefixes,
// dynamic parameters (?), WITHIN GROUP, IGNORE/RESPECT NULLS, TABLESAMPLE.
package parser
