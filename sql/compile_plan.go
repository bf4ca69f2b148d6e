package sql

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/exec"
	"github.com/eddy-streams/eddy/sql/plan"
)

// COMPILE PLAN writes the physical plan of INSERT statements as JSON, and
// EXECUTE PLAN runs such a file, as Flink's compiled plans: a job that
// runs from its plan does not depend on the catalog, the SQL text or the
// planner of the session that made it. Go user-defined functions are not
// in the file; plans that call them cannot be compiled.

// planFileVersion is the version of the plan file format.
const planFileVersion = 1

// planFile is the JSON of a compiled plan.
type planFile struct {
	Version int        `json:"eddy_plan_version"`
	Plan    *plan.Plan `json:"plan"`
}

func (s *Session) compilePlan(ctx context.Context, st *ast.CompilePlan) (*Result, error) {
	path, err := planPath(st.File.Value)
	if err != nil {
		return nil, err
	}
	_, statErr := os.Stat(path)
	exists := statErr == nil
	force := strings.EqualFold(s.config["table.plan.force-recompile"], "true")
	if exists && !force {
		if !st.IfNotExists {
			return nil, fmt.Errorf("COMPILE PLAN: %s exists; write IF NOT EXISTS to keep it or SET 'table.plan.force-recompile' = 'true' to replace it", path)
		}
		if st.Execute {
			return s.executePlanFile(ctx, path)
		}
		return okResult, nil
	}
	var ins []*ast.Insert
	switch x := st.Stmt.(type) {
	case *ast.Insert:
		ins = []*ast.Insert{x}
	case *ast.StatementSet:
		ins = x.Inserts
	}
	p, err := s.planner().PlanInserts(ins)
	if err != nil {
		return nil, err
	}
	if err := exec.CheckPlan(p.Physical); err != nil {
		return nil, err
	}
	if err := checkCompilable(p.Physical); err != nil {
		return nil, err
	}
	data, err := json.MarshalIndent(planFile{Version: planFileVersion, Plan: p.Physical}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("COMPILE PLAN: %w", err)
	}
	if err := writeFileAtomic(path, append(data, '\n')); err != nil {
		return nil, fmt.Errorf("COMPILE PLAN: %w", err)
	}
	if st.Execute {
		return s.executePlanFile(ctx, path)
	}
	return okResult, nil
}

func (s *Session) executePlan(ctx context.Context, st *ast.ExecutePlan) (*Result, error) {
	path, err := planPath(st.File.Value)
	if err != nil {
		return nil, err
	}
	return s.executePlanFile(ctx, path)
}

// executePlanFile runs the compiled plan in path.
func (s *Session) executePlanFile(ctx context.Context, path string) (*Result, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("EXECUTE PLAN: %w", err)
	}
	var f struct {
		Version int             `json:"eddy_plan_version"`
		Plan    json.RawMessage `json:"plan"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("EXECUTE PLAN %s: not a compiled plan: %w", path, err)
	}
	if f.Version != planFileVersion {
		return nil, fmt.Errorf("EXECUTE PLAN %s: plan format version %d, this Eddy reads version %d", path, f.Version, planFileVersion)
	}
	var p plan.Plan
	if err := json.Unmarshal(f.Plan, &p); err != nil {
		return nil, fmt.Errorf("EXECUTE PLAN %s: %w", path, err)
	}
	id, err := s.run(ctx, &p, nil)
	if err != nil {
		return nil, err
	}
	return &Result{Kind: ResultTable, JobID: id, Columns: stringColumns("job id"), Rows: []Row{{Values: []any{id}}}}, nil
}

// planPath reads a plan file's location: a path or a file:// URL.
func planPath(loc string) (string, error) {
	if rest, ok := strings.CutPrefix(loc, "file://"); ok {
		return rest, nil
	}
	if i := strings.Index(loc, "://"); i > 0 {
		return "", fmt.Errorf("plan file %s: only local files (file:// or a path) are supported", loc)
	}
	if loc == "" {
		return "", errors.New("the plan file's name is empty")
	}
	return loc, nil
}

// checkCompilable refuses plans that call Go user-defined functions, which
// a plan file cannot carry.
func checkCompilable(p *plan.Plan) error {
	seen := map[*plan.Node]bool{}
	var visit func(n *plan.Node) error
	visit = func(n *plan.Node) error {
		if seen[n] {
			return nil
		}
		seen[n] = true
		if name := n.UserFunction(); name != "" {
			return fmt.Errorf("COMPILE PLAN: the plan calls the Go function %s, which a plan file cannot carry", name)
		}
		for _, in := range n.Inputs {
			if err := visit(in); err != nil {
				return err
			}
		}
		return nil
	}
	for _, sink := range p.Sinks {
		if err := visit(sink); err != nil {
			return err
		}
	}
	return nil
}

// writeFileAtomic writes data to path through a temporary file and a
// rename, so a reader never sees half a plan.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".plan-*.json")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}
