package exec

import (
	"fmt"
	"slices"

	"github.com/eddy-streams/eddy/sql/plan"
)

// The NFA of MATCH_RECOGNIZE, as Flink's CEP compiles a SQL pattern:
// strictly contiguous rows, each pattern element a chain of states (one
// per row it must take, then a looping state or optional ones). A state
// is (element i, rows c the element took so far); from it a row can be
// TAKEN by element i (if c is below its maximum) and the run can PROCEED
// to element i+1 without taking it (if c reached the minimum). A greedy
// element proceeds only on a row it cannot take; a reluctant or fixed one
// branches both ways. A run that proceeds past the last element is a
// match. Conditions are evaluated as the run meets them, with the run's
// rows as context, as Flink's decision graph does.
//
// Every row starts a new run too. Completed matches go out by their first
// row, and only once no partial match started before them: the
// after-match strategy then prunes the runs (partial and completed) that
// started before its point.

// matchRun is a partial match, or a completed one (Elem == len(pattern)):
// its rows are Start, Start+1, … (sequence numbers of the partition's
// rows); element i took Counts[i] of them, in pattern order.
type matchRun struct {
	Start   int64
	StartTS int64 // the time of the first row, for WITHIN
	Elem    int32
	Counts  []int32
}

// rowCount is the number of rows of the run.
func (r *matchRun) rowCount() int64 {
	var n int64
	for _, c := range r.Counts {
		n += int64(c)
	}
	return n
}

// elemRows returns the rows element e took: [lo, hi], empty when hi < lo.
func (r *matchRun) elemRows(e int) (lo, hi int64) {
	lo = r.Start
	for i := 0; i < e && i < len(r.Counts); i++ {
		lo += int64(r.Counts[i])
	}
	n := int64(0)
	if e < len(r.Counts) {
		n = int64(r.Counts[e])
	}
	return lo, lo + n - 1
}

// matchNFA is a compiled pattern with its after-match strategy.
type matchNFA struct {
	elems   []plan.MatchElem
	varElem []int // variable → its element
	after   plan.MatchAfter
	within  int64
}

func newMatchNFA(spec *plan.MatchSpec) (*matchNFA, error) {
	n := &matchNFA{elems: spec.Pattern, varElem: make([]int, len(spec.Vars)), after: spec.After, within: spec.Within}
	if len(spec.Pattern) == 0 {
		return nil, fmt.Errorf("empty pattern")
	}
	for i := range n.varElem {
		n.varElem[i] = -1
	}
	for i, e := range spec.Pattern {
		if e.Var < 0 || e.Var >= len(spec.Vars) || e.Min < 0 || e.Max >= 0 && (e.Max < e.Min || e.Max == 0) {
			return nil, fmt.Errorf("invalid pattern element %d", i)
		}
		if n.varElem[e.Var] >= 0 {
			return nil, fmt.Errorf("variable %s twice in the pattern", spec.Vars[e.Var])
		}
		n.varElem[e.Var] = i
	}
	for v, e := range n.varElem {
		if e < 0 {
			return nil, fmt.Errorf("variable %s not in the pattern", spec.Vars[v])
		}
	}
	return n, nil
}

// nfaState is a state of the NFA: element I, having taken C rows.
type nfaState struct{ I, C int }

// lo is the rows after which element e loops (its minimum, at least 1).
func lo(e plan.MatchElem) int { return max(e.Min, 1) }

// afterTake is the state after element i took a row in state (i, c): the
// next element's first state once i took its maximum.
func (n *matchNFA) afterTake(i, c int) nfaState {
	if e := n.elems[i]; e.Max >= 0 && c+1 >= e.Max {
		return nfaState{i + 1, 0}
	}
	return nfaState{i, c + 1}
}

// canProceed reports whether (i, c) proceeds to element i+1 on the row;
// taken is element i's condition on it.
func (n *matchNFA) canProceed(s nfaState, taken func(i int) (bool, error)) (bool, error) {
	e := n.elems[s.I]
	if s.C < e.Min {
		return false, nil
	}
	if !e.Greedy {
		return true, nil
	}
	t, err := taken(s.I)
	return !t, err
}

func (n *matchNFA) canTake(s nfaState, taken func(i int) (bool, error)) (bool, error) {
	if e := n.elems[s.I]; e.Max >= 0 && s.C >= e.Max {
		return false, nil
	}
	return taken(s.I)
}

// step feeds a row (sequence number seq, time ts) to run r (nil: the
// start state). cond(i) is element i's condition on the row with r as
// context. It returns the runs that go on and the matches completed.
func (n *matchNFA) step(r *matchRun, seq, ts int64, cond func(i int) (bool, error)) (next, done []matchRun, err error) {
	// Conditions are evaluated at most once per run and row.
	memo := make([]int8, len(n.elems))
	taken := func(i int) (bool, error) {
		if memo[i] == 0 {
			t, err := cond(i)
			if err != nil {
				return false, err
			}
			memo[i] = 2
			if t {
				memo[i] = 1
			}
		}
		return memo[i] == 1, nil
	}
	start := nfaState{}
	if r != nil {
		start = nfaState{int(r.Elem), int(r.Counts[r.Elem])}
	}
	// The decision graph: follow PROCEED edges, collect TAKE edges. A
	// looping state lists its PROCEED before its TAKE, the others after.
	var takes []nfaState
	stack := []nfaState{start}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if s.I >= len(n.elems) {
			continue
		}
		e := n.elems[s.I]
		looping := e.Max < 0 && s.C >= lo(e)
		var proceed, take bool
		if looping {
			if proceed, err = n.canProceed(s, taken); err != nil {
				return nil, nil, err
			}
		}
		if take, err = n.canTake(s, taken); err != nil {
			return nil, nil, err
		}
		if take {
			takes = append(takes, s)
		}
		if !looping {
			if proceed, err = n.canProceed(s, taken); err != nil {
				return nil, nil, err
			}
		}
		if proceed {
			stack = append(stack, nfaState{s.I + 1, 0})
		}
	}
	for _, s := range takes {
		nr := matchRun{Start: seq, StartTS: ts, Counts: make([]int32, len(n.elems))}
		if r != nil {
			nr.Start, nr.StartTS = r.Start, r.StartTS
			copy(nr.Counts, r.Counts)
		}
		nr.Counts[s.I] = int32(s.C + 1)
		t := n.afterTake(s.I, s.C)
		nr.Elem = int32(t.I)
		if t.I >= len(n.elems) {
			done = append(done, nr)
			continue
		}
		next = append(next, nr)
		// A state that can proceed to the end completes a match at once.
		final, err := n.proceedsToEnd(t, taken)
		if err != nil {
			return nil, nil, err
		}
		if final {
			m := nr
			m.Counts = slices.Clone(nr.Counts)
			m.Elem = int32(len(n.elems))
			done = append(done, m)
		}
	}
	return next, done, nil
}

// proceedsToEnd reports whether state s reaches the end by PROCEED edges
// alone, their conditions evaluated on the row just taken (as Flink does).
func (n *matchNFA) proceedsToEnd(s nfaState, taken func(i int) (bool, error)) (bool, error) {
	for s.I < len(n.elems) {
		ok, err := n.canProceed(s, taken)
		if err != nil || !ok {
			return false, err
		}
		s = nfaState{s.I + 1, 0}
	}
	return true, nil
}

// timedOut reports whether a run that started at start is too old at
// time t for WITHIN: more than the interval passed. (Flink's NFA drops a
// run once the interval passed, so its last row must come strictly within
// it; its documentation's example keeps a match spanning the interval
// exactly, and that is what this does.)
func (n *matchNFA) timedOut(start, t int64) bool {
	return n.within > 0 && t > start && uint64(t)-uint64(start) > uint64(n.within)
}

// prune applies the after-match strategy for match m to runs: the runs
// that started before the point where matching resumes go.
func (n *matchNFA) prune(m *matchRun, runs []matchRun) ([]matchRun, error) {
	var point int64
	inclusive := true // prune runs starting at the point too
	switch n.after.Kind {
	case plan.SkipPastLastRow:
		point = m.Start + m.rowCount() - 1
	case plan.SkipToNextRow:
		point = m.Start
	case plan.SkipToFirst, plan.SkipToLast:
		e := -1
		if n.after.Var >= 0 && n.after.Var < len(n.varElem) {
			e = n.varElem[n.after.Var]
		}
		lo, hi := m.elemRows(e)
		if e < 0 || hi < lo {
			return nil, fmt.Errorf("AFTER MATCH %s: no row of the match is mapped to the variable", n.after.Kind)
		}
		point = hi
		if n.after.Kind == plan.SkipToFirst {
			point = lo
		}
		if point == m.Start {
			return nil, fmt.Errorf("AFTER MATCH %s: the variable's row is the first row of the match; matching would start again where this match started (as in Flink, this fails)", n.after.Kind)
		}
		inclusive = false
	default:
		return nil, fmt.Errorf("unknown after-match strategy %q", n.after.Kind)
	}
	out := runs[:0:0]
	for _, r := range runs {
		if r.Start < point || inclusive && r.Start == point {
			continue
		}
		out = append(out, r)
	}
	return out, nil
}

// release emits, in order of their first rows, the completed matches that
// no partial match started before, pruning after each.
func (n *matchNFA) release(st *matchState, emit func(m *matchRun) error) error {
	for len(st.Completed) > 0 {
		m := st.Completed[0]
		if len(st.Partials) > 0 && st.Partials[0].Start < m.Start {
			return nil
		}
		rest := st.Completed[1:]
		var err error
		if st.Partials, err = n.prune(&m, st.Partials); err != nil {
			return err
		}
		if st.Completed, err = n.prune(&m, rest); err != nil {
			return err
		}
		if err := emit(&m); err != nil {
			return err
		}
	}
	return nil
}

// expire drops the partial matches too old at time t for WITHIN, which
// may release the completed matches they held back.
func (n *matchNFA) expire(st *matchState, t int64, emit func(m *matchRun) error) error {
	if n.within > 0 {
		kept := st.Partials[:0:0]
		for _, r := range st.Partials {
			if !n.timedOut(r.StartTS, t) {
				kept = append(kept, r)
			}
		}
		st.Partials = kept
	}
	return n.release(st, emit)
}

// sortRuns orders runs by first row, stable.
func sortRuns(runs []matchRun) {
	slices.SortStableFunc(runs, func(a, b matchRun) int { return cmp3(a.Start, b.Start) })
}
