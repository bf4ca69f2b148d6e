// Package opstate owns operator state: the non-keyed state of one operator
// instance, as named lists of elements, each with one of Flink's three
// distribution modes that decide what a subtask gets back when a job is
// restored, possibly at another parallelism:
//
//   - Split (Flink's list state): the elements of every old subtask,
//     concatenated in subtask order, are cut into contiguous, even parts,
//     one per new subtask;
//   - Union (union list state): every new subtask gets every element;
//   - Broadcast (broadcast state): every old subtask held the same copy;
//     new subtask i gets the copy of old subtask i mod old parallelism.
//
// A Store is created by the runtime for every operator instance and handed
// to it through operator.Context. Operators and user functions register
// states in it; the runtime snapshots the store on the task goroutine when a
// checkpoint barrier passes (operator state is small: it is encoded
// synchronously) and redistributes the snapshots of the old subtasks with
// Redistribute when it restores. The snapshot format is specified in
// docs/format/checkpoint-metadata.md.
package opstate
