package parser

import (
	"github.com/eddy-streams/eddy/sql/ast"
)

// parseCreate parses the CREATE statements.
func (p *parser) parseCreate() ast.Stmt {
	loc := p.loc()
	p.advance()
	temporary := p.acceptKw("TEMPORARY")
	system := temporary && p.acceptKw("SYSTEM")
	switch {
	case p.isKw("TABLE") && !system:
		return p.parseCreateTable(loc, temporary)
	case p.isKw("VIEW") && !system:
		return p.parseCreateView(loc, temporary)
	case p.isKw("FUNCTION"):
		return p.parseCreateFunction(loc, temporary, system)
	case p.isKw("DATABASE") && !temporary:
		p.advance()
		d := &ast.CreateDatabase{Loc: loc}
		d.IfNotExists = p.acceptKwSeq("IF", "NOT", "EXISTS")
		d.Name = p.parseObjectName("a database name")
		d.Comment = p.parseOptionalComment()
		if p.acceptKw("WITH") {
			d.Options = p.parseProperties()
		}
		return d
	case p.isKw("CATALOG") && !temporary:
		p.advance()
		c := &ast.CreateCatalog{Loc: loc}
		c.IfNotExists = p.acceptKwSeq("IF", "NOT", "EXISTS")
		c.Name = p.parseIdent("a catalog name")
		c.Comment = p.parseOptionalComment()
		p.expectKw("WITH")
		c.Options = p.parseProperties()
		return c
	}
	switch {
	case system:
		p.failExpected("FUNCTION")
	case temporary:
		p.failExpected("TABLE, VIEW or FUNCTION")
	}
	p.failExpected("TABLE, VIEW, FUNCTION, DATABASE or CATALOG")
	return nil
}

func (p *parser) parseOptionalComment() *ast.StringLit {
	if p.acceptKw("COMMENT") {
		return p.parseStringLit("a string literal for the comment")
	}
	return nil
}

func (p *parser) parseCreateTable(loc ast.Loc, temporary bool) ast.Stmt {
	p.advance()
	ct := &ast.CreateTable{Loc: loc, Temporary: temporary}
	ct.IfNotExists = p.acceptKwSeq("IF", "NOT", "EXISTS")
	ct.Name = p.parseObjectName("a table name")
	if p.acceptOp("(") {
		for {
			p.parseTableElement(ct)
			if !p.acceptOp(",") {
				break
			}
		}
		p.expectOp(")")
	}
	ct.Comment = p.parseOptionalComment()
	if p.acceptKwBy("PARTITIONED") {
		ct.PartitionedBy = p.parseParenIdentList("a partition column")
	}
	if p.isKw("DISTRIBUTED") {
		ct.Distribution = p.parseDistribution()
	}
	if p.acceptKw("WITH") {
		ct.Options = p.parseProperties()
	}
	switch {
	case p.isKw("LIKE"):
		like := &ast.LikeClause{Loc: p.loc()}
		p.advance()
		like.Source = p.parseObjectName("a table name")
		if p.acceptOp("(") {
			// Options are separated by white space in Flink's grammar;
			// commas are accepted too.
			for {
				like.Options = append(like.Options, p.parseLikeOption())
				if p.acceptOp(",") {
					continue
				}
				if p.isOp(")") {
					break
				}
			}
			p.expectOp(")")
		}
		ct.Like = like
	case p.acceptKw("AS"):
		ct.AsQuery = p.parseQuery()
	}
	return ct
}

var likeFeatures = map[string]bool{
	"ALL": true, "CONSTRAINTS": true, "PARTITIONS": true, "DISTRIBUTION": true,
	"GENERATED": true, "OPTIONS": true, "WATERMARKS": true, "METADATA": true,
}

func (p *parser) parseLikeOption() *ast.LikeOption {
	o := &ast.LikeOption{Loc: p.loc()}
	switch w := p.upperWord(); w {
	case "INCLUDING", "EXCLUDING", "OVERWRITING":
		o.Strategy = w
		p.advance()
	default:
		p.failExpected("INCLUDING, EXCLUDING or OVERWRITING")
	}
	w := p.upperWord()
	if !likeFeatures[w] {
		p.failExpected("ALL, CONSTRAINTS, PARTITIONS, DISTRIBUTION, GENERATED, OPTIONS, WATERMARKS or METADATA")
	}
	p.advance()
	o.Feature = w
	return o
}

func (p *parser) parseDistribution() *ast.Distribution {
	d := &ast.Distribution{Loc: p.loc()}
	p.advance()
	if p.acceptKw("BY") {
		if p.isKw("HASH") || p.isKw("RANGE") {
			d.Kind = p.advance().upper
		}
		d.Columns = p.parseParenIdentList("a bucket column")
		if !p.isKw("INTO") {
			return d
		}
	}
	p.expectKw("INTO")
	t := p.tok()
	if t.kind != tokNumber || t.num != ast.IntegerNumber {
		p.failExpected("the number of buckets")
	}
	p.advance()
	d.Buckets = &ast.NumberLit{Loc: ast.Loc{Pos: t.pos}, Kind: t.num, Text: t.text}
	p.expectKw("BUCKETS")
	return d
}

// parseTableElement parses a column, WATERMARK or table constraint.
func (p *parser) parseTableElement(ct *ast.CreateTable) {
	loc := p.loc()
	switch {
	case p.isKw("WATERMARK") && isKw(p.peek(1), "FOR"):
		p.i += 2
		wm := &ast.Watermark{Loc: loc}
		wm.Column = append(wm.Column, p.parseIdent("the rowtime column"))
		for p.acceptOp(".") {
			wm.Column = append(wm.Column, p.parseFieldName())
		}
		p.expectKw("AS")
		wm.Expr = p.parseExpr()
		ct.Watermarks = append(ct.Watermarks, wm)
		return
	case p.isKw("CONSTRAINT") || p.isKw("PRIMARY") || p.isKw("UNIQUE"):
		c := p.parseConstraint(true)
		ct.Constraints = append(ct.Constraints, c)
		return
	}
	col := &ast.ColumnDef{Loc: loc, Name: p.parseIdent("a column name, WATERMARK or PRIMARY KEY")}
	if p.acceptKw("AS") {
		col.Kind = ast.ComputedColumn
		col.Expr = p.parseExpr()
	} else {
		col.Type = p.parseType()
		if p.acceptKw("METADATA") {
			col.Kind = ast.MetadataColumn
			if p.acceptKw("FROM") {
				col.MetadataKey = p.parseStringLit("a string literal for the metadata key")
			}
			col.Virtual = p.acceptKw("VIRTUAL")
		} else if p.isKw("CONSTRAINT") || p.isKw("PRIMARY") || p.isKw("UNIQUE") {
			col.Constraint = p.parseConstraint(false)
		}
	}
	col.Comment = p.parseOptionalComment()
	ct.Columns = append(ct.Columns, col)
}

// parseConstraint parses [CONSTRAINT name] PRIMARY KEY [(cols)] [NOT]
// ENFORCED; the column list is required for table constraints only.
func (p *parser) parseConstraint(table bool) *ast.Constraint {
	c := &ast.Constraint{Loc: p.loc()}
	if p.acceptKw("CONSTRAINT") {
		c.Name = p.parseIdent("a constraint name")
	}
	if p.isKw("UNIQUE") {
		p.failAt(p.pos(), "UNIQUE constraints are not supported; use PRIMARY KEY ... NOT ENFORCED")
	}
	p.expectKwSeq("PRIMARY", "KEY")
	if table {
		c.Columns = p.parseParenIdentList("a column name")
	}
	switch {
	case p.acceptKwSeq("NOT", "ENFORCED"):
		c.Enforcement = ast.NotEnforced
	case p.acceptKw("ENFORCED"):
		c.Enforcement = ast.Enforced
	}
	return c
}

func (p *parser) parseCreateView(loc ast.Loc, temporary bool) ast.Stmt {
	p.advance()
	v := &ast.CreateView{Loc: loc, Temporary: temporary}
	v.IfNotExists = p.acceptKwSeq("IF", "NOT", "EXISTS")
	v.Name = p.parseObjectName("a view name")
	if p.isOp("(") {
		v.Columns = p.parseParenIdentList("a column name")
	}
	v.Comment = p.parseOptionalComment()
	p.expectKw("AS")
	v.Query = p.parseQuery()
	return v
}

func (p *parser) parseCreateFunction(loc ast.Loc, temporary, system bool) ast.Stmt {
	p.advance()
	f := &ast.CreateFunction{Loc: loc, Temporary: temporary, System: system}
	f.IfNotExists = p.acceptKwSeq("IF", "NOT", "EXISTS")
	f.Name = p.parseObjectName("a function name")
	p.expectKw("AS")
	f.Class = p.parseStringLit("a string literal naming the implementation class")
	if p.acceptKw("LANGUAGE") {
		switch w := p.upperWord(); w {
		case "JAVA", "SCALA", "PYTHON":
			f.Language = w
			p.advance()
		default:
			p.failExpected("JAVA, SCALA or PYTHON")
		}
	}
	if p.acceptKw("USING") {
		for {
			p.expectKw("JAR")
			f.Jars = append(f.Jars, p.parseStringLit("a string literal with the jar path"))
			if !p.acceptOp(",") {
				break
			}
		}
	}
	return f
}

// parseDrop parses DROP [TEMPORARY [SYSTEM]] kind [IF EXISTS] name.
func (p *parser) parseDrop() ast.Stmt {
	d := &ast.Drop{Loc: p.loc()}
	p.advance()
	d.Temporary = p.acceptKw("TEMPORARY")
	d.System = d.Temporary && p.acceptKw("SYSTEM")
	switch w := p.upperWord(); {
	case w == "FUNCTION",
		!d.System && (w == "TABLE" || w == "VIEW"),
		!d.Temporary && (w == "DATABASE" || w == "CATALOG"):
		d.Kind = ast.ObjectKind(w)
		p.advance()
	case d.System:
		p.failExpected("FUNCTION")
	case d.Temporary:
		p.failExpected("TABLE, VIEW or FUNCTION")
	default:
		p.failExpected("TABLE, VIEW, FUNCTION, DATABASE or CATALOG")
	}
	d.IfExists = p.acceptKwSeq("IF", "EXISTS")
	if d.Kind == ast.KindCatalog {
		id := p.parseIdent("a catalog name")
		d.Name = &ast.ObjectName{Loc: id.Loc, Parts: []*ast.Ident{id}}
	} else {
		d.Name = p.parseObjectName("a name")
	}
	if d.Kind == ast.KindDatabase {
		if p.acceptKw("CASCADE") {
			d.Cascade = true
		} else {
			p.acceptKw("RESTRICT")
		}
	}
	return d
}
