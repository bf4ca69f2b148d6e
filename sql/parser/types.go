package parser

import (
	"strconv"

	"github.com/eddy-streams/eddy/sql/ast"
)

// basicTypeNames maps type keywords to canonical names; entries needing
// extra words (DOUBLE PRECISION, CHARACTER VARYING, TIMESTAMP WITH LOCAL
// TIME ZONE) are finished in parseBasicType.
var basicTypeNames = map[string]ast.TypeName{
	"BOOLEAN": ast.TypeBoolean, "TINYINT": ast.TypeTinyInt, "SMALLINT": ast.TypeSmallInt,
	"INT": ast.TypeInt, "INTEGER": ast.TypeInt, "BIGINT": ast.TypeBigInt,
	"FLOAT": ast.TypeFloat, "REAL": ast.TypeFloat, "DOUBLE": ast.TypeDouble,
	"DECIMAL": ast.TypeDecimal, "DEC": ast.TypeDecimal, "NUMERIC": ast.TypeDecimal,
	"CHAR": ast.TypeChar, "CHARACTER": ast.TypeChar, "VARCHAR": ast.TypeVarChar,
	"STRING": ast.TypeString, "BINARY": ast.TypeBinary, "VARBINARY": ast.TypeVarBinary,
	"BYTES": ast.TypeBytes, "DATE": ast.TypeDate, "TIME": ast.TypeTime,
	"TIMESTAMP": ast.TypeTimestamp, "TIMESTAMP_LTZ": ast.TypeTimestampLTZ,
	"NULL": ast.TypeNull,
}

// typeParams says which optional parameters each basic type takes.
var typeParams = map[ast.TypeName]int{
	ast.TypeDecimal: 2, ast.TypeChar: 1, ast.TypeVarChar: 1, ast.TypeBinary: 1,
	ast.TypeVarBinary: 1, ast.TypeTime: 1, ast.TypeTimestamp: 1, ast.TypeTimestampLTZ: 1,
}

// parseType parses a data type with optional NOT NULL and trailing
// ARRAY / MULTISET suffixes (INT ARRAY is ARRAY<INT>).
func (p *parser) parseType() ast.Type {
	p.enter()
	defer p.leave()
	t := p.parseTypeCore()
	p.parseNullability(t)
	for p.isKw("ARRAY") || p.isKw("MULTISET") {
		loc := ast.Loc{Pos: t.Start()}
		if p.advance().upper == "ARRAY" {
			t = &ast.ArrayType{Loc: loc, Elem: t}
		} else {
			t = &ast.MultisetType{Loc: loc, Elem: t}
		}
		p.parseNullability(t)
	}
	return t
}

// parseNullability parses [NOT] NULL after a type.
func (p *parser) parseNullability(t ast.Type) {
	switch {
	case p.isKwSeq("NOT", "NULL"):
		p.i += 2
		setNotNull(t)
	case p.isKw("NULL"):
		p.advance()
	}
}

func setNotNull(t ast.Type) {
	switch t := t.(type) {
	case *ast.BasicType:
		t.NotNull = true
	case *ast.IntervalType:
		t.NotNull = true
	case *ast.ArrayType:
		t.NotNull = true
	case *ast.MultisetType:
		t.NotNull = true
	case *ast.MapType:
		t.NotNull = true
	case *ast.RowType:
		t.NotNull = true
	case *ast.RawType:
		t.NotNull = true
	}
}

func (p *parser) parseTypeCore() ast.Type {
	t := p.tok()
	loc := ast.Loc{Pos: t.pos}
	if t.kind == tokWord {
		switch t.upper {
		case "ARRAY", "MULTISET":
			p.advance()
			p.expectOp("<")
			elem := p.parseType()
			p.expectOp(">")
			if t.upper == "ARRAY" {
				return &ast.ArrayType{Loc: loc, Elem: elem}
			}
			return &ast.MultisetType{Loc: loc, Elem: elem}
		case "MAP":
			p.advance()
			p.expectOp("<")
			m := &ast.MapType{Loc: loc, Key: p.parseType()}
			p.expectOp(",")
			m.Value = p.parseType()
			p.expectOp(">")
			return m
		case "ROW":
			return p.parseRowType()
		case "RAW":
			p.advance()
			p.expectOp("(")
			r := &ast.RawType{Loc: loc, Class: p.parseStringLit("a string literal naming the class")}
			if p.acceptOp(",") {
				r.Snapshot = p.parseStringLit("a string literal with the serializer snapshot")
			}
			p.expectOp(")")
			return r
		case "INTERVAL":
			p.advance()
			return &ast.IntervalType{Loc: loc, Qualifier: p.parseIntervalQualifier()}
		}
		if name, ok := basicTypeNames[t.upper]; ok {
			p.advance()
			return p.parseBasicType(loc, t.upper, name)
		}
	}
	p.failExpected("a data type")
	return nil
}

func (p *parser) parseBasicType(loc ast.Loc, word string, name ast.TypeName) ast.Type {
	bt := &ast.BasicType{Loc: loc, Name: name, Precision: ast.NoPrecision, Scale: ast.NoPrecision}
	switch word {
	case "DOUBLE":
		p.acceptKw("PRECISION")
	case "CHARACTER", "CHAR":
		if p.acceptKw("VARYING") {
			bt.Name = ast.TypeVarChar
		}
	case "BINARY":
		if p.acceptKw("VARYING") {
			bt.Name = ast.TypeVarBinary
		}
	}
	if n := typeParams[bt.Name]; n > 0 && p.acceptOp("(") {
		bt.Precision = p.parsePrecision()
		if n > 1 && p.acceptOp(",") {
			bt.Scale = p.parsePrecision()
		}
		p.expectOp(")")
	}
	switch bt.Name {
	case ast.TypeTime:
		p.acceptKwSeq("WITHOUT", "TIME", "ZONE")
	case ast.TypeTimestamp:
		switch {
		case p.acceptKwSeq("WITHOUT", "TIME", "ZONE"):
		case p.acceptKw("WITH"):
			// Flink supports only the local-time-zone variant.
			p.expectKwSeq("LOCAL", "TIME", "ZONE")
			bt.Name = ast.TypeTimestampLTZ
		}
	}
	return bt
}

// parsePrecision parses a non-negative integer type parameter.
func (p *parser) parsePrecision() int {
	t := p.tok()
	if t.kind != tokNumber || t.num != ast.IntegerNumber {
		p.failExpected("an integer")
	}
	n, err := strconv.Atoi(t.text)
	if err != nil || n > 1<<31-1 {
		p.failAt(t.pos, "precision %s is out of range", t.text)
	}
	p.advance()
	return n
}

// parseRowType parses ROW<name type ['comment'], ...> or ROW(...).
func (p *parser) parseRowType() ast.Type {
	r := &ast.RowType{Loc: p.loc()}
	p.advance()
	if p.acceptOp("<>") {
		return r // ROW<> lexes as the not-equal operator
	}
	closing := ">"
	if p.acceptOp("(") {
		closing = ")"
	} else {
		p.expectOp("<")
	}
	if p.acceptOp(closing) {
		return r
	}
	for {
		f := &ast.RowField{Loc: p.loc(), Name: p.parseIdent("a field name")}
		f.Type = p.parseType()
		if p.at(tokString) {
			f.Comment = p.parseStringLit("a comment")
		}
		r.Fields = append(r.Fields, f)
		if !p.acceptOp(",") {
			break
		}
	}
	p.expectOp(closing)
	return r
}
