#!/usr/bin/env bash
# `safeddl plan`'s estimates against what then happens: for a 1M-row sysbench table under
# sysbench oltp_write_only at 300 tx/s, each change is planned (`safeddl plan --json`, timed),
# then run natively with the best algorithm plan found (LOCK as plan found) and, on a fresh copy
# of the table under the same load, with `safeddl alter --force-copy`; estimated and measured
# seconds side by side, with their ratio.
#
#   bench/plan_bench.sh             (from anywhere; works in the repository it lives in)
#
# Goal (plan issue): every estimate within ±30% of the measured time, plan itself under 10 s.
#
# Environment (all optional):
#   ROWS=1000000      table size
#   BASELINE=5        seconds of load before each command
#   CHANGES           the ALTER clauses, separated by ';' (default: an engine rebuild, an added
#                     index, an added column)
#   SKIP_BUILD=0 / SAFEDDL=PATH / WORK=/tmp/safeddl-plan-bench   as in alter_bench.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

ROWS=${ROWS:-1000000}
BASELINE=${BASELINE:-5}
CHANGES=${CHANGES:-"ENGINE=InnoDB;ADD INDEX k_c (c);ADD COLUMN x INT NOT NULL DEFAULT 0"}
SKIP_BUILD=${SKIP_BUILD:-0}
WORK=${WORK:-/tmp/safeddl-plan-bench}
SAFEDDL=${SAFEDDL:-}
THREADS=8
RATE=300
LOGS=$WORK/logs
RESULT_FILE=$ROOT/bench/results/plan-$(date +%Y-%m-%d).md

log() { printf '[plan_bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

scripts/deps.sh --bench
source "$ROOT/bench/bench_sandbox.sh"
bench_build_safeddl plan_bench
mkdir -p "$WORK" "$LOGS" "$ROOT/bench/results"
SB_PID=""
cleanup() {
  [[ -n "$SB_PID" ]] && { touch "$STOP_FILE"; kill "$SB_PID" 2>/dev/null || true; }
  log "stopping the sandbox"
  bench_sandbox_down
}
trap cleanup EXIT
bench_sandbox_up plan_bench
source "$ROOT/bench/bench_load.sh"
bench_load_init

# timed TAG CMD...: runs CMD with its output in $LOGS/TAG.{out,err}; sets SECS.
timed() {
  local tag=$1 t0 rc=0
  shift
  t0=$EPOCHREALTIME
  "$@" >"$LOGS/$tag.out" 2>"$LOGS/$tag.err" || rc=$?
  SECS=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
  return $rc
}

# json FILE EXPR: a value from a JSON file (python3 is on every Debian machine).
json() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$1" "$2"; }

prepare_base "$ROWS" sbbase
: >"$LOGS/results.txt"
IFS=';' read -r -a changes <<<"$CHANGES"
for change in "${changes[@]}"; do
  tag=$(echo "$change" | tr -c 'A-Za-z0-9' '_' | cut -c1-30)
  restore sbbase
  bench_load_start "$LOGS/$tag.plan.sysbench.log"
  sleep "$BASELINE"
  timed "$tag.plan" "$SAFEDDL" plan --defaults-file="$CNF" --database sbtest --table sbtest1 \
    --alter "$change" --json || true  # exit 1: a risk found (the load's open transactions)
  plan_secs=$SECS
  s='j["statements"][0]'
  algorithm=$(json "$LOGS/$tag.plan.out" "[a for a in $s['native'] if a['accepted']][0]['algorithm']")
  lock=$(json "$LOGS/$tag.plan.out" "[a for a in $s['native'] if a['accepted']][0]['lock']")
  est_native=$(json "$LOGS/$tag.plan.out" "'%.2f' % $s['estimate_seconds']['native']")
  est_online=$(json "$LOGS/$tag.plan.out" "'%.2f' % $s['estimate_seconds']['online']")
  writes=$(json "$LOGS/$tag.plan.out" "'%.0f' % $s['write_rate'].get('rows_per_second', 0)")
  log "$change: plan $plan_secs s: $algorithm LOCK=$lock, native ~$est_native s, online ~$est_online s, $writes rows/s"
  timed "$tag.native" "${SQL[@]}" sbtest -e "ALTER TABLE sbtest1 $change, ALGORITHM=$algorithm, LOCK=$lock"
  native_secs=$SECS
  bench_load_stop || true
  restore sbbase
  bench_load_start "$LOGS/$tag.online.sysbench.log"
  sleep "$BASELINE"
  timed "$tag.online" "$SAFEDDL" alter --defaults-file="$CNF" --database sbtest --table sbtest1 \
    --alter "$change" --execute --force-copy --ok-to-drop-table --json
  online_secs=$SECS
  bench_load_stop || true
  log "$change: native $native_secs s, safeddl alter $online_secs s"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$change" "$plan_secs" "$algorithm" "$lock" \
    "$est_native" "$native_secs" "$est_online" "$online_secs" "$writes" >>"$LOGS/results.txt"
done

report() {
  echo "### Run of $(date '+%Y-%m-%d %H:%M')"
  echo
  echo "Machine: $(nproc) cores; server $(q "SELECT VERSION()") (sandbox, buffer pool 256M);" \
    "safeddl at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "?");" \
    "sysbench table of $ROWS rows, oltp_write_only $THREADS threads at $RATE tx/s."
  echo
  echo "| change | plan (s) | native algorithm | native est. (s) | native measured (s) | est/measured | safeddl alter est. (s) | measured (s) | est/measured | writes seen by plan (rows/s) |"
  echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"
  while IFS=$'\t' read -r change plan_secs algorithm lock est_native native_secs est_online online_secs writes; do
    awk -v c="$change" -v p="$plan_secs" -v a="$algorithm, LOCK=$lock" -v en="$est_native" \
      -v mn="$native_secs" -v eo="$est_online" -v mo="$online_secs" -v w="$writes" \
      'BEGIN { printf "| `%s` | %s | %s | %s | %s | %.2f | %s | %s | %.2f | %s |\n", c, p, a, en, mn, en / mn, eo, mo, eo / mo, w }'
  done <"$LOGS/results.txt"
  echo
  echo "Goal: every est/measured within 0.70–1.30; plan under 10 s. Command: \`bench/plan_bench.sh\`" \
    "(logs in $LOGS)."
  echo
}
report | tee -a "$RESULT_FILE"
log "written $RESULT_FILE"
