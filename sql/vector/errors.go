package vector

import (
	"fmt"
	"slices"
)

// RowErrors are the runtime errors of individual rows of a vector (integer
// division by zero, a CAST of an unparsable string …). A kernel does not
// fail a whole chunk for one bad row: it makes the row NULL and records the
// error, because the row may not matter — a WHERE may have filtered it, or a
// CASE/IF/COALESCE/AND/OR may not select that branch, exactly where Flink's
// generated code would never have evaluated it. The operator that consumes a
// final expression value raises the first error among its live rows (Err).
type RowErrors struct {
	items []rowError
}

type rowError struct {
	row int32
	err error
}

// SetError makes row i NULL and records err for it.
func (v *Vector) SetError(i int, err error) {
	v.Nulls.set(i)
	if v.errs == nil {
		v.errs = &RowErrors{}
	}
	v.errs.items = append(v.errs.items, rowError{row: int32(i), err: err})
}

// HasErrors reports whether any row has an error.
func (v *Vector) HasErrors() bool { return v.errs != nil && len(v.errs.items) > 0 }

// ErrorAt returns the error of row i, or nil.
func (v *Vector) ErrorAt(i int) error {
	if v.errs == nil {
		return nil
	}
	for _, e := range v.errs.items {
		if int(e.row) == i {
			return e.err
		}
	}
	return nil
}

// Err returns the error of the first erroneous row among sel (all rows when
// sel is nil), wrapped with its row number, or nil.
func (v *Vector) Err(sel []int32) error {
	if !v.HasErrors() {
		return nil
	}
	best := -1
	var bestErr error
	for _, e := range v.errs.items {
		live := sel == nil
		if !live {
			_, live = slices.BinarySearch(sel, e.row)
		}
		if live && (best < 0 || int(e.row) < best) {
			best, bestErr = int(e.row), e.err
		}
	}
	if best < 0 {
		return nil
	}
	return fmt.Errorf("row %d: %w", best, bestErr)
}

// PropagateErrors copies into v the row errors of srcs (a strict function's
// result is in error where any argument is). Constant sources apply to every
// row but have none: constants are folded at plan time.
func (v *Vector) PropagateErrors(srcs ...*Vector) {
	for _, s := range srcs {
		if s == nil || !s.HasErrors() {
			continue
		}
		for _, e := range s.errs.items {
			if v.ErrorAt(int(e.row)) == nil {
				v.SetError(int(e.row), e.err)
			}
		}
	}
}

// PropagateErrorsWhere copies the error of row i of src into v for the rows
// where take(i) is true (conditional functions: only the branch chosen for a
// row can fail that row).
func (v *Vector) PropagateErrorsWhere(src *Vector, take func(i int) bool) {
	if src == nil || !src.HasErrors() {
		return
	}
	for _, e := range src.errs.items {
		if take(int(e.row)) && v.ErrorAt(int(e.row)) == nil {
			v.SetError(int(e.row), e.err)
		}
	}
}
