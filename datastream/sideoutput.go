package datastream

import (
	"fmt"

	"github.com/eddy-streams/eddy/internal/graph"
)

// SideOutput returns the stream of side output tag of the operator behind
// s (Flink's getSideOutput): the values its functions emitted with
// Output(ctx, tag, v), with their timestamps, and the operator's
// watermarks. s must be one operator's main output, as returned by Process,
// KeyedProcess, CoProcess and the like. Asking for the same tag twice gives
// two consumers of the same values; a side output nobody asks for is
// dropped.
func SideOutput[X, T any](s *DataStream[T], tag OutputTag[X]) *DataStream[X] {
	if s == nil {
		panic("datastream: SideOutput of a nil stream")
	}
	dangling := &DataStream[X]{env: s.env}
	if tag.id == "" {
		s.env.fail(fmt.Errorf("SideOutput: the output tag has an empty id; create it with NewOutputTag"))
		return dangling
	}
	if len(s.parts) != 1 || s.node == nil || s.parts[0].node != s.node || s.parts[0].sideOutput != "" || s.parts[0].explicit {
		s.env.fail(fmt.Errorf("SideOutput %q: the stream is not the main output of one operator (it is a union, a side output, a partitioned or keyed stream, or a sink); ask the operator's own stream for its side outputs", tag.id))
		return dangling
	}
	n := s.node
	if n.OutType == nil {
		s.env.fail(fmt.Errorf("SideOutput %q: operator %q is a sink and has no outputs", tag.id, n.Name))
		return dangling
	}
	typ := graph.Type[X]()
	for _, e := range n.Outputs {
		if e.SideOutput == tag.id && e.Type != typ {
			s.env.fail(fmt.Errorf("SideOutput %q of operator %q: the tag is already used with another element type; a tag id names one side output of one type", tag.id, n.Name))
			return dangling
		}
	}
	return &DataStream[X]{env: s.env, node: n, parts: []streamPart{{node: n, sideOutput: tag.id}}}
}
