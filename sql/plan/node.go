package plan

import (
	"github.com/eddy-streams/eddy/sql/functions"
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
	OpRank             Op = "Rank"
	OpOverAggregate    Op = "OverAggregate"
	OpSetOp            Op = "SetOp"
	OpCorrelate        Op = "Correlate"
	OpSort             Op = "TemporalSort"
	OpMatch            Op = "Match"
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
	Rank     *RankSpec
	Over     *OverSpec
	SetOp    *SetOpSpec
	Unnest   *UnnestSpec
	Sort     *SortSpec
	Match    *MatchSpec // match.go
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
	// PartitionKeys are the table's PARTITIONED BY columns.
	PartitionKeys []string `json:",omitempty"`
	// MetadataKeys name, for each of the Physical columns that the
	// connector reads as metadata, its key ("" for a column of the data).
	MetadataKeys []string `json:",omitempty"`
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
	// UDAF, when set, is the Go aggregate function called (Func is then its
	// name); it takes all of Args.
	UDAF *functions.AggregateUDF
	// Offset is LAG's: the value of the row Offset rows before the current
	// one (Args[0]), or Args[1] (the default) when there is none.
	Offset int64 `json:",omitempty"`
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
	// ProcTime marks a window aggregation over processing-time windows:
	// results are emitted when the clock passes the window's end.
	ProcTime bool `json:",omitempty"`
	// TTL is a group aggregation's STATE_TTL hint, as JoinSpec.LeftTTL.
	TTL int64 `json:",omitempty"`
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
	// ProcTime marks windows of a processing-time attribute.
	ProcTime bool `json:",omitempty"`
	// Gap is SESSION's gap: a row opens the window [time, time + Gap),
	// and windows that overlap or touch merge. PartitionBy are the columns
	// of SESSION(TABLE t PARTITION BY ...), by name: the optimizer prunes
	// the input below the function, which would leave indexes stale.
	Gap         int64    `json:",omitempty"`
	PartitionBy []string `json:",omitempty"`
}

// JoinKind is the kind of a join.
type JoinKind string

const (
	InnerJoin JoinKind = "InnerJoin"
	LeftJoin  JoinKind = "LeftOuterJoin"
	RightJoin JoinKind = "RightOuterJoin"
	FullJoin  JoinKind = "FullOuterJoin"
	// SemiJoin and AntiJoin output the left columns only: the left rows
	// with (without) a match, for IN / EXISTS (NOT IN / NOT EXISTS).
	SemiJoin JoinKind = "LeftSemiJoin"
	AntiJoin JoinKind = "LeftAntiJoin"
)

// JoinSpec is a join on LeftKeys = RightKeys with a residual Condition
// over left ++ right columns (nil: none). A regular join has neither
// Interval nor Window set.
type JoinSpec struct {
	Kind      JoinKind
	LeftKeys  []int
	RightKeys []int
	Condition *Expr
	// Interval makes an interval join of two rowtime attributes.
	Interval *IntervalBounds `json:",omitempty"`
	// Window makes a window join: the inputs' window_end columns.
	Window *WindowJoin `json:",omitempty"`
	// Temporal makes a temporal join with a versioned table (the right).
	Temporal *TemporalJoin `json:",omitempty"`
	// Lookup makes a lookup join with a table (the right).
	Lookup *LookupJoin `json:",omitempty"`
	// LeftTTL and RightTTL are the STATE_TTL hint's retention of each
	// side's rows, in milliseconds: 0 keeps the job's
	// table.exec.state.ttl, NoTTL keeps them for ever.
	LeftTTL  int64 `json:",omitempty"`
	RightTTL int64 `json:",omitempty"`
}

// NoTTL is a STATE_TTL hint of 0: the state is kept for ever, whatever
// table.exec.state.ttl says.
const NoTTL = -1

// LookupJoin is a join FOR SYSTEM_TIME AS OF a processing-time attribute
// of the left with a table whose connector looks rows up (Flink's
// LookupTableSource; here the filesystem connector): the right input is
// not a stream but the table, read in full when the join starts and again
// once CacheTTLMillis passed; each left row probes it with the equalities
// of the condition between a left expression and a right column (the
// LeftKeys/RightKeys column pairs and the conjuncts left-expression =
// right-column of the Condition, which also filters the matches).
type LookupJoin struct {
	LeftTime       int
	CacheTTLMillis int64
}

// TemporalJoin is a join FOR SYSTEM_TIME AS OF the left's time attribute
// LeftTime with the versions of the right (a table with a primary key
// and a rowtime RightTime): each left row joins the right's version of its
// key valid at its time. On event time the left row waits for the
// watermark to pass its time; on processing time (ProcTime) it joins the
// latest version at once.
type TemporalJoin struct {
	LeftTime, RightTime int
	ProcTime            bool
}

// IntervalBounds are the bounds of an interval join: LeftTime - RightTime
// lies in [Lower, Upper] milliseconds for every match. They decide when
// a buffered row can no longer match; the Condition still checks them.
type IntervalBounds struct {
	LeftTime, RightTime int
	Lower, Upper        int64
}

// WindowJoin names the window_end columns of a window join's inputs: a
// window's rows are joined once the watermark passes its end.
type WindowJoin struct {
	LeftEnd, RightEnd int
}

// SortKey is one ORDER BY key of a Rank or Over node.
type SortKey struct {
	Col        int
	Desc       bool
	NullsFirst bool
}

// RankStrategy is how a Rank node runs.
type RankStrategy string

const (
	// TopN keeps each partition's rows and emits the changes of its first
	// Limit rows: updating.
	TopN RankStrategy = "TopN"
	// DedupFirst keeps the first row of each partition by a time
	// attribute, ascending: insert-only. On rowtime it is emitted once the
	// watermark passes it; on proctime at once.
	DedupFirst RankStrategy = "DedupFirst"
	// WindowTopN ranks the rows of each window when it closes:
	// insert-only, final.
	WindowTopN RankStrategy = "WindowTopN"
	// WindowDeduplicate keeps one row per window and partition, the first
	// (ascending) or the last (descending) by the rowtime column TimeCol,
	// emitted when the window closes: insert-only, final. It is a window
	// Top-1 by time that keeps a single row instead of the window's rows.
	WindowDeduplicate RankStrategy = "WindowDeduplicate"
)

// RankSpec is ROW_NUMBER() (or RANK(), DENSE_RANK()) OVER (PARTITION BY
// Partition ORDER BY Order) with a filter rownum <= Limit: the output is
// the input's columns and the rank (BIGINT).
type RankSpec struct {
	// Func is ROW_NUMBER, RANK or DENSE_RANK.
	Func      string `json:",omitempty"`
	Partition []int
	Order     []SortKey
	Limit     int64 // -1: every row is ranked
	Strategy  RankStrategy
	// TimeCol is the rowtime column DedupFirst and WindowDeduplicate
	// order by (-1: proctime); WindowEnd the window_end column of a
	// WindowTopN or WindowDeduplicate.
	TimeCol   int
	WindowEnd int
}

// OverSpec is an OVER aggregation: for every input row, the Calls over
// the rows of its partition whose time (rowtime column TimeCol) lies in
// the frame ending at the row; output is the input's columns then one
// per call. Rows selects a ROWS frame of Preceding rows before the
// current one; otherwise a RANGE frame of Preceding milliseconds.
// Preceding -1 is UNBOUNDED PRECEDING.
type OverSpec struct {
	Partition []int
	TimeCol   int
	Rows      bool
	Preceding int64
	Calls     []AggCall
	// Updating is an OVER aggregation over an updating input (which Flink
	// refuses): the partition's rows are kept in Order (any columns;
	// TimeCol is Order's first) and a change re-emits the outputs of the
	// rows whose frames it changes, as a retract stream. ROWS frames only.
	Updating bool      `json:",omitempty"`
	Order    []SortKey `json:",omitempty"`
	// ProcTime orders by a processing-time attribute: each row goes out
	// as it arrives, its frame the rows before it (ROWS) or those that
	// arrived within the RANGE interval.
	ProcTime bool `json:",omitempty"`
}

// SetOpSpec is INTERSECT or EXCEPT [ALL] of two inputs of equal columns.
type SetOpSpec struct {
	Op  string // "INTERSECT" or "EXCEPT"
	All bool
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
	// PartitionKeys are the table's PARTITIONED BY columns.
	PartitionKeys []string `json:",omitempty"`
	// Overwrite replaces what the table holds (INSERT OVERWRITE): all of
	// it, or for a partitioned table the partitions the job writes to and
	// the one of a PARTITION clause that names every partition column,
	// whose values StaticPartition holds (in PartitionKeys' order) so that
	// it is emptied even when no row goes there.
	Overwrite       bool    `json:",omitempty"`
	StaticPartition []*Expr `json:",omitempty"`
}

// UnnestSpec is a join with UNNEST(Expr) of each input row: the row's
// columns then the elements' (an ARRAY's or MULTISET's element, its
// fields when it is a ROW; a MAP's key and value), with WITH
// ORDINALITY the 1-based position. Outer keeps a row whose collection is
// empty or NULL, padded with NULLs (LEFT JOIN UNNEST … ON TRUE).
type UnnestSpec struct {
	Expr       *Expr
	ExpandRow  bool
	Ordinality bool
	Outer      bool
}

// SortSpec sorts a stream by its rowtime column (the first key,
// ascending) then the other keys: rows go out once the watermark passes
// their time.
type SortSpec struct {
	Order []SortKey
}
