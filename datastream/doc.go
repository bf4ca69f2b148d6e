// Package datastream is Eddy's DataStream API: an environment, typed streams
// and the transformations a Flink user knows (map, flatMap, filter, keyBy,
// reduce, process, windows, connect, broadcast state, side outputs,
// partitioning), built lazily into a stream graph and run by Execute on the
// runtime.
//
// Go methods cannot have type parameters, so transformations that change the
// element type are functions (Map(s, fn), KeyBy(s, key)); the ones that keep
// it are methods (s.Filter(fn), s.SetParallelism(4), s.UID("…")). Mistakes
// in building a job (a bad parallelism, a nil function) are collected and
// returned by Execute with the operator they concern; they never panic.
//
// The operators that call user functions live here too, implementing the
// runtime's operator contract (package internal/operator).
package datastream
