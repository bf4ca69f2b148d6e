package sql

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eddy-streams/eddy/connector"
	gen "github.com/eddy-streams/eddy/connector/nexmark"
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/catalog"
	"github.com/eddy-streams/eddy/sql/exec"
	"github.com/eddy-streams/eddy/sql/parser"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// Options configure a session.
type Options struct {
	// Stdout receives the print connector's output (os.Stdout when nil).
	Stdout io.Writer
	// Config is the initial table config, as SET would give it.
	Config map[string]string
	// NexmarkSource, when set, is the source the nexmark connector reads
	// (the benchmark runner's, with its rate limit and splits).
	NexmarkSource func(cfg gen.Config) connector.Source[gen.Event]
	// Env, when set, builds the env jobs run on (tests, the benchmark
	// runner); the session configures it from the table config.
	Env func() *datastream.Env
}

// Session executes statements against its catalog and table config. It is
// not safe for concurrent use.
type Session struct {
	opts    Options
	catalog *catalog.Catalog
	config  map[string]string
	jobs    atomic.Int64
}

// NewSession returns a session with an empty catalog.
func NewSession(opts Options) *Session {
	s := &Session{opts: opts, catalog: catalog.New(), config: map[string]string{}}
	for k, v := range opts.Config {
		s.config[k] = v
	}
	return s
}

// Catalog returns the session's catalog.
func (s *Session) Catalog() *catalog.Catalog { return s.catalog }

// Execute runs the statements of text in order and returns the result of
// the last one. The first failing statement stops the script.
func (s *Session) Execute(ctx context.Context, text string) (*Result, error) {
	var last *Result
	err := s.ExecuteScript(ctx, text, func(_ ast.Stmt, r *Result) error {
		last = r
		return nil
	})
	return last, err
}

// ExecuteScript runs the statements of text in order, calling each with
// its result.
func (s *Session) ExecuteScript(ctx context.Context, text string, each func(ast.Stmt, *Result) error) error {
	stmts, err := parser.ParseStatements(text)
	if err != nil {
		return err
	}
	for _, st := range stmts {
		r, err := s.executeStmt(ctx, st)
		if err != nil {
			return withSource(text, err)
		}
		if err := each(st, r); err != nil {
			return err
		}
	}
	return nil
}

var okResult = &Result{Kind: ResultOK}

func (s *Session) executeStmt(ctx context.Context, st ast.Stmt) (*Result, error) {
	switch st := st.(type) {
	case *ast.CreateTable:
		if st.AsQuery != nil {
			return s.createTableAs(ctx, st)
		}
		t, err := s.catalog.NewTable(st)
		if err != nil {
			return nil, err
		}
		if err := catalog.ValidateOptions(t); err != nil {
			return nil, err
		}
		if err := plan.ResolveTable(s.catalog, t); err != nil {
			return nil, err
		}
		return okResult, s.catalog.CreateTable(t, st.IfNotExists)
	case *ast.CreateView:
		p, err := s.catalog.Resolve(st.Name)
		if err != nil {
			return nil, err
		}
		vp := s.planner()
		vp.View = true
		if _, err := vp.PlanQuery(st.Query); err != nil {
			return nil, err
		}
		v := &catalog.View{Path: p, Scope: s.catalog.Current(), Query: st.Query, Temporary: st.Temporary, DDL: ast.Format(st)}
		for _, c := range st.Columns {
			v.Columns = append(v.Columns, c.Name)
		}
		return okResult, s.catalog.CreateView(v, st.IfNotExists)
	case *ast.CreateFunction:
		p, err := s.catalog.Resolve(st.Name)
		if err != nil {
			return nil, err
		}
		f, err := classFunction(p.Object, st.Class.Value, st.Language)
		if err != nil {
			return nil, fmt.Errorf("CREATE FUNCTION %s: %w", p.Object, err)
		}
		f.Path = p
		return okResult, s.catalog.CreateFunction(f, st.IfNotExists)
	case *ast.CreateDatabase:
		return okResult, s.catalog.CreateDatabase(st.Name, st.IfNotExists)
	case *ast.CreateCatalog:
		return s.createCatalog(st)
	case *ast.CompilePlan:
		return s.compilePlan(ctx, st)
	case *ast.ExecutePlan:
		return s.executePlan(ctx, st)
	case *ast.AlterTable:
		return s.alterTable(st)
	case *ast.AlterView:
		return s.alterView(st)
	case *ast.AlterFunction:
		return s.alterFunction(st)
	case *ast.AlterDatabase:
		return nil, fmt.Errorf("ALTER DATABASE is not supported: the in-memory catalog keeps no database properties")
	case *ast.Drop:
		switch st.Kind {
		case ast.KindDatabase:
			return okResult, s.catalog.DropDatabase(st.Name, st.IfExists, st.Cascade)
		case ast.KindCatalog:
			return okResult, s.catalog.DropCatalog(st.Name.String(), st.IfExists)
		}
		return okResult, s.catalog.Drop(st.Kind, st.Name, st.IfExists)
	case *ast.Use:
		if st.Catalog {
			return okResult, s.catalog.UseCatalog(st.Name.String())
		}
		return okResult, s.catalog.UseDatabase(st.Name)
	case *ast.UseModules:
		return nil, fmt.Errorf("USE MODULES is not supported")
	case *ast.Set:
		return s.set(st)
	case *ast.Reset:
		if st.Key == nil {
			s.config = map[string]string{}
		} else {
			delete(s.config, st.Key.Value)
		}
		return okResult, nil
	case *ast.Show:
		return s.show(st)
	case *ast.ShowCreate:
		return s.showCreate(st)
	case *ast.Describe:
		return s.describe(st)
	case *ast.Explain:
		return s.explain(st)
	case *ast.Query:
		return s.query(ctx, st)
	case *ast.Insert:
		return s.insert(ctx, []*ast.Insert{st})
	case *ast.StatementSet:
		return s.insert(ctx, st.Inserts)
	}
	return nil, fmt.Errorf("statement %T is not supported", st)
}

func (s *Session) planner() *plan.Planner {
	p := &plan.Planner{Catalog: s.catalog, Batch: s.batch()}
	if r, err := plan.ReuseOptionsOf(s.config); err == nil {
		p.Reuse = &r
	}
	return p
}

func (s *Session) batch() bool {
	return strings.EqualFold(s.config["execution.runtime-mode"], "batch")
}

// envKey reports whether key is an option of the runtime's environment.
func envKey(key string) bool {
	cfg := datastream.DefaultConfig()
	err := cfg.Set(key, "")
	return err == nil || !strings.HasPrefix(err.Error(), "unknown option")
}

func (s *Session) set(st *ast.Set) (*Result, error) {
	if st.Property == nil {
		keys := make([]string, 0, len(s.config))
		for k := range s.config {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		r := &Result{Kind: ResultTable, Columns: []plan.Column{{Name: "key", Type: types.String()}, {Name: "value", Type: types.String()}}}
		for _, k := range keys {
			r.Rows = append(r.Rows, Row{Values: []any{k, s.config[k]}})
		}
		return r, nil
	}
	k, v := st.Property.Key, st.Property.Value
	switch k {
	case "execution.runtime-mode":
		if !strings.EqualFold(v, "streaming") && !strings.EqualFold(v, "batch") {
			return nil, fmt.Errorf("option 'execution.runtime-mode': '%s' is not streaming or batch", v)
		}
	case "table.local-time-zone":
		if _, err := time.LoadLocation(v); err != nil && v != "default" {
			return nil, fmt.Errorf("option 'table.local-time-zone': unknown time zone '%s'", v)
		}
	case "table.exec.state.ttl":
		if _, err := stateTTL(v); err != nil {
			return nil, err
		}
	case "table.exec.mini-batch.enabled":
		if !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
			return nil, fmt.Errorf("option 'table.exec.mini-batch.enabled': '%s' is not true or false", v)
		}
	case "table.optimizer.reuse-sub-plan-enabled", "table.optimizer.reuse-source-enabled":
		if _, err := plan.ReuseOptionsOf(map[string]string{k: v}); err != nil {
			return nil, err
		}
	default:
		if envKey(k) {
			cfg := datastream.DefaultConfig()
			if err := cfg.Set(k, v); err != nil {
				return nil, err
			}
		}
	}
	s.config[k] = v
	return okResult, nil
}

func stringColumns(names ...string) []plan.Column {
	cols := make([]plan.Column, len(names))
	for i, n := range names {
		cols[i] = plan.Column{Name: n, Type: types.String()}
	}
	return cols
}

func listResult(column string, names []string, like *ast.StringLit, notLike bool) *Result {
	r := &Result{Kind: ResultTable, Columns: stringColumns(column)}
	for _, n := range names {
		if like != nil && likeMatch(n, like.Value) == notLike {
			continue
		}
		r.Rows = append(r.Rows, Row{Values: []any{n}})
	}
	return r
}

// likeMatch is SQL LIKE with % and _ (case-sensitive, as Flink's SHOW).
func likeMatch(s, pattern string) bool {
	if pattern == "" {
		return s == ""
	}
	switch pattern[0] {
	case '%':
		for i := 0; i <= len(s); i++ {
			if likeMatch(s[i:], pattern[1:]) {
				return true
			}
		}
		return false
	case '_':
		return s != "" && likeMatch(s[1:], pattern[1:])
	}
	return s != "" && s[0] == pattern[0] && likeMatch(s[1:], pattern[1:])
}

func (s *Session) show(st *ast.Show) (*Result, error) {
	switch st.Kind {
	case ast.ShowTables:
		return listResult("table name", s.catalog.Tables(false), st.Like, st.NotLike), nil
	case ast.ShowViews:
		return listResult("view name", s.catalog.Tables(true), st.Like, st.NotLike), nil
	case ast.ShowFunctions:
		names := append(builtinFunctions(), s.catalog.UserFunctions()...)
		sort.Strings(names)
		return listResult("function name", names, st.Like, st.NotLike), nil
	case ast.ShowUserFunctions:
		return listResult("function name", s.catalog.UserFunctions(), st.Like, st.NotLike), nil
	case ast.ShowCatalogs:
		return listResult("catalog name", s.catalog.Catalogs(), st.Like, st.NotLike), nil
	case ast.ShowDatabases:
		return listResult("database name", s.catalog.Databases(), st.Like, st.NotLike), nil
	case ast.ShowCurrentCatalog:
		return listResult("current catalog name", []string{s.catalog.CurrentCatalog()}, nil, false), nil
	case ast.ShowCurrentDatabase:
		return listResult("current database name", []string{s.catalog.CurrentDatabase()}, nil, false), nil
	case ast.ShowModules, ast.ShowFullModules:
		return listResult("module name", []string{"core"}, st.Like, st.NotLike), nil
	case ast.ShowJobs:
		return &Result{Kind: ResultTable, Columns: stringColumns("job id", "job name", "status", "start time")}, nil
	case ast.ShowColumns:
		r, err := s.describe(&ast.Describe{Loc: st.Loc, Name: st.From})
		if err != nil {
			return nil, err
		}
		if st.Like != nil {
			var rows []Row
			for _, row := range r.Rows {
				if likeMatch(row.Values[0].(string), st.Like.Value) != st.NotLike {
					rows = append(rows, row)
				}
			}
			r.Rows = rows
		}
		return r, nil
	}
	return nil, fmt.Errorf("SHOW %s is not supported", st.Kind)
}

// createCatalog is CREATE CATALOG name WITH ('type' = 'generic_in_memory'
// [, 'default-database' = 'db']): Flink's in-memory catalog, the one kind
// Eddy has.
func (s *Session) createCatalog(st *ast.CreateCatalog) (*Result, error) {
	typ, db := "", "default"
	for _, o := range st.Options {
		switch o.Key {
		case "type":
			typ = o.Value
		case "default-database":
			if db = o.Value; db == "" {
				return nil, fmt.Errorf("CREATE CATALOG %s: 'default-database' must not be empty", st.Name.Name)
			}
		default:
			return nil, fmt.Errorf("CREATE CATALOG %s: unknown option '%s' of catalog type generic_in_memory (its options: type, default-database)", st.Name.Name, o.Key)
		}
	}
	switch typ {
	case "":
		return nil, fmt.Errorf("CREATE CATALOG %s: the options have no 'type'; write WITH ('type' = 'generic_in_memory')", st.Name.Name)
	case "generic_in_memory":
	default:
		return nil, fmt.Errorf("CREATE CATALOG %s: catalog type '%s' is not supported; Eddy's catalogs are in memory ('type' = 'generic_in_memory')", st.Name.Name, typ)
	}
	return okResult, s.catalog.CreateCatalog(st.Name.Name, db, st.IfNotExists)
}

func builtinFunctions() []string {
	var names []string
	for _, n := range functionNames() {
		if n != "" && (n[0] >= 'A' && n[0] <= 'Z') && !strings.Contains(n, " ") {
			names = append(names, strings.ToLower(n))
		}
	}
	return append(names, "count", "sum", "avg", "min", "max", "tumble", "hop", "cumulate", "session", "proctime")
}

func (s *Session) showCreate(st *ast.ShowCreate) (*Result, error) {
	t, v, err := s.catalog.Lookup(st.Name)
	if err != nil {
		return nil, err
	}
	ddl := ""
	switch {
	case st.Kind == ast.KindView && v == nil:
		return nil, fmt.Errorf("%s is a table: use SHOW CREATE TABLE", t.Path)
	case st.Kind == ast.KindTable && t == nil:
		return nil, fmt.Errorf("%s is a view: use SHOW CREATE VIEW", v.Path)
	case t != nil:
		ddl = t.DDL
	default:
		ddl = v.DDL
	}
	return &Result{Kind: ResultTable, Columns: stringColumns("result"), Rows: []Row{{Values: []any{ddl}}}}, nil
}

// describe prints a table's or view's schema as Flink's DESCRIBE: name,
// type, null, key, extras, watermark.
func (s *Session) describe(st *ast.Describe) (*Result, error) {
	t, v, err := s.catalog.Lookup(st.Name)
	if err != nil {
		return nil, err
	}
	r := &Result{Kind: ResultTable, Columns: []plan.Column{
		{Name: "name", Type: types.String()}, {Name: "type", Type: types.String()}, {Name: "null", Type: types.Boolean()},
		{Name: "key", Type: types.String()}, {Name: "extras", Type: types.String()}, {Name: "watermark", Type: types.String()}}}
	if v != nil {
		p, err := s.planner().PlanQuery(v.Query)
		if err != nil {
			return nil, err
		}
		for _, c := range p.Logical[0].Columns {
			r.Rows = append(r.Rows, Row{Values: []any{c.Name, typeName(c.Type), c.Type.IsNullable(), nil, nil, nil}})
		}
		return r, nil
	}
	cols, err := plan.TableSchema(s.catalog, t)
	if err != nil {
		return nil, err
	}
	for i, c := range t.Columns {
		var key, extras, wm any
		for _, k := range t.PrimaryKey {
			if k == c.Name {
				key = "PRI(" + strings.Join(t.PrimaryKey, ", ") + ")"
			}
		}
		switch c.Kind {
		case catalog.Computed:
			extras = "AS " + ast.Format(c.Expr)
		case catalog.Metadata:
			extras = "METADATA FROM '" + c.MetadataKey + "'"
			if c.Virtual {
				extras = extras.(string) + " VIRTUAL"
			}
		}
		if t.Watermark != nil && t.Watermark.Column == c.Name {
			wm = ast.Format(t.Watermark.Expr)
		}
		r.Rows = append(r.Rows, Row{Values: []any{c.Name, typeName(cols[i].Type), cols[i].Type.IsNullable(), key, extras, wm}})
	}
	return r, nil
}

// typeName prints a type without NOT NULL (DESCRIBE has a null column).
func typeName(t types.Type) string {
	t.NotNull = false
	return t.String()
}

func (s *Session) explain(st *ast.Explain) (*Result, error) {
	var p *plan.Planned
	var err error
	switch x := st.Stmt.(type) {
	case *ast.Query:
		p, err = s.planner().PlanQuery(x)
	case *ast.Insert:
		p, err = s.planner().PlanInserts([]*ast.Insert{x})
	case *ast.StatementSet:
		p, err = s.planner().PlanInserts(x.Inserts)
	default:
		return nil, fmt.Errorf("EXPLAIN supports queries, INSERT and STATEMENT SET")
	}
	if err != nil {
		return nil, err
	}
	if err := exec.CheckPlan(p.Physical); err != nil {
		return nil, err
	}
	text := p.Explain()
	for _, d := range st.Details {
		if d == "JSON_EXECUTION_PLAN" {
			b, err := json.MarshalIndent(p.Physical, "", "  ")
			if err != nil {
				return nil, err
			}
			text += "\n== Physical Execution Plan ==\n" + string(b) + "\n"
		}
	}
	return &Result{Kind: ResultTable, Columns: stringColumns("result"), Rows: []Row{{Values: []any{text}}}}, nil
}

// newEnv makes the job's environment from the table config.
func (s *Session) newEnv() (*datastream.Env, func(), error) {
	env := datastream.NewEnv()
	if s.opts.Env != nil {
		env = s.opts.Env()
	}
	conf := map[string]string{}
	for k, v := range s.config {
		if envKey(k) {
			conf[k] = v
		}
	}
	cleanup := func() {}
	if conf["execution.checkpointing.interval"] != "" && conf["state.checkpoints.dir"] == "" {
		dir, err := os.MkdirTemp("", "eddy-sql-checkpoints-*")
		if err != nil {
			return nil, nil, err
		}
		conf["state.checkpoints.dir"] = dir
		cleanup = func() { os.RemoveAll(dir) }
	}
	if err := env.Configure(conf); err != nil {
		cleanup()
		return nil, nil, err
	}
	return env, cleanup, nil
}

func (s *Session) execOptions() (exec.Options, error) {
	o := exec.Options{Batch: s.batch(), Print: s.opts.Stdout, NexmarkSource: s.opts.NexmarkSource}
	ttl, err := stateTTL(s.config["table.exec.state.ttl"])
	if err != nil {
		return o, err
	}
	o.StateTTL = ttl
	o.MiniBatch = strings.EqualFold(s.config["table.exec.mini-batch.enabled"], "true")
	if tz := s.config["table.local-time-zone"]; tz != "" && tz != "default" {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			return o, err
		}
		o.Location = loc
	}
	return o, nil
}

// BuildQueryStream plans a query and adds its operators to env without
// running them, returning the stream of its result (a changelog of
// chunks) and its columns: for runners that manage the job themselves
// (the Nexmark benchmark).
func (s *Session) BuildQueryStream(env *datastream.Env, q *ast.Query) (*datastream.DataStream[*vector.Chunk], []plan.Column, error) {
	p, err := s.planner().PlanQuery(q)
	if err != nil {
		return nil, nil, err
	}
	return s.buildStream(env, p)
}

// buildStream adds a planned query's or INSERT's operators to env.
func (s *Session) buildStream(env *datastream.Env, p *plan.Planned) (*datastream.DataStream[*vector.Chunk], []plan.Column, error) {
	o, err := s.execOptions()
	if err != nil {
		return nil, nil, err
	}
	stream, err := exec.BuildStream(env, p.Physical, o)
	if err != nil {
		return nil, nil, err
	}
	return stream, p.Logical[0].Columns, nil
}

// BuildInsertStream plans an INSERT and adds its operators, the table's
// sink included, to env without running them, returning the stream of the
// rows it inserts and the table's columns: for runners that also want the
// rows themselves (the Nexmark benchmark).
func (s *Session) BuildInsertStream(env *datastream.Env, ins *ast.Insert) (*datastream.DataStream[*vector.Chunk], []plan.Column, error) {
	p, err := s.planner().PlanInserts([]*ast.Insert{ins})
	if err != nil {
		return nil, nil, err
	}
	return s.buildStream(env, p)
}

func (s *Session) query(ctx context.Context, q *ast.Query) (*Result, error) {
	p, err := s.planner().PlanQuery(q)
	if err != nil {
		return nil, err
	}
	res := &Result{Kind: ResultTable, IsQuery: true, Columns: p.Logical[0].Columns}
	for i := range res.Columns {
		res.Columns[i].Type.TimeAttr = types.NoTimeAttr
	}
	var mu sync.Mutex
	collect := func(kind vector.RowKind, row []any) {
		mu.Lock()
		res.Rows = append(res.Rows, Row{Kind: kind, Values: row})
		mu.Unlock()
	}
	id, err := s.run(ctx, p.Physical, collect)
	if err != nil {
		return nil, err
	}
	res.JobID = id
	if s.batch() {
		res.Batch = true
		final := res.Final()
		res.Rows = res.Rows[:0]
		for _, r := range final {
			res.Rows = append(res.Rows, Row{Kind: vector.Insert, Values: r})
		}
	}
	return res, nil
}

func (s *Session) insert(ctx context.Context, ins []*ast.Insert) (*Result, error) {
	p, err := s.planner().PlanInserts(ins)
	if err != nil {
		return nil, err
	}
	id, err := s.run(ctx, p.Physical, nil)
	if err != nil {
		return nil, err
	}
	return &Result{Kind: ResultTable, JobID: id, Columns: stringColumns("job id"), Rows: []Row{{Values: []any{id}}}}, nil
}

// run executes a physical plan as a job and waits for its end.
func (s *Session) run(ctx context.Context, p *plan.Plan, collect func(vector.RowKind, []any)) (string, error) {
	env, cleanup, err := s.newEnv()
	if err != nil {
		return "", err
	}
	defer cleanup()
	o, err := s.execOptions()
	if err != nil {
		return "", err
	}
	o.Collect = collect
	if err := exec.Build(env, p, o); err != nil {
		return "", err
	}
	id := fmt.Sprintf("eddy-sql-%d", s.jobs.Add(1))
	if name := s.config["pipeline.name"]; name != "" {
		id = name
	}
	if _, err := env.Execute(ctx, id); err != nil {
		return "", fmt.Errorf("job %s failed: %w", id, err)
	}
	return id, nil
}

// stateTTL reads table.exec.state.ttl: how long the state of a key of a
// regular aggregation, join, deduplication, Top-N or set operation is kept
// after its last update (processing time); 0 or empty keeps it forever, as
// Flink's default.
func stateTTL(v string) (time.Duration, error) {
	if v == "" {
		return 0, nil
	}
	d, err := catalog.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("option 'table.exec.state.ttl': %w", err)
	}
	if d < 0 || d > 0 && d < time.Millisecond {
		return 0, fmt.Errorf("option 'table.exec.state.ttl': '%s' must be 0 or at least 1 ms", v)
	}
	return d, nil
}
