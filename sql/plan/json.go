package plan

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/eddy-streams/eddy/sql/functions"
	"github.com/eddy-streams/eddy/sql/types"
)

// The JSON form of a physical plan: nodes listed inputs first, each
// referring to its inputs by id; types in Flink's spelling with the time
// attribute apart; literals as strings in their type's canonical form.

// Plan is a physical plan: the nodes of one job and its sinks.
type Plan struct {
	Sinks []*Node
}

type planJSON struct {
	Version int         `json:"version"`
	Nodes   []*nodeJSON `json:"nodes"`
	Sinks   []int       `json:"sinks"`
}

type nodeJSON struct {
	ID        int           `json:"id"`
	Op        Op            `json:"op"`
	Inputs    []int         `json:"inputs,omitempty"`
	Columns   []Column      `json:"columns"`
	Changelog string        `json:"changelog"`
	Scan      *ScanSpec     `json:"scan,omitempty"`
	Values    [][]*Expr     `json:"values,omitempty"`
	Calc      *CalcSpec     `json:"calc,omitempty"`
	Exchange  *ExchangeSpec `json:"exchange,omitempty"`
	Agg       *AggSpec      `json:"agg,omitempty"`
	Window    *WindowSpec   `json:"window,omitempty"`
	Join      *JoinSpec     `json:"join,omitempty"`
	Limit     *LimitSpec    `json:"limit,omitempty"`
	Sink      *SinkSpec     `json:"sink,omitempty"`
	Rank      *RankSpec     `json:"rank,omitempty"`
	Over      *OverSpec     `json:"over,omitempty"`
	SetOp     *SetOpSpec    `json:"setop,omitempty"`
	Unnest    *UnnestSpec   `json:"unnest,omitempty"`
	Sort      *SortSpec     `json:"sort,omitempty"`
	Match     *MatchSpec    `json:"match,omitempty"`
}

const planVersion = 1

// MarshalJSON encodes the plan.
func (p *Plan) MarshalJSON() ([]byte, error) {
	out := planJSON{Version: planVersion}
	seen := map[*Node]bool{}
	var visit func(n *Node)
	visit = func(n *Node) {
		if seen[n] {
			return
		}
		seen[n] = true
		j := &nodeJSON{ID: n.ID, Op: n.Op, Columns: n.Columns, Changelog: n.Changelog.String(),
			Scan: n.Scan, Values: n.Values, Calc: n.Calc, Exchange: n.Exchange, Agg: n.Agg,
			Window: n.Window, Join: n.Join, Limit: n.Limit, Sink: n.Sink, Rank: n.Rank, Over: n.Over, SetOp: n.SetOp, Unnest: n.Unnest, Sort: n.Sort, Match: n.Match}
		for _, in := range n.Inputs {
			visit(in)
			j.Inputs = append(j.Inputs, in.ID)
		}
		out.Nodes = append(out.Nodes, j)
	}
	for _, s := range p.Sinks {
		visit(s)
		out.Sinks = append(out.Sinks, s.ID)
	}
	return json.Marshal(out)
}

// UnmarshalJSON decodes a plan written by MarshalJSON.
func (p *Plan) UnmarshalJSON(data []byte) error {
	var in planJSON
	if err := json.Unmarshal(data, &in); err != nil {
		return fmt.Errorf("decoding plan: %w", err)
	}
	if in.Version != planVersion {
		return fmt.Errorf("decoding plan: version %d, want %d", in.Version, planVersion)
	}
	byID := map[int]*Node{}
	for _, j := range in.Nodes {
		n := &Node{ID: j.ID, Op: j.Op, Columns: j.Columns, Scan: j.Scan, Values: j.Values, Calc: j.Calc,
			Exchange: j.Exchange, Agg: j.Agg, Window: j.Window, Join: j.Join, Limit: j.Limit, Sink: j.Sink, Rank: j.Rank, Over: j.Over, SetOp: j.SetOp, Unnest: j.Unnest, Sort: j.Sort, Match: j.Match}
		switch j.Changelog {
		case InsertOnly.String():
			n.Changelog = InsertOnly
		case Updates.String():
			n.Changelog = Updates
		case UpdatesAndDeletes.String():
			n.Changelog = UpdatesAndDeletes
		default:
			return fmt.Errorf("decoding plan: node %d: unknown changelog mode %q", j.ID, j.Changelog)
		}
		for _, id := range j.Inputs {
			x := byID[id]
			if x == nil {
				return fmt.Errorf("decoding plan: node %d: input %d is not defined before it", j.ID, id)
			}
			n.Inputs = append(n.Inputs, x)
		}
		byID[j.ID] = n
	}
	p.Sinks = nil
	for _, id := range in.Sinks {
		n := byID[id]
		if n == nil {
			return fmt.Errorf("decoding plan: unknown sink node %d", id)
		}
		p.Sinks = append(p.Sinks, n)
	}
	return nil
}

type typeJSON struct {
	Type string `json:"type"`
	Time string `json:"time,omitempty"`
}

func encodeType(t types.Type) typeJSON {
	j := typeJSON{}
	switch t.TimeAttr {
	case types.RowTime:
		j.Time = "rowtime"
	case types.ProcTime:
		j.Time = "proctime"
	}
	t.TimeAttr = types.NoTimeAttr
	j.Type = t.String()
	return j
}

func decodeType(j typeJSON) (types.Type, error) {
	t, err := types.Parse(j.Type)
	if err != nil {
		return t, err
	}
	switch j.Time {
	case "rowtime":
		t.TimeAttr = types.RowTime
	case "proctime":
		t.TimeAttr = types.ProcTime
	case "":
	default:
		return t, fmt.Errorf("unknown time attribute %q", j.Time)
	}
	return t, nil
}

type columnJSON struct {
	Name string `json:"name"`
	typeJSON
}

func (c Column) MarshalJSON() ([]byte, error) {
	return json.Marshal(columnJSON{Name: c.Name, typeJSON: encodeType(c.Type)})
}

func (c *Column) UnmarshalJSON(data []byte) error {
	var j columnJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	t, err := decodeType(j.typeJSON)
	if err != nil {
		return fmt.Errorf("column %s: %w", j.Name, err)
	}
	c.Name, c.Type = j.Name, t
	return nil
}

type exprJSON struct {
	Kind  string  `json:"kind"`
	Index int     `json:"index,omitempty"`
	Func  string  `json:"func,omitempty"`
	Value *string `json:"value,omitempty"`
	Args  []*Expr `json:"args,omitempty"`
	Try   bool    `json:"try,omitempty"`
	// UDFClass names a user-defined function's Go class (see
	// functions.UDF.Class).
	UDFClass string `json:"udf_class,omitempty"`
	typeJSON
}

func (e *Expr) MarshalJSON() ([]byte, error) {
	j := exprJSON{Kind: e.Kind.String(), Index: e.Index, Func: e.Func, Args: e.Args, Try: e.Try, typeJSON: encodeType(e.Type)}
	if e.UDF != nil {
		if e.UDF.Class == "" {
			return nil, fmt.Errorf("the Go function %s was registered on the session, not under a class name (sql.RegisterFunctionClass), so a plan cannot name it", e.UDF.Name)
		}
		j.UDFClass = e.UDF.Class
	}
	if e.Kind == Literal && e.Value != nil {
		if !literalEncodable(e.Type) {
			return nil, fmt.Errorf("literal of type %s cannot be serialized", e.Type)
		}
		s := literalString(e)
		j.Value = &s
	}
	return json.Marshal(j)
}

func (e *Expr) UnmarshalJSON(data []byte) error {
	var j exprJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	kind := -1
	for i, n := range exprKindNames {
		if n == j.Kind {
			kind = i
		}
	}
	if kind < 0 {
		return fmt.Errorf("unknown expression kind %q", j.Kind)
	}
	t, err := decodeType(j.typeJSON)
	if err != nil {
		return err
	}
	*e = Expr{Kind: ExprKind(kind), Type: t, Index: j.Index, Func: j.Func, Args: j.Args, Try: j.Try}
	if j.UDFClass != "" {
		if e.UDF, err = functions.ResolveClass(j.UDFClass, j.Func); err != nil {
			return err
		}
	}
	if e.Kind == Literal && j.Value != nil {
		if e.Value, err = parseLiteral(t, *j.Value); err != nil {
			return err
		}
	}
	return nil
}

func literalEncodable(t types.Type) bool {
	return !t.IsConstructed()
}

// literalString is the canonical text of a literal's value.
func literalString(e *Expr) string { return ValueString(e.Value) }

// ValueString is the canonical text of a value (package types'
// representation); ParseValue reads it back given the type. Equal values
// give equal strings, so the text also serves as a map key.
func ValueString(x any) string {
	switch v := x.(type) {
	case nil:
		return "NULL"
	case bool:
		return strconv.FormatBool(v)
	case int8:
		return strconv.FormatInt(int64(v), 10)
	case int16:
		return strconv.FormatInt(int64(v), 10)
	case int32:
		return strconv.FormatInt(int64(v), 10)
	case int64:
		return strconv.FormatInt(v, 10)
	case float32:
		return strconv.FormatFloat(float64(v), 'g', -1, 32)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case types.DecimalValue:
		return v.String()
	case string:
		return v
	case []byte:
		return hex.EncodeToString(v)
	case types.DateValue:
		return v.String()
	case types.TimeValue:
		return v.String()
	case types.TimestampValue:
		return strconv.FormatInt(v.Millis, 10) + "." + strconv.Itoa(int(v.Nanos))
	case types.IntervalMonths:
		return strconv.FormatInt(int64(v), 10)
	case types.IntervalMillis:
		return strconv.FormatInt(int64(v), 10)
	}
	return fmt.Sprint(x)
}

// ParseValue reads the text ValueString wrote for a value of type t.
func ParseValue(t types.Type, s string) (any, error) { return parseLiteral(t, s) }

func parseLiteral(t types.Type, s string) (any, error) {
	bad := func(err error) (any, error) {
		return nil, fmt.Errorf("literal %q of type %s: %v", s, t, err)
	}
	intOf := func(bits int) (int64, error) { return strconv.ParseInt(s, 10, bits) }
	switch t.Kind {
	case types.KindBoolean:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return bad(err)
		}
		return b, nil
	case types.KindTinyInt:
		n, err := intOf(8)
		return int8(n), err
	case types.KindSmallInt:
		n, err := intOf(16)
		return int16(n), err
	case types.KindInt:
		n, err := intOf(32)
		return int32(n), err
	case types.KindBigInt:
		return intOf(64)
	case types.KindFloat:
		f, err := strconv.ParseFloat(s, 32)
		return float32(f), err
	case types.KindDouble:
		return strconv.ParseFloat(s, 64)
	case types.KindDecimal:
		d, err := types.ParseDecimal(s)
		if err != nil {
			return bad(err)
		}
		return d, nil
	case types.KindChar, types.KindVarChar:
		return s, nil
	case types.KindBinary, types.KindVarBinary:
		return hex.DecodeString(s)
	case types.KindDate:
		return types.ParseDate(s)
	case types.KindTime:
		return types.ParseTime(s)
	case types.KindTimestamp, types.KindTimestampLTZ:
		ms, ns, _ := strings.Cut(s, ".")
		m, err1 := strconv.ParseInt(ms, 10, 64)
		n, err2 := strconv.ParseInt(ns, 10, 32)
		if err1 != nil || err2 != nil {
			return bad(fmt.Errorf("want millis.nanos"))
		}
		return types.TimestampValue{Millis: m, Nanos: int32(n)}, nil
	case types.KindIntervalYearMonth:
		n, err := intOf(32)
		return types.IntervalMonths(n), err
	case types.KindIntervalDayTime:
		n, err := intOf(64)
		return types.IntervalMillis(n), err
	}
	return bad(fmt.Errorf("unsupported literal type"))
}
