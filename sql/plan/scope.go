package plan

import (
	"strings"

	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/catalog"
	"github.com/eddy-streams/eddy/sql/types"
)

// scopeCol is a column visible to expressions: column idx of the node the
// scope describes, known by name and by the qualifier of its table.
type scopeCol struct {
	qual   string
	name   string
	typ    types.Type
	hidden bool // not expanded by *: the extra columns of group windows
	// using marks a side's column of a join's USING (or NATURAL) list:
	// the merged column stands for it in * and unqualified names; t.*
	// and t.col still reach it.
	using  bool
	window windowProp
}

// scope is what names resolve against.
type scope struct {
	cols []scopeCol
	// inner, when positive, makes the columns from inner on shadow the
	// ones before: a correlated subquery's own columns over the outer
	// query's (bind_subquery.go).
	inner int
}

func scopeOf(n *Node, qual string) *scope {
	s := &scope{}
	for _, c := range n.Columns {
		s.cols = append(s.cols, scopeCol{qual: qual, name: c.Name, typ: c.Type, window: c.window})
	}
	return s
}

func (s *scope) names() []string {
	var names []string
	for _, c := range s.cols {
		if !c.hidden {
			names = append(names, c.name)
		}
	}
	return names
}

func (s *scope) quals() []string {
	seen := map[string]bool{}
	var qs []string
	for _, c := range s.cols {
		if c.qual != "" && !seen[c.qual] {
			seen[c.qual] = true
			qs = append(qs, c.qual)
		}
	}
	return qs
}

// resolve binds an identifier chain: [qualifier.]column[.field...].
func (s *scope) resolve(ref *ast.ColumnRef) (*Expr, error) {
	parts := ref.Parts
	// A qualifier when some table has that name and the chain is longer.
	if len(parts) >= 2 {
		q := parts[0].Name
		hasQual := false
		for _, c := range s.cols {
			if c.qual == q {
				hasQual = true
				break
			}
		}
		if hasQual {
			idx, err := s.lookup(parts[1], q)
			if err != nil {
				return nil, err
			}
			return s.fields(NewCol(idx, s.cols[idx].typ), parts[2:])
		}
	}
	idx, err := s.lookup(parts[0], "")
	if err != nil {
		if len(parts) >= 2 {
			// Report an unknown qualifier rather than column when that is
			// the likelier mistake.
			if s.find(parts[0].Name, "") < 0 && len(s.quals()) > 0 {
				if sug := catalog.Suggest(parts[0].Name, s.quals()); sug != "" {
					return nil, errorf(parts[0], "table '%s' not found; did you mean '%s'?", parts[0].Name, sug)
				}
			}
		}
		return nil, err
	}
	return s.fields(NewCol(idx, s.cols[idx].typ), parts[1:])
}

// find returns the index of the column, -1 when absent, -2 when ambiguous.
func (s *scope) find(name, qual string) int {
	if s.inner > 0 {
		in := &scope{cols: s.cols[s.inner:]}
		if i := in.find(name, qual); i != -1 {
			if i >= 0 {
				i += s.inner
			}
			return i
		}
		return (&scope{cols: s.cols[:s.inner]}).find(name, qual)
	}
	found := -1
	for i, c := range s.cols {
		if c.using && qual == "" {
			continue
		}
		if c.name == name && (qual == "" || c.qual == qual) {
			if found >= 0 {
				return -2
			}
			found = i
		}
	}
	return found
}

func (s *scope) lookup(id *ast.Ident, qual string) (int, error) {
	i := s.find(id.Name, qual)
	switch i {
	case -2:
		return 0, errorf(id, "column '%s' is ambiguous", id.Name)
	case -1:
		var names []string
		for _, c := range s.cols {
			if qual == "" || c.qual == qual {
				names = append(names, c.name)
			}
		}
		if qual != "" {
			return 0, errorf(id, "column '%s' not found in table '%s'%s", id.Name, qual, catalog.DidYouMean(id.Name, names))
		}
		return 0, errorf(id, "column '%s' not found in any table%s", id.Name, catalog.DidYouMean(id.Name, names))
	}
	return i, nil
}

// fields applies nested field accesses to a ROW expression.
func (s *scope) fields(e *Expr, parts []*ast.Ident) (*Expr, error) {
	for _, p := range parts {
		var err error
		if e, err = fieldOf(e, p); err != nil {
			return nil, err
		}
	}
	return e, nil
}

func fieldOf(e *Expr, id *ast.Ident) (*Expr, error) {
	if e.Type.Kind != types.KindRow {
		return nil, errorf(id, "cannot access field '%s' of a value of type %s", id.Name, e.Type)
	}
	var names []string
	for i, f := range e.Type.Fields {
		if f.Name == id.Name {
			t := f.Type
			if e.Type.IsNullable() {
				t = t.Nullable()
			}
			return &Expr{Kind: Field, Type: t, Index: i, Func: f.Name, Args: []*Expr{e}}, nil
		}
		names = append(names, f.Name)
	}
	return nil, errorf(id, "field '%s' not found in %s%s", id.Name, e.Type, catalog.DidYouMean(id.Name, names))
}

// nameOf is the column name an unaliased select item gets: the column or
// field name, or EXPR$i.
func nameOf(e ast.Expr, i int) string {
	switch e := e.(type) {
	case *ast.ColumnRef:
		return e.Parts[len(e.Parts)-1].Name
	case *ast.FieldAccess:
		return e.Field.Name
	}
	return "EXPR$" + itoa(i)
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	var b []byte
	for i > 0 {
		b = append([]byte{digits[i%10]}, b...)
		i /= 10
	}
	return string(b)
}

// uniqueNames renames duplicates (a, a → a, a0), as Calcite does for
// derived tables.
func uniqueNames(names []string) []string {
	seen := map[string]bool{}
	out := make([]string, len(names))
	for i, n := range names {
		m := n
		for k := 0; seen[m]; k++ {
			m = n + itoa(k)
		}
		seen[m] = true
		out[i] = m
	}
	return out
}

func upper(s string) string { return strings.ToUpper(s) }
