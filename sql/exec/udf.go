package exec

import (
	"fmt"

	"github.com/eddy-streams/eddy/sql/plan"
)

// udafAdd accumulates or retracts one row of a user-defined aggregate call.
// The accumulator is decoded and re-encoded per row: simple and safe for
// state, at the cost of a codec round trip per row.
func udafAdd(acc *aggAcc, c plan.AggCall, args []any, retract bool) error {
	u := c.UDAF
	if retract && !u.Retract {
		return fmt.Errorf("aggregate function %s has no Retract method, so it cannot consume updating input", u.Name)
	}
	if len(acc.U) == 0 {
		b, err := u.Create()
		if err != nil {
			return fmt.Errorf("aggregate function %s: %w", u.Name, err)
		}
		acc.U = b
	}
	b, err := u.Add(acc.U, args, retract)
	if err != nil {
		return fmt.Errorf("aggregate function %s: %w", u.Name, err)
	}
	acc.U = b
	return nil
}

// udafResult returns the value of a user-defined aggregate call.
func udafResult(acc *aggAcc, c plan.AggCall) (any, error) {
	u := c.UDAF
	if len(acc.U) == 0 {
		b, err := u.Create()
		if err != nil {
			return nil, fmt.Errorf("aggregate function %s: %w", u.Name, err)
		}
		acc.U = b
	}
	v, err := u.Result(acc.U)
	if err != nil {
		return nil, fmt.Errorf("aggregate function %s: %w", u.Name, err)
	}
	return v, nil
}
