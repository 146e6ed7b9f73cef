#!/usr/bin/env bash
# `safeddl snapshot` and `safeddl restore` of a 1M-row sysbench table under sysbench
# oltp_write_only at 300 tx/s, next to the way it is done by hand: `mariadb-dump
# --single-transaction --where ... --replace` and a reload of the dump with `mariadb`. Also
# `snapshot --to-file` and a reload of its file. Between keeping and putting back, a bad UPDATE
# changes every row kept, so that every row goes back.
#
#   bench/snapshot_bench.sh          (from anywhere; works in the repository it lives in)
#
# Goal (#14): snapshot + restore at least 2x faster than mariadb-dump + reload; client RSS
# bounded (reported, from /usr/bin/time).
#
# Environment (all optional):
#   ROWS=1000000   table size
#   WHERE="id % 2 = 0"   the rows kept (the same for every tool)
#   SKIP_BUILD=0 / SAFEDDL=PATH / WORK=/tmp/safeddl-snapshot-bench   as in alter_bench.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

ROWS=${ROWS:-1000000}
WHERE=${WHERE:-"id % 2 = 0"}
SKIP_BUILD=${SKIP_BUILD:-0}
WORK=${WORK:-/tmp/safeddl-snapshot-bench}
SAFEDDL=${SAFEDDL:-}
THREADS=8
RATE=300
LOGS=$WORK/logs
RESULT_FILE=$ROOT/bench/results/snapshot-$(date +%Y-%m-%d).md

log() { printf '[snapshot_bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

scripts/deps.sh --bench
command -v /usr/bin/time >/dev/null || { log "needs /usr/bin/time (Debian package time)"; exit 1; }
source "$ROOT/bench/bench_sandbox.sh"
bench_build_safeddl snapshot_bench
mkdir -p "$WORK" "$LOGS" "$ROOT/bench/results"
SB_PID=""
cleanup() {
  [[ -n "$SB_PID" ]] && { touch "$STOP_FILE"; kill "$SB_PID" 2>/dev/null || true; }
  log "stopping the sandbox"
  bench_sandbox_down
}
trap cleanup EXIT
bench_sandbox_up snapshot_bench
source "$ROOT/bench/bench_load.sh"
bench_load_init

# timed TAG CMD...: output in $LOGS/TAG.{out,err}; sets SECS and RSS_MB (the command's peak RSS).
timed() {
  local tag=$1 rc=0
  shift
  /usr/bin/time -f '%e %M' -o "$LOGS/$tag.time" "$@" >"$LOGS/$tag.out" 2>"$LOGS/$tag.err" || rc=$?
  SECS=$(cut -d' ' -f1 "$LOGS/$tag.time")
  RSS_MB=$(awk '{ printf "%.0f", $2 / 1024 }' "$LOGS/$tag.time")
  return $rc
}
json() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$1" "$2"; }
# The bad change between keeping and putting back: every kept row's k.
bad_update() { q "UPDATE sbtest.sbtest1 SET k = k + 1 WHERE $WHERE"; }
kept_rows() { q "SELECT COUNT(*) FROM sbtest.sbtest1 WHERE $WHERE"; }

prepare_base "$ROWS" sbbase
restore sbbase
KEPT=$(kept_rows)
log "$KEPT rows kept by each tool (WHERE $WHERE)"

# 1. safeddl snapshot (on the server) and restore, under the load.
bench_load_start "$LOGS/safeddl.sysbench.log"
sleep 5
timed snapshot "$SAFEDDL" snapshot --defaults-file="$CNF" --database sbtest --table sbtest1 \
  --where "$WHERE" --json
SNAP_SECS=$SECS SNAP_RSS=$RSS_MB
ID=$(json "$LOGS/snapshot.out" "j['id']")
bench_load_stop || true
bad_update
bench_load_start "$LOGS/restore.sysbench.log"
timed restore "$SAFEDDL" restore --defaults-file="$CNF" "$ID" --execute --json \
  --session-log "$LOGS/restore.session.jsonl"
RESTORE_SECS=$SECS RESTORE_RSS=$RSS_MB
PUT_BACK=$(json "$LOGS/restore.out" "j['written']")
bench_load_stop || true
"$SAFEDDL" snapshot drop --defaults-file="$CNF" "$ID" >/dev/null
log "safeddl: snapshot $SNAP_SECS s ($SNAP_RSS MB), restore $RESTORE_SECS s ($RESTORE_RSS MB, $PUT_BACK rows)"

# 2. safeddl snapshot --to-file, and the file loaded with mariadb.
restore sbbase
bench_load_start "$LOGS/tofile.sysbench.log"
sleep 5
rm -f "$WORK/snapshot.sql"
timed tofile "$SAFEDDL" snapshot --defaults-file="$CNF" --database sbtest --table sbtest1 \
  --where "$WHERE" --to-file "$WORK/snapshot.sql"
TOFILE_SECS=$SECS TOFILE_RSS=$RSS_MB
bench_load_stop || true
bad_update
bench_load_start "$LOGS/tofile-load.sysbench.log"
timed tofile-load sh -c "mariadb --defaults-file='$CNF' sbtest < '$WORK/snapshot.sql'"
TOFILE_LOAD_SECS=$SECS
bench_load_stop || true
TOFILE_MB=$(du -m "$WORK/snapshot.sql" | cut -f1)
log "safeddl --to-file: $TOFILE_SECS s ($TOFILE_RSS MB, file $TOFILE_MB MB), load $TOFILE_LOAD_SECS s"

# 3. By hand: mariadb-dump of the same rows, and its reload.
restore sbbase
bench_load_start "$LOGS/dump.sysbench.log"
sleep 5
timed dump sh -c "mariadb-dump --defaults-file='$CNF' --single-transaction --no-create-info \
  --replace --skip-add-locks --where '$WHERE' sbtest sbtest1 > '$WORK/dump.sql'"
DUMP_SECS=$SECS DUMP_RSS=$RSS_MB
bench_load_stop || true
bad_update
bench_load_start "$LOGS/reload.sysbench.log"
timed reload sh -c "mariadb --defaults-file='$CNF' sbtest < '$WORK/dump.sql'"
RELOAD_SECS=$SECS
bench_load_stop || true
DUMP_MB=$(du -m "$WORK/dump.sql" | cut -f1)
log "mariadb-dump: $DUMP_SECS s ($DUMP_RSS MB, file $DUMP_MB MB), reload $RELOAD_SECS s"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
report() {
  local safeddl_total dump_total file_total
  safeddl_total=$(awk -v a="$SNAP_SECS" -v b="$RESTORE_SECS" 'BEGIN { printf "%.2f", a + b }')
  file_total=$(awk -v a="$TOFILE_SECS" -v b="$TOFILE_LOAD_SECS" 'BEGIN { printf "%.2f", a + b }')
  dump_total=$(awk -v a="$DUMP_SECS" -v b="$RELOAD_SECS" 'BEGIN { printf "%.2f", a + b }')
  echo "### Run of $(date '+%Y-%m-%d %H:%M')"
  echo
  echo "Machine: $(nproc) cores; server $(q "SELECT VERSION()") (sandbox, buffer pool 256M);" \
    "safeddl at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "?");" \
    "sysbench table of $ROWS rows, $KEPT kept (\`WHERE $WHERE\`); keeping under" \
    "oltp_write_only $THREADS threads at $RATE tx/s, putting back after an UPDATE of every kept" \
    "row, under the same load."
  echo
  echo "| way | keep (s) | client RSS (MB) | put back (s) | total (s) | total / safeddl's |"
  echo "|---|---:|---:|---:|---:|---:|"
  echo "| \`safeddl snapshot\` + \`restore --execute\` | $SNAP_SECS | $SNAP_RSS / $RESTORE_RSS | $RESTORE_SECS | $safeddl_total | 1.00 |"
  echo "| \`safeddl snapshot --to-file\` ($TOFILE_MB MB) + \`mariadb <\` | $TOFILE_SECS | $TOFILE_RSS | $TOFILE_LOAD_SECS | $file_total | $(ratio "$file_total" "$safeddl_total") |"
  echo "| \`mariadb-dump --single-transaction --where --replace\` ($DUMP_MB MB) + \`mariadb <\` | $DUMP_SECS | $DUMP_RSS | $RELOAD_SECS | $dump_total | $(ratio "$dump_total" "$safeddl_total") |"
  echo
  echo "Goal: safeddl's total at least 2x faster than mariadb-dump + reload (last column >= 2)." \
    "Command: \`bench/snapshot_bench.sh\` (logs in $LOGS)."
  echo
}
report | tee -a "$RESULT_FILE"
log "written $RESULT_FILE"
