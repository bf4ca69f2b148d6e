package ast

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Format prints n as canonical single-line SQL. Keywords are upper case,
// identifiers are backquoted only when needed, and parentheses appear
// only where precedence requires them. Parsing the output yields a tree
// Equal to n.
func Format(n Node) string {
	var p printer
	p.node(n)
	return p.String()
}

// FormatStatements prints a script: each statement followed by ";" on its
// own line.
func FormatStatements(stmts []Stmt) string {
	var p printer
	for _, s := range stmts {
		p.stmt(s)
		p.WriteString(";\n")
	}
	return p.String()
}

// String methods for debugging and error messages.

func (q *Query) String() string       { return Format(q) }
func (s *Select) String() string      { return Format(s) }
func (b *BinaryExpr) String() string  { return Format(b) }
func (c *ColumnRef) String() string   { return Format(c) }
func (f *FuncCall) String() string    { return Format(f) }
func (t *BasicType) String() string   { return Format(t) }
func (i *Ident) String() string       { return QuoteIdent(i.Name) }
func (t *TableName) String() string   { return Format(t) }
func (c *CreateTable) String() string { return Format(c) }
func (i *Insert) String() string      { return Format(i) }

type printer struct {
	strings.Builder
}

func (p *printer) w(parts ...string) {
	for _, s := range parts {
		p.WriteString(s)
	}
}

func (p *printer) node(n Node) {
	switch n := n.(type) {
	case nil:
	case Stmt:
		p.stmt(n)
	case QueryBody:
		p.body(n, false)
	case Expr:
		p.expr(n, precLowest)
	case TableRef:
		p.tableRef(n)
	case Type:
		p.typ(n)
	case *Ident:
		p.ident(n)
	case *ObjectName:
		p.objectName(n)
	case *SelectItem:
		p.selectItem(n)
	case *OrderItem:
		p.orderItem(n)
	case *WindowSpec:
		p.windowSpec(n)
	case *Property:
		p.property(n)
	case *Hint:
		p.hint(n)
	case *ColumnDef:
		p.columnDef(n)
	case *IntervalQualifier:
		p.intervalQualifier(n)
	case *When:
		p.w("WHEN ")
		p.expr(n.Cond, precLowest)
		p.w(" THEN ")
		p.expr(n.Result, precLowest)
	case *TableAlias:
		p.alias(n)
	case RowPattern:
		p.rowPattern(n)
	case *MatchMeasure, *PatternDefine, *AfterMatch:
		p.matchPart(n)
	default:
		fmt.Fprintf(p, "<%T>", n)
	}
}

// ---- names and small pieces ----

func (p *printer) ident(id *Ident) {
	if id == nil {
		return
	}
	p.w(QuoteIdent(id.Name))
}

func (p *printer) idents(ids []*Ident, sep string) {
	for i, id := range ids {
		if i > 0 {
			p.w(sep)
		}
		p.ident(id)
	}
}

func (p *printer) objectName(n *ObjectName) {
	if n == nil {
		return
	}
	p.idents(n.Parts, ".")
}

func quoteString(s string) string {
	if utf8.ValidString(s) {
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	// Bytes that are not UTF-8 (from E'\xHH') can only be written
	// escaped.
	var b strings.Builder
	b.WriteString("E'")
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02X`, s[i])
		case r == '\'' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('\'')
	return b.String()
}

func (p *printer) stringLit(s *StringLit) { p.w(quoteString(s.Value)) }

func (p *printer) property(prop *Property) {
	p.w(quoteString(prop.Key), " = ", quoteString(prop.Value))
}

func (p *printer) properties(props []*Property) {
	p.w("(")
	for i, prop := range props {
		if i > 0 {
			p.w(", ")
		}
		p.property(prop)
	}
	p.w(")")
}

func (p *printer) hints(hints []*Hint) {
	if len(hints) == 0 {
		return
	}
	p.w("/*+ ")
	for i, h := range hints {
		if i > 0 {
			p.w(", ")
		}
		p.hint(h)
	}
	p.w(" */")
}

func (p *printer) hint(h *Hint) {
	p.ident(h.Name)
	switch {
	case len(h.Options) > 0:
		p.properties(h.Options)
	case len(h.Args) > 0:
		p.w("(")
		for i, a := range h.Args {
			if i > 0 {
				p.w(", ")
			}
			if a.IsString {
				p.w(quoteString(a.Text))
			} else {
				p.w(QuoteIdent(a.Text))
			}
		}
		p.w(")")
	}
}

// ---- statements ----

func (p *printer) stmt(s Stmt) {
	switch s := s.(type) {
	case *Query:
		p.query(s)
	case *Insert:
		p.insert(s)
	case *StatementSet:
		p.statementSet(s)
	case *CreateTable:
		p.createTable(s)
	case *CreateView:
		p.w("CREATE ")
		if s.Temporary {
			p.w("TEMPORARY ")
		}
		p.w("VIEW ")
		if s.IfNotExists {
			p.w("IF NOT EXISTS ")
		}
		p.objectName(s.Name)
		if len(s.Columns) > 0 {
			p.w(" (")
			p.idents(s.Columns, ", ")
			p.w(")")
		}
		p.comment(s.Comment)
		p.w(" AS ")
		p.query(s.Query)
	case *CreateFunction:
		p.w("CREATE ")
		if s.Temporary {
			p.w("TEMPORARY ")
		}
		if s.System {
			p.w("SYSTEM ")
		}
		p.w("FUNCTION ")
		if s.IfNotExists {
			p.w("IF NOT EXISTS ")
		}
		p.objectName(s.Name)
		p.w(" AS ")
		p.stringLit(s.Class)
		if s.Language != "" {
			p.w(" LANGUAGE ", s.Language)
		}
		for i, jar := range s.Jars {
			if i == 0 {
				p.w(" USING JAR ")
			} else {
				p.w(", JAR ")
			}
			p.stringLit(jar)
		}
	case *CreateDatabase:
		p.w("CREATE DATABASE ")
		if s.IfNotExists {
			p.w("IF NOT EXISTS ")
		}
		p.objectName(s.Name)
		p.comment(s.Comment)
		if len(s.Options) > 0 {
			p.w(" WITH ")
			p.properties(s.Options)
		}
	case *CreateCatalog:
		p.w("CREATE CATALOG ")
		if s.IfNotExists {
			p.w("IF NOT EXISTS ")
		}
		p.ident(s.Name)
		p.comment(s.Comment)
		if len(s.Options) > 0 {
			p.w(" WITH ")
			p.properties(s.Options)
		}
	case *CompilePlan:
		p.w("COMPILE ")
		if s.Execute {
			p.w("AND EXECUTE ")
		}
		p.w("PLAN ")
		p.stringLit(s.File)
		if s.IfNotExists {
			p.w(" IF NOT EXISTS")
		}
		p.w(" FOR ")
		p.stmt(s.Stmt)
	case *ExecutePlan:
		p.w("EXECUTE PLAN ")
		p.stringLit(s.File)
	case *AlterTable:
		p.alterTable(s)
	case *AlterView:
		p.w("ALTER VIEW ")
		p.objectName(s.Name)
		if s.NewName != nil {
			p.w(" RENAME TO ")
			p.objectName(s.NewName)
		} else {
			p.w(" AS ")
			p.query(s.Query)
		}
	case *AlterDatabase:
		p.w("ALTER DATABASE ")
		p.objectName(s.Name)
		p.w(" SET ")
		p.properties(s.Options)
	case *AlterFunction:
		p.w("ALTER ")
		if s.Temporary {
			p.w("TEMPORARY ")
		}
		if s.System {
			p.w("SYSTEM ")
		}
		p.w("FUNCTION ")
		if s.IfExists {
			p.w("IF EXISTS ")
		}
		p.objectName(s.Name)
		p.w(" AS ")
		p.stringLit(s.Class)
		if s.Language != "" {
			p.w(" LANGUAGE ", s.Language)
		}
	case *Drop:
		p.w("DROP ")
		if s.Temporary {
			p.w("TEMPORARY ")
		}
		if s.System {
			p.w("SYSTEM ")
		}
		p.w(string(s.Kind), " ")
		if s.IfExists {
			p.w("IF EXISTS ")
		}
		p.objectName(s.Name)
		if s.Cascade {
			p.w(" CASCADE")
		}
	case *Show:
		p.w("SHOW ", string(s.Kind))
		if s.From != nil {
			p.w(" FROM ")
			p.objectName(s.From)
		}
		if s.Like != nil {
			if s.NotLike {
				p.w(" NOT")
			}
			p.w(" LIKE ")
			p.stringLit(s.Like)
		}
	case *ShowCreate:
		p.w("SHOW CREATE ", string(s.Kind), " ")
		p.objectName(s.Name)
	case *Describe:
		p.w("DESCRIBE ")
		if s.Extended {
			p.w("EXTENDED ")
		}
		p.objectName(s.Name)
	case *Use:
		p.w("USE ")
		if s.Catalog {
			p.w("CATALOG ")
		}
		p.objectName(s.Name)
	case *UseModules:
		p.w("USE MODULES ")
		p.idents(s.Modules, ", ")
	case *Set:
		p.w("SET")
		if s.Property != nil {
			p.w(" ")
			p.property(s.Property)
		}
	case *Reset:
		p.w("RESET")
		if s.Key != nil {
			p.w(" ")
			p.stringLit(s.Key)
		}
	case *Explain:
		p.w("EXPLAIN ")
		if s.PlanFor {
			p.w("PLAN FOR ")
		}
		if len(s.Details) > 0 {
			p.w(strings.Join(s.Details, ", "), " ")
		}
		p.stmt(s.Stmt)
	case nil:
	default:
		fmt.Fprintf(p, "<%T>", s)
	}
}

func (p *printer) comment(c *StringLit) {
	if c != nil {
		p.w(" COMMENT ")
		p.stringLit(c)
	}
}

func (p *printer) insert(s *Insert) {
	if s.Overwrite {
		p.w("INSERT OVERWRITE ")
	} else {
		p.w("INSERT INTO ")
	}
	p.objectName(s.Table)
	if len(s.Hints) > 0 {
		p.w(" ")
		p.hints(s.Hints)
	}
	if len(s.Partition) > 0 {
		p.w(" PARTITION (")
		for i, pv := range s.Partition {
			if i > 0 {
				p.w(", ")
			}
			p.ident(pv.Column)
			p.w(" = ")
			p.expr(pv.Value, precLowest)
		}
		p.w(")")
	}
	if len(s.Columns) > 0 {
		p.w(" (")
		p.idents(s.Columns, ", ")
		p.w(")")
	}
	p.w(" ")
	p.query(s.Query)
}

func (p *printer) statementSet(s *StatementSet) {
	switch s.Form {
	case ExecuteStatementSet:
		p.w("EXECUTE STATEMENT SET BEGIN ")
	case BareStatementSet:
		p.w("STATEMENT SET BEGIN ")
	case ClientStatementSet:
		p.w("BEGIN STATEMENT SET; ")
	}
	for _, ins := range s.Inserts {
		p.insert(ins)
		p.w("; ")
	}
	p.w("END")
}

func (p *printer) createTable(s *CreateTable) {
	p.w("CREATE ")
	if s.Temporary {
		p.w("TEMPORARY ")
	}
	p.w("TABLE ")
	if s.IfNotExists {
		p.w("IF NOT EXISTS ")
	}
	p.objectName(s.Name)
	if len(s.Columns)+len(s.Watermarks)+len(s.Constraints) > 0 {
		p.w(" (")
		sep := ""
		for _, c := range s.Columns {
			p.w(sep)
			sep = ", "
			p.columnDef(c)
		}
		for _, wm := range s.Watermarks {
			p.w(sep, "WATERMARK FOR ")
			sep = ", "
			p.idents(wm.Column, ".")
			p.w(" AS ")
			p.expr(wm.Expr, precLowest)
		}
		for _, c := range s.Constraints {
			p.w(sep)
			sep = ", "
			p.constraint(c)
		}
		p.w(")")
	}
	p.comment(s.Comment)
	if len(s.PartitionedBy) > 0 {
		p.w(" PARTITIONED BY (")
		p.idents(s.PartitionedBy, ", ")
		p.w(")")
	}
	if d := s.Distribution; d != nil {
		p.w(" DISTRIBUTED")
		if len(d.Columns) > 0 {
			p.w(" BY ")
			if d.Kind != "" {
				p.w(d.Kind)
			}
			p.w("(")
			p.idents(d.Columns, ", ")
			p.w(")")
		}
		if d.Buckets != nil {
			p.w(" INTO ", d.Buckets.Text, " BUCKETS")
		}
	}
	if len(s.Options) > 0 {
		p.w(" WITH ")
		p.properties(s.Options)
	}
	if s.Like != nil {
		p.w(" LIKE ")
		p.objectName(s.Like.Source)
		if len(s.Like.Options) > 0 {
			p.w(" (")
			for i, o := range s.Like.Options {
				if i > 0 {
					p.w(" ")
				}
				p.w(o.Strategy, " ", o.Feature)
			}
			p.w(")")
		}
	}
	if s.AsQuery != nil {
		p.w(" AS ")
		p.query(s.AsQuery)
	}
}

func (p *printer) columnDef(c *ColumnDef) {
	p.ident(c.Name)
	switch c.Kind {
	case ComputedColumn:
		p.w(" AS ")
		p.expr(c.Expr, precLowest)
	case MetadataColumn:
		p.w(" ")
		p.typ(c.Type)
		p.w(" METADATA")
		if c.MetadataKey != nil {
			p.w(" FROM ")
			p.stringLit(c.MetadataKey)
		}
		if c.Virtual {
			p.w(" VIRTUAL")
		}
	default:
		p.w(" ")
		p.typ(c.Type)
	}
	if c.Constraint != nil {
		p.w(" ")
		p.constraint(c.Constraint)
	}
	p.comment(c.Comment)
}

func (p *printer) constraint(c *Constraint) {
	if c.Name != nil {
		p.w("CONSTRAINT ")
		p.ident(c.Name)
		p.w(" ")
	}
	p.w("PRIMARY KEY")
	if len(c.Columns) > 0 {
		p.w(" (")
		p.idents(c.Columns, ", ")
		p.w(")")
	}
	switch c.Enforcement {
	case Enforced:
		p.w(" ENFORCED")
	case NotEnforced:
		p.w(" NOT ENFORCED")
	}
}

// ---- queries ----

func (p *printer) query(q *Query) {
	if q == nil {
		return
	}
	if q.With != nil {
		p.w("WITH ")
		if q.With.Recursive {
			p.w("RECURSIVE ")
		}
		for i, cte := range q.With.CTEs {
			if i > 0 {
				p.w(", ")
			}
			p.ident(cte.Name)
			if len(cte.Columns) > 0 {
				p.w(" (")
				p.idents(cte.Columns, ", ")
				p.w(")")
			}
			p.w(" AS (")
			p.query(cte.Query)
			p.w(")")
		}
		p.w(" ")
	}
	p.body(q.Body, false)
	if len(q.OrderBy) > 0 {
		p.w(" ORDER BY ")
		p.orderItems(q.OrderBy)
	}
	if q.Limit != nil {
		p.w(" LIMIT ")
		p.expr(q.Limit, precLowest)
	}
	if q.Offset != nil {
		p.w(" OFFSET ")
		p.expr(q.Offset, precLowest)
	}
}

func setOpPrec(k SetOpKind) int {
	if k == Intersect {
		return 2
	}
	return 1
}

// body prints a query body; paren forces parentheses around set operations
// that would otherwise bind differently.
func (p *printer) body(b QueryBody, paren bool) {
	switch b := b.(type) {
	case *Select:
		p.selectBlock(b)
	case *Values:
		p.w("VALUES ")
		for i, r := range b.Rows {
			if i > 0 {
				p.w(", ")
			}
			p.w("(")
			p.exprs(r.Fields)
			p.w(")")
		}
	case *Query:
		p.w("(")
		p.query(b)
		p.w(")")
	case *SetOp:
		if paren {
			p.w("(")
		}
		prec := setOpPrec(b.Op)
		p.body(b.L, isSetOpBelow(b.L, prec))
		p.w(" ", string(b.Op))
		if b.All {
			p.w(" ALL")
		}
		p.w(" ")
		p.body(b.R, isSetOpBelow(b.R, prec+1))
		if paren {
			p.w(")")
		}
	case nil:
	default:
		fmt.Fprintf(p, "<%T>", b)
	}
}

func isSetOpBelow(b QueryBody, prec int) bool {
	s, ok := b.(*SetOp)
	return ok && setOpPrec(s.Op) < prec
}

func (p *printer) selectBlock(s *Select) {
	p.w("SELECT ")
	if len(s.Hints) > 0 {
		p.hints(s.Hints)
		p.w(" ")
	}
	switch s.Quant {
	case QuantDistinct:
		p.w("DISTINCT ")
	case QuantAllRows:
		p.w("ALL ")
	}
	for i, item := range s.Items {
		if i > 0 {
			p.w(", ")
		}
		p.selectItem(item)
	}
	if s.From != nil {
		p.w(" FROM ")
		p.tableRef(s.From)
	}
	if s.Where != nil {
		p.w(" WHERE ")
		p.expr(s.Where, precLowest)
	}
	if len(s.GroupBy) > 0 {
		p.w(" GROUP BY ")
		p.exprs(s.GroupBy)
	}
	if s.Having != nil {
		p.w(" HAVING ")
		p.expr(s.Having, precLowest)
	}
	for i, nw := range s.Windows {
		if i == 0 {
			p.w(" WINDOW ")
		} else {
			p.w(", ")
		}
		p.ident(nw.Name)
		p.w(" AS (")
		p.windowSpecBody(nw.Spec)
		p.w(")")
	}
}

func (p *printer) selectItem(item *SelectItem) {
	p.expr(item.Expr, precLowest)
	if item.Alias != nil {
		p.w(" AS ")
		p.ident(item.Alias)
	}
}

func (p *printer) orderItems(items []*OrderItem) {
	for i, o := range items {
		if i > 0 {
			p.w(", ")
		}
		p.orderItem(o)
	}
}

func (p *printer) orderItem(o *OrderItem) {
	p.expr(o.Expr, precLowest)
	if o.Desc {
		p.w(" DESC")
	}
	switch o.Nulls {
	case NullsFirst:
		p.w(" NULLS FIRST")
	case NullsLast:
		p.w(" NULLS LAST")
	}
}

func (p *printer) alias(a *TableAlias) {
	if a == nil {
		return
	}
	p.w(" AS ")
	p.ident(a.Name)
	if len(a.Columns) > 0 {
		p.w(" (")
		p.idents(a.Columns, ", ")
		p.w(")")
	}
}

func (p *printer) tableRef(t TableRef) {
	switch t := t.(type) {
	case *TableName:
		p.objectName(t.Name)
		if len(t.Hints) > 0 {
			p.w(" ")
			p.hints(t.Hints)
		}
		if t.SystemTime != nil {
			p.w(" FOR SYSTEM_TIME AS OF ")
			p.expr(t.SystemTime, precLowest)
		}
		p.alias(t.Alias)
	case *DerivedTable:
		if t.Lateral {
			p.w("LATERAL ")
		}
		p.w("(")
		p.query(t.Query)
		p.w(")")
		p.alias(t.Alias)
	case *TableFunc:
		if t.Lateral {
			p.w("LATERAL ")
		}
		p.w("TABLE(")
		p.expr(t.Call, precLowest)
		p.w(")")
		p.alias(t.Alias)
	case *Unnest:
		p.w("UNNEST(")
		p.exprs(t.Exprs)
		p.w(")")
		if t.WithOrdinality {
			p.w(" WITH ORDINALITY")
		}
		p.alias(t.Alias)
	case *MatchRecognize:
		p.matchRecognize(t)
	case *Join:
		p.tableRef(t.L)
		if t.Kind == CommaJoin {
			p.w(", ")
		} else {
			p.w(" ")
			if t.Natural {
				p.w("NATURAL ")
			}
			p.w(string(t.Kind), " ")
		}
		if _, nested := t.R.(*Join); nested {
			p.w("(")
			p.tableRef(t.R)
			p.w(")")
		} else {
			p.tableRef(t.R)
		}
		if t.On != nil {
			p.w(" ON ")
			p.expr(t.On, precLowest)
		}
		if len(t.Using) > 0 {
			p.w(" USING (")
			p.idents(t.Using, ", ")
			p.w(")")
		}
	case nil:
	default:
		fmt.Fprintf(p, "<%T>", t)
	}
}

// ---- expressions ----

// Precedence levels, lowest first. The parser uses the same ordering.
const (
	precLowest = iota
	precOr
	precAnd
	precNot
	precIs      // IS [NOT] NULL/TRUE/FALSE/UNKNOWN
	precCompare // = <> < <= > >= IS [NOT] DISTINCT FROM
	precLike    // [NOT] BETWEEN / IN / LIKE / SIMILAR TO
	precAdd     // + -
	precMul     // * / % ||
	precUnary   // unary + -
	precPostfix // x[i] x.f
	precPrimary
)

// BinaryPrecedence returns the binding strength of op; higher binds tighter.
func BinaryPrecedence(op BinaryOp) int {
	switch op {
	case OpOr:
		return precOr
	case OpAnd:
		return precAnd
	case OpAdd, OpSub:
		return precAdd
	case OpMul, OpDiv, OpMod, OpConcat:
		return precMul
	default:
		return precCompare
	}
}

func exprPrec(e Expr) int {
	switch e := e.(type) {
	case *BinaryExpr:
		return BinaryPrecedence(e.Op)
	case *UnaryExpr:
		if e.Op == OpNot {
			return precNot
		}
		return precUnary
	case *IsExpr, *IsJSONExpr:
		return precIs
	case *QuantifiedExpr:
		return precCompare
	case *BetweenExpr, *InExpr, *LikeExpr:
		return precLike
	case *IndexExpr, *FieldAccess:
		return precPostfix
	case *NamedArg:
		return precLowest
	}
	return precPrimary
}

func (p *printer) exprs(list []Expr) {
	for i, e := range list {
		if i > 0 {
			p.w(", ")
		}
		p.expr(e, precLowest)
	}
}

// expr prints e, parenthesized if it binds more loosely than minPrec.
func (p *printer) expr(e Expr, minPrec int) {
	if e == nil {
		return
	}
	if exprPrec(e) < minPrec {
		p.w("(")
		p.expr(e, precLowest)
		p.w(")")
		return
	}
	switch e := e.(type) {
	case *NumberLit:
		p.w(e.Text)
	case *StringLit:
		p.stringLit(e)
	case *BinaryLit:
		p.w("X'", e.Hex, "'")
	case *BoolLit:
		if e.Value {
			p.w("TRUE")
		} else {
			p.w("FALSE")
		}
	case *NullLit:
		p.w("NULL")
	case *UnknownLit:
		p.w("UNKNOWN")
	case *DateTimeLit:
		p.w(string(e.Kind), " ", quoteString(e.Value))
	case *IntervalLit:
		p.w("INTERVAL ")
		if e.Negative {
			p.w("-")
		}
		p.w(quoteString(e.Value), " ")
		p.intervalQualifier(e.Qualifier)
	case *ColumnRef:
		p.idents(e.Parts, ".")
	case *Star:
		for _, q := range e.Qualifier {
			p.ident(q)
			p.w(".")
		}
		p.w("*")
	case *UnaryExpr:
		if e.Op == OpNot {
			p.w("NOT ")
			p.expr(e.X, precNot)
			return
		}
		var operand printer
		operand.expr(e.X, precUnary)
		p.w(string(e.Op))
		// Keep "- -x" from turning into the comment "--x".
		if s := operand.String(); strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
			p.w(" ")
		}
		p.w(operand.String())
	case *BinaryExpr:
		prec := BinaryPrecedence(e.Op)
		p.expr(e.L, prec)
		p.w(" ", string(e.Op), " ")
		p.expr(e.R, prec+1)
	case *IsExpr:
		p.expr(e.X, precIs)
		p.w(" IS ")
		if e.Not {
			p.w("NOT ")
		}
		p.w(string(e.Test))
	case *BetweenExpr:
		p.expr(e.X, precLike)
		p.not(e.Not)
		p.w(" BETWEEN ")
		switch e.Symmetric {
		case Asymmetric:
			p.w("ASYMMETRIC ")
		case Symmetric:
			p.w("SYMMETRIC ")
		}
		p.expr(e.Low, precLike+1)
		p.w(" AND ")
		p.expr(e.High, precLike+1)
	case *InExpr:
		p.expr(e.X, precLike)
		p.not(e.Not)
		p.w(" IN (")
		if e.Query != nil {
			p.query(e.Query)
		} else {
			p.exprs(e.List)
		}
		p.w(")")
	case *LikeExpr:
		p.expr(e.X, precLike)
		p.not(e.Not)
		p.w(" ", string(e.Kind), " ")
		p.expr(e.Pattern, precLike+1)
		if e.Escape != nil {
			p.w(" ESCAPE ")
			p.expr(e.Escape, precLike+1)
		}
	case *QuantifiedExpr:
		p.expr(e.X, precCompare)
		p.w(" ", string(e.Op), " ", string(e.Quantifier), " (")
		p.query(e.Query)
		p.w(")")
	case *ExistsExpr:
		p.w("EXISTS (")
		p.query(e.Query)
		p.w(")")
	case *SubqueryExpr:
		p.w("(")
		p.query(e.Query)
		p.w(")")
	case *CaseExpr:
		p.w("CASE")
		if e.Operand != nil {
			p.w(" ")
			p.expr(e.Operand, precLowest)
		}
		for _, wh := range e.Whens {
			p.w(" WHEN ")
			p.expr(wh.Cond, precLowest)
			p.w(" THEN ")
			p.expr(wh.Result, precLowest)
		}
		if e.Else != nil {
			p.w(" ELSE ")
			p.expr(e.Else, precLowest)
		}
		p.w(" END")
	case *CastExpr:
		if e.Try {
			p.w("TRY_CAST(")
		} else {
			p.w("CAST(")
		}
		p.expr(e.X, precLowest)
		p.w(" AS ")
		p.typ(e.Type)
		p.w(")")
	case *FuncCall:
		p.funcCall(e)
	case *NamedArg:
		p.ident(e.Name)
		p.w(" => ")
		p.expr(e.Value, precLowest)
	case *TableArg:
		p.w("TABLE ")
		p.objectName(e.Table)
		// Several keys need parentheses: a bare comma would end the argument.
		if len(e.PartitionBy) > 0 {
			p.w(" PARTITION BY ")
			var keys printer
			keys.exprs(e.PartitionBy)
			p.parenIf(len(e.PartitionBy) > 1 || strings.HasPrefix(keys.String(), "("), keys.String())
		}
		if len(e.OrderBy) > 0 {
			p.w(" ORDER BY ")
			var keys printer
			keys.orderItems(e.OrderBy)
			p.parenIf(len(e.OrderBy) > 1 || strings.HasPrefix(keys.String(), "("), keys.String())
		}
	case *DescriptorExpr:
		p.w("DESCRIPTOR(")
		p.idents(e.Columns, ", ")
		p.w(")")
	case *TimeUnitExpr:
		p.w(string(e.Unit))
	case *ExtractExpr:
		p.w("EXTRACT(", string(e.Unit), " FROM ")
		p.expr(e.X, precLowest)
		p.w(")")
	case *FloorCeilExpr:
		if e.Ceil {
			p.w("CEIL(")
		} else {
			p.w("FLOOR(")
		}
		// An interval literal would absorb the TO: INTERVAL '1' DAY TO ...
		if _, interval := e.X.(*IntervalLit); interval {
			p.w("(")
			p.expr(e.X, precLowest)
			p.w(")")
		} else {
			p.expr(e.X, precLowest)
		}
		p.w(" TO ", string(e.Unit), ")")
	case *PositionExpr:
		p.w("POSITION(")
		p.expr(e.Sub, precLike+1)
		p.w(" IN ")
		p.expr(e.X, precLowest)
		if e.From != nil {
			p.w(" FROM ")
			p.expr(e.From, precLowest)
		}
		p.w(")")
	case *TrimExpr:
		p.w("TRIM(")
		if e.Side != "" || e.Chars != nil {
			if e.Side != "" {
				p.w(string(e.Side), " ")
			}
			if e.Chars != nil {
				p.expr(e.Chars, precLowest)
				p.w(" ")
			}
			p.w("FROM ")
		}
		p.expr(e.X, precLowest)
		p.w(")")
	case *SubstringExpr:
		p.w("SUBSTRING(")
		p.expr(e.X, precLowest)
		p.w(" FROM ")
		p.expr(e.From, precLowest)
		if e.For != nil {
			p.w(" FOR ")
			p.expr(e.For, precLowest)
		}
		p.w(")")
	case *OverlayExpr:
		p.w("OVERLAY(")
		p.expr(e.X, precLowest)
		p.w(" PLACING ")
		p.expr(e.With, precLowest)
		p.w(" FROM ")
		p.expr(e.From, precLowest)
		if e.For != nil {
			p.w(" FOR ")
			p.expr(e.For, precLowest)
		}
		p.w(")")
	case *RowExpr:
		if e.Explicit {
			p.w("ROW")
		}
		p.w("(")
		p.exprs(e.Fields)
		p.w(")")
	case *ArrayExpr:
		p.w("ARRAY[")
		p.exprs(e.Elems)
		p.w("]")
	case *MapExpr:
		p.w("MAP[")
		p.exprs(e.Elems)
		p.w("]")
	case *IndexExpr:
		p.expr(e.X, precPostfix)
		p.w("[")
		p.expr(e.Index, precLowest)
		p.w("]")
	case *FieldAccess:
		// Only calls and postfix chains can carry ".field" unparenthesized;
		// a.b would read back as a ColumnRef and 1.b as a number.
		switch x := e.X.(type) {
		case *IndexExpr, *FieldAccess:
			p.expr(x, precPostfix)
		case *FuncCall:
			if x.NoParens {
				p.w("(")
				p.expr(x, precLowest)
				p.w(")")
			} else {
				p.expr(x, precPostfix)
			}
		default:
			p.w("(")
			p.expr(x, precLowest)
			p.w(")")
		}
		p.w(".")
		p.ident(e.Field)
	case *GroupingSet:
		p.w(string(e.Kind), " (")
		p.exprs(e.Items)
		p.w(")")
	case *JSONValueExpr, *JSONQueryExpr, *JSONExistsExpr, *JSONObjectExpr, *JSONArrayExpr,
		*JSONObjectAggExpr, *JSONArrayAggExpr, *IsJSONExpr:
		p.jsonExpr(e)
	default:
		fmt.Fprintf(p, "<%T>", e)
	}
}

func (p *printer) parenIf(paren bool, s string) {
	if paren {
		p.w("(", s, ")")
	} else {
		p.w(s)
	}
}

func (p *printer) not(not bool) {
	if not {
		p.w(" NOT")
	}
}

func (p *printer) funcName(f *FuncCall) {
	n := f.Name
	if n == nil {
		return
	}
	if len(n.Parts) == 1 {
		name := n.Parts[0].Name
		// TIMESTAMPADD(DAY, ...) is special syntax only with a unit first.
		if len(f.Args) > 0 && isWord(name) {
			if _, unit := f.Args[0].(*TimeUnitExpr); unit {
				p.w(name)
				return
			}
		}
		// Reserved function names (COUNT, LEFT, HOUR) are written bare, but
		// not those that would read back as JSON clause syntax.
		if (IsReservedFunctionName(name) || IsNiladicFunction(name)) && isWord(name) &&
			!JSONFunctionNames[strings.ToUpper(name)] {
			p.w(name)
			return
		}
	}
	p.objectName(n)
}

func (p *printer) funcCall(f *FuncCall) {
	p.funcName(f)
	if f.NoParens {
		return
	}
	p.w("(")
	switch f.Quant {
	case QuantDistinct:
		p.w("DISTINCT ")
	case QuantAllRows:
		p.w("ALL ")
	}
	p.exprs(f.Args)
	if f.Nulls != "" {
		p.w(" " + string(f.Nulls))
	}
	p.w(")")
	if f.Filter != nil {
		p.w(" FILTER (WHERE ")
		p.expr(f.Filter, precLowest)
		p.w(")")
	}
	if f.Over != nil {
		p.w(" OVER ")
		p.windowSpec(f.Over)
	}
}

func (p *printer) windowSpec(s *WindowSpec) {
	if s.Ref != nil && len(s.PartitionBy) == 0 && len(s.OrderBy) == 0 && s.Frame == nil {
		p.ident(s.Ref)
		return
	}
	p.w("(")
	p.windowSpecBody(s)
	p.w(")")
}

func (p *printer) windowSpecBody(s *WindowSpec) {
	if s == nil {
		return
	}
	sep := ""
	if s.Ref != nil {
		p.ident(s.Ref)
		sep = " "
	}
	if len(s.PartitionBy) > 0 {
		p.w(sep, "PARTITION BY ")
		p.exprs(s.PartitionBy)
		sep = " "
	}
	if len(s.OrderBy) > 0 {
		p.w(sep, "ORDER BY ")
		p.orderItems(s.OrderBy)
		sep = " "
	}
	if f := s.Frame; f != nil {
		p.w(sep, string(f.Unit), " ")
		if f.End != nil {
			p.w("BETWEEN ")
			p.frameBound(f.Begin)
			p.w(" AND ")
			p.frameBound(f.End)
		} else {
			p.frameBound(f.Begin)
		}
	}
}

func (p *printer) frameBound(b *FrameBound) {
	if b == nil {
		return
	}
	if b.Kind == Preceding || b.Kind == Following {
		p.expr(b.Offset, precLike+1)
		p.w(" ")
	}
	p.w(string(b.Kind))
}

func (p *printer) intervalQualifier(q *IntervalQualifier) {
	if q == nil {
		return
	}
	p.w(string(q.From))
	single := q.To == ""
	switch {
	case single && q.From == "SECOND" && q.FracPrecision != NoPrecision:
		p.w("(", strconv.Itoa(q.FromPrecision), ", ", strconv.Itoa(q.FracPrecision), ")")
	case q.FromPrecision != NoPrecision:
		p.w("(", strconv.Itoa(q.FromPrecision), ")")
	}
	if !single {
		p.w(" TO ", string(q.To))
		if q.FracPrecision != NoPrecision {
			p.w("(", strconv.Itoa(q.FracPrecision), ")")
		}
	}
}

// ---- types ----

func (p *printer) typ(t Type) {
	switch t := t.(type) {
	case *BasicType:
		p.w(string(t.Name))
		if t.Precision != NoPrecision {
			p.w("(", strconv.Itoa(t.Precision))
			if t.Scale != NoPrecision {
				p.w(", ", strconv.Itoa(t.Scale))
			}
			p.w(")")
		}
	case *IntervalType:
		p.w("INTERVAL ")
		p.intervalQualifier(t.Qualifier)
	case *ArrayType:
		p.w("ARRAY<")
		p.typ(t.Elem)
		p.w(">")
	case *MultisetType:
		p.w("MULTISET<")
		p.typ(t.Elem)
		p.w(">")
	case *MapType:
		p.w("MAP<")
		p.typ(t.Key)
		p.w(", ")
		p.typ(t.Value)
		p.w(">")
	case *RowType:
		p.w("ROW<")
		for i, f := range t.Fields {
			if i > 0 {
				p.w(", ")
			}
			p.ident(f.Name)
			p.w(" ")
			p.typ(f.Type)
			if f.Comment != nil {
				p.w(" ")
				p.stringLit(f.Comment)
			}
		}
		p.w(">")
	case *RawType:
		p.w("RAW(")
		p.stringLit(t.Class)
		if t.Snapshot != nil {
			p.w(", ")
			p.stringLit(t.Snapshot)
		}
		p.w(")")
	case nil:
		return
	default:
		fmt.Fprintf(p, "<%T>", t)
		return
	}
	if !t.Nullable() {
		p.w(" NOT NULL")
	}
}

func (p *printer) alterTable(s *AlterTable) {
	p.w("ALTER TABLE ")
	if s.IfExists {
		p.w("IF EXISTS ")
	}
	p.objectName(s.Name)
	switch s.Op {
	case AlterRename:
		p.w(" RENAME TO ")
		p.objectName(s.NewName)
	case AlterSet:
		p.w(" SET ")
		p.properties(s.Options)
	case AlterReset:
		p.w(" RESET (")
		for i, k := range s.Keys {
			if i > 0 {
				p.w(", ")
			}
			p.stringLit(k)
		}
		p.w(")")
	case AlterAdd, AlterModify:
		p.w(" ", string(s.Op), " ")
		if s.Paren {
			p.w("(")
		}
		sep := ""
		for i, c := range s.Schema.Columns {
			p.w(sep)
			sep = ", "
			p.columnDef(c)
			if i < len(s.Positions) && s.Positions[i] != nil {
				if pos := s.Positions[i]; pos.First {
					p.w(" FIRST")
				} else {
					p.w(" AFTER ")
					p.ident(pos.After)
				}
			}
		}
		for _, wm := range s.Schema.Watermarks {
			p.w(sep, "WATERMARK FOR ")
			sep = ", "
			p.idents(wm.Column, ".")
			p.w(" AS ")
			p.expr(wm.Expr, precLowest)
		}
		for _, c := range s.Schema.Constraints {
			p.w(sep)
			sep = ", "
			p.constraint(c)
		}
		if s.Paren {
			p.w(")")
		}
	case AlterDropColumns:
		p.w(" DROP ")
		if len(s.Columns) == 1 {
			p.ident(s.Columns[0])
		} else {
			p.w("(")
			p.idents(s.Columns, ", ")
			p.w(")")
		}
	case AlterDropPK:
		p.w(" DROP PRIMARY KEY")
	case AlterDropWM:
		p.w(" DROP WATERMARK")
	case AlterDropCons:
		p.w(" DROP CONSTRAINT ")
		p.ident(s.Columns[0])
	case AlterRenameColumn:
		p.w(" RENAME ")
		p.ident(s.Columns[0])
		p.w(" TO ")
		p.ident(s.To)
	}
}
