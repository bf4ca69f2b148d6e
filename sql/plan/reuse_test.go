package plan

import (
	"testing"

	"github.com/eddy-streams/eddy/sql/types"
)

func TestReuseOptionsOf(t *testing.T) {
	o, err := ReuseOptionsOf(map[string]string{"table.optimizer.reuse-sub-plan-enabled": "FALSE"})
	if err != nil || o.SubPlan || !o.Source {
		t.Fatalf("got %+v, %v", o, err)
	}
	if _, err := ReuseOptionsOf(map[string]string{"table.optimizer.reuse-source-enabled": "yes"}); err == nil {
		t.Fatal("a non-boolean value was accepted")
	}
}

// TestReusePlans shares identical sub-trees only when sub-plan reuse is
// on, and never sub-trees with non-deterministic calls.
func TestReusePlans(t *testing.T) {
	build := func(fn string) (*binder, *Node, *Node) {
		b := &binder{}
		scan := b.node(OpScan, []Column{{Name: "a", Type: types.BigInt()}})
		scan.Scan = &ScanSpec{Table: "t", Connector: "datagen", Output: []int{0}}
		calc := func() *Node {
			n := b.node(OpCalc, []Column{{Name: "x", Type: types.Double()}}, scan)
			n.Calc = &CalcSpec{Projects: []*Expr{{Kind: Call, Func: fn, Type: types.Double()}}}
			return n
		}
		union := b.node(OpUnion, []Column{{Name: "x", Type: types.Double()}}, calc(), calc())
		sink := b.node(OpSink, union.Columns, union)
		sink.Sink = &SinkSpec{Collect: true}
		return b, sink, union
	}
	for _, c := range []struct {
		fn     string
		opts   ReuseOptions
		shared bool
	}{
		{"PI", DefaultReuse, true},
		{"PI", ReuseOptions{SubPlan: false, Source: true}, false},
		{"RAND", DefaultReuse, false},
	} {
		b, sink, union := build(c.fn)
		reusePlans(b, []*Node{sink}, c.opts)
		if got := union.Inputs[0] == union.Inputs[1]; got != c.shared {
			t.Errorf("%s with %+v: shared %v, want %v", c.fn, c.opts, got, c.shared)
		}
	}
}
