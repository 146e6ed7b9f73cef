#!/usr/bin/env bash
# `safeddl revert` against the minutes of writes made since the cut-over: a 1M-row sysbench table
# is changed online (`MODIFY c CHAR(160)`, a copying change both ways) under sysbench
# oltp_write_only at 300 tx/s, the load goes on for MINUTES, then the change is reverted under
# the same load — with a plain `safeddl revert` (it replays everything since the swap) and with
# `alter --revertible` (the old table kept current, so the revert is only the swap). The server's
# own ALTER back (native COPY, under the same load) is measured once beside them.
#
#   bench/revert_bench.sh          (from anywhere; works in the repository it lives in)
#
# Goal (#14): with --revertible, the swap back within 1 s of the request whatever the window.
#
# Environment (all optional):
#   ROWS=1000000   table size
#   MINUTES="1 3"  windows of writes between the cut-over and the revert
#   SKIP_BUILD=0 / SAFEDDL=PATH / WORK=/tmp/safeddl-revert-bench   as in alter_bench.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

ROWS=${ROWS:-1000000}
MINUTES=${MINUTES:-"1 3"}
SKIP_BUILD=${SKIP_BUILD:-0}
WORK=${WORK:-/tmp/safeddl-revert-bench}
SAFEDDL=${SAFEDDL:-}
THREADS=8
RATE=300
CHANGE="MODIFY c CHAR(160) NOT NULL DEFAULT ''"
BACK="MODIFY c CHAR(120) NOT NULL DEFAULT ''"
LOGS=$WORK/logs
RESULT_FILE=$ROOT/bench/results/revert-$(date +%Y-%m-%d).md
SOCK=$WORK/alter.sock

log() { printf '[revert_bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

scripts/deps.sh --bench
source "$ROOT/bench/bench_sandbox.sh"
bench_build_safeddl revert_bench
mkdir -p "$WORK" "$LOGS" "$ROOT/bench/results"
SB_PID=""
ALTER_PID=""
cleanup() {
  [[ -n "$SB_PID" ]] && { touch "$STOP_FILE"; kill "$SB_PID" 2>/dev/null || true; }
  [[ -n "$ALTER_PID" ]] && kill "$ALTER_PID" 2>/dev/null || true
  log "stopping the sandbox"
  bench_sandbox_down
}
trap cleanup EXIT
bench_sandbox_up revert_bench
source "$ROOT/bench/bench_load.sh"
bench_load_init

timed() {  # TAG CMD...: output in $LOGS/TAG.{out,err}; sets SECS
  local tag=$1 t0 rc=0
  shift
  t0=$EPOCHREALTIME
  "$@" >"$LOGS/$tag.out" 2>"$LOGS/$tag.err" || rc=$?
  SECS=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
  return $rc
}
json() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$1" "$2"; }
ALTER=("$SAFEDDL" alter --defaults-file="$CNF" --database sbtest --table sbtest1 --alter "$CHANGE"
       --execute --force-copy)
REVERT=("$SAFEDDL" revert --defaults-file="$CNF" --database sbtest --table sbtest1)

prepare_base "$ROWS" sbbase
: >"$LOGS/results.txt"

# The server's own way back, once: the same change, then the ALTER back natively under the load.
restore sbbase
q "ALTER TABLE sbtest.sbtest1 $CHANGE"
bench_load_start "$LOGS/native.sysbench.log"
sleep 5
timed native "${SQL[@]}" sbtest -e "ALTER TABLE sbtest1 $BACK, ALGORITHM=COPY"
NATIVE_SECS=$SECS
bench_load_stop || true
log "native ALTER back: $NATIVE_SECS s (writes blocked throughout: LOCK=SHARED at best)"

for minutes in $MINUTES; do
  # Plain: the revert replays the window.
  restore sbbase
  bench_load_start "$LOGS/plain-$minutes.sysbench.log"
  sleep 5
  timed "plain-$minutes.alter" "${ALTER[@]}"
  sleep $((minutes * 60))
  timed "plain-$minutes.dry" "${REVERT[@]}" --json || true
  replay=$(json "$LOGS/plain-$minutes.dry.out" "j['pending']['row_changes']")
  timed "plain-$minutes.revert" "${REVERT[@]}" --execute --json
  plain_secs=$SECS
  stall=$(json "$LOGS/plain-$minutes.revert.out" "'%.0f' % j['migration']['cut_over']['stall_ms']")
  bench_load_stop || true
  log "$minutes min: plain revert $plain_secs s ($replay row changes replayed, stall $stall ms)"

  # --revertible: the old table is kept current; the revert is the swap.
  restore sbbase
  bench_load_start "$LOGS/revertible-$minutes.sysbench.log"
  sleep 5
  "${ALTER[@]}" --revertible=1h --serve-socket-file="$SOCK" \
    >"$LOGS/revertible-$minutes.alter.out" 2>"$LOGS/revertible-$minutes.alter.err" &
  ALTER_PID=$!
  until grep -q "keeping .* current" "$LOGS/revertible-$minutes.alter.err"; do
    kill -0 "$ALTER_PID" 2>/dev/null || { log "the revertible alter stopped"; exit 1; }
    sleep 1
  done
  sleep $((minutes * 60))
  timed "revertible-$minutes.revert" "${REVERT[@]}" --execute --json --serve-socket-file="$SOCK"
  revertible_secs=$SECS
  swap_ms=$(json "$LOGS/revertible-$minutes.revert.out" "'%.0f' % j['swap_ms']")
  wait "$ALTER_PID"
  ALTER_PID=""
  bench_load_stop || true
  log "$minutes min: --revertible revert $revertible_secs s (swap $swap_ms ms after the request)"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$minutes" "$replay" "$plain_secs" "$stall" \
    "$revertible_secs" "$swap_ms" >>"$LOGS/results.txt"
done

report() {
  echo "### Run of $(date '+%Y-%m-%d %H:%M')"
  echo
  echo "Machine: $(nproc) cores; server $(q "SELECT VERSION()") (sandbox, buffer pool 256M);" \
    "safeddl at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "?");" \
    "sysbench table of $ROWS rows, oltp_write_only $THREADS threads at $RATE tx/s;" \
    "change \`$CHANGE\`."
  echo
  echo "| writes since the cut-over | row changes replayed | \`safeddl revert\` (s) | its write stall (ms) | with \`alter --revertible\`: revert command (s) | swap after the request (ms) |"
  echo "|---:|---:|---:|---:|---:|---:|"
  while IFS=$'\t' read -r minutes replay plain stall revertible swap; do
    echo "| $minutes min | $replay | $plain | $stall | $revertible | $swap |"
  done <"$LOGS/results.txt"
  echo
  echo "The server's own ALTER back (\`$BACK\`, ALGORITHM=COPY, under the same load): $NATIVE_SECS s," \
    "writes blocked throughout. Goal: the --revertible swap within 1 s of the request." \
    "Command: \`bench/revert_bench.sh\` (logs in $LOGS)."
  echo
}
report | tee -a "$RESULT_FILE"
log "written $RESULT_FILE"
