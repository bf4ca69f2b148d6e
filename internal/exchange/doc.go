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
//
// Unaligned checkpoints (FLIP-76): an unaligned barrier is sent with
// priority, ahead of the channel's queue (Channel.SendPriority), and the
// consumer takes checkpoint n at the first barrier n; the records that
// barrier overtook (still queued, handled in order later) and those taken
// from the other channels before their barrier n are the checkpoint's
// channel state (ChannelState, channelstate.go), recorded by the gates.
// With an aligned checkpoint timeout (FLIP-183) barriers start aligned;
// the aligner switches a checkpoint whose alignment lasted too long to
// unaligned, a writer without credit past the timeout sends the barrier
// unaligned, and a barrier already queued is announced with priority so
// that the consumer can pull it ahead once the checkpoint is unaligned.
package exchange
