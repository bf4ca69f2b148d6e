// Package functions owns Eddy's built-in scalar SQL functions and operators
// as vectorized kernels, with Flink's semantics, and the registry the planner
// resolves calls through.
//
// The planner resolves a call once per expression (per subtask):
//
//	r, err := functions.Lookup("UPPER", []types.Type{types.String()})
//	// r.Result is the result type, r.Args the parameter types
//	err = r.Eval(ctx, []*vector.Vector{col}, n, out) // out: vector.New(r.Result, n)
//
// Operators are looked up by symbol or keyword ("+", "=", "AND", "IS NULL",
// "LIKE", "||", "CASE" …), casts with LookupCast(from, to, try). LookupCall
// also passes literal argument values, which a few result types depend on
// (ROUND's scale). Unknown names get a "did you mean" suggestion; argument
// types that do not fit get the accepted signatures.
//
// Evaluation model:
//
//   - A kernel runs a tight loop over typed lanes (vector.Vector) for n rows;
//     the common numeric, comparison and string cases box nothing and allocate
//     nothing per row.
//   - Constant arguments (vector.NewConst) stand for every row; Eval expands
//     them once and inserts the implicit casts an argument needs to match
//     Resolved.Args (INT → DECIMAL, CHAR → STRING are free or cheap).
//   - NULL handling is per function as Flink's: strict functions give NULL
//     for a NULL argument (null bitmaps OR-ed word-wise), AND/OR/NOT use
//     three-valued logic, IS [NOT] DISTINCT FROM and IS NULL never return NULL.
//   - A failing row (integer division by zero, CAST of a bad string …) does
//     not fail the chunk: the kernel records a row error (vector.RowErrors).
//     Conditional functions (AND, OR, CASE, IF, COALESCE) keep only the errors
//     of branches they take, matching Flink's short-circuit evaluation; the
//     consuming operator raises the first error among its live rows.
//   - Context carries the session time zone (`table.local-time-zone`) and
//     the time CURRENT_TIMESTAMP and friends return, so tests can fix it.
//
// Resolved holds scratch buffers and compiled patterns: do not share one
// between goroutines.
//
// Regular expressions use Java syntax translated to Go's RE2; constructs RE2
// lacks (backreferences, lookaround, possessive quantifiers) are reported as
// errors rather than silently mismatching.
package functions
