#!/usr/bin/env bash
# The whole test suite: what the README's Quick start and CI run.
# The runtime packages and the SQL engine run with the race detector.
set -euo pipefail
cd "$(dirname "$0")/.."

go vet ./...

runtime_pkgs=$(go list ./internal/... ./datastream/... ./sql/...)
other_pkgs=$(go list ./... | grep -v -e '/internal/' -e '/datastream$' -e '/eddy/sql$' -e '/eddy/sql/')

go test -count=1 -race -timeout 10m $runtime_pkgs
go test -count=1 -timeout 10m $other_pkgs
