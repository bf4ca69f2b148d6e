// Package connector owns the contracts between the runtime and connectors:
// the Source (a split enumerator in the job master plus a reader per
// subtask, as Flink's FLIP-27 sources) and the Sink (a writer per subtask
// with the hooks a two-phase-commit sink needs).
package connector
