package ast

// AlterOp is what an ALTER TABLE does.
type AlterOp string

const (
	AlterRename       AlterOp = "RENAME TO"        // RENAME TO new_name
	AlterSet          AlterOp = "SET"              // SET ('k' = 'v', …)
	AlterReset        AlterOp = "RESET"            // RESET ('k', …)
	AlterAdd          AlterOp = "ADD"              // ADD element | ADD (elements)
	AlterModify       AlterOp = "MODIFY"           // MODIFY element | MODIFY (elements)
	AlterDropColumns  AlterOp = "DROP"             // DROP col | DROP (cols)
	AlterDropPK       AlterOp = "DROP PRIMARY KEY" // DROP PRIMARY KEY
	AlterDropWM       AlterOp = "DROP WATERMARK"   // DROP WATERMARK
	AlterRenameColumn AlterOp = "RENAME COLUMN"    // RENAME col TO new
	AlterDropCons     AlterOp = "DROP CONSTRAINT"  // DROP CONSTRAINT name
)

// AlterTable is ALTER TABLE [IF EXISTS] name and one of Flink's actions.
type AlterTable struct {
	Loc
	IfExists bool
	Name     *ObjectName
	Op       AlterOp
	// NewName is RENAME TO's.
	NewName *ObjectName
	// Options are SET's properties; Keys RESET's.
	Options []*Property
	Keys    []*StringLit
	// Schema holds ADD's and MODIFY's columns, watermark and primary key;
	// Paren tells the parenthesized list from a single element. Positions
	// are the columns' FIRST / AFTER col (nil: none), one per column.
	Schema    *CreateTable
	Paren     bool
	Positions []*ColumnPosition
	// Columns are DROP's columns or RENAME COLUMN's old name (and
	// DROP CONSTRAINT's name); To is RENAME COLUMN's new name.
	Columns []*Ident
	To      *Ident
}

// ColumnPosition is where ALTER TABLE ADD or MODIFY puts a column: FIRST,
// or AFTER a column.
type ColumnPosition struct {
	First bool
	After *Ident
}

// AlterView is ALTER VIEW name RENAME TO new_name | AS query.
type AlterView struct {
	Loc
	Name    *ObjectName
	NewName *ObjectName // RENAME TO
	Query   *Query      // AS
}

// AlterDatabase is ALTER DATABASE name SET ('k' = 'v', …).
type AlterDatabase struct {
	Loc
	Name    *ObjectName
	Options []*Property
}

// AlterFunction is ALTER [TEMPORARY [SYSTEM]] FUNCTION [IF EXISTS] name AS
// 'class' [LANGUAGE lang].
type AlterFunction struct {
	Loc
	Temporary bool
	System    bool
	IfExists  bool
	Name      *ObjectName
	Class     *StringLit
	Language  string
}

func (*AlterTable) stmtNode()    {}
func (*AlterView) stmtNode()     {}
func (*AlterDatabase) stmtNode() {}
func (*AlterFunction) stmtNode() {}
