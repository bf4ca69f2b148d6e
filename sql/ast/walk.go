package ast

// Visitor's Visit is called for each node met by Walk. If it returns a
// non-nil visitor w, Walk visits the node's children with w and then
// calls w.Visit(nil).
type Visitor interface {
	Visit(n Node) (w Visitor)
}

// Walk traverses the tree rooted at n in depth-first source order.
func Walk(v Visitor, n Node) {
	if n == nil || isNilNode(n) {
		return
	}
	if v = v.Visit(n); v == nil {
		return
	}
	for _, c := range children(n) {
		Walk(v, c)
	}
	v.Visit(nil)
}

type inspector func(Node) bool

func (f inspector) Visit(n Node) Visitor {
	if f(n) {
		return f
	}
	return nil
}

// Inspect calls f for each node of the tree rooted at n, depth first. If f
// returns false, the node's children are skipped. After the children of a
// node, f is called with nil.
func Inspect(n Node, f func(Node) bool) {
	Walk(inspector(f), n)
}

// isNilNode catches typed nil pointers stored in interfaces, which appear
// when optional fields are collected into a child list.
func isNilNode(n Node) bool {
	switch n := n.(type) {
	case *Ident:
		return n == nil
	case *ObjectName:
		return n == nil
	case *Query:
		return n == nil
	case *StringLit:
		return n == nil
	case *WindowSpec:
		return n == nil
	case *TableAlias:
		return n == nil
	case *With:
		return n == nil
	case *FuncCall:
		return n == nil
	case *Constraint:
		return n == nil
	case *IntervalQualifier:
		return n == nil
	case *LikeClause:
		return n == nil
	case *Distribution:
		return n == nil
	case *WindowFrame:
		return n == nil
	case *FrameBound:
		return n == nil
	case *Property:
		return n == nil
	case *NumberLit:
		return n == nil
	case *Insert:
		return n == nil
	case *CreateTable:
		return n == nil
	case *JSONOnClause:
		return n == nil
	case *JSONKeyValue:
		return n == nil
	case *AfterMatch:
		return n == nil
	case *PatternSeq:
		return n == nil
	}
	return false
}

// childList accumulates the non-nil children of a node.
type childList []Node

func (c *childList) add(nodes ...Node) {
	for _, n := range nodes {
		if n != nil && !isNilNode(n) {
			*c = append(*c, n)
		}
	}
}

func (c *childList) exprs(list []Expr) {
	for _, e := range list {
		c.add(e)
	}
}

func (c *childList) idents(list []*Ident) {
	for _, id := range list {
		c.add(id)
	}
}

func (c *childList) orderItems(list []*OrderItem) {
	for _, o := range list {
		c.add(o)
	}
}

func (c *childList) props(list []*Property) {
	for _, p := range list {
		c.add(p)
	}
}

func (c *childList) hints(list []*Hint) {
	for _, h := range list {
		c.add(h)
	}
}

// children lists the direct children of n in source order.
func children(n Node) []Node {
	var c childList
	switch n := n.(type) {
	// names and small nodes
	case *ObjectName:
		c.idents(n.Parts)
	case *Hint:
		c.add(n.Name)
		c.props(n.Options)
		for _, a := range n.Args {
			c.add(a)
		}

	// expressions
	case *IntervalLit:
		c.add(n.Qualifier)
	case *ColumnRef:
		c.idents(n.Parts)
	case *Star:
		c.idents(n.Qualifier)
	case *UnaryExpr:
		c.add(n.X)
	case *BinaryExpr:
		c.add(n.L, n.R)
	case *IsExpr:
		c.add(n.X)
	case *BetweenExpr:
		c.add(n.X, n.Low, n.High)
	case *InExpr:
		c.add(n.X)
		c.exprs(n.List)
		c.add(n.Query)
	case *LikeExpr:
		c.add(n.X, n.Pattern, n.Escape)
	case *QuantifiedExpr:
		c.add(n.X, n.Query)
	case *ExistsExpr:
		c.add(n.Query)
	case *SubqueryExpr:
		c.add(n.Query)
	case *CaseExpr:
		c.add(n.Operand)
		for _, w := range n.Whens {
			c.add(w)
		}
		c.add(n.Else)
	case *When:
		c.add(n.Cond, n.Result)
	case *CastExpr:
		c.add(n.X, n.Type)
	case *FuncCall:
		c.add(n.Name)
		c.exprs(n.Args)
		c.add(n.Filter, n.Over)
	case *NamedArg:
		c.add(n.Name, n.Value)
	case *TableArg:
		c.add(n.Table)
		c.exprs(n.PartitionBy)
		c.orderItems(n.OrderBy)
	case *DescriptorExpr:
		c.idents(n.Columns)
	case *ExtractExpr:
		c.add(n.X)
	case *FloorCeilExpr:
		c.add(n.X)
	case *PositionExpr:
		c.add(n.Sub, n.X, n.From)
	case *TrimExpr:
		c.add(n.Chars, n.X)
	case *SubstringExpr:
		c.add(n.X, n.From, n.For)
	case *OverlayExpr:
		c.add(n.X, n.With, n.From, n.For)
	case *RowExpr:
		c.exprs(n.Fields)
	case *ArrayExpr:
		c.exprs(n.Elems)
	case *MapExpr:
		c.exprs(n.Elems)
	case *IndexExpr:
		c.add(n.X, n.Index)
	case *FieldAccess:
		c.add(n.X, n.Field)
	case *GroupingSet:
		c.exprs(n.Items)
	case *JSONValueExpr:
		c.add(n.X, n.Path, n.Returning, n.OnEmpty, n.OnError)
	case *JSONQueryExpr:
		c.add(n.X, n.Path, n.Returning, n.OnEmpty, n.OnError)
	case *JSONExistsExpr:
		c.add(n.X, n.Path, n.OnError)
	case *JSONOnClause:
		c.add(n.Default)
	case *JSONObjectExpr:
		for _, m := range n.Members {
			c.add(m)
		}
	case *JSONKeyValue:
		c.add(n.Key, n.Value)
	case *JSONArrayExpr:
		c.exprs(n.Elems)
	case *JSONObjectAggExpr:
		c.add(n.Member)
	case *JSONArrayAggExpr:
		c.add(n.X)
		c.orderItems(n.OrderBy)
	case *IsJSONExpr:
		c.add(n.X)

	// queries
	case *Query:
		c.add(n.With, n.Body)
		c.orderItems(n.OrderBy)
		c.add(n.Limit, n.Offset)
	case *With:
		for _, cte := range n.CTEs {
			c.add(cte)
		}
	case *CTE:
		c.add(n.Name)
		c.idents(n.Columns)
		c.add(n.Query)
	case *Select:
		c.hints(n.Hints)
		for _, item := range n.Items {
			c.add(item)
		}
		c.add(n.From, n.Where)
		c.exprs(n.GroupBy)
		c.add(n.Having)
		for _, w := range n.Windows {
			c.add(w)
		}
	case *SelectItem:
		c.add(n.Expr, n.Alias)
	case *NamedWindow:
		c.add(n.Name, n.Spec)
	case *WindowSpec:
		c.add(n.Ref)
		c.exprs(n.PartitionBy)
		c.orderItems(n.OrderBy)
		c.add(n.Frame)
	case *WindowFrame:
		c.add(n.Begin, n.End)
	case *FrameBound:
		c.add(n.Offset)
	case *OrderItem:
		c.add(n.Expr)
	case *SetOp:
		c.add(n.L, n.R)
	case *Values:
		for _, r := range n.Rows {
			c.add(r)
		}

	// table references
	case *TableAlias:
		c.add(n.Name)
		c.idents(n.Columns)
	case *TableName:
		c.add(n.Name)
		c.hints(n.Hints)
		c.add(n.SystemTime, n.Alias)
	case *DerivedTable:
		c.add(n.Query, n.Alias)
	case *TableFunc:
		c.add(n.Call, n.Alias)
	case *Unnest:
		c.exprs(n.Exprs)
		c.add(n.Alias)
	case *Join:
		c.add(n.L, n.R, n.On)
		c.idents(n.Using)
	case *MatchRecognize:
		c.add(n.Input)
		c.exprs(n.PartitionBy)
		c.orderItems(n.OrderBy)
		for _, m := range n.Measures {
			c.add(m)
		}
		c.add(n.After, n.Pattern, n.Within)
		for _, d := range n.Defines {
			c.add(d)
		}
		c.add(n.Alias)
	case *MatchMeasure:
		c.add(n.Expr, n.Name)
	case *PatternDefine:
		c.add(n.Var, n.Cond)
	case *AfterMatch:
		c.add(n.Var)
	case *PatternSeq:
		for _, x := range n.Items {
			c.add(x)
		}
	case *PatternVar:
		c.add(n.Name)
	case *PatternGroup:
		c.add(n.Inner)
	case *PatternQuant:
		c.add(n.X)

	// types
	case *IntervalType:
		c.add(n.Qualifier)
	case *ArrayType:
		c.add(n.Elem)
	case *MultisetType:
		c.add(n.Elem)
	case *MapType:
		c.add(n.Key, n.Value)
	case *RowType:
		for _, f := range n.Fields {
			c.add(f)
		}
	case *RowField:
		c.add(n.Name, n.Type, n.Comment)
	case *RawType:
		c.add(n.Class, n.Snapshot)

	// statements
	case *CreateTable:
		c.add(n.Name)
		for _, col := range n.Columns {
			c.add(col)
		}
		for _, w := range n.Watermarks {
			c.add(w)
		}
		for _, k := range n.Constraints {
			c.add(k)
		}
		c.add(n.Comment)
		c.idents(n.PartitionedBy)
		c.add(n.Distribution)
		c.props(n.Options)
		c.add(n.Like, n.AsQuery)
	case *ColumnDef:
		c.add(n.Name, n.Type, n.Expr, n.MetadataKey, n.Constraint, n.Comment)
	case *Constraint:
		c.add(n.Name)
		c.idents(n.Columns)
	case *Watermark:
		c.idents(n.Column)
		c.add(n.Expr)
	case *Distribution:
		c.idents(n.Columns)
		c.add(n.Buckets)
	case *LikeClause:
		c.add(n.Source)
		for _, o := range n.Options {
			c.add(o)
		}
	case *AlterTable:
		c.add(n.Name, n.NewName)
		c.props(n.Options)
		for _, k := range n.Keys {
			c.add(k)
		}
		c.add(n.Schema)
		for _, pos := range n.Positions {
			if pos != nil {
				c.add(pos.After)
			}
		}
		c.idents(n.Columns)
		c.add(n.To)
	case *CompilePlan:
		c.add(n.File, n.Stmt)
	case *ExecutePlan:
		c.add(n.File)
	case *AlterView:
		c.add(n.Name, n.NewName, n.Query)
	case *AlterDatabase:
		c.add(n.Name)
		c.props(n.Options)
	case *AlterFunction:
		c.add(n.Name, n.Class)
	case *CreateView:
		c.add(n.Name)
		c.idents(n.Columns)
		c.add(n.Comment, n.Query)
	case *CreateFunction:
		c.add(n.Name, n.Class)
		for _, j := range n.Jars {
			c.add(j)
		}
	case *CreateDatabase:
		c.add(n.Name, n.Comment)
		c.props(n.Options)
	case *CreateCatalog:
		c.add(n.Name, n.Comment)
		c.props(n.Options)
	case *Drop:
		c.add(n.Name)
	case *Insert:
		c.add(n.Table)
		c.hints(n.Hints)
		for _, pv := range n.Partition {
			c.add(pv)
		}
		c.idents(n.Columns)
		c.add(n.Query)
	case *PartitionValue:
		c.add(n.Column, n.Value)
	case *StatementSet:
		for _, ins := range n.Inserts {
			c.add(ins)
		}
	case *Show:
		c.add(n.From, n.Like)
	case *ShowCreate:
		c.add(n.Name)
	case *Describe:
		c.add(n.Name)
	case *Use:
		c.add(n.Name)
	case *UseModules:
		c.idents(n.Modules)
	case *Set:
		c.add(n.Property)
	case *Reset:
		c.add(n.Key)
	case *Explain:
		c.add(n.Stmt)
	}
	return c
}
