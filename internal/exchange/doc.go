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
package exchange
