package parser

import "github.com/eddy-streams/eddy/sql/ast"

// parseAlter parses ALTER TABLE | VIEW | DATABASE | [TEMPORARY [SYSTEM]]
// FUNCTION.
func (p *parser) parseAlter() ast.Stmt {
	loc := p.loc()
	p.advance()
	temporary := p.acceptKw("TEMPORARY")
	system := temporary && p.acceptKw("SYSTEM")
	switch w := p.upperWord(); {
	case w == "FUNCTION":
		p.advance()
		f := &ast.AlterFunction{Loc: loc, Temporary: temporary, System: system}
		f.IfExists = p.acceptKwSeq("IF", "EXISTS")
		f.Name = p.parseObjectName("a function name")
		p.expectKw("AS")
		f.Class = p.parseStringLit("the function's class name as a string literal")
		if p.acceptKw("LANGUAGE") {
			f.Language = p.parseIdent("JAVA, SCALA or PYTHON").Name
		}
		return f
	case temporary:
		p.failExpected("FUNCTION")
	case w == "TABLE":
		return p.parseAlterTable(loc)
	case w == "VIEW":
		p.advance()
		v := &ast.AlterView{Loc: loc, Name: p.parseObjectName("a view name")}
		if p.acceptKwSeq("RENAME", "TO") {
			v.NewName = p.parseObjectName("the new view name")
		} else {
			p.expectKw("AS")
			v.Query = p.parseQuery()
		}
		return v
	case w == "DATABASE":
		p.advance()
		d := &ast.AlterDatabase{Loc: loc, Name: p.parseObjectName("a database name")}
		p.expectKw("SET")
		d.Options = p.parseProperties()
		return d
	default:
		p.failExpected("TABLE, VIEW, DATABASE or FUNCTION")
	}
	return nil
}

// parseAlterTable parses ALTER TABLE [IF EXISTS] name and its action.
func (p *parser) parseAlterTable(loc ast.Loc) ast.Stmt {
	p.advance()
	a := &ast.AlterTable{Loc: loc}
	a.IfExists = p.acceptKwSeq("IF", "EXISTS")
	a.Name = p.parseObjectName("a table name")
	switch {
	case p.acceptKwSeq("RENAME", "TO"):
		a.Op, a.NewName = ast.AlterRename, p.parseObjectName("the new table name")
	case p.acceptKw("RENAME"):
		a.Op = ast.AlterRenameColumn
		a.Columns = []*ast.Ident{p.parseIdent("a column name")}
		p.expectKw("TO")
		a.To = p.parseIdent("the new column name")
	case p.acceptKw("SET"):
		a.Op, a.Options = ast.AlterSet, p.parseProperties()
	case p.acceptKw("RESET"):
		a.Op = ast.AlterReset
		p.expectOp("(")
		for {
			a.Keys = append(a.Keys, p.parseStringLit("an option key as a string literal"))
			if !p.acceptOp(",") {
				break
			}
		}
		p.expectOp(")")
	case p.isKw("ADD") || p.isKw("MODIFY"):
		a.Op = ast.AlterAdd
		if p.isKw("MODIFY") {
			a.Op = ast.AlterModify
		}
		p.advance()
		a.Schema = &ast.CreateTable{}
		a.Paren = p.acceptOp("(")
		for {
			n := len(a.Schema.Columns)
			p.parseTableElement(a.Schema)
			if len(a.Schema.Columns) > n {
				var pos *ast.ColumnPosition
				if p.acceptKw("FIRST") {
					pos = &ast.ColumnPosition{First: true}
				} else if p.acceptKw("AFTER") {
					pos = &ast.ColumnPosition{After: p.parseIdent("a column name")}
				}
				a.Positions = append(a.Positions, pos)
			}
			if !a.Paren || !p.acceptOp(",") {
				break
			}
		}
		if a.Paren {
			p.expectOp(")")
		}
	case p.acceptKw("DROP"):
		switch {
		case p.acceptKwSeq("PRIMARY", "KEY"):
			a.Op = ast.AlterDropPK
		case p.acceptKw("WATERMARK"):
			a.Op = ast.AlterDropWM
		case p.acceptKw("CONSTRAINT"):
			a.Op = ast.AlterDropCons
			a.Columns = []*ast.Ident{p.parseIdent("a constraint name")}
		case p.isOp("("):
			a.Op = ast.AlterDropColumns
			a.Columns = p.parseParenIdentList("a column name")
		default:
			a.Op = ast.AlterDropColumns
			a.Columns = []*ast.Ident{p.parseIdent("a column name, PRIMARY KEY, WATERMARK or CONSTRAINT")}
		}
	default:
		p.failExpected("RENAME, SET, RESET, ADD, MODIFY or DROP")
	}
	return a
}
