package graph

import (
	"errors"
	"fmt"
	"strings"

	"github.com/eddy-streams/eddy/internal/exchange"
	"github.com/eddy-streams/eddy/internal/keygroup"
)

// Vertex is a chain of nodes that runs as one task per subtask: a tree
// rooted at Head, connected by chainable edges.
type Vertex struct {
	ID               int
	Name             string
	Head             *Node
	Nodes            []*Node // pre-order, head first
	Parallelism      int
	MaxParallelism   int
	SlotSharingGroup string
	// Inputs are the network edges into the head, Outputs the network
	// edges leaving any node of the chain.
	Inputs  []*Edge
	Outputs []*Edge
}

// JobGraph is the stream graph after chaining.
type JobGraph struct {
	JobName  string
	Vertices []*Vertex
	vertexOf map[*Node]*Vertex
}

// VertexOf returns the vertex a node was chained into.
func (j *JobGraph) VertexOf(n *Node) *Vertex { return j.vertexOf[n] }

// Chainable reports whether edge e is chained (Flink's rules): the
// downstream node has this single input, both sides allow chaining, the
// edge is forward, the parallelism and slot sharing group are equal.
func Chainable(e *Edge) bool {
	up, down := e.From, e.To
	return len(down.Inputs) == 1 &&
		up.Chaining != ChainNever &&
		down.Chaining == ChainAlways &&
		e.Partitioning == exchange.Forward &&
		up.Parallelism == down.Parallelism &&
		up.SlotSharingGroup == down.SlotSharingGroup
}

// BuildJobGraph resolves parallelism and partitioning defaults, validates
// the graph and chains it.
func BuildJobGraph(g *StreamGraph) (*JobGraph, error) {
	if len(g.Nodes) == 0 {
		return nil, errors.New("the job has no operators: add a source and a sink before executing")
	}
	var errs []error
	for _, n := range g.Nodes {
		if n.Parallelism == 0 {
			n.Parallelism = g.DefaultParallelism
		}
		if n.MaxParallelism == 0 {
			n.MaxParallelism = g.MaxParallelism
		}
		if n.MaxParallelism == 0 {
			n.MaxParallelism = keygroup.DefaultMaxParallelism(n.Parallelism)
		}
		if err := keygroup.Validate(n.Parallelism, n.MaxParallelism); err != nil {
			errs = append(errs, fmt.Errorf("operator %q: %w", n.Name, err))
		}
		if n.SlotSharingGroup == "" {
			n.SlotSharingGroup = "default"
		}
		if !n.IsSource && len(n.Inputs) == 0 {
			errs = append(errs, fmt.Errorf("operator %q has no input", n.Name))
		}
	}
	for _, n := range g.Nodes {
		for _, e := range n.Inputs {
			if e.Partitioning == exchange.Forward && e.From.Parallelism != n.Parallelism {
				if e.ExplicitPartitioning {
					errs = append(errs, fmt.Errorf("forward partitioning from %q (parallelism %d) to %q (parallelism %d) does not allow a change of parallelism: use rebalance or rescale",
						e.From.Name, e.From.Parallelism, n.Name, n.Parallelism))
				}
				e.Partitioning = exchange.Rebalance
			}
		}
	}
	errs = append(errs, checkSideOutputTypes(g)...)
	if err := checkUIDs(g); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	j := &JobGraph{JobName: g.JobName, vertexOf: map[*Node]*Vertex{}}
	for _, n := range g.Nodes {
		if len(n.Inputs) == 1 && Chainable(n.Inputs[0]) {
			continue // part of its predecessor's chain
		}
		v := &Vertex{ID: len(j.Vertices), Head: n, Parallelism: n.Parallelism, MaxParallelism: n.MaxParallelism, SlotSharingGroup: n.SlotSharingGroup, Inputs: n.Inputs}
		j.collect(v, n)
		names := make([]string, len(v.Nodes))
		for i, m := range v.Nodes {
			names[i] = m.Name
		}
		v.Name = strings.Join(names, " -> ")
		j.Vertices = append(j.Vertices, v)
	}
	return j, nil
}

func (j *JobGraph) collect(v *Vertex, n *Node) {
	v.Nodes = append(v.Nodes, n)
	j.vertexOf[n] = v
	for _, e := range n.Outputs {
		if Chainable(e) {
			j.collect(v, e.To)
		} else {
			v.Outputs = append(v.Outputs, e)
		}
	}
}

func checkUIDs(g *StreamGraph) error {
	seen := map[string]*Node{}
	for _, n := range g.Nodes {
		if n.UID == "" {
			continue
		}
		if other, ok := seen[n.UID]; ok {
			return fmt.Errorf("operators %q and %q have the same UID %q: UIDs must be unique in a job", other.Name, n.Name, n.UID)
		}
		seen[n.UID] = n
	}
	return nil
}

// checkSideOutputTypes reports a side-output tag used with two element types.
func checkSideOutputTypes(g *StreamGraph) []error {
	var errs []error
	for _, n := range g.Nodes {
		types := map[string]TypeOps{}
		for _, e := range n.Outputs {
			if e.SideOutput == "" {
				continue
			}
			if t, ok := types[e.SideOutput]; ok && t != e.Type {
				errs = append(errs, fmt.Errorf("operator %q: side output %q is read with two different element types", n.Name, e.SideOutput))
				continue
			}
			types[e.SideOutput] = e.Type
		}
	}
	return errs
}
