package functions

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// Context is what kernels may read besides their arguments.
type Context struct {
	// Now is the time CURRENT_TIMESTAMP, NOW(), CURRENT_DATE … return. The
	// caller sets it per record batch (streaming) or per query (batch); tests
	// fix it. Zero means time.Now() at each evaluation.
	Now time.Time
	// Location is the session time zone, `table.local-time-zone`; nil means
	// UTC.
	Location *time.Location
	// Watermark, when set, is the current watermark of the operator
	// evaluating (CURRENT_WATERMARK), math.MinInt64 before the first.
	Watermark *int64
}

func (c *Context) loc() *time.Location {
	if c == nil || c.Location == nil {
		return time.UTC
	}
	return c.Location
}

func (c *Context) now() time.Time {
	if c == nil || c.Now.IsZero() {
		return time.Now()
	}
	return c.Now
}

// Kernel evaluates a function over n rows. args have exactly the types of
// Resolved.Args (constants already broadcast); the kernel fills out (of type
// Resolved.Result) with n rows. Row-level failures go to out.SetError; the
// returned error is for failures of the whole call.
type Kernel func(ctx *Context, args []*vector.Vector, n int, out *vector.Vector) error

// Resolved is a function call resolved against argument types: what the
// planner keeps in an expression node. It holds scratch buffers, so use one
// Resolved per expression per subtask (Lookup is cheap), never concurrently.
type Resolved struct {
	// Name is the canonical upper-case name.
	Name string
	// Args are the parameter types the kernel works on. Eval converts
	// arguments of other types with implicit casts; a planner that wants the
	// casts visible in EXPLAIN inserts them itself.
	Args []types.Type
	// Result is the result type, nullability included.
	Result types.Type
	// Deterministic is false for RAND, UUID, CURRENT_TIMESTAMP …: the planner
	// must not constant-fold them.
	Deterministic bool

	kernel Kernel
	// strict: a row error of any argument is an error of the result row.
	// Conditional functions (CASE, COALESCE, AND …) handle errors themselves.
	strict bool
	// scratch per argument: broadcast constants and implicit casts.
	scratch []*vector.Vector
	casts   []*Resolved
	castTmp []*vector.Vector
	// constSrc/constN remember which constant castTmp holds broadcast, so a
	// literal is expanded once, not per chunk.
	constSrc []*vector.Vector
	constN   []int
}

// Eval evaluates the call over n rows (constants in args stand for every
// row) into out, which must have type r.Result. Row errors are left in out
// (vector.Vector.Err raises them for the live rows).
func (r *Resolved) Eval(ctx *Context, args []*vector.Vector, n int, out *vector.Vector) error {
	if len(args) != len(r.Args) {
		return fmt.Errorf("%s: %d arguments, want %d", r.Name, len(args), len(r.Args))
	}
	if r.scratch == nil {
		r.scratch = make([]*vector.Vector, len(args))
		r.casts = make([]*Resolved, len(args))
		r.castTmp = make([]*vector.Vector, len(args))
		r.constSrc = make([]*vector.Vector, len(args))
		r.constN = make([]int, len(args))
	}
	in := args
	copied := false
	for i, a := range args {
		b := a
		if a.IsConst() {
			if r.constSrc[i] != a || r.constN[i] != n {
				if r.castTmp[i] == nil || !r.castTmp[i].Type().Equal(a.Type()) {
					r.castTmp[i] = vector.New(a.Type(), n)
				}
				r.castTmp[i].BroadcastFrom(a, n)
				r.constSrc[i], r.constN[i] = a, n
			}
			b = r.castTmp[i]
		} else if a.Len() < n {
			return fmt.Errorf("%s: argument %d has %d rows, want %d", r.Name, i+1, a.Len(), n)
		}
		if needsCast(b.Type(), r.Args[i]) {
			if r.casts[i] == nil || !r.casts[i].Args[0].Equal(b.Type()) {
				c, err := LookupCast(b.Type(), r.Args[i], false)
				if err != nil {
					return fmt.Errorf("%s: argument %d: %w", r.Name, i+1, err)
				}
				r.casts[i] = c
				r.scratch[i] = vector.New(c.Result, n)
			}
			if err := r.casts[i].Eval(ctx, []*vector.Vector{b}, n, r.scratch[i]); err != nil {
				return fmt.Errorf("%s: argument %d: %w", r.Name, i+1, err)
			}
			b = r.scratch[i]
		}
		if b != a {
			if !copied {
				in = append([]*vector.Vector(nil), args...)
				copied = true
			}
			in[i] = b
		}
	}
	if err := r.kernel(ctx, in, n, out); err != nil {
		return fmt.Errorf("%s: %w", r.Name, err)
	}
	if r.strict {
		out.PropagateErrors(in...)
	}
	return nil
}

// needsCast reports whether a value of type from must be converted before a
// kernel expecting to can read it: a different lane, a different DECIMAL
// scale, or a different temporal meaning. INT read as BIGINT, CHAR as
// VARCHAR or TIMESTAMP(0) as TIMESTAMP(3) need nothing.
func needsCast(from, to types.Type) bool {
	if from.Kind == types.KindNull {
		return to.Kind != types.KindNull
	}
	if vector.LaneOf(from) != vector.LaneOf(to) {
		return true
	}
	switch {
	case from.Kind == types.KindDecimal:
		return from.Scale != to.Scale || from.Precision > to.Precision
	case from.Kind == types.KindFloat || to.Kind == types.KindFloat:
		return from.Kind != to.Kind && to.Kind == types.KindFloat
	case from.IsIntegral():
		return !to.IsIntegral() || to.Kind < from.Kind
	case from.IsConstructed():
		return !from.EqualIgnoringNullability(to)
	}
	return from.Kind != to.Kind && !(from.IsCharacter() && to.IsCharacter()) &&
		!(from.IsBinaryString() && to.IsBinaryString())
}

// funcDef is a registered function: how to resolve it for argument types.
type funcDef struct {
	name string
	// sigs are the accepted signatures, for error messages.
	sigs []string
	// resolve returns nil when the argument types do not fit.
	resolve func(args []types.Type) *Resolved
	// resolveConst, when set, is used instead of resolve and also sees the
	// values of constant arguments (nil entries for non-constants).
	resolveConst func(args []types.Type, consts []any) *Resolved
}

var registry = map[string]*funcDef{}

// register adds a function under its name and aliases.
func register(names []string, sigs []string, resolve func(args []types.Type) *Resolved) {
	def := &funcDef{name: names[0], sigs: sigs, resolve: resolve}
	for _, n := range names {
		registry[n] = def
	}
}

// Lookup resolves a call of the function or operator name (case-insensitive;
// operators by symbol: "+", "=", "AND", "IS NULL", "LIKE", "||", "CASE" …)
// for the given argument types. Errors name the closest known function or
// the accepted signatures. CAST and TRY_CAST are resolved by LookupCast.
func Lookup(name string, args []types.Type) (*Resolved, error) {
	return LookupCall(name, args, nil)
}

// LookupCall is Lookup with the values of constant arguments (as Go values;
// nil for arguments that are not constants, or for NULL literals). A few
// result types depend on literals, as in Flink: ROUND(DECIMAL(p, s), r) and
// TRUNCATE derive their scale from r. Lookup treats every argument as
// non-constant.
func LookupCall(name string, args []types.Type, consts []any) (*Resolved, error) {
	key := normName(name)
	if key == "CAST" || key == "TRY_CAST" {
		if len(args) == 2 {
			return LookupCast(args[0], args[1], key == "TRY_CAST")
		}
		return nil, fmt.Errorf("%s needs a target type: use LookupCast(from, to, try)", key)
	}
	def, ok := registry[key]
	if !ok {
		if s := suggest(key); s != "" {
			return nil, fmt.Errorf("no function %s; did you mean %s?", name, s)
		}
		return nil, fmt.Errorf("no function %s", name)
	}
	var r *Resolved
	if def.resolveConst != nil {
		if consts == nil {
			consts = make([]any, len(args))
		}
		r = def.resolveConst(args, consts)
	} else {
		r = def.resolve(args)
	}
	if r == nil {
		return nil, fmt.Errorf("%s does not accept (%s); accepted: %s",
			def.name, typeList(args), strings.Join(def.sigs, ", "))
	}
	if r.Name == "" {
		r.Name = def.name
	}
	return r, nil
}

func normName(name string) string { return strings.ToUpper(strings.Join(strings.Fields(name), " ")) }

// Names lists the registered function names, sorted.
func Names() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func typeList(ts []types.Type) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = t.String()
	}
	return strings.Join(parts, ", ")
}

// suggest returns the registered name closest to name by edit distance, if
// close enough to be a plausible typo.
func suggest(name string) string {
	best, bestD := "", len(name)/3+2
	for n := range registry {
		if d := editDistance(name, n); d < bestD || d == bestD && n < best {
			best, bestD = n, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// --- helpers for resolvers ---

// anyNullable reports whether some argument type is nullable.
func anyNullable(args []types.Type) bool {
	for _, a := range args {
		if a.IsNullable() {
			return true
		}
	}
	return false
}

// strictFn builds a Resolved for a NULL-in-NULL-out function: the result is
// nullable when an argument is, or when mayBeNull.
func strictFn(params []types.Type, args []types.Type, result types.Type, mayBeNull bool, k Kernel) *Resolved {
	result = result.WithNullable(mayBeNull || anyNullable(args))
	ps := make([]types.Type, len(params))
	for i := range params {
		ps[i] = params[i].WithNullable(args[i].IsNullable())
	}
	return &Resolved{Args: ps, Result: result, Deterministic: true, kernel: k, strict: true}
}

func isString(t types.Type) bool  { return t.IsCharacter() || t.Kind == types.KindNull }
func isBinary(t types.Type) bool  { return t.IsBinaryString() || t.Kind == types.KindNull }
func isInteger(t types.Type) bool { return t.IsIntegral() || t.Kind == types.KindNull }
func isNumeric(t types.Type) bool { return t.IsNumeric() || t.Kind == types.KindNull }
func isBool(t types.Type) bool    { return t.Kind == types.KindBoolean || t.Kind == types.KindNull }

// allOf reports whether every argument satisfies pred and the count is in
// [lo, hi].
func allOf(args []types.Type, lo, hi int, pred func(types.Type) bool) bool {
	if len(args) < lo || len(args) > hi {
		return false
	}
	for _, a := range args {
		if !pred(a) {
			return false
		}
	}
	return true
}

// repeatType returns n copies of t.
func repeatType(t types.Type, n int) []types.Type {
	ts := make([]types.Type, n)
	for i := range ts {
		ts[i] = t
	}
	return ts
}

// orNullStr maps an argument type to the STRING parameter it is read as.
func strParam(t types.Type) types.Type {
	if t.IsCharacter() {
		return t
	}
	return types.String()
}

// mergeNulls sets out's null bitmap to the union of the arguments' (the
// null rule of strict functions computed word-wise).
func mergeNulls(out *vector.Vector, n int, args ...*vector.Vector) {
	var nb vector.Bitmap
	for _, a := range args {
		if len(a.Nulls) > 0 {
			nb = vector.Or(nb, nb, a.Nulls, n)
		} else if a.Type().Kind == types.KindNull {
			nb = vector.Or(nb, nb, allNulls(n), n)
		}
	}
	out.SetNulls(nb)
}

func allNulls(n int) vector.Bitmap {
	b := make(vector.Bitmap, vector.Words(n))
	for i := range b {
		b[i] = ^uint64(0)
	}
	return b
}

// anyNull reports whether row i is NULL in some argument.
func anyNull(args []*vector.Vector, i int) bool {
	for _, a := range args {
		if a.IsNull(i) {
			return true
		}
	}
	return false
}
