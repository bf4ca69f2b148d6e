package parser

import (
	"github.com/eddy-streams/eddy/sql/ast"
)

// parseQuery parses [WITH ...] body [ORDER BY ...] [LIMIT ...] [OFFSET ...]
// [FETCH ...].
func (p *parser) parseQuery() *ast.Query {
	p.enter()
	defer p.leave()
	q := &ast.Query{Loc: p.loc()}
	if p.isKw("WITH") {
		q.With = p.parseWith()
	}
	q.Body = p.parseQueryBody(0)
	return p.finishQuery(q)
}

// parseQueryTail continues a query whose first operand, a parenthesized
// query, has already been parsed: "(SELECT 1) UNION SELECT 2 LIMIT 1".
func (p *parser) parseQueryTail(first *ast.Query) *ast.Query {
	p.enter()
	defer p.leave()
	q := &ast.Query{Loc: first.Loc}
	q.Body = p.parseSetOps(asBody(first), 0)
	return p.finishQuery(q)
}

// asBody returns the body position form of a parenthesized query: the
// bare body when nothing else is attached, else the query itself.
func asBody(q *ast.Query) ast.QueryBody {
	if q.With == nil && len(q.OrderBy) == 0 && q.Limit == nil && q.Offset == nil {
		return q.Body
	}
	return q
}

// finishQuery parses the ORDER BY / LIMIT / OFFSET / FETCH clauses and
// unwraps a redundant outer query around a parenthesized one.
func (p *parser) finishQuery(q *ast.Query) *ast.Query {
	if p.acceptKwBy("ORDER") {
		q.OrderBy = p.parseOrderItems()
	}
	p.parseLimitOffset(q)
	if inner, ok := q.Body.(*ast.Query); ok && q.With == nil && len(q.OrderBy) == 0 && q.Limit == nil && q.Offset == nil {
		return inner
	}
	return q
}

func (p *parser) parseLimitOffset(q *ast.Query) {
	for {
		switch {
		case p.isKw("LIMIT"):
			if q.Limit != nil {
				p.failAt(p.pos(), "duplicate LIMIT or FETCH")
			}
			p.advance()
			if p.acceptKw("ALL") {
				continue
			}
			q.Limit = p.parseExpr()
		case p.isKw("OFFSET"):
			if q.Offset != nil {
				p.failAt(p.pos(), "duplicate OFFSET")
			}
			p.advance()
			q.Offset = p.parseExpr()
			if !p.acceptKw("ROWS") {
				p.acceptKw("ROW")
			}
		case p.isKw("FETCH"):
			if q.Limit != nil {
				p.failAt(p.pos(), "duplicate LIMIT or FETCH")
			}
			p.advance()
			if !p.acceptKw("FIRST") {
				p.expectKw("NEXT")
			}
			if p.isKw("ROW") || p.isKw("ROWS") {
				q.Limit = &ast.NumberLit{Loc: p.loc(), Kind: ast.IntegerNumber, Text: "1"}
			} else {
				q.Limit = p.parseExpr()
			}
			if !p.acceptKw("ROWS") {
				p.expectKw("ROW")
			}
			p.expectKw("ONLY")
		default:
			return
		}
	}
}

func (p *parser) parseWith() *ast.With {
	w := &ast.With{Loc: p.loc()}
	p.advance()
	w.Recursive = p.acceptKw("RECURSIVE")
	for {
		cte := &ast.CTE{Loc: p.loc(), Name: p.parseIdent("a name for the WITH query")}
		if p.isOp("(") {
			cte.Columns = p.parseParenIdentList("a column name")
		}
		p.expectKw("AS")
		p.expectOp("(")
		cte.Query = p.parseQuery()
		p.expectOp(")")
		w.CTEs = append(w.CTEs, cte)
		if !p.acceptOp(",") {
			return w
		}
	}
}

// setOpPrec returns the precedence of the set operator at the current
// token, or 0. INTERSECT binds tighter than UNION and EXCEPT.
func (p *parser) setOpPrec() (ast.SetOpKind, int) {
	switch p.upperWord() {
	case "UNION":
		return ast.Union, 1
	case "EXCEPT", "MINUS":
		return ast.Except, 1
	case "INTERSECT":
		return ast.Intersect, 2
	}
	return "", 0
}

func (p *parser) parseQueryBody(minPrec int) ast.QueryBody {
	return p.parseSetOps(p.parseQueryPrimary(), minPrec)
}

func (p *parser) parseSetOps(left ast.QueryBody, minPrec int) ast.QueryBody {
	for {
		op, prec := p.setOpPrec()
		if prec == 0 || prec < minPrec {
			return left
		}
		p.advance()
		s := &ast.SetOp{Loc: ast.Loc{Pos: left.Start()}, Op: op, L: left}
		if p.acceptKw("ALL") {
			s.All = true
		} else {
			p.acceptKw("DISTINCT")
		}
		p.enter()
		s.R = p.parseQueryBody(prec + 1)
		p.leave()
		left = s
	}
}

func (p *parser) parseQueryPrimary() ast.QueryBody {
	switch {
	case p.isKw("SELECT"):
		return p.parseSelect()
	case p.isKw("VALUES"):
		return p.parseValues()
	case p.isOp("("):
		p.advance()
		q := p.parseQuery()
		p.expectOp(")")
		return asBody(q)
	}
	p.failExpected("SELECT, VALUES or '('")
	return nil
}

func (p *parser) parseValues() *ast.Values {
	v := &ast.Values{Loc: p.loc()}
	p.advance()
	for {
		row := &ast.RowExpr{Loc: p.loc()}
		switch {
		case p.isOp("("):
			p.advance()
			row.Fields = p.parseExprList()
			p.expectOp(")")
		case p.isKw("ROW") && isOp(p.peek(1), "("):
			p.advance()
			p.advance()
			row.Fields = p.parseExprList()
			p.expectOp(")")
		default:
			row.Fields = []ast.Expr{p.parseExpr()}
		}
		v.Rows = append(v.Rows, row)
		if !p.acceptOp(",") {
			return v
		}
	}
}

func (p *parser) parseSelect() *ast.Select {
	s := &ast.Select{Loc: p.loc()}
	p.advance()
	s.Hints = p.parseHints()
	switch {
	case p.acceptKw("DISTINCT"):
		s.Quant = ast.QuantDistinct
	case p.acceptKw("ALL"):
		s.Quant = ast.QuantAllRows
	}
	for {
		s.Items = append(s.Items, p.parseSelectItem())
		if !p.acceptOp(",") {
			break
		}
	}
	if p.acceptKw("FROM") {
		s.From = p.parseFrom()
	}
	if p.acceptKw("WHERE") {
		s.Where = p.parseExpr()
	}
	if p.acceptKwBy("GROUP") {
		for {
			s.GroupBy = append(s.GroupBy, p.parseGroupingElement())
			if !p.acceptOp(",") {
				break
			}
		}
	}
	if p.acceptKw("HAVING") {
		s.Having = p.parseExpr()
	}
	if p.acceptKw("WINDOW") {
		for {
			nw := &ast.NamedWindow{Loc: p.loc(), Name: p.parseIdent("a window name")}
			p.expectKw("AS")
			start := p.loc()
			p.expectOp("(")
			nw.Spec = p.parseWindowSpec(start)
			p.expectOp(")")
			s.Windows = append(s.Windows, nw)
			if !p.acceptOp(",") {
				break
			}
		}
	}
	return s
}

// parseSelectItem parses *, t.*, or expr [[AS] alias].
func (p *parser) parseSelectItem() *ast.SelectItem {
	item := &ast.SelectItem{Loc: p.loc()}
	if star := p.tryStar(); star != nil {
		item.Expr = star
		return item
	}
	item.Expr = p.parseExpr()
	if p.acceptKw("AS") {
		item.Alias = p.parseIdent("an alias")
	} else if isIdentTok(p.tok()) {
		item.Alias = p.parseIdent("an alias")
	}
	return item
}

// tryStar parses * or a qualified star t.* / db.t.*, or returns nil.
func (p *parser) tryStar() *ast.Star {
	if p.isOp("*") {
		return &ast.Star{Loc: ast.Loc{Pos: p.advance().pos}}
	}
	if !isIdentTok(p.tok()) {
		return nil
	}
	// Look ahead over name.name. ... for a trailing .*
	n := 0
	for {
		t := p.peek(n)
		if n > 0 && t.kind != tokWord && t.kind != tokQuotedIdent || n == 0 && !isIdentTok(t) {
			return nil
		}
		if !isOp(p.peek(n+1), ".") {
			return nil
		}
		if isOp(p.peek(n+2), "*") {
			break
		}
		n += 2
	}
	star := &ast.Star{Loc: p.loc()}
	for i := 0; i <= n; i += 2 {
		star.Qualifier = append(star.Qualifier, p.identFrom(p.advance()))
		p.advance() // '.'
	}
	p.advance() // '*'
	return star
}

// parseGroupingElement parses an expression, (), GROUPING SETS (...),
// ROLLUP (...) or CUBE (...).
func (p *parser) parseGroupingElement() ast.Expr {
	loc := p.loc()
	var kind ast.GroupingKind
	switch {
	case p.isKwSeq("GROUPING", "SETS"):
		p.advance()
		kind = ast.GroupingSets
	case p.isKw("ROLLUP"):
		kind = ast.Rollup
	case p.isKw("CUBE"):
		kind = ast.Cube
	case p.isOp("(") && isOp(p.peek(1), ")"):
		p.advance()
		p.advance()
		return &ast.RowExpr{Loc: loc}
	default:
		return p.parseExpr()
	}
	p.advance()
	p.enter()
	defer p.leave()
	g := &ast.GroupingSet{Loc: loc, Kind: kind}
	p.expectOp("(")
	for {
		g.Items = append(g.Items, p.parseGroupingElement())
		if !p.acceptOp(",") {
			break
		}
	}
	p.expectOp(")")
	return g
}

// parseFrom parses table references joined by commas and JOINs, all
// left-associative at one level, as Calcite does.
func (p *parser) parseFrom() ast.TableRef {
	left := p.parseTableRef()
	for {
		loc := ast.Loc{Pos: left.Start()}
		if p.acceptOp(",") {
			left = &ast.Join{Loc: loc, Kind: ast.CommaJoin, L: left, R: p.parseTableRef()}
			continue
		}
		kind, natural, ok := p.parseJoinKind()
		if !ok {
			return left
		}
		j := &ast.Join{Loc: loc, Kind: kind, Natural: natural, L: left, R: p.parseTableRef()}
		switch {
		case p.acceptKw("ON"):
			j.On = p.parseExpr()
		case p.acceptKw("USING"):
			j.Using = p.parseParenIdentList("a column name")
		case kind != ast.CrossJoin && !natural:
			p.failExpected("ON or USING")
		}
		left = j
	}
}

// parseJoinKind consumes [NATURAL] [INNER|LEFT|RIGHT|FULL [OUTER]|CROSS] JOIN.
func (p *parser) parseJoinKind() (kind ast.JoinKind, natural bool, ok bool) {
	start := p.i
	natural = p.acceptKw("NATURAL")
	switch {
	case p.acceptKw("JOIN"):
		return ast.InnerJoin, natural, true
	case p.acceptKw("INNER"):
		kind = ast.InnerJoin
	case p.acceptKw("LEFT"):
		kind = ast.LeftJoin
		p.acceptKw("OUTER")
	case p.acceptKw("RIGHT"):
		kind = ast.RightJoin
		p.acceptKw("OUTER")
	case p.acceptKw("FULL"):
		kind = ast.FullJoin
		p.acceptKw("OUTER")
	case p.acceptKw("CROSS"):
		kind = ast.CrossJoin
	default:
		if natural {
			p.failExpected("JOIN")
		}
		p.i = start
		return "", false, false
	}
	p.expectKw("JOIN")
	return kind, natural, true
}

// parseTableRef parses one FROM item with its alias.
func (p *parser) parseTableRef() ast.TableRef {
	p.enter()
	defer p.leave()
	loc := p.loc()
	switch {
	case p.isKw("LATERAL"):
		p.advance()
		switch {
		case p.isKw("TABLE"):
			tf := p.parseTableFunc(loc)
			tf.Lateral = true
			return tf
		case p.isOp("("):
			d := p.parseDerivedTable(loc)
			d.Lateral = true
			return d
		}
		p.failExpected("TABLE or '(' after LATERAL")
	case p.isKw("TABLE"):
		return p.parseTableFunc(loc)
	case p.isKw("UNNEST"):
		u := &ast.Unnest{Loc: loc}
		p.advance()
		p.expectOp("(")
		u.Exprs = p.parseExprList()
		p.expectOp(")")
		u.WithOrdinality = p.acceptKwSeq("WITH", "ORDINALITY")
		u.Alias = p.parseTableAlias()
		return u
	case p.isOp("("):
		if isKw(p.peek(1), "SELECT") || isKw(p.peek(1), "WITH") || isKw(p.peek(1), "VALUES") {
			d := p.parseDerivedTable(loc)
			if d.Alias == nil {
				return p.maybeMatchRecognize(loc, d) // match.go
			}
			p.refuseAliasBeforeMatch()
			return d
		}
		return p.parseParenTableRef()
	}
	t := &ast.TableName{Loc: loc, Name: p.parseObjectName("a table name")}
	t.Hints = p.parseHints()
	if p.acceptKwSeq("FOR", "SYSTEM_TIME") {
		p.expectKwSeq("AS", "OF")
		t.SystemTime = p.parseExpr()
	}
	if p.isKw("MATCH_RECOGNIZE") {
		return p.maybeMatchRecognize(loc, t) // match.go
	}
	t.Alias = p.parseTableAlias()
	p.refuseAliasBeforeMatch()
	return t
}

// refuseAliasBeforeMatch fails on "t AS x MATCH_RECOGNIZE": the alias
// names the clause's output and goes after it.
func (p *parser) refuseAliasBeforeMatch() {
	if p.isKw("MATCH_RECOGNIZE") {
		p.failAt(p.pos(), "the alias goes after MATCH_RECOGNIZE (...), not before it")
	}
}

func (p *parser) parseDerivedTable(loc ast.Loc) *ast.DerivedTable {
	p.expectOp("(")
	d := &ast.DerivedTable{Loc: loc, Query: p.parseQuery()}
	p.expectOp(")")
	d.Alias = p.parseTableAlias()
	return d
}

// parseParenTableRef parses a parenthesized join "(a JOIN b ON ...)", or a
// parenthesized derived table that continues as a query:
// "((SELECT 1) UNION (SELECT 2)) AS t".
func (p *parser) parseParenTableRef() ast.TableRef {
	p.expectOp("(")
	ref := p.parseFrom()
	if d, ok := ref.(*ast.DerivedTable); ok && d.Alias == nil && !d.Lateral && p.startsQueryTail() {
		d.Query = p.parseQueryTail(d.Query)
	}
	p.expectOp(")")
	switch r := ref.(type) {
	case *ast.DerivedTable:
		if r.Alias == nil {
			r.Alias = p.parseTableAlias()
		}
	case *ast.TableName:
		if r.Alias == nil {
			r.Alias = p.parseTableAlias()
		}
	}
	return ref
}

// parseTableFunc parses TABLE(fn(args)) [alias].
func (p *parser) parseTableFunc(loc ast.Loc) *ast.TableFunc {
	p.expectKw("TABLE")
	p.expectOp("(")
	tf := &ast.TableFunc{Loc: loc}
	t := p.tok()
	var name *ast.ObjectName
	switch {
	case isIdentTok(t):
		name = p.parseObjectName("a table function name")
	case t.kind == tokWord && ast.IsReservedFunctionName(t.upper):
		name = p.objectNameFrom(p.advance())
	default:
		p.failExpected("a table function call")
	}
	if !p.isOp("(") {
		p.failExpected("'(' after the table function name")
	}
	tf.Call = p.parseCall(name).(*ast.FuncCall)
	p.expectOp(")")
	tf.Alias = p.parseTableAlias()
	return tf
}

// parseTableAlias parses [AS] name [(col, ...)].
func (p *parser) parseTableAlias() *ast.TableAlias {
	loc := p.loc()
	if !p.acceptKw("AS") && !isIdentTok(p.tok()) {
		return nil
	}
	a := &ast.TableAlias{Loc: loc, Name: p.parseIdent("an alias")}
	if p.isOp("(") {
		a.Columns = p.parseParenIdentList("a column alias")
	}
	return a
}
