package sql

import "github.com/eddy-streams/eddy/sql/functions"

func functionNames() []string { return functions.Names() }
