package event

import "math"

// Time is event or processing time in milliseconds since the Unix epoch, as in Flink.
const (
	// NoTimestamp marks a record that carries no event timestamp.
	NoTimestamp int64 = math.MinInt64
	// MinWatermark is the watermark before any was emitted.
	MinWatermark int64 = math.MinInt64
	// MaxWatermark ends event time: a bounded input emits it when done, so
	// every window fires and every event-time timer runs.
	MaxWatermark int64 = math.MaxInt64
)

// Kind is the kind of a buffer that travels on a channel between tasks.
// Buffers on one channel are never reordered.
type Kind uint8

const (
	// Data carries a batch of records.
	Data Kind = iota
	// Watermark carries a watermark.
	Watermark
	// WatermarkStatus says the channel became idle or active.
	WatermarkStatus
	// EndOfPartition is the last buffer of a channel.
	EndOfPartition
	// CheckpointBarrier carries a checkpoint barrier (a Barrier). (The
	// type is event.Barrier, so the kind has Flink's longer name.)
	CheckpointBarrier
	// BarrierAnnouncement tells the consumer, ahead of the data, that an
	// aligned barrier is queued on the channel, so that the consumer can
	// let it overtake that data if the checkpoint's alignment times out
	// (Flink's EventAnnouncement of a timeoutable barrier).
	BarrierAnnouncement
)

// Barrier is a checkpoint barrier: it flows in band with the records from
// the sources, and every task snapshots its state when barrier ID has
// arrived on its inputs (asynchronous barrier snapshotting, as Flink's
// CheckpointBarrier).
type Barrier struct {
	// ID is the checkpoint's id; ids increase.
	ID int64
	// Timestamp is when the checkpoint was triggered, in epoch ms.
	Timestamp int64
	// Savepoint marks a savepoint: a checkpoint the user asked for, in a
	// self-contained, portable format.
	Savepoint bool
	// Stop marks the savepoint of a stop-with-savepoint: a source emits
	// nothing after it (Flink's synchronous savepoint), so the savepoint is
	// the last state the job's operators see; it resumes only if the
	// savepoint is aborted.
	Stop bool
	// Unaligned marks a barrier of an unaligned checkpoint (Flink's
	// FLIP-76): it is sent ahead of the data queued in the channel, and the
	// consumer records the data it overtook as channel state of the
	// checkpoint. Savepoints are never unaligned.
	Unaligned bool
}
