package graph

import (
	"fmt"

	"github.com/eddy-streams/eddy/internal/exchange"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/task"
)

// Chaining says how a node may be chained (Flink's ChainingStrategy).
type Chaining int

const (
	// ChainAlways: chain with predecessor and successors where the rules allow.
	ChainAlways Chaining = iota
	// ChainHead: start a chain, but successors may chain to it (sources,
	// two-input operators, StartNewChain).
	ChainHead
	// ChainNever: a task of its own (DisableChaining).
	ChainNever
)

// Instance is one subtask's instance of a node's operator.
type Instance struct {
	Op operator.Operator
	// Inputs holds operator.Input[IN] for each input index.
	Inputs []any
	// Source is set for a source node.
	Source task.Source
}

// InstanceContext is what a node's New gets for one subtask.
type InstanceContext struct {
	// Out is an operator.Output of the node's OutType element type (a
	// discarding one for sinks).
	Out         any
	Subtask     int
	Parallelism int
	// Coordinator is the node's coordinator, if it has one.
	Coordinator Coordinator
	// Mailbox posts work to the subtask's goroutine.
	Mailbox *task.Mailbox
}

// Coordinator is the job-master side of an operator (a source's split
// enumerator). It is started before, and closed after, the subtasks run.
type Coordinator interface {
	Start() error
	Close() error
}

// Node is an operator of the stream graph.
type Node struct {
	ID               int
	Name             string
	UID              string
	Parallelism      int // 0: the environment's default
	MaxParallelism   int // 0: derived
	Chaining         Chaining
	SlotSharingGroup string // "" is "default"
	Keyed            bool   // gets a keyed state backend
	IsSource         bool
	NonParallel      bool // parallelism is always 1
	NumInputs        int

	// OutType is the element type of the main output; nil for sinks.
	OutType TypeOps
	// New instantiates the operator for one subtask.
	New func(ic InstanceContext) (Instance, error)
	// NewCoordinator, if set, creates the node's coordinator once per job
	// execution (a source's split enumerator); it runs in the job master.
	NewCoordinator func(parallelism int) (Coordinator, error)

	Inputs  []*Edge
	Outputs []*Edge
}

func (n *Node) String() string { return fmt.Sprintf("%s[%d]", n.Name, n.ID) }

// Edge connects an output of one node to an input of another.
type Edge struct {
	From, To   *Node
	InputIndex int
	// SideOutput is the tag id of a side-output edge, "" for the main output.
	SideOutput   string
	Type         TypeOps
	Partitioning exchange.Kind
	// ExplicitPartitioning is set when the user asked for the partitioning
	// (as opposed to the forward/rebalance default).
	ExplicitPartitioning bool
	// KeySelector builds the hash selector of a keyed edge:
	// func(n, maxParallelism int) any returning an exchange.Selector[T].
	KeySelector func(n, maxParallelism int) any
}

// StreamGraph is the graph the API builds.
type StreamGraph struct {
	JobName            string
	Nodes              []*Node
	DefaultParallelism int
	MaxParallelism     int // 0: derive per node
}

// AddNode adds a node and gives it an id.
func (g *StreamGraph) AddNode(n *Node) *Node {
	n.ID = len(g.Nodes)
	g.Nodes = append(g.Nodes, n)
	return n
}

// Connect adds an edge.
func (g *StreamGraph) Connect(e *Edge) {
	e.From.Outputs = append(e.From.Outputs, e)
	e.To.Inputs = append(e.To.Inputs, e)
}
