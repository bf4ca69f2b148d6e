package parser

import (
	"github.com/eddy-streams/eddy/sql/ast"
)

// parseStmt parses one statement, dispatching on its first keyword.
func (p *parser) parseStmt() ast.Stmt {
	p.enter()
	defer p.leave()
	if p.startsQuery() || p.isOp("(") {
		return p.parseQuery()
	}
	switch p.upperWord() {
	case "CREATE":
		return p.parseCreate()
	case "DROP":
		return p.parseDrop()
	case "INSERT":
		return p.parseInsert()
	case "SHOW":
		return p.parseShow()
	case "DESCRIBE", "DESC":
		d := &ast.Describe{Loc: p.loc()}
		p.advance()
		if p.isKw("EXTENDED") && isIdentTok(p.peek(1)) {
			p.advance()
			d.Extended = true
		}
		d.Name = p.parseObjectName("a table name")
		return d
	case "USE":
		return p.parseUse()
	case "SET":
		s := &ast.Set{Loc: p.loc()}
		p.advance()
		if p.at(tokString) {
			s.Property = p.parseProperty()
		}
		return s
	case "RESET":
		r := &ast.Reset{Loc: p.loc()}
		p.advance()
		if p.at(tokString) {
			r.Key = p.parseStringLit("a string literal")
		}
		return r
	case "EXPLAIN":
		return p.parseExplain()
	case "ALTER":
		return p.parseAlter()
	case "COMPILE":
		return p.parseCompilePlan()
	case "ANALYZE", "LOAD", "UNLOAD", "ADD", "REMOVE", "TRUNCATE", "CALL":
		p.failAt(p.pos(), "%s statements are not supported yet", p.tok().upper)
	case "EXECUTE":
		loc := p.loc()
		p.advance()
		if p.acceptKw("PLAN") {
			return &ast.ExecutePlan{Loc: loc, File: p.parseStringLit("the plan's file as a string literal")}
		}
		p.expectKwSeq("STATEMENT", "SET")
		return p.parseStatementSetBody(loc, ast.ExecuteStatementSet)
	case "BEGIN":
		loc := p.loc()
		p.advance()
		p.expectKwSeq("STATEMENT", "SET")
		p.expectOp(";")
		return p.parseStatementSetInserts(loc, ast.ClientStatementSet)
	}
	p.failExpected("a statement")
	return nil
}

// parseStatementSetBody parses BEGIN insert; ... END after STATEMENT SET.
func (p *parser) parseStatementSetBody(loc ast.Loc, form ast.StatementSetForm) ast.Stmt {
	p.expectKw("BEGIN")
	return p.parseStatementSetInserts(loc, form)
}

// parseStatementSetInserts parses "insert; insert; ... END".
func (p *parser) parseStatementSetInserts(loc ast.Loc, form ast.StatementSetForm) ast.Stmt {
	set := &ast.StatementSet{Loc: loc, Form: form}
	for {
		for p.acceptOp(";") {
		}
		if p.acceptKw("END") {
			return set
		}
		if !p.isKw("INSERT") {
			p.failExpected("INSERT or END")
		}
		set.Inserts = append(set.Inserts, p.parseInsert())
		if !p.isKw("END") {
			p.expectOp(";")
		}
	}
}

// parseInsert parses INSERT INTO|OVERWRITE t [hints] [PARTITION (...)]
// [(cols)] query.
func (p *parser) parseInsert() *ast.Insert {
	ins := &ast.Insert{Loc: p.loc()}
	p.advance()
	if p.acceptKw("OVERWRITE") {
		ins.Overwrite = true
	} else {
		p.expectKw("INTO")
	}
	ins.Table = p.parseObjectName("a table name")
	ins.Hints = p.parseHints()
	if p.acceptKw("PARTITION") {
		p.expectOp("(")
		for {
			pv := &ast.PartitionValue{Loc: p.loc(), Column: p.parseIdent("a partition column")}
			p.expectOp("=")
			pv.Value = p.parseExpr()
			ins.Partition = append(ins.Partition, pv)
			if !p.acceptOp(",") {
				break
			}
		}
		p.expectOp(")")
	}
	// "(" starts a column list unless a query follows it.
	if p.isOp("(") && !isKw(p.peek(1), "SELECT") && !isKw(p.peek(1), "WITH") &&
		!isKw(p.peek(1), "VALUES") && !isOp(p.peek(1), "(") {
		ins.Columns = p.parseParenIdentList("a column name")
	}
	ins.Query = p.parseQuery()
	return ins
}

var showKinds = map[string]ast.ShowKind{
	"TABLES": ast.ShowTables, "VIEWS": ast.ShowViews, "FUNCTIONS": ast.ShowFunctions,
	"CATALOGS": ast.ShowCatalogs, "DATABASES": ast.ShowDatabases,
	"COLUMNS": ast.ShowColumns, "MODULES": ast.ShowModules, "JARS": ast.ShowJars,
	"JOBS": ast.ShowJobs,
}

func (p *parser) parseShow() ast.Stmt {
	loc := p.loc()
	p.advance()
	if p.acceptKw("CREATE") {
		sc := &ast.ShowCreate{Loc: loc}
		switch w := p.upperWord(); w {
		case "TABLE", "VIEW":
			sc.Kind = ast.ObjectKind(w)
			p.advance()
		default:
			p.failExpected("TABLE or VIEW")
		}
		sc.Name = p.parseObjectName("a name")
		return sc
	}
	s := &ast.Show{Loc: loc}
	switch {
	case p.acceptKwSeq("CURRENT", "CATALOG"):
		s.Kind = ast.ShowCurrentCatalog
		return s
	case p.acceptKwSeq("CURRENT", "DATABASE"):
		s.Kind = ast.ShowCurrentDatabase
		return s
	case p.acceptKwSeq("USER", "FUNCTIONS"):
		s.Kind = ast.ShowUserFunctions
	case p.acceptKwSeq("FULL", "MODULES"):
		s.Kind = ast.ShowFullModules
		return s
	default:
		kind, ok := showKinds[p.upperWord()]
		if !ok {
			p.failExpected("TABLES, VIEWS, FUNCTIONS, CATALOGS, DATABASES, COLUMNS, MODULES, JARS, JOBS, CURRENT or CREATE")
		}
		p.advance()
		s.Kind = kind
	}
	switch s.Kind {
	case ast.ShowModules, ast.ShowJars, ast.ShowJobs, ast.ShowCatalogs:
		return s
	}
	if p.acceptKw("FROM") || p.acceptKw("IN") {
		s.From = p.parseObjectName("a name")
	} else if s.Kind == ast.ShowColumns {
		p.failExpected("FROM or IN")
	}
	if p.isKwSeq("NOT", "LIKE") {
		p.i++
		s.NotLike = true
	}
	if p.acceptKw("LIKE") {
		s.Like = p.parseStringLit("a string literal with the LIKE pattern")
	} else if s.NotLike {
		p.failExpected("LIKE")
	}
	return s
}

func (p *parser) parseUse() ast.Stmt {
	loc := p.loc()
	p.advance()
	switch {
	case p.isKw("CATALOG") && isIdentTok(p.peek(1)):
		p.advance()
		return &ast.Use{Loc: loc, Catalog: true, Name: p.parseObjectName("a catalog name")}
	case p.isKw("MODULES") && isIdentTok(p.peek(1)):
		p.advance()
		return &ast.UseModules{Loc: loc, Modules: p.parseIdentList("a module name")}
	}
	return &ast.Use{Loc: loc, Name: p.parseObjectName("a database name")}
}

var explainDetails = map[string]bool{
	"ESTIMATED_COST": true, "CHANGELOG_MODE": true, "JSON_EXECUTION_PLAN": true, "PLAN_ADVICE": true,
}

// parseExplain parses EXPLAIN [PLAN FOR | detail, ...] statement.
func (p *parser) parseExplain() ast.Stmt {
	e := &ast.Explain{Loc: p.loc()}
	p.advance()
	if p.acceptKwSeq("PLAN", "FOR") {
		e.PlanFor = true
	} else if explainDetails[p.upperWord()] {
		for {
			w := p.upperWord()
			if !explainDetails[w] {
				p.failExpected("ESTIMATED_COST, CHANGELOG_MODE, JSON_EXECUTION_PLAN or PLAN_ADVICE")
			}
			e.Details = append(e.Details, w)
			p.advance()
			if !p.acceptOp(",") {
				break
			}
		}
	}
	stmtStart := p.tok()
	if p.isKwSeq("STATEMENT", "SET") {
		loc := p.loc()
		p.i += 2
		e.Stmt = p.parseStatementSetBody(loc, ast.BareStatementSet)
		return e
	}
	if !p.startsQuery() && !p.isOp("(") && !p.isKw("INSERT") && !p.isKw("EXECUTE") && !p.isKw("CREATE") {
		p.failExpected("a query, INSERT, STATEMENT SET or CREATE TABLE ... AS")
	}
	e.Stmt = p.parseStmt()
	if ct, ok := e.Stmt.(*ast.CreateTable); ok && ct.AsQuery == nil || !explainable(e.Stmt) {
		p.failAt(stmtStart.pos, "EXPLAIN supports queries, INSERT, statement sets and CREATE TABLE ... AS only")
	}
	return e
}

func explainable(s ast.Stmt) bool {
	switch s.(type) {
	case *ast.Query, *ast.Insert, *ast.StatementSet, *ast.CreateTable:
		return true
	}
	return false
}

// parseCompilePlan parses COMPILE [AND EXECUTE] PLAN 'file' [IF NOT EXISTS]
// FOR INSERT … | FOR STATEMENT SET BEGIN … END.
func (p *parser) parseCompilePlan() ast.Stmt {
	c := &ast.CompilePlan{Loc: p.loc()}
	p.advance()
	c.Execute = p.acceptKwSeq("AND", "EXECUTE")
	p.expectKw("PLAN")
	c.File = p.parseStringLit("the plan's file as a string literal")
	c.IfNotExists = p.acceptKwSeq("IF", "NOT", "EXISTS")
	p.expectKw("FOR")
	switch {
	case p.isKw("INSERT"):
		c.Stmt = p.parseInsert()
	case p.isKwSeq("STATEMENT", "SET"):
		loc := p.loc()
		p.advance()
		p.advance()
		c.Stmt = p.parseStatementSetBody(loc, ast.BareStatementSet)
	default:
		p.failExpected("INSERT or STATEMENT SET (only INSERT statements can be compiled into a plan)")
	}
	return c
}
