package plan

import (
	"maps"
	"strings"

	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/catalog"
)

// Hints, as Flink reads them:
//   - the table hint OPTIONS('k' = 'v', …) after a table name (in FROM
//     or INSERT INTO) overrides the table's options for this statement
//     (Flink's dynamic table options, on by default);
//   - the query hints BROADCAST, SHUFFLE_HASH, SHUFFLE_MERGE and NEST_LOOP
//     choose a batch join strategy in Flink; Eddy has one join strategy,
//     so they are checked and have no effect (as in Flink's streaming
//     mode), as LOOKUP's async and retry options do on a lookup join;
//   - the query hint STATE_TTL('name' = 'duration', …) sets how long the
//     regular joins and the group aggregation of its SELECT keep state
//     (state_ttl.go), instead of table.exec.state.ttl.

// queryHints are the query hints Eddy accepts.
var queryHints = []string{"BROADCAST", "SHUFFLE_HASH", "SHUFFLE_MERGE", "NEST_LOOP", "LOOKUP", "STATE_TTL"}

// hintedTable returns t with the OPTIONS hints applied, checked as the
// connector's options.
func hintedTable(t *catalog.Table, hints []*ast.Hint) (*catalog.Table, error) {
	if len(hints) == 0 {
		return t, nil
	}
	opts := maps.Clone(t.Options)
	for _, h := range hints {
		if !strings.EqualFold(h.Name.Name, "OPTIONS") {
			return nil, errorf(h, "unknown table hint '%s': the table hint is OPTIONS('key' = 'value', …)", h.Name.Name)
		}
		if len(h.Args) > 0 || len(h.Options) == 0 {
			return nil, errorf(h, "the OPTIONS hint takes 'key' = 'value' pairs")
		}
		for _, p := range h.Options {
			if p.Key == "connector" {
				return nil, errorf(p, "the OPTIONS hint cannot change the connector of table %s", t.Path)
			}
			opts[p.Key] = p.Value
		}
	}
	hinted := *t
	hinted.Options = opts
	if err := catalog.ValidateOptions(&hinted); err != nil {
		return nil, errorf(hints[0], "OPTIONS hint: %v", err)
	}
	return &hinted, nil
}

// checkQueryHints checks a SELECT's hints: known names with table names
// (or, for LOOKUP, options) as arguments.
func checkQueryHints(hints []*ast.Hint) error {
	for _, h := range hints {
		name := strings.ToUpper(h.Name.Name)
		switch {
		case name == "OPTIONS":
			return errorf(h, "OPTIONS is a table hint: write it after the table name, FROM t /*+ OPTIONS(…) */")
		case name == "STATE_TTL":
			if len(h.Options) == 0 || len(h.Args) > 0 {
				return errorf(h, "the STATE_TTL hint takes 'table or alias' = 'duration' pairs, such as STATE_TTL('orders' = '1d')")
			}
			for _, o := range h.Options {
				if _, err := hintTTL(o); err != nil {
					return err
				}
			}
		case name == "LOOKUP":
			if len(h.Options) == 0 {
				return errorf(h, "the LOOKUP hint takes 'table' = '…' and its options")
			}
		case contains(queryHints, name):
			if len(h.Args) == 0 || len(h.Options) > 0 {
				return errorf(h, "the %s hint takes the names of the tables it applies to", name)
			}
		default:
			return errorf(h, "unknown query hint '%s'; known hints: %s%s", h.Name.Name, strings.Join(queryHints, ", "), didYouMean(name, queryHints))
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
