package catalog

import (
	"fmt"
	"sort"
	"strings"

	"github.com/eddy-streams/eddy/sql/ast"
)

// Flink's built-in catalog and database names.
const (
	DefaultCatalog  = "default_catalog"
	DefaultDatabase = "default_database"
)

// Path is a fully qualified object name.
type Path struct {
	Catalog, Database, Object string
}

func (p Path) String() string {
	return ast.QuoteIdent(p.Catalog) + "." + ast.QuoteIdent(p.Database) + "." + ast.QuoteIdent(p.Object)
}

// Catalog is a session's in-memory catalog. It is not safe for concurrent
// use: a session executes one statement at a time.
type Catalog struct {
	current   Path // Catalog and Database set
	databases map[[2]string]bool
	// defaults are the catalogs' default databases (USE CATALOG goes
	// there); catalogs exist while they have a database.
	defaults  map[string]string
	tables    map[Path]*Table
	views     map[Path]*View
	functions map[Path]*Function
}

// New returns a catalog holding default_catalog.default_database.
func New() *Catalog {
	return &Catalog{
		current:   Path{Catalog: DefaultCatalog, Database: DefaultDatabase},
		databases: map[[2]string]bool{{DefaultCatalog, DefaultDatabase}: true},
		defaults:  map[string]string{DefaultCatalog: DefaultDatabase},
		tables:    map[Path]*Table{},
		views:     map[Path]*View{},
		functions: map[Path]*Function{},
	}
}

// CurrentCatalog and CurrentDatabase name where unqualified names resolve.
func (c *Catalog) CurrentCatalog() string  { return c.current.Catalog }
func (c *Catalog) CurrentDatabase() string { return c.current.Database }

// Catalogs lists the catalog names.
func (c *Catalog) Catalogs() []string {
	set := map[string]bool{}
	for k := range c.databases {
		set[k[0]] = true
	}
	return sortedKeys(set)
}

// Databases lists the databases of the current catalog.
func (c *Catalog) Databases() []string {
	set := map[string]bool{}
	for k := range c.databases {
		if k[0] == c.current.Catalog {
			set[k[1]] = true
		}
	}
	return sortedKeys(set)
}

// CreateDatabase adds a database to the current catalog (or the named one).
func (c *Catalog) CreateDatabase(name *ast.ObjectName, ifNotExists bool) error {
	cat, db := c.current.Catalog, ""
	switch len(name.Parts) {
	case 1:
		db = name.Parts[0].Name
	case 2:
		cat, db = name.Parts[0].Name, name.Parts[1].Name
		if !c.hasCatalog(cat) {
			return c.catalogNotFound(cat)
		}
	default:
		return posErrorf(name.Start(), "invalid database name %s", name)
	}
	if c.databases[[2]string{cat, db}] {
		if ifNotExists {
			return nil
		}
		return fmt.Errorf("database %s.%s already exists", cat, db)
	}
	c.databases[[2]string{cat, db}] = true
	return nil
}

// CreateCatalog adds an in-memory catalog (Flink's generic_in_memory)
// holding its default database.
func (c *Catalog) CreateCatalog(name, defaultDatabase string, ifNotExists bool) error {
	if c.hasCatalog(name) {
		if ifNotExists {
			return nil
		}
		return fmt.Errorf("catalog '%s' already exists", name)
	}
	c.databases[[2]string{name, defaultDatabase}] = true
	c.defaults[name] = defaultDatabase
	return nil
}

// DropCatalog removes a catalog and everything in it, but not the
// current one.
func (c *Catalog) DropCatalog(name string, ifExists bool) error {
	if !c.hasCatalog(name) {
		if ifExists {
			return nil
		}
		return c.catalogNotFound(name)
	}
	if name == c.current.Catalog {
		return fmt.Errorf("cannot drop catalog '%s': it is the current catalog (USE CATALOG another first)", name)
	}
	for k := range c.databases {
		if k[0] == name {
			c.dropContents(k)
			delete(c.databases, k)
		}
	}
	delete(c.defaults, name)
	return nil
}

// DropDatabase removes a database ([catalog.]name) of the current catalog:
// an empty one, or with cascade what it holds too; never the current
// database.
func (c *Catalog) DropDatabase(name *ast.ObjectName, ifExists, cascade bool) error {
	cat, db := c.current.Catalog, ""
	switch len(name.Parts) {
	case 1:
		db = name.Parts[0].Name
	case 2:
		cat, db = name.Parts[0].Name, name.Parts[1].Name
	default:
		return posErrorf(name.Start(), "invalid database name %s", name)
	}
	k := [2]string{cat, db}
	if !c.databases[k] {
		if ifExists {
			return nil
		}
		if !c.hasCatalog(cat) {
			return c.catalogNotFound(cat)
		}
		return fmt.Errorf("database '%s' not found in catalog '%s'", db, cat)
	}
	if cat == c.current.Catalog && db == c.current.Database {
		return fmt.Errorf("cannot drop database %s.%s: it is the current database (USE another first)", cat, db)
	}
	if !cascade && c.holds(k) {
		return fmt.Errorf("database %s.%s is not empty: drop its tables, views and functions first, or DROP DATABASE … CASCADE", cat, db)
	}
	c.dropContents(k)
	delete(c.databases, k)
	return nil
}

// holds reports whether database k has tables, views or functions.
func (c *Catalog) holds(k [2]string) bool { return len(c.objectsIn(k)) > 0 }

// dropContents removes database k's tables, views and functions.
func (c *Catalog) dropContents(k [2]string) {
	for _, p := range c.objectsIn(k) {
		delete(c.tables, p)
		delete(c.views, p)
		delete(c.functions, p)
	}
}

// objectsIn lists the paths of database k's tables, views and functions.
func (c *Catalog) objectsIn(k [2]string) []Path {
	var ps []Path
	add := func(p Path) {
		if p.Catalog == k[0] && p.Database == k[1] {
			ps = append(ps, p)
		}
	}
	for p := range c.tables {
		add(p)
	}
	for p := range c.views {
		add(p)
	}
	for p := range c.functions {
		add(p)
	}
	return ps
}

// Current returns the current catalog and database.
func (c *Catalog) Current() Path { return c.current }

// Within makes p's catalog and database current until restore is called
// (binding a view's query where it was defined). A p without a catalog
// changes nothing.
func (c *Catalog) Within(p Path) (restore func()) {
	saved := c.current
	if p.Catalog != "" && c.databases[[2]string{p.Catalog, p.Database}] {
		c.current = Path{Catalog: p.Catalog, Database: p.Database}
	}
	return func() { c.current = saved }
}

// UseCatalog makes name the current catalog, at its default database.
func (c *Catalog) UseCatalog(name string) error {
	if !c.hasCatalog(name) {
		return c.catalogNotFound(name)
	}
	c.current = Path{Catalog: name, Database: c.defaults[name]}
	if !c.databases[[2]string{name, c.current.Database}] {
		for _, db := range c.Databases() {
			c.current.Database = db
			break
		}
	}
	return nil
}

// UseDatabase makes name ([catalog.]database) the current database.
func (c *Catalog) UseDatabase(name *ast.ObjectName) error {
	cat := c.current.Catalog
	var db string
	switch len(name.Parts) {
	case 1:
		db = name.Parts[0].Name
	case 2:
		cat, db = name.Parts[0].Name, name.Parts[1].Name
	default:
		return posErrorf(name.Start(), "invalid database name %s", name)
	}
	if !c.databases[[2]string{cat, db}] {
		var names []string
		for k := range c.databases {
			if k[0] == cat {
				names = append(names, k[1])
			}
		}
		return fmt.Errorf("database '%s' not found in catalog '%s'%s", db, cat, DidYouMean(db, names))
	}
	c.current = Path{Catalog: cat, Database: db}
	return nil
}

func (c *Catalog) hasCatalog(name string) bool {
	for k := range c.databases {
		if k[0] == name {
			return true
		}
	}
	return false
}

func (c *Catalog) catalogNotFound(name string) error {
	return fmt.Errorf("catalog '%s' not found%s", name, DidYouMean(name, c.Catalogs()))
}

// Resolve qualifies a possibly partial name with the current catalog and
// database, checking that the database exists.
func (c *Catalog) Resolve(name *ast.ObjectName) (Path, error) {
	p := c.current
	parts := name.Parts
	switch len(parts) {
	case 1:
		p.Object = parts[0].Name
	case 2:
		p.Database, p.Object = parts[0].Name, parts[1].Name
	case 3:
		p.Catalog, p.Database, p.Object = parts[0].Name, parts[1].Name, parts[2].Name
	default:
		return Path{}, posErrorf(name.Start(), "invalid object name %s: at most catalog.database.object", name)
	}
	if !c.databases[[2]string{p.Catalog, p.Database}] {
		if !c.hasCatalog(p.Catalog) {
			return Path{}, posErrorf(name.Start(), "catalog '%s' not found%s", p.Catalog, DidYouMean(p.Catalog, c.Catalogs()))
		}
		return Path{}, posErrorf(name.Start(), "database '%s' not found in catalog '%s'", p.Database, p.Catalog)
	}
	return p, nil
}

// exists reports whether a table or view has the path.
func (c *Catalog) exists(p Path) bool {
	return c.tables[p] != nil || c.views[p] != nil
}

// CreateTable adds t. A table or view of the same name is an error unless
// ifNotExists, in which case nothing changes.
func (c *Catalog) CreateTable(t *Table, ifNotExists bool) error {
	if c.exists(t.Path) {
		if ifNotExists {
			return nil
		}
		return fmt.Errorf("table or view %s already exists", t.Path)
	}
	c.tables[t.Path] = t
	return nil
}

// CreateView adds v.
func (c *Catalog) CreateView(v *View, ifNotExists bool) error {
	if c.exists(v.Path) {
		if ifNotExists {
			return nil
		}
		return fmt.Errorf("table or view %s already exists", v.Path)
	}
	c.views[v.Path] = v
	return nil
}

// CreateFunction records a function.
func (c *Catalog) CreateFunction(f *Function, ifNotExists bool) error {
	if c.functions[f.Path] != nil {
		if ifNotExists {
			return nil
		}
		return fmt.Errorf("function %s already exists", f.Path)
	}
	if g := c.functionFold(f.Path); g != nil {
		// Function names are case-insensitive, as Flink's catalog functions.
		if ifNotExists {
			return nil
		}
		return fmt.Errorf("function %s already exists (as %s)", f.Path, g.Path)
	}
	c.functions[f.Path] = f
	return nil
}

// functionFold returns the function whose path equals p ignoring the case of
// the object name, or nil.
func (c *Catalog) functionFold(p Path) *Function {
	if f := c.functions[p]; f != nil {
		return f
	}
	for q, f := range c.functions {
		if q.Catalog == p.Catalog && q.Database == p.Database && strings.EqualFold(q.Object, p.Object) {
			return f
		}
	}
	return nil
}

// Drop removes a table, view or function.
func (c *Catalog) Drop(kind ast.ObjectKind, name *ast.ObjectName, ifExists bool) error {
	p, err := c.Resolve(name)
	if err != nil {
		if ifExists {
			return nil
		}
		return err
	}
	found := false
	switch kind {
	case ast.KindTable:
		if _, found = c.tables[p]; found {
			delete(c.tables, p)
		} else if c.views[p] != nil {
			return fmt.Errorf("%s is a view: use DROP VIEW", p)
		}
	case ast.KindView:
		if _, found = c.views[p]; found {
			delete(c.views, p)
		} else if c.tables[p] != nil {
			return fmt.Errorf("%s is a table: use DROP TABLE", p)
		}
	case ast.KindFunction:
		if f := c.functionFold(p); f != nil {
			delete(c.functions, f.Path)
			found = true
		}
	default:
		return fmt.Errorf("DROP %s is not supported", kind)
	}
	if !found && !ifExists {
		return posErrorf(name.Start(), "%s %s not found%s", kindName(kind), quoteName(name), DidYouMean(p.Object, c.namesIn(kind, p)))
	}
	return nil
}

func kindName(k ast.ObjectKind) string {
	switch k {
	case ast.KindView:
		return "view"
	case ast.KindFunction:
		return "function"
	}
	return "table"
}

func quoteName(n *ast.ObjectName) string { return "'" + n.String() + "'" }

// namesIn lists the objects of a kind in p's database.
func (c *Catalog) namesIn(kind ast.ObjectKind, p Path) []string {
	var names []string
	add := func(q Path) {
		if q.Catalog == p.Catalog && q.Database == p.Database {
			names = append(names, q.Object)
		}
	}
	switch kind {
	case ast.KindFunction:
		for q := range c.functions {
			add(q)
		}
	default:
		for q := range c.tables {
			add(q)
		}
		for q := range c.views {
			add(q)
		}
	}
	sort.Strings(names)
	return names
}

// Lookup finds the table or view named name: exactly one of the results
// is set. A miss suggests the closest name.
func (c *Catalog) Lookup(name *ast.ObjectName) (*Table, *View, error) {
	p, err := c.Resolve(name)
	if err != nil {
		return nil, nil, err
	}
	if t := c.tables[p]; t != nil {
		return t, nil, nil
	}
	if v := c.views[p]; v != nil {
		return nil, v, nil
	}
	return nil, nil, posErrorf(name.Start(), "table %s not found%s", quoteName(name), DidYouMean(p.Object, c.namesIn(ast.KindTable, p)))
}

// LookupTable is Lookup for tables only (INSERT targets).
func (c *Catalog) LookupTable(name *ast.ObjectName) (*Table, error) {
	t, v, err := c.Lookup(name)
	if err != nil {
		return nil, err
	}
	if v != nil {
		return nil, posErrorf(name.Start(), "%s is a view, not a table", v.Path)
	}
	return t, nil
}

// Function returns the function with the given path, or nil.
func (c *Catalog) Function(name *ast.ObjectName) *Function {
	p, err := c.Resolve(name)
	if err != nil {
		return nil
	}
	return c.functionFold(p)
}

// Tables lists the tables and views of the current database; views only
// when views is true, tables only when false.
func (c *Catalog) Tables(views bool) []string {
	set := map[string]bool{}
	in := func(p Path) bool { return p.Catalog == c.current.Catalog && p.Database == c.current.Database }
	if views {
		for p := range c.views {
			if in(p) {
				set[p.Object] = true
			}
		}
	} else {
		for p := range c.tables {
			if in(p) {
				set[p.Object] = true
			}
		}
		for p := range c.views {
			if in(p) {
				set[p.Object] = true
			}
		}
	}
	return sortedKeys(set)
}

// UserFunctions lists the functions of the current database.
func (c *Catalog) UserFunctions() []string {
	return c.namesIn(ast.KindFunction, c.current)
}

func sortedKeys(set map[string]bool) []string {
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ReplaceTable puts t in place of the table at old (ALTER TABLE): t may
// have a new path (RENAME TO), which must be free.
func (c *Catalog) ReplaceTable(old Path, t *Table) error {
	if c.tables[old] == nil {
		return fmt.Errorf("table %s not found", old)
	}
	if t.Path != old && c.exists(t.Path) {
		return fmt.Errorf("table or view %s already exists", t.Path)
	}
	delete(c.tables, old)
	c.tables[t.Path] = t
	return nil
}

// ReplaceView puts v in place of the view at old (ALTER VIEW).
func (c *Catalog) ReplaceView(old Path, v *View) error {
	if c.views[old] == nil {
		return fmt.Errorf("view %s not found", old)
	}
	if v.Path != old && c.exists(v.Path) {
		return fmt.Errorf("table or view %s already exists", v.Path)
	}
	delete(c.views, old)
	c.views[v.Path] = v
	return nil
}

// ReplaceFunction puts f in place of the function of the same path, which
// must exist (ALTER FUNCTION).
func (c *Catalog) ReplaceFunction(f *Function) error {
	g := c.functionFold(f.Path)
	if g == nil {
		return fmt.Errorf("function %s not found", f.Path)
	}
	delete(c.functions, g.Path)
	c.functions[f.Path] = f
	return nil
}

// LookupView returns the view at p, or nil.
func (c *Catalog) LookupView(p Path) *View { return c.views[p] }
