#!/usr/bin/env bash
# The whole test suite: what the README's Quick start and CI run.
# The runtime packages run with the race detector.
set -euo pipefail
cd "$(dirname "$0")/.."

go vet ./...

runtime_pkgs=$(go list ./internal/... ./datastream/...)
other_pkgs=$(go list ./... | grep -v -e '/internal/' -e '/datastream$')

go test -count=1 -race -timeout 10m $runtime_pkgs
go test -count=1 -timeout 10m $other_pkgs
