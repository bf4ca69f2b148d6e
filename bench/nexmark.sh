#!/usr/bin/env bash
# Runs the Nexmark suite with `eddy nexmark run` and prints a Markdown table of
# events/s per core for every query at parallelism 1 and 2, with the ratio to
# the generator alone (--query gen) at the same parallelism and the ratio to
# Flink's published per-core figures (the suite's Flink 2.0 run).
#
#   bash bench/nexmark.sh [EVENTS]        # default 10000000, or $EVENTS
#
# Environment: EVENTS (events per run), PARALLELISMS ("1 2"), QUERIES (the
# queries, default all registered ones), EDDY_BIN (where to build the
# binary, /tmp/eddy), RESULTS (file to keep the JSON lines in, default a
# temporary file that is removed). Each run's summary goes to stderr; the
# table to stdout.
set -euo pipefail

cd "$(dirname "$0")/.."

events=${1:-${EVENTS:-10000000}}
parallelisms=${PARALLELISMS:-1 2}
queries=${QUERIES:-q0 q1 q2 q3 q4 q5 q7 q8 q9 q11 q12}
bin=${EDDY_BIN:-/tmp/eddy}

case $events in
'' | *[!0-9]*)
	echo "nexmark.sh: EVENTS must be a positive integer, got '$events'" >&2
	exit 2
	;;
esac

# go build -o DIR writes DIR/eddy: follow it when the path is a directory.
if [[ -d $bin ]]; then
	bin=$bin/eddy
fi
echo "building $bin" >&2
go build -o "$bin" ./cmd/eddy

if [[ -n ${RESULTS:-} ]]; then
	results=$RESULTS
	: >"$results"
else
	results=$(mktemp)
	trap 'rm -f "$results"' EXIT
fi

failed=0
for p in $parallelisms; do
	# The generator alone first: the ceiling the queries are compared with.
	for q in gen $queries; do
		echo "== $q, parallelism $p, $events events" >&2
		if line=$("$bin" nexmark run --query "$q" --events "$events" --parallelism "$p" | tail -n 1) &&
			[[ $line == "{"* ]]; then
			echo "$line" >>"$results"
		else
			echo "nexmark.sh: $q at parallelism $p failed" >&2
			echo "{\"query\":\"$q\",\"parallelism\":$p,\"failed\":true}" >>"$results"
			failed=1
		fi
	done
done

echo "Nexmark, $events events per run, $(nproc) CPUs, $(go version | awk '{print $3}')"
echo
awk -v queries="$queries" -v parallelisms="$parallelisms" '
# get returns the value of key k in the flat JSON object s ("" if absent).
function get(s, k,    i, rest) {
	i = index(s, "\"" k "\":")
	if (i == 0) return ""
	rest = substr(s, i + length(k) + 3)
	if (substr(rest, 1, 1) == "\"") {
		rest = substr(rest, 2)
		return substr(rest, 1, index(rest, "\"") - 1)
	}
	match(rest, /^[-+0-9.eE]+|^true|^false/)
	return substr(rest, 1, RLENGTH)
}
# human renders n with three significant digits and K/M/G.
function human(n) {
	n += 0 # substr gives strings, which compare as strings
	if (n >= 1e9) return sig(n / 1e9) "G"
	if (n >= 1e6) return sig(n / 1e6) "M"
	if (n >= 1e3) return sig(n / 1e3) "K"
	return sprintf("%.0f", n)
}
function sig(x) {
	if (x >= 100) return sprintf("%.0f", x)
	if (x >= 10) return sprintf("%.1f", x)
	return sprintf("%.2f", x)
}
BEGIN {
	nf = split("q0 379 q1 395 q2 414 q3 219 q4 28 q5 75 q7 23 q8 162 q11 46 q12 194", f, " ")
	for (i = 1; i < nf; i += 2) flink[f[i]] = f[i + 1] * 1000
}
{
	q = get($0, "query"); p = get($0, "parallelism")
	if (get($0, "failed") == "true") { failed[q, p] = 1; next }
	eps[q, p] = get($0, "events_per_second") + 0
	cores[q, p] = get($0, "cores") + 0
	pc[q, p] = get($0, "events_per_second_per_core") + 0
}
END {
	print "| query | parallelism | events/s | cores | events/s per core | ÷ gen per core | Flink per core | ÷ Flink |"
	print "|---|---:|---:|---:|---:|---:|---:|---:|"
	n = split("gen " queries, qs, " ")
	np = split(parallelisms, ps, " ")
	for (i = 1; i <= n; i++) {
		q = qs[i]
		for (j = 1; j <= np; j++) {
			p = ps[j]
			if ((q, p) in failed) { printf "| %s | %s | failed | | | | | |\n", q, p; continue }
			if (!((q, p) in pc)) continue
			ratioGen = ""
			if (q != "gen" && ((("gen", p) in pc)) && pc["gen", p] > 0) ratioGen = sprintf("%.2f", pc[q, p] / pc["gen", p])
			fl = "–"; ratioFlink = "–"
			if (q in flink) { fl = human(flink[q]); ratioFlink = sprintf("%.1f×", pc[q, p] / flink[q]) }
			if (q == "gen") { fl = ""; ratioFlink = "" }
			printf "| %s | %s | %s | %.2f | %s | %s | %s | %s |\n", q, p, human(eps[q, p]), cores[q, p], human(pc[q, p]), ratioGen, fl, ratioFlink
		}
	}
}' "$results"

exit "$failed"
