package ast

// CompilePlan is COMPILE [AND EXECUTE] PLAN 'file' [IF NOT EXISTS] FOR
// an INSERT or a statement set: the statement's physical plan, as JSON,
// written to the file (and run, with AND EXECUTE).
type CompilePlan struct {
	Loc
	File        *StringLit
	IfNotExists bool
	Execute     bool
	Stmt        Stmt // *Insert or *StatementSet
}

// ExecutePlan is EXECUTE PLAN 'file': runs a compiled plan.
type ExecutePlan struct {
	Loc
	File *StringLit
}

func (*CompilePlan) stmtNode() {}
func (*ExecutePlan) stmtNode() {}
