package testenv

import (
	"fmt"

	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/operator"
)

// Kind says what an Event is.
type Kind uint8

const (
	// KindRecord is a record (Output.Collect).
	KindRecord Kind = iota + 1
	// KindWatermark is a watermark (Output.EmitWatermark).
	KindWatermark
	// KindStatus is a watermark status change (Output.EmitWatermarkStatus).
	KindStatus
)

func (k Kind) String() string {
	switch k {
	case KindRecord:
		return "record"
	case KindWatermark:
		return "watermark"
	case KindStatus:
		return "status"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Event is one thing an operator emitted: a record, a watermark or a
// watermark status change. Only the field of its Kind is set, so events of
// comparable T compare with ==, and the sequence of a capture shows how
// records and watermarks interleave.
type Event[T any] struct {
	Kind Kind
	// Record is the record of a KindRecord event.
	Record operator.Record[T]
	// Watermark is the watermark of a KindWatermark event.
	Watermark int64
	// Idle is the status of a KindStatus event: idle (true) or active.
	Idle bool
}

// RecordEvent returns the event of a record of v with timestamp ts
// (event.NoTimestamp for none).
func RecordEvent[T any](v T, ts int64) Event[T] {
	return Event[T]{Kind: KindRecord, Record: operator.Record[T]{Value: v, Timestamp: ts}}
}

// WatermarkEvent returns the event of watermark wm.
func WatermarkEvent[T any](wm int64) Event[T] {
	return Event[T]{Kind: KindWatermark, Watermark: wm}
}

// StatusEvent returns the event of a watermark status change to idle or
// active.
func StatusEvent[T any](idle bool) Event[T] {
	return Event[T]{Kind: KindStatus, Idle: idle}
}

// String formats a record as value@timestamp (value@- without one), a
// watermark as W(wm) and a status as idle or active.
func (e Event[T]) String() string {
	switch e.Kind {
	case KindRecord:
		if !e.Record.HasTimestamp() {
			return fmt.Sprintf("%v@-", e.Record.Value)
		}
		return fmt.Sprintf("%v@%d", e.Record.Value, e.Record.Timestamp)
	case KindWatermark:
		switch e.Watermark {
		case event.MaxWatermark:
			return "W(max)"
		case event.MinWatermark:
			return "W(min)"
		}
		return fmt.Sprintf("W(%d)", e.Watermark)
	case KindStatus:
		if e.Idle {
			return "idle"
		}
		return "active"
	}
	return fmt.Sprintf("Event{%v}", e.Kind)
}
