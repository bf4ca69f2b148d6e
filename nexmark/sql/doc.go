// Package sql holds the Nexmark queries written in Flink SQL, as the
// suite defines them (nexmark-flink's ddl.sql and qN.sql), and runs them
// through Eddy's SQL engine for `eddy nexmark run --api sql`. Their
// results must equal those of the DataStream versions in package nexmark.
package sql
