// Package vector owns the columnar data of Eddy's SQL engine: typed column
// vectors with null bitmaps (Vector), the chunk of rows that travels on SQL
// edges (Chunk: one vector per column, a RowKind per row, an optional
// selection vector), and the stable binary encoding of rows and chunks for
// state and the network (docs/format/sql-row.md).
//
// A Vector stores its values in one typed lane chosen by the logical type
// (see Lane): BOOLEAN in Bool; TINYINT…BIGINT, DATE, TIME and both interval
// kinds in Int64; FLOAT/DOUBLE in Float64; DECIMAL unscaled in Dec;
// TIMESTAMP/TIMESTAMP_LTZ as Int64 millis plus Nanos (nanos of the milli,
// allocated only when some value has them); CHAR/VARCHAR/BINARY/VARBINARY
// in one byte buffer with offsets; nested types (ARRAY, MAP, MULTISET, ROW)
// as Go values in Any, the simple representation of package types. One lane
// per family means a kernel written for int64 serves every integer width;
// narrower types wrap at the kernel's output as Java arithmetic does.
//
// Strings as one buffer plus offsets rather than []string: appending a value
// costs no allocation, a chunk of strings is two allocations whatever its
// size, and string kernels (UPPER, SUBSTRING, DATE_FORMAT …) write their
// output straight into the buffer. StringAt returns a zero-copy view.
//
// Hot paths read and write the lanes directly; Get/Append(any) are the slow
// path for operators that need per-row Go values.
package vector
