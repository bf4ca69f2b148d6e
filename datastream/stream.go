package datastream

import (
	"fmt"

	"github.com/eddy-streams/eddy/internal/exchange"
	"github.com/eddy-streams/eddy/internal/graph"
	"github.com/eddy-streams/eddy/internal/keygroup"
)

// DataStream is a stream of elements of type T: the output of an operator
// (or one of its side outputs), with the partitioning its consumers get.
type DataStream[T any] struct {
	env  *Env
	node *graph.Node
	// sources lists the upstream outputs this stream stands for: one, or
	// several after Union.
	parts []streamPart
}

// streamPart is one upstream output feeding a consumer.
type streamPart struct {
	node         *graph.Node
	sideOutput   string
	partitioning exchange.Kind
	explicit     bool
	keySelector  func(n, maxParallelism int) any
}

func newStream[T any](env *Env, n *graph.Node) *DataStream[T] {
	return &DataStream[T]{env: env, node: n, parts: []streamPart{{node: n}}}
}

// Env returns the stream's environment.
func (s *DataStream[T]) Env() *Env { return s.env }

// addOperator adds a node fed by the given streams (input index = position)
// and returns it.
func addNode(env *Env, n *graph.Node, inputs ...inputSpec) *graph.Node {
	env.graph.AddNode(n)
	n.NumInputs = len(inputs)
	for idx, in := range inputs {
		for _, p := range in.parts {
			if p.node.OutType == nil && p.sideOutput == "" {
				env.fail(fmt.Errorf("operator %q reads the stream of %q, which is a sink and has no output", n.Name, p.node.Name))
				continue
			}
			env.graph.Connect(&graph.Edge{
				From: p.node, To: n, InputIndex: idx, SideOutput: p.sideOutput, Type: in.typ,
				Partitioning: p.partitioning, ExplicitPartitioning: p.explicit, KeySelector: p.keySelector,
			})
		}
	}
	return n
}

// inputSpec is one input of a new node: the stream parts feeding it and
// their element type.
type inputSpec struct {
	parts []streamPart
	typ   graph.TypeOps
}

func inputOf[T any](s *DataStream[T]) inputSpec {
	return inputSpec{parts: s.parts, typ: graph.Type[T]()}
}

// configurable reports an error when a method that configures an operator
// is called on a stream that is not one operator's main output.
func (s *DataStream[T]) configurable(method string) bool {
	if len(s.parts) != 1 || s.parts[0].sideOutput != "" || s.parts[0].node != s.node {
		s.env.fail(fmt.Errorf("%s: the stream is not the output of one operator (it is a union, a side output or a repartitioned stream); call it on the operator's stream", method))
		return false
	}
	return true
}

// Name sets the operator's name, shown in task names and errors.
func (s *DataStream[T]) Name(name string) *DataStream[T] {
	if s.configurable("Name") {
		s.node.Name = name
	}
	return s
}

// UID sets the operator's stable id, which matches its state across
// savepoints.
func (s *DataStream[T]) UID(uid string) *DataStream[T] {
	if !s.configurable("UID") {
		return s
	}
	if uid == "" {
		s.env.fail(fmt.Errorf("UID of %q must not be empty", s.node.Name))
		return s
	}
	s.node.UID = uid
	return s
}

// Parallelism returns the operator's parallelism: the one it was set to, or
// the environment's default (as configured so far).
func (s *DataStream[T]) Parallelism() int {
	if s.node.Parallelism > 0 {
		return s.node.Parallelism
	}
	if s.node.NonParallel {
		return 1
	}
	return s.env.cfg.Parallelism
}

// SetParallelism sets the operator's parallelism.
func (s *DataStream[T]) SetParallelism(p int) *DataStream[T] {
	if !s.configurable("SetParallelism") {
		return s
	}
	if p <= 0 {
		s.env.fail(fmt.Errorf("SetParallelism on %q: parallelism must be positive, got %d", s.node.Name, p))
		return s
	}
	if s.node.MaxParallelism > 0 && p > s.node.MaxParallelism {
		s.env.fail(fmt.Errorf("SetParallelism on %q: parallelism %d is greater than its max parallelism %d", s.node.Name, p, s.node.MaxParallelism))
		return s
	}
	if s.node.NonParallel && p != 1 {
		s.env.fail(fmt.Errorf("SetParallelism on %q: the operator is non-parallel, its parallelism must be 1, got %d", s.node.Name, p))
		return s
	}
	s.node.Parallelism = p
	return s
}

// SetMaxParallelism sets the operator's max parallelism (its number of key
// groups).
func (s *DataStream[T]) SetMaxParallelism(p int) *DataStream[T] {
	if !s.configurable("SetMaxParallelism") {
		return s
	}
	if p <= 0 || p > keygroup.UpperBoundMaxParallelism {
		s.env.fail(fmt.Errorf("SetMaxParallelism on %q: max parallelism must be in [1, %d], got %d", s.node.Name, keygroup.UpperBoundMaxParallelism, p))
		return s
	}
	s.node.MaxParallelism = p
	return s
}

// DisableChaining runs the operator in a task of its own.
func (s *DataStream[T]) DisableChaining() *DataStream[T] {
	if s.configurable("DisableChaining") {
		s.node.Chaining = graph.ChainNever
	}
	return s
}

// StartNewChain starts a new chain at this operator.
func (s *DataStream[T]) StartNewChain() *DataStream[T] {
	if s.configurable("StartNewChain") && s.node.Chaining == graph.ChainAlways {
		s.node.Chaining = graph.ChainHead
	}
	return s
}

// SlotSharingGroup puts the operator in a slot sharing group.
func (s *DataStream[T]) SlotSharingGroup(group string) *DataStream[T] {
	if !s.configurable("SlotSharingGroup") {
		return s
	}
	if group == "" {
		s.env.fail(fmt.Errorf("SlotSharingGroup on %q: group name must not be empty", s.node.Name))
		return s
	}
	s.node.SlotSharingGroup = group
	return s
}

func (s *DataStream[T]) repartition(k exchange.Kind) *DataStream[T] {
	parts := make([]streamPart, len(s.parts))
	for i, p := range s.parts {
		p.partitioning, p.explicit, p.keySelector = k, true, nil
		parts[i] = p
	}
	return &DataStream[T]{env: s.env, node: s.node, parts: parts}
}

// Forward sends each subtask's records to the consumer subtask of the same
// index; it requires equal parallelism.
func (s *DataStream[T]) Forward() *DataStream[T] { return s.repartition(exchange.Forward) }

// Rebalance distributes records round robin over all consumer subtasks.
func (s *DataStream[T]) Rebalance() *DataStream[T] { return s.repartition(exchange.Rebalance) }

// Rescale distributes records round robin over a local subset of consumers.
func (s *DataStream[T]) Rescale() *DataStream[T] { return s.repartition(exchange.Rescale) }

// Shuffle distributes records uniformly at random.
func (s *DataStream[T]) Shuffle() *DataStream[T] { return s.repartition(exchange.Shuffle) }

// Broadcast sends every record to every consumer subtask.
func (s *DataStream[T]) Broadcast() *DataStream[T] { return s.repartition(exchange.Broadcast) }

// Global sends every record to the first consumer subtask.
func (s *DataStream[T]) Global() *DataStream[T] { return s.repartition(exchange.Global) }

// Union merges streams of the same type; the watermark of the result is the
// minimum over its inputs.
func (s *DataStream[T]) Union(others ...*DataStream[T]) *DataStream[T] {
	parts := append([]streamPart(nil), s.parts...)
	for _, o := range others {
		if o == nil {
			s.env.fail(fmt.Errorf("Union: stream is nil"))
			continue
		}
		if o.env != s.env {
			s.env.fail(fmt.Errorf("Union: streams belong to different environments"))
			continue
		}
		parts = append(parts, o.parts...)
	}
	return &DataStream[T]{env: s.env, node: s.node, parts: parts}
}
