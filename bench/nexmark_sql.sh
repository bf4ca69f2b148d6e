#!/usr/bin/env bash
# Runs the Nexmark queries through SQL (`eddy nexmark run --api sql`) and,
# where there is one, their DataStream version, and prints a Markdown table
# of events/s per core side by side with Flink's published per-core figures
# (the suite's Flink 2.0 run, as in bench/nexmark.sh).
#
#   bash bench/nexmark_sql.sh [EVENTS]     # default 2000000, or $EVENTS
#
# Environment: EVENTS (events per run), PARALLELISM (default 1), QUERIES
# (default q0 … q22), RUNS (runs per query and API, alternating between
# the APIs; the table keeps each one's best events/s per core; default 1),
# EDDY_BIN (where to build the binary, /tmp/eddy). Each run's summary goes
# to stderr; the table to stdout.
set -euo pipefail

cd "$(dirname "$0")/.."

events=${1:-${EVENTS:-2000000}}
p=${PARALLELISM:-1}
queries=${QUERIES:-q0 q1 q2 q3 q4 q5 q6 q7 q8 q9 q10 q11 q12 q13 q14 q15 q16 q17 q18 q19 q20 q21 q22}
bin=${EDDY_BIN:-/tmp/eddy}
runs=${RUNS:-1}

case $events in
'' | *[!0-9]*)
	echo "nexmark_sql.sh: EVENTS must be a positive integer, got '$events'" >&2
	exit 2
	;;
esac
case $runs in
'' | 0 | *[!0-9]*)
	echo "nexmark_sql.sh: RUNS must be a positive integer, got '$runs'" >&2
	exit 2
	;;
esac
if [[ -d $bin ]]; then
	bin=$bin/eddy
fi
echo "building $bin" >&2
go build -o "$bin" ./cmd/eddy

results=$(mktemp)
trap 'rm -f "$results"' EXIT
failed=0
for q in $queries; do
	for run in $(seq "$runs"); do
	for api in datastream sql; do
		echo "== $q --api $api, parallelism $p, $events events, run $run of $runs" >&2
		if line=$("$bin" nexmark run --query "$q" --api "$api" --events "$events" --parallelism "$p" 2>/dev/null | tail -n 1) &&
			[[ $line == "{"* ]]; then
			echo "$api $line" >>"$results"
		elif [[ $api == sql ]]; then
			echo "nexmark_sql.sh: $q through SQL failed" >&2
			echo "$api {\"query\":\"$q\",\"failed\":true}" >>"$results"
			failed=1
		fi
	done
	done
done

echo "Nexmark through SQL, $events events per run, best of $runs, parallelism $p, $(nproc) CPUs, $(go version | awk '{print $3}')"
echo
awk -v queries="$queries" '
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
function human(n) {
	n += 0
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
function mib(b) { return sprintf("%.0f MiB", b / 1048576) }
BEGIN {
	nf = split("q0 379 q1 395 q2 414 q3 219 q4 28 q5 75 q7 23 q8 162 q11 46 q12 194", f, " ")
	for (i = 1; i < nf; i += 2) flink[f[i]] = f[i + 1] * 1000
}
{
	api = $1; line = substr($0, length(api) + 2)
	q = get(line, "query")
	if (get(line, "failed") == "true") { failed[api, q] = 1; next }
	v = get(line, "events_per_second_per_core") + 0
	if (!((api, q) in pc) || v > pc[api, q]) {
		pc[api, q] = v
		rss[api, q] = get(line, "peak_rss_bytes") + 0
	}
}
END {
	print "| query | DataStream per core | SQL per core | DataStream ÷ SQL | SQL peak RSS | Flink per core | SQL ÷ Flink |"
	print "|---|---:|---:|---:|---:|---:|---:|"
	n = split(queries, qs, " ")
	for (i = 1; i <= n; i++) {
		q = qs[i]
		if (("sql", q) in failed) { printf "| %s | | failed | | | | |\n", q; continue }
		ds = "–"; ratio = "–"
		if (("datastream", q) in pc) { ds = human(pc["datastream", q]); ratio = sprintf("%.2f×", pc["datastream", q] / pc["sql", q]) }
		fl = "–"; rf = "–"
		if (q in flink) { fl = human(flink[q]); rf = sprintf("%.1f×", pc["sql", q] / flink[q]) }
		printf "| %s | %s | %s | %s | %s | %s | %s |\n", q, ds, human(pc["sql", q]), ratio, mib(rss["sql", q]), fl, rf
	}
}' "$results"

exit "$failed"
