package catalog

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/eddy-streams/eddy/sql/ast"
)

// CREATE TABLE … LIKE source (options) builds a table from another's
// definition, as Flink does: the source's physical columns always come
// first; per feature the clause says whether to take the source's
// (INCLUDING, failing on a clash with the new definition), leave it out
// (EXCLUDING) or take it with the new definition winning clashes
// (OVERWRITING). Without options: INCLUDING ALL OVERWRITING OPTIONS.

// likeFeatures are the features a LIKE clause merges.
var likeFeatures = []string{"CONSTRAINTS", "DISTRIBUTION", "GENERATED", "METADATA", "OPTIONS", "PARTITIONS", "WATERMARKS"}

// like is a resolved LIKE clause: its source and a strategy per feature.
type like struct {
	src      *Table
	strategy map[string]string
}

func (c *Catalog) resolveLike(lc *ast.LikeClause) (*like, error) {
	src, v, err := c.Lookup(lc.Source)
	if err != nil {
		return nil, posErrorf(lc.Source.Start(), "LIKE: %v", err)
	}
	if v != nil || src == nil {
		return nil, posErrorf(lc.Source.Start(), "LIKE: '%s' is a view; the source of LIKE must be a table", ast.Format(lc.Source))
	}
	l := &like{src: src, strategy: map[string]string{}}
	for _, f := range likeFeatures {
		l.strategy[f] = "INCLUDING"
	}
	l.strategy["OPTIONS"] = "OVERWRITING"
	for _, o := range lc.Options {
		s, f := strings.ToUpper(o.Strategy), strings.ToUpper(o.Feature)
		if f == "ALL" {
			if s == "OVERWRITING" {
				// Only the features that can be overwritten.
				for _, x := range []string{"GENERATED", "METADATA", "OPTIONS", "WATERMARKS"} {
					l.strategy[x] = s
				}
				for _, x := range []string{"CONSTRAINTS", "DISTRIBUTION", "PARTITIONS"} {
					l.strategy[x] = "INCLUDING"
				}
				continue
			}
			for _, x := range likeFeatures {
				l.strategy[x] = s
			}
			continue
		}
		if !slices.Contains(likeFeatures, f) {
			return nil, posErrorf(o.Start(), "LIKE: unknown feature %s (features: ALL, %s)", o.Feature, strings.Join(likeFeatures, ", "))
		}
		if s == "OVERWRITING" && (f == "CONSTRAINTS" || f == "PARTITIONS" || f == "DISTRIBUTION") {
			return nil, posErrorf(o.Start(), "LIKE: illegal merging strategy OVERWRITING for %s", f)
		}
		l.strategy[f] = s
	}
	return l, nil
}

// columns returns the source's columns the new table starts with.
func (l *like) columns() []Column {
	var out []Column
	for _, c := range l.src.Columns {
		switch {
		case c.Kind == Computed && l.strategy["GENERATED"] == "EXCLUDING":
		case c.Kind == Metadata && l.strategy["METADATA"] == "EXCLUDING":
		default:
			out = append(out, c)
		}
	}
	return out
}

// addColumn adds a column of the new definition to cols, which start with
// the source's.
func (l *like) addColumn(cols []Column, col Column, at ast.Pos, path Path) ([]Column, error) {
	i := slices.IndexFunc(cols, func(c Column) bool { return c.Name == col.Name })
	if i < 0 {
		return append(cols, col), nil
	}
	old := cols[i]
	feature := map[ColumnKind]string{Computed: "GENERATED", Metadata: "METADATA"}
	if old.Kind == Physical || col.Kind == Physical || old.Kind != col.Kind || l.strategy[feature[col.Kind]] != "OVERWRITING" {
		return nil, posErrorf(at, "a column named '%s' exists in the base table %s; with LIKE, only computed and metadata columns can be overwritten (OVERWRITING GENERATED / METADATA)", col.Name, l.src.Path)
	}
	cols[i] = col
	return cols, nil
}

// merge completes table t (its own parts already in) with the source's
// primary key, partitions, watermark and options.
func (l *like) merge(t *Table, ownWatermark bool) error {
	src := l.src
	if len(src.PrimaryKey) > 0 && l.strategy["CONSTRAINTS"] == "INCLUDING" {
		if len(t.PrimaryKey) > 0 {
			return fmt.Errorf("the base table %s has a primary key already; exclude it with EXCLUDING CONSTRAINTS", src.Path)
		}
		t.PrimaryKey = slices.Clone(src.PrimaryKey)
	}
	if len(src.PartitionKeys) > 0 && l.strategy["PARTITIONS"] == "INCLUDING" {
		if len(t.PartitionKeys) > 0 {
			return fmt.Errorf("the base table %s is partitioned already; exclude it with EXCLUDING PARTITIONS", src.Path)
		}
		t.PartitionKeys = slices.Clone(src.PartitionKeys)
	}
	if src.Watermark != nil {
		switch l.strategy["WATERMARKS"] {
		case "INCLUDING":
			if ownWatermark {
				return fmt.Errorf("the base table %s has a watermark already; use OVERWRITING WATERMARKS or EXCLUDING WATERMARKS", src.Path)
			}
			t.Watermark = src.Watermark
		case "OVERWRITING":
			if !ownWatermark {
				t.Watermark = src.Watermark
			}
		}
	}
	own := t.Options
	switch l.strategy["OPTIONS"] {
	case "EXCLUDING":
	case "INCLUDING":
		for k := range own {
			if _, dup := src.Options[k]; dup {
				return fmt.Errorf("option '%s' is set in the base table %s too; use OVERWRITING OPTIONS or EXCLUDING OPTIONS", k, src.Path)
			}
		}
		t.Options = maps.Clone(src.Options)
		maps.Copy(t.Options, own)
	case "OVERWRITING":
		t.Options = maps.Clone(src.Options)
		maps.Copy(t.Options, own)
	}
	return nil
}

// FormatDDL writes the CREATE TABLE statement of t as it is, without LIKE
// or AS SELECT (SHOW CREATE TABLE of a table made by them, as Flink shows
// the resolved table).
func (t *Table) FormatDDL() string {
	var b strings.Builder
	b.WriteString("CREATE ")
	if t.Temporary {
		b.WriteString("TEMPORARY ")
	}
	b.WriteString("TABLE " + ast.QuoteIdent(t.Path.Object) + " (\n")
	var lines []string
	for _, c := range t.Columns {
		line := "  " + ast.QuoteIdent(c.Name) + " "
		switch c.Kind {
		case Computed:
			line += "AS " + ast.Format(c.Expr)
		case Metadata:
			line += c.Type.String() + " METADATA"
			if c.MetadataKey != c.Name {
				line += " FROM '" + c.MetadataKey + "'"
			}
			if c.Virtual {
				line += " VIRTUAL"
			}
		default:
			line += c.Type.String()
		}
		lines = append(lines, line)
	}
	if w := t.Watermark; w != nil {
		lines = append(lines, "  WATERMARK FOR "+ast.QuoteIdent(w.Column)+" AS "+ast.Format(w.Expr))
	}
	if len(t.PrimaryKey) > 0 {
		lines = append(lines, "  PRIMARY KEY ("+quoteAll(t.PrimaryKey)+") NOT ENFORCED")
	}
	b.WriteString(strings.Join(lines, ",\n") + "\n)")
	if t.Comment != "" {
		b.WriteString(" COMMENT '" + strings.ReplaceAll(t.Comment, "'", "''") + "'")
	}
	if len(t.PartitionKeys) > 0 {
		b.WriteString(" PARTITIONED BY (" + quoteAll(t.PartitionKeys) + ")")
	}
	b.WriteString(" WITH (\n")
	var opts []string
	for _, k := range t.OptionKeys() {
		opts = append(opts, "  '"+k+"' = '"+strings.ReplaceAll(t.Options[k], "'", "''")+"'")
	}
	b.WriteString(strings.Join(opts, ",\n") + "\n)")
	return b.String()
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = ast.QuoteIdent(n)
	}
	return strings.Join(q, ", ")
}
