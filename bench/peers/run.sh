#!/usr/bin/env bash
# Runs Nexmark q5 (hot items) on Eddy and on Apache Beam's Go SDK (Prism
# runner, in process) over the same generated events and prints both JSON
# lines and the ratio Eddy/Beam of events/s and of events/s per core.
#
#   bench/peers/run.sh [EVENTS]
#
# Environment:
#   EVENTS         events per run when no argument is given (default 1000000)
#   PARALLELISM    Eddy's --parallelism (default: the number of CPUs)
#   CHECK_EVENTS   events of the result check run first (default 500000; 0 skips it)
#   BEAM_SOURCES   the Beam peer's --sources (default 1, see README.md)
#   EDDY_BIN, BEAM_BIN  where the two binaries are built
#                  (default ${TMPDIR:-/tmp}/eddy-peers/eddy and .../beam-q5)
#   SKIP_BUILD=1   use the binaries already built
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
events=${1:-${EVENTS:-1000000}}
parallelism=${PARALLELISM:-$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)}
check_events=${CHECK_EVENTS:-500000}
beam_sources=${BEAM_SOURCES:-1}
bin=${TMPDIR:-/tmp}/eddy-peers
eddy=${EDDY_BIN:-$bin/eddy}
beam=${BEAM_BIN:-$bin/beam-q5}

case $events in '' | *[!0-9]* | 0) echo "usage: $0 [EVENTS] (a positive integer, got '$events')" >&2; exit 2 ;; esac
case $check_events in '' | *[!0-9]*) echo "CHECK_EVENTS must be a number, got '$check_events'" >&2; exit 2 ;; esac

if [ "${SKIP_BUILD:-}" != 1 ]; then
	mkdir -p "$(dirname "$eddy")" "$(dirname "$beam")"
	echo "building eddy -> $eddy" >&2
	(cd "$root" && go build -o "$eddy" ./cmd/eddy)
	echo "building the Beam peer -> $beam (the first build downloads and compiles Beam: minutes)" >&2
	# The peer reads Eddy's generator through a replace directive: if Eddy's
	# packages gained a dependency since go.sum was written, tidy once.
	(cd "$here/beam" && { go build -o "$beam" . 2>/dev/null || { go mod tidy && go build -o "$beam" .; }; })
fi

# field NAME JSON: the number NAME holds in a flat JSON object.
field() {
	printf '%s\n' "$2" | sed -n 's/.*"'"$1"'":\([-0-9.eE+]*\).*/\1/p'
}

# Equal work: both engines must give the same result rows on the same events.
if [ "$check_events" -gt 0 ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	echo "checking results on $check_events events" >&2
	"$eddy" nexmark run --query q5 --events "$check_events" --parallelism "$parallelism" --output "$tmp/eddy.csv" >/dev/null
	"$beam" --events "$check_events" --sources "$beam_sources" --output "$tmp/beam.csv" >/dev/null
	# Both files are sorted the same way (rows compared as strings), with the header auction,num.
	rows=$(($(wc -l <"$tmp/eddy.csv") - 1))
	if cmp -s "$tmp/eddy.csv" "$tmp/beam.csv"; then
		echo "check: results match on $check_events events: $rows rows (auction,num), identical CSV (cksum $(cksum <"$tmp/eddy.csv" | cut -d' ' -f1))"
	else
		echo "RESULTS DIFFER on $check_events events: eddy $rows rows, beam $(($(wc -l <"$tmp/beam.csv") - 1)) rows" >&2
		diff "$tmp/eddy.csv" "$tmp/beam.csv" | head -20 >&2 || true
		exit 1
	fi
fi

echo "running q5 on $events events: eddy at parallelism $parallelism, then beam-prism" >&2
eddy_line=$("$eddy" nexmark run --query q5 --events "$events" --parallelism "$parallelism" | tail -n 1)
beam_line=$("$beam" --events "$events" --sources "$beam_sources" | tail -n 1)

echo "eddy: $eddy_line"
echo "beam: $beam_line"
awk -v ee="$(field events_per_second "$eddy_line")" -v be="$(field events_per_second "$beam_line")" \
	-v ec="$(field events_per_second_per_core "$eddy_line")" -v bc="$(field events_per_second_per_core "$beam_line")" \
	'BEGIN {
		if (be <= 0 || bc <= 0) { print "eddy/beam: no ratio (Beam reported no throughput)"; exit 1 }
		printf "eddy/beam: events/s %.2fx, events/s per core %.2fx\n", ee / be, ec / bc
	}'
