// Package graph owns the three shapes of a job: the stream graph the API
// builds (one node per operator, typed through closures), the job graph
// (nodes chained into vertices by Flink's chaining rules), and the wiring of
// one subtask's chain: chained calls inside a task, typed channels, writers
// and gates between tasks.
//
// DataStream jobs hold Go closures, so the graph is rebuilt by running the
// same program; only ids would cross a process boundary (application mode).
package graph
