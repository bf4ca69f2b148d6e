package graph

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/eddy-streams/eddy/internal/exchange"
)

// builder builds stream graphs by hand, as the DataStream API does.
type builder struct {
	g *StreamGraph
}

func newBuilder(parallelism int) *builder {
	return &builder{g: &StreamGraph{JobName: "test", DefaultParallelism: parallelism}}
}

func (b *builder) source(name string) *Node {
	return b.g.AddNode(&Node{Name: name, IsSource: true, Chaining: ChainHead, OutType: Type[int]()})
}

func (b *builder) op(name string, inputs ...*Node) *Node {
	n := b.g.AddNode(&Node{Name: name, OutType: Type[int](), NumInputs: 1})
	for _, in := range inputs {
		b.connect(in, n, exchange.Forward, false)
	}
	return n
}

func (b *builder) connect(from, to *Node, k exchange.Kind, explicit bool) *Edge {
	e := &Edge{From: from, To: to, Type: Type[int](), Partitioning: k, ExplicitPartitioning: explicit}
	b.g.Connect(e)
	return e
}

func (b *builder) build(t *testing.T) *JobGraph {
	t.Helper()
	jg, err := BuildJobGraph(b.g)
	if err != nil {
		t.Fatal(err)
	}
	return jg
}

func vertexNames(jg *JobGraph) []string {
	var out []string
	for _, v := range jg.Vertices {
		out = append(out, v.Name)
	}
	return out
}

func nodeNames(v *Vertex) []string {
	var out []string
	for _, n := range v.Nodes {
		out = append(out, n.Name)
	}
	return out
}

func wantVertices(t *testing.T, jg *JobGraph, want ...string) {
	t.Helper()
	if got := vertexNames(jg); !slices.Equal(got, want) {
		t.Fatalf("vertices %q, want %q", got, want)
	}
}

func TestForwardChainIsOneVertex(t *testing.T) {
	b := newBuilder(2)
	src := b.source("Source: S")
	m := b.op("Map", src)
	f := b.op("Filter", m)
	sink := b.op("Sink: K", f)
	sink.OutType = nil
	jg := b.build(t)
	wantVertices(t, jg, "Source: S -> Map -> Filter -> Sink: K")
	v := jg.Vertices[0]
	if v.Head != src || v.Parallelism != 2 || len(v.Inputs) != 0 || len(v.Outputs) != 0 {
		t.Fatalf("vertex %+v", v)
	}
	for _, n := range []*Node{src, m, f, sink} {
		if jg.VertexOf(n) != v {
			t.Fatalf("%v not in the chain", n)
		}
		if n.Parallelism != 2 || n.MaxParallelism != 128 || n.SlotSharingGroup != "default" {
			t.Fatalf("%v: defaults not resolved: p=%d maxP=%d group=%q", n, n.Parallelism, n.MaxParallelism, n.SlotSharingGroup)
		}
	}
	if v.MaxParallelism != 128 || v.SlotSharingGroup != "default" || jg.JobName != "test" {
		t.Fatalf("vertex %+v", v)
	}
}

func TestRepartitioningBreaksChain(t *testing.T) {
	for _, k := range []exchange.Kind{exchange.Rebalance, exchange.Hash, exchange.Rescale, exchange.Shuffle, exchange.Broadcast, exchange.Global} {
		t.Run(k.String(), func(t *testing.T) {
			b := newBuilder(2)
			src := b.source("Source")
			m := b.op("Map")
			e := b.connect(src, m, k, true)
			b.op("Filter", m)
			jg := b.build(t)
			wantVertices(t, jg, "Source", "Map -> Filter")
			if !slices.Equal(jg.Vertices[0].Outputs, []*Edge{e}) || !slices.Equal(jg.Vertices[1].Inputs, []*Edge{e}) {
				t.Fatalf("network edge not recorded: outputs %v inputs %v", jg.Vertices[0].Outputs, jg.Vertices[1].Inputs)
			}
			if e.Partitioning != k {
				t.Fatalf("partitioning changed to %v", e.Partitioning)
			}
		})
	}
}

func TestParallelismChangeBreaksChain(t *testing.T) {
	b := newBuilder(2)
	src := b.source("Source")
	src.Parallelism = 1
	m := b.op("Map", src)
	b.op("Sink", m)
	jg := b.build(t)
	wantVertices(t, jg, "Source", "Map -> Sink")
	// The default forward edge between different parallelisms becomes a
	// rebalance, as in Flink.
	if e := m.Inputs[0]; e.Partitioning != exchange.Rebalance {
		t.Fatalf("partitioning %v, want REBALANCE", e.Partitioning)
	}
	if jg.Vertices[0].Parallelism != 1 || jg.Vertices[1].Parallelism != 2 {
		t.Fatalf("parallelism %d, %d", jg.Vertices[0].Parallelism, jg.Vertices[1].Parallelism)
	}
}

func TestExplicitForwardBetweenDifferentParallelismFails(t *testing.T) {
	b := newBuilder(2)
	src := b.source("Source")
	src.Parallelism = 1
	m := b.op("Map")
	b.connect(src, m, exchange.Forward, true)
	_, err := BuildJobGraph(b.g)
	if err == nil || !strings.Contains(err.Error(), "forward partitioning") || !strings.Contains(err.Error(), `"Map" (parallelism 2)`) {
		t.Fatalf("error %v", err)
	}
}

func TestDisableChainingAndStartNewChain(t *testing.T) {
	b := newBuilder(1)
	src := b.source("Source")
	a := b.op("A", src)
	never := b.op("Never", a)
	never.Chaining = ChainNever
	c := b.op("C", never)
	head := b.op("Head", c)
	head.Chaining = ChainHead
	b.op("D", head)
	jg := b.build(t)
	// Never runs alone: nothing chains to it, it chains to nothing; Head
	// starts a chain that D joins.
	wantVertices(t, jg, "Source -> A", "Never", "C", "Head -> D")
}

func TestSlotSharingGroupBreaksChain(t *testing.T) {
	b := newBuilder(1)
	src := b.source("Source")
	m := b.op("Map", src)
	m.SlotSharingGroup = "other"
	f := b.op("Filter", m)
	f.SlotSharingGroup = "other"
	b.op("Sink", f)
	jg := b.build(t)
	wantVertices(t, jg, "Source", "Map -> Filter", "Sink")
	if g := jg.Vertices[1].SlotSharingGroup; g != "other" {
		t.Fatalf("group %q", g)
	}
}

func TestUnionInputIsNotChained(t *testing.T) {
	b := newBuilder(1)
	s1 := b.source("S1")
	s2 := b.source("S2")
	u := b.op("Map", s1, s2) // one input fed by two streams
	b.op("Sink", u)
	jg := b.build(t)
	wantVertices(t, jg, "S1", "S2", "Map -> Sink")
	if n := len(jg.Vertices[2].Inputs); n != 2 {
		t.Fatalf("union vertex has %d input edges", n)
	}
}

func TestTwoInputHeadChainsItsSuccessors(t *testing.T) {
	b := newBuilder(1)
	s1 := b.source("S1")
	s2 := b.source("S2")
	co := b.g.AddNode(&Node{Name: "Co-Process", Chaining: ChainHead, NumInputs: 2, OutType: Type[int]()})
	b.connect(s1, co, exchange.Forward, false)
	e2 := b.connect(s2, co, exchange.Forward, false)
	e2.InputIndex = 1
	b.op("Sink", co)
	jg := b.build(t)
	wantVertices(t, jg, "S1", "S2", "Co-Process -> Sink")
}

func TestFanOutChainsAsTree(t *testing.T) {
	b := newBuilder(2)
	src := b.source("Source")
	m := b.op("Map", src)
	f1 := b.op("F1", m)
	b.op("K1", f1)
	f2 := b.op("F2", m)
	b.op("K2", f2)
	side := b.op("Side")
	e := b.connect(m, side, exchange.Forward, false)
	e.SideOutput = "late"
	reb := b.op("Rebalanced")
	re := b.connect(m, reb, exchange.Rebalance, true)
	jg := b.build(t)
	wantVertices(t, jg, "Source -> Map -> F1 -> K1 -> F2 -> K2 -> Side", "Rebalanced")
	v := jg.Vertices[0]
	if got := nodeNames(v); !slices.Equal(got, []string{"Source", "Map", "F1", "K1", "F2", "K2", "Side"}) {
		t.Fatalf("pre-order %v", got)
	}
	if !slices.Equal(v.Outputs, []*Edge{re}) {
		t.Fatalf("outputs %v", v.Outputs)
	}
	if !Chainable(e) || Chainable(re) {
		t.Fatal("Chainable disagrees with the chains")
	}
}

func TestDiamondIsNotChainedTwice(t *testing.T) {
	// Source -> A -> C and Source -> B -> C: C has two input edges, so it
	// starts its own vertex; A and B chain to the source.
	b := newBuilder(1)
	src := b.source("Source")
	a := b.op("A", src)
	bb := b.op("B", src)
	b.op("C", a, bb)
	jg := b.build(t)
	wantVertices(t, jg, "Source -> A -> B", "C")
	seen := map[*Node]int{}
	for _, v := range jg.Vertices {
		for _, n := range v.Nodes {
			seen[n]++
		}
	}
	for _, n := range b.g.Nodes {
		if seen[n] != 1 {
			t.Fatalf("%v is in %d vertices", n, seen[n])
		}
	}
}

func TestMaxParallelismResolution(t *testing.T) {
	b := newBuilder(300)
	src := b.source("Source")
	m := b.op("Map", src)
	m.MaxParallelism = 1000
	jg := b.build(t)
	if src.MaxParallelism != 512 || m.MaxParallelism != 1000 {
		t.Fatalf("max parallelism %d, %d; want the default 512 and the node's 1000", src.MaxParallelism, m.MaxParallelism)
	}
	if len(jg.Vertices) != 1 {
		t.Fatalf("different max parallelism is not a reason to break a chain: %v", vertexNames(jg))
	}

	b = newBuilder(4)
	b.g.MaxParallelism = 64
	src = b.source("Source")
	b.build(t)
	if src.MaxParallelism != 64 {
		t.Fatalf("job max parallelism not applied: %d", src.MaxParallelism)
	}
}

func TestBuildJobGraphValidation(t *testing.T) {
	if _, err := BuildJobGraph(&StreamGraph{DefaultParallelism: 1}); err == nil || !strings.Contains(err.Error(), "no operators") {
		t.Fatalf("empty graph: %v", err)
	}

	b := newBuilder(1)
	b.source("Source")
	b.op("Orphan")
	if _, err := BuildJobGraph(b.g); err == nil || !strings.Contains(err.Error(), `"Orphan" has no input`) {
		t.Fatalf("orphan: %v", err)
	}

	b = newBuilder(8)
	src := b.source("Source")
	src.MaxParallelism = 4
	if _, err := BuildJobGraph(b.g); err == nil || !strings.Contains(err.Error(), "greater than max parallelism") {
		t.Fatalf("parallelism above max: %v", err)
	}

	b = newBuilder(0)
	b.source("Source")
	if _, err := BuildJobGraph(b.g); err == nil || !strings.Contains(err.Error(), "parallelism must be positive") {
		t.Fatalf("parallelism 0: %v", err)
	}

	b = newBuilder(1)
	s := b.source("Source")
	s.UID = "x"
	m := b.op("Map", s)
	m.UID = "x"
	if _, err := BuildJobGraph(b.g); err == nil || !strings.Contains(err.Error(), `same UID "x"`) {
		t.Fatalf("duplicate UID: %v", err)
	}

	// Every problem is reported at once.
	b = newBuilder(1)
	s = b.source("Source")
	s.UID = "x"
	m = b.op("Map", s)
	m.UID = "x"
	b.op("Orphan")
	_, err := BuildJobGraph(b.g)
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) || len(joined.Unwrap()) != 2 {
		t.Fatalf("want both errors joined, got %v", err)
	}
}
