package window

import "github.com/eddy-streams/eddy/serde"

// global assigns every element to the GlobalWindow.
type global[T any] struct {
	endOfStream bool
}

// Global returns Flink's GlobalWindows.create(): every element goes to the
// single GlobalWindow. It is a processing-time assigner (IsEventTime is
// false, as in Flink), so its window is never late and never cleaned up.
// The default trigger is NeverTrigger: set a trigger (and maybe an evictor)
// to get output, as count windows do.
func Global[T any]() Assigner[T, GlobalWindow] { return global[T]{} }

// GlobalWithEndOfStreamTrigger returns Flink's
// GlobalWindows.createWithEndOfStreamTrigger(): as Global, with
// EndOfStreamTrigger as the default trigger, so the window fires once when
// a bounded input ends (the final watermark math.MaxInt64).
func GlobalWithEndOfStreamTrigger[T any]() Assigner[T, GlobalWindow] {
	return global[T]{endOfStream: true}
}

func (global[T]) AssignWindows(_ T, _ int64, _ AssignerContext, dst []GlobalWindow) ([]GlobalWindow, error) {
	return append(dst, GlobalWindow{}), nil
}

func (global[T]) IsEventTime() bool { return false }

func (a global[T]) DefaultTrigger() Trigger[T, GlobalWindow] {
	if a.endOfStream {
		return EndOfStreamTrigger[T]()
	}
	return NeverTrigger[T, GlobalWindow]()
}

func (global[T]) WindowCodec() serde.Codec[GlobalWindow] { return GlobalWindowCodec{} }

func (a global[T]) String() string {
	if a.endOfStream {
		return "GlobalWindows(trigger=EndOfStreamTrigger)"
	}
	return "GlobalWindows(trigger=NeverTrigger)"
}
