// Package exchange owns how records move between tasks: channels with
// credit-based flow control, and the writers that batch records and route
// them by a partitioner (forward, rebalance, rescale, shuffle, broadcast,
// hash by key group).
//
// A channel connects one producer subtask to one consumer subtask. It holds
// at most its credit of buffers: a producer without credit blocks, so a slow
// consumer throttles its producers and memory stays flat. Records move in
// batches, never one channel operation per record; in one process a batch
// is handed over as a Go slice and recycled back to the producer.
//
// Checkpoint barriers travel in order with records, like watermarks
// (Writer.EmitBarrier). A task's Aligner, stepped by its gates, decides
// when barrier n arrived on every input channel; in exactly-once mode a
// channel that delivered barrier n is not polled until then, so its data
// waits in the channel and credits hold its producer back.
package exchange
