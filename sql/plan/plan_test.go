package plan

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"
	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/catalog"
	"github.com/eddy-streams/eddy/sql/parser"
)

// The planner's tests register declarative stand-ins for the connectors
// package sql/exec implements.
func init() {
	any := func(string) error { return nil }
	for _, name := range []string{"datagen", "nexmark", "filesystem", "print", "blackhole"} {
		spec := &catalog.ConnectorSpec{Name: name, Source: name != "print" && name != "blackhole", Sink: name != "datagen" && name != "nexmark"}
		for _, k := range []string{"rows-per-second", "number-of-rows", "events.num", "path", "format", "first-event.rate", "next-event.rate"} {
			spec.Options = append(spec.Options, catalog.Option{Key: k, Check: any})
		}
		spec.FieldOptions = []catalog.Option{{Key: "kind"}, {Key: "min"}, {Key: "max"}, {Key: "start"}, {Key: "end"}, {Key: "length"}}
		catalog.RegisterConnector(spec)
	}
}

// runDDL executes CREATE TABLE / CREATE VIEW statements for tests.
func runDDL(cat *catalog.Catalog, src string) error {
	stmts, err := parser.ParseStatements(src)
	if err != nil {
		return err
	}
	for _, s := range stmts {
		switch s := s.(type) {
		case *ast.CreateTable:
			t, err := cat.NewTable(s)
			if err != nil {
				return err
			}
			if err := catalog.ValidateOptions(t); err != nil {
				return err
			}
			if err := ResolveTable(cat, t); err != nil {
				return err
			}
			if err := cat.CreateTable(t, s.IfNotExists); err != nil {
				return err
			}
		case *ast.CreateView:
			p, err := cat.Resolve(s.Name)
			if err != nil {
				return err
			}
			v := &catalog.View{Path: p, Query: s.Query}
			for _, c := range s.Columns {
				v.Columns = append(v.Columns, c.Name)
			}
			if _, err := (&Planner{Catalog: cat}).PlanQuery(s.Query); err != nil {
				return err
			}
			if err := cat.CreateView(v, s.IfNotExists); err != nil {
				return err
			}
		default:
			return fmt.Errorf("unsupported statement in test DDL")
		}
	}
	return nil
}

func planStmt(cat *catalog.Catalog, src string) (*Planned, error) {
	s, err := parser.ParseStatement(src)
	if err != nil {
		return nil, err
	}
	p := &Planner{Catalog: cat}
	switch s := s.(type) {
	case *ast.Query:
		return p.PlanQuery(s)
	case *ast.Insert:
		return p.PlanInserts([]*ast.Insert{s})
	case *ast.StatementSet:
		return p.PlanInserts(s.Inserts)
	}
	return nil, fmt.Errorf("not a query or INSERT")
}

func TestPlanner(t *testing.T) {
	datadriven.Walk(t, "testdata", func(t *testing.T, path string) {
		cat := catalog.New()
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			switch d.Cmd {
			case "ddl":
				if err := runDDL(cat, d.Input); err != nil {
					return "error: " + err.Error() + "\n"
				}
				return "ok\n"
			case "plan":
				p, err := planStmt(cat, d.Input)
				if err != nil {
					return "error: " + err.Error() + "\n"
				}
				// Every plan must survive a JSON round trip unchanged.
				data, err := json.Marshal(p.Physical)
				if err != nil {
					return "error: marshal: " + err.Error() + "\n"
				}
				var back Plan
				if err := json.Unmarshal(data, &back); err != nil {
					return "error: unmarshal: " + err.Error() + "\n"
				}
				if got, want := back.ExplainPhysical(), p.Physical.ExplainPhysical(); got != want {
					t.Errorf("plan changed in a JSON round trip:\n%s\nvs\n%s", got, want)
				}
				data2, _ := json.Marshal(&back)
				if string(data2) != string(data) {
					t.Errorf("JSON of the plan changed in a round trip:\n%s\nvs\n%s", data2, data)
				}
				if d.HasArg("physical") {
					return p.Physical.ExplainPhysical()
				}
				return p.Explain()
			case "error":
				_, err := planStmt(cat, d.Input)
				if err == nil {
					return "no error\n"
				}
				return strings.TrimSpace(err.Error()) + "\n"
			}
			return "unknown command " + d.Cmd
		})
	})
}
