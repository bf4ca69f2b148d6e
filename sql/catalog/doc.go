// Package catalog owns the session catalog of Eddy's SQL engine: the tables,
// temporary views and functions a session created, under Flink's default
// names (catalog default_catalog, database default_database), and the
// registry of connectors by their 'connector' option with the options each
// accepts.
//
// The catalog stores what DDL said, resolved only as far as types: columns
// (physical, computed, metadata) with their logical types, the watermark
// spec, the primary key and the WITH options. Computed column and watermark
// expressions are kept as syntax; package sql/plan binds them (and fills in
// the computed columns' types when a table is created).
//
// Lookups that miss suggest the closest existing name ("table 'bids' not
// found; did you mean 'bid'?"), as Flink's validator does for columns.
//
// The connector registry is declarative: a ConnectorSpec lists the options
// a connector accepts, which are required and which apply per column
// (fields.<col>.kind), and whether it can be read and/or written. Creating
// a table validates its options against the spec, refusing unknown keys as
// Flink's FactoryUtil does. The runtime side of a connector (the source and
// sink operators) lives in package sql/exec, which registers the specs.
package catalog
