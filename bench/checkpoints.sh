#!/usr/bin/env bash
# Measures checkpointing with `eddy nexmark run` (issue 4) and prints
# Markdown tables:
#
#   (a) throughput of q5 and q7 with --checkpoint-interval 1s against none;
#   (b) checkpoint duration and size against state size: q5 with the
#       generator's first-event.rate (events per second of event time; the
#       hidden flag --first-event-rate) at 14K, 140K and 1.4M. q5 keeps
#       about 12 s of event time (10 s HOP windows in 2 s slices) keyed by
#       auction, and 3 events in 50 are new auctions that the bids go to
#       (auctions.in-flight 100, the default), so its state holds about
#       0.06 × 12 s × rate ≈ 10K, 100K and 1M auctions (an estimate from
#       the generator's parameters; the keys are not counted);
#   (c) recovery time: the 1M case of (b) with one injected failure late in
#       the run (--failure-seed 26 fails source subtask 1 at its event
#       8,689,674, about 17.4M events or 12.4 s of event time in, when the
#       state covers the full 12 s).
#
#   bash bench/checkpoints.sh
#
# Environment: EVENTS (events per run, default 20000000), PARALLELISM (2),
# EDDY_BIN (where to build the binary, /tmp/eddy-ckpt). Each run's summary
# goes to stderr; the tables to stdout.
#
# Definitions (the JSON keys of `eddy nexmark run` with
# --checkpoint-interval): checkpoint ms is the time from a checkpoint's
# trigger to its completion (every task acknowledged, metadata written);
# bytes are the total size of its files (keyed-state streams, operator
# state, _metadata); recovery ms is the time from the job master observing
# the failure to every task of the new attempt having opened its operators
# (state restored, about to process input), including the 100 ms
# fixed-delay restart delay of `eddy nexmark run`.
set -euo pipefail

cd "$(dirname "$0")/.."

events=${EVENTS:-20000000}
p=${PARALLELISM:-2}
bin=${EDDY_BIN:-/tmp/eddy-ckpt}

go build -o "$bin" ./cmd/eddy

results=$(mktemp)
trap 'rm -f "$results"' EXIT

# run LABEL ARGS...: runs eddy nexmark run, keeps "LABEL<TAB>JSON".
run() {
	local label=$1
	shift
	echo "== $label: eddy nexmark run $*" >&2
	local line
	line=$("$bin" nexmark run "$@" | tail -n 1)
	printf '%s\t%s\n' "$label" "$line" >>"$results"
}

for q in q5 q7; do
	run "a $q none" --query "$q" --events "$events" --parallelism "$p"
	run "a $q 1s" --query "$q" --events "$events" --parallelism "$p" --checkpoint-interval 1s
done
for r in 14000 140000 1400000; do
	run "b $r" --query q5 --events "$events" --parallelism "$p" --checkpoint-interval 1s --first-event-rate "$r"
done
run "c 1400000" --query q5 --events "$events" --parallelism "$p" --checkpoint-interval 1s \
	--first-event-rate 1400000 --inject-failures 1 --failure-seed 26

python3 - "$results" <<'PY'
import json, sys

rows = {}
for line in open(sys.argv[1]):
    label, js = line.rstrip("\n").split("\t", 1)
    rows[label] = json.loads(js)

def mb(b):
    return f"{b / 2**20:.1f} MiB"

print("### (a) Throughput with checkpoints every 1 s\n")
print("| query | events | parallelism | no checkpoints (events/s) | checkpoint-interval 1s (events/s) | change | checkpoints | avg ms | max ms | last size |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for q in ("q5", "q7"):
    a, b = rows[f"a {q} none"], rows[f"a {q} 1s"]
    change = (b["events_per_second"] / a["events_per_second"] - 1) * 100
    print(f"| {q} | {a['events']:,} | {a['parallelism']} | {a['events_per_second']:,.0f} | {b['events_per_second']:,.0f} | {change:+.1f}% "
          f"| {b['checkpoints']} | {b['checkpoint_ms_avg']} | {b['checkpoint_ms_max']} | {mb(b['checkpoint_bytes_last'])} |")

print("\n### (b) Checkpoint duration and size against state size (q5, checkpoint-interval 1s)\n")
print("| first-event.rate | ≈ auctions in state (est.) | events/s | checkpoints | avg ms | max ms | last size |")
print("|---:|---:|---:|---:|---:|---:|---:|")
for k in ("14000", "140000", "1400000"):
    r = rows[f"b {k}"]
    print(f"| {int(k):,} | {round(0.72 * int(k), -3):,.0f} | {r['events_per_second']:,.0f} | {r['checkpoints']} | {r['checkpoint_ms_avg']} | {r['checkpoint_ms_max']} | {mb(r['checkpoint_bytes_last'])} |")

print("\n### (c) Recovery (q5, first-event.rate 1.4M: ≈ 1M auctions in state, one injected failure)\n")
print("| restarts | recovery ms (max) | checkpoints | avg ms | max ms | last size | events/s (whole run) |")
print("|---:|---:|---:|---:|---:|---:|---:|")
r = rows["c 1400000"]
print(f"| {r['restarts']} | {r['recovery_ms_max']} | {r['checkpoints']} | {r['checkpoint_ms_avg']} | {r['checkpoint_ms_max']} | {mb(r['checkpoint_bytes_last'])} | {r['events_per_second']:,.0f} |")
PY
