package plan

import (
	"github.com/eddy-streams/eddy/sql/types"
)

// Op is the operator of a plan node. Logical and physical plans share the
// node type: the physical plan is the logical plan after the rules, with
// exchanges made explicit.
type Op string

const (
	OpScan             Op = "TableSourceScan"
	OpValues           Op = "Values"
	OpCalc             Op = "Calc"
	OpExchange         Op = "Exchange"
	OpAggregate        Op = "GroupAggregate"
	OpWindowTVF        Op = "WindowTableFunction"
	OpWindowAggregate  Op = "WindowAggregate"
	OpSessionAggregate Op = "SessionWindowAggregate"
	OpJoin             Op = "Join"
	OpUnion            Op = "Union"
	OpLimit            Op = "Limit"
	OpSink             Op = "Sink"
)

// Column is an output column of a node.
type Column struct {
	Name string
	// Type carries nullability and the time attribute (rowtime/proctime).
	Type types.Type
	// window marks the window_start/window_end/window_time columns of a
	// window table function, through projections; the binder uses it to
	// recognize window aggregations.
	window windowProp
}

// windowProp says which window property a column is, and of which window
// table function.
type windowProp struct {
	kind string // "", "window_start", "window_end", "window_time"
	tvf  *Node
}

// Changelog is the set of row kinds a node may emit.
type Changelog uint8

const (
	// InsertOnly streams emit +I only.
	InsertOnly Changelog = iota
	// Retract streams emit +I, -U, +U (and -D when Deletes).
	Updates
	// UpdatesAndDeletes emits every kind.
	UpdatesAndDeletes
)

func (c Changelog) String() string {
	switch c {
	case Updates:
		return "[I,UB,UA]"
	case UpdatesAndDeletes:
		return "[I,UB,UA,D]"
	}
	return "[I]"
}

// IsInsertOnly reports an append-only stream.
func (c Changelog) IsInsertOnly() bool { return c == InsertOnly }

// Node is a relational operator of a plan. Exactly the spec of its Op is
// set.
type Node struct {
	ID        int
	Op        Op
	Inputs    []*Node
	Columns   []Column
	Changelog Changelog

	Scan     *ScanSpec
	Values   [][]*Expr
	Calc     *CalcSpec
	Exchange *ExchangeSpec
	Agg      *AggSpec
	Window   *WindowSpec
	Join     *JoinSpec
	Limit    *LimitSpec
	Sink     *SinkSpec
}

// Names returns the output column names.
func (n *Node) Names() []string {
	names := make([]string, len(n.Columns))
	for i, c := range n.Columns {
		names[i] = c.Name
	}
	return names
}

// Types returns the output column types.
func (n *Node) Types() []types.Type {
	ts := make([]types.Type, len(n.Columns))
	for i, c := range n.Columns {
		ts[i] = c.Type
	}
	return ts
}

// RowtimeIndex returns the output column that is the rowtime attribute, or
// -1.
func (n *Node) RowtimeIndex() int {
	for i, c := range n.Columns {
		if c.Type.TimeAttr == types.RowTime {
			return i
		}
	}
	return -1
}

// ScanSpec reads a table through its connector. The connector produces
// the Paths (a physical column, or a nested field of one); then the
// Computed columns are evaluated over them, the watermark over both, the
// pushed Filter over both, and Output selects the node's columns from
// paths ++ computed.
type ScanSpec struct {
	Table     string
	Connector string
	Options   map[string]string
	// Physical are the table's physical columns: what the connector reads.
	Physical []Column
	// Paths index Physical, then fields of nested ROWs.
	Paths [][]int
	// PathTypes are the types of the Paths.
	PathTypes []types.Type
	Computed  []*Expr
	// Watermark is the watermark expression; WatermarkCol the column (of
	// paths ++ computed) it is declared on; nil without a watermark.
	Watermark    *Expr
	WatermarkCol int
	Filter       *Expr
	Output       []int
	Bounded      bool
}

// CalcSpec is a projection with an optional filter over the input.
type CalcSpec struct {
	Projects []*Expr
	Filter   *Expr // nil keeps every row
}

// ExchangeSpec redistributes rows: by a hash of Keys, or to a single
// subtask when Keys is empty.
type ExchangeSpec struct {
	Keys []int
}

// AggCall is one aggregate call over the input columns.
type AggCall struct {
	// Func is COUNT, SUM, AVG, MIN or MAX; COUNT with no Args is COUNT(*).
	Func     string
	Args     []int
	Distinct bool
	// Filter is the input column of FILTER (WHERE ...), or -1.
	Filter int
	Type   types.Type
	Name   string
}

// AggSpec is a grouped aggregation: output is the Keys' columns then one
// column per call. For a window aggregation WindowStart and WindowEnd are
// the key columns (input indexes) holding the window bounds, and results
// are final: emitted once when the watermark passes the window's end. A
// session window aggregation groups by Keys and merges sessions of the
// rowtime column TimeCol with gap Gap (milliseconds).
type AggSpec struct {
	Keys        []int
	Calls       []AggCall
	WindowStart int
	WindowEnd   int
	TimeCol     int
	Gap         int64
}

// WindowKind is a window table function.
type WindowKind string

const (
	Tumble   WindowKind = "TUMBLE"
	Hop      WindowKind = "HOP"
	Cumulate WindowKind = "CUMULATE"
	Session  WindowKind = "SESSION"
)

// WindowSpec is a window table function over the rowtime column TimeCol:
// it appends window_start, window_end and window_time, one row per window
// a row belongs to. Durations are milliseconds; Step is HOP's slide and
// CUMULATE's step.
type WindowSpec struct {
	Kind    WindowKind
	TimeCol int
	Size    int64
	Step    int64
	Offset  int64
}

// JoinKind is the kind of a join.
type JoinKind string

const (
	InnerJoin JoinKind = "InnerJoin"
	LeftJoin  JoinKind = "LeftOuterJoin"
	RightJoin JoinKind = "RightOuterJoin"
	FullJoin  JoinKind = "FullOuterJoin"
)

// JoinSpec is a regular join on LeftKeys = RightKeys with a residual
// Condition over left ++ right columns (nil: none).
type JoinSpec struct {
	Kind      JoinKind
	LeftKeys  []int
	RightKeys []int
	Condition *Expr
}

// LimitSpec keeps the first Fetch rows after Offset.
type LimitSpec struct {
	Offset int64
	Fetch  int64 // -1: no limit
}

// SinkSpec writes the input into a table through its connector, or
// collects it (Collect) as the result of a query.
type SinkSpec struct {
	Table     string
	Connector string
	Options   map[string]string
	Collect   bool
}
