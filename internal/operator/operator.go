package operator

// Operator is the lifecycle every operator has. The task calls, in order:
// Open (chain tail first, so an operator's outputs are open before it
// emits), then the input methods, then — only when all inputs ended —
// Finish (chain head first, so flushed results reach the operators after
// it), then Close (always, also after a failure or cancellation).
// Operators that take part in checkpoints implement the optional
// PreBarrier and CheckpointListener (checkpoint.go) too.
type Operator interface {
	Open(ctx *Context) error
	// Finish flushes buffered results at the end of bounded input. The
	// final watermark (event.MaxWatermark) was already processed.
	Finish() error
	Close() error
}

// OneInput is an operator with one input.
type OneInput[IN any] interface {
	Operator
	Input[IN]
}

// TwoInput is an operator with two inputs (connect, joins, broadcast).
type TwoInput[IN1, IN2 any] interface {
	Operator
	ProcessElement1(r Record[IN1])
	ProcessElement2(r Record[IN2])
	ProcessWatermark1(wm int64)
	ProcessWatermark2(wm int64)
	ProcessWatermarkStatus1(idle bool)
	ProcessWatermarkStatus2(idle bool)
}

// Lifecycle gives no-op Open, Finish and Close to operators that embed it.
type Lifecycle struct{}

func (Lifecycle) Open(*Context) error { return nil }
func (Lifecycle) Finish() error       { return nil }
func (Lifecycle) Close() error        { return nil }

// Forward gives an operator the default watermark handling of a stateless
// operator without timers: watermarks and status pass through to Out.
type Forward[OUT any] struct {
	Out Output[OUT]
}

func (f *Forward[OUT]) ProcessWatermark(wm int64)        { f.Out.EmitWatermark(wm) }
func (f *Forward[OUT]) ProcessWatermarkStatus(idle bool) { f.Out.EmitWatermarkStatus(idle) }

// First returns the input adapter of input 1 of a two-input operator.
func First[IN1, IN2 any](op TwoInput[IN1, IN2]) Input[IN1] { return first[IN1, IN2]{op} }

// Second returns the input adapter of input 2 of a two-input operator.
func Second[IN1, IN2 any](op TwoInput[IN1, IN2]) Input[IN2] { return second[IN1, IN2]{op} }

type first[IN1, IN2 any] struct{ op TwoInput[IN1, IN2] }

func (f first[IN1, IN2]) ProcessElement(r Record[IN1])     { f.op.ProcessElement1(r) }
func (f first[IN1, IN2]) ProcessWatermark(wm int64)        { f.op.ProcessWatermark1(wm) }
func (f first[IN1, IN2]) ProcessWatermarkStatus(idle bool) { f.op.ProcessWatermarkStatus1(idle) }

type second[IN1, IN2 any] struct{ op TwoInput[IN1, IN2] }

func (s second[IN1, IN2]) ProcessElement(r Record[IN2])     { s.op.ProcessElement2(r) }
func (s second[IN1, IN2]) ProcessWatermark(wm int64)        { s.op.ProcessWatermark2(wm) }
func (s second[IN1, IN2]) ProcessWatermarkStatus(idle bool) { s.op.ProcessWatermarkStatus2(idle) }
