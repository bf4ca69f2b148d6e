// Package types owns the logical types of Eddy's SQL engine and the value
// representations behind them.
//
// A Type is a Flink logical type (BOOLEAN … ROW, NULL) with its nullability;
// String prints Flink's spelling ("DECIMAL(10, 2) NOT NULL") and Parse reads it
// back, so types travel in serialized plans. The package also owns the type
// rules the planner needs: the least restrictive common type (CommonType, as
// Flink's LogicalTypeMerging.findCommonType), the result types of arithmetic
// with Flink's DECIMAL precision/scale derivation (PlusType, TimesType,
// DivideType, ModType), and which casts are valid (CastSupport).
//
// Values. Every type has one Go representation, used by vector lanes, the row
// encoding and the slow `any` path:
//
//	BOOLEAN                    bool
//	TINYINT/SMALLINT/INT/BIGINT int8/int16/int32/int64 (as `any`); int64 in vectors
//	FLOAT/DOUBLE               float32/float64 (as `any`); float64 in vectors
//	DECIMAL(p, s)              DecimalValue (unscaled Int128 + scale)
//	CHAR/VARCHAR               string
//	BINARY/VARBINARY           []byte
//	DATE                       DateValue (int32 days since 1970-01-01)
//	TIME(p)                    TimeValue (int32 milliseconds of the day)
//	TIMESTAMP(p)               TimestampValue{Millis, Nanos} wall clock, no zone
//	TIMESTAMP_LTZ(p)           TimestampValue, an instant (millis since the epoch, UTC)
//	INTERVAL YEAR TO MONTH     IntervalMonths (int32 months)
//	INTERVAL DAY TO SECOND     IntervalMillis (int64 milliseconds)
//	ARRAY<t>, MULTISET<t>      []any (a multiset lists each element once per occurrence)
//	MAP<k, v>                  MapValue (parallel key and value slices, insertion order)
//	ROW<…>                     []any
//	NULL / any null value      nil
//
// Timestamps are millis + nanos-of-milli (Flink's TimestampData) so that the
// event-time millis Eddy uses everywhere else are one field read away.
//
// Time attributes (rowtime/proctime) are carried by Type.TimeAttr so that a
// plan can print `TIMESTAMP(3) *ROWTIME*`; which columns are time attributes is
// the planner's business.
package types
