#!/usr/bin/env bash
# Online ALTER side by side: `safeddl alter` against the server's own ALTER TABLE (ALGORITHM=COPY
# and ALGORITHM=INPLACE, LOCK=NONE) and pt-online-schema-change, each rebuilding the same sysbench
# table (`ENGINE=InnoDB`, a full rebuild) while sysbench `oltp_write_only` runs against it.
#
#   bench/alter_bench.sh            (from anywhere; works in the repository it lives in)
#
# What it does, in order:
#   1. installs sysbench and percona-toolkit (scripts/deps.sh --bench), builds safeddl Release in
#      build-bench/, starts its own sandbox server `bench` under WORK (stopped again on exit);
#   2. makes a pristine copy of a sysbench table of ROWS rows (database sbbase, prepared once) and
#      restores sbtest.sbtest1 from it before every run, so every method starts from the same table;
#   3. for each method: sysbench oltp_write_only, 8 threads, --rate=300, --report-interval=1,
#      --percentile=99, --mysql-ignore-errors=all, runs BASELINE s, then the migration runs, then
#      AFTER s more; every per-second report line is time-stamped as it arrives so it can be
#      matched to the migration's start and end;
#   4. unloaded runs (no sysbench) of safeddl and of native COPY at ROWS and, unless SCALE=0, at
#      SCALE_ROWS (default 4,000,000: the 1M base copied 4 times with shifted ids);
#   5. prints a Markdown table and appends it, with the details, to bench/results/alter-<date>.md.
#
# Figures, per loaded run:
#   time         wall seconds of the migration command (process start to exit)
#   p99 before   median of the per-second p99 latencies of the baseline (first 2 s skipped)
#   p99 during   median of the per-second p99 of the intervals that overlap the migration (a
#                second in which no transaction completed counts as 1000 ms: blocked)
#   worst p99    the highest per-second p99 from the migration's start to AFTER s after its end
#                (with --rate, sysbench counts queueing in latency, so a blocked table shows as
#                high latency when the backlog drains)
#   tps min      the lowest per-second throughput over the same window (target: 300)
#   errors       sum of sysbench's err/s over the whole run, and its final "ignored errors" and
#                "reconnects" counts
#   client RSS   Maximum resident set size of the migration command (/usr/bin/time -v)
#
# Environment (all optional):
#   ROWS=1000000       table size for the loaded runs
#   BASELINE=10 AFTER=5   seconds of load before / after the migration
#   SCALE=1 SCALE_ROWS=4000000   also time unloaded safeddl/COPY at SCALE_ROWS (SCALE=0: skip)
#   METHODS="safeddl copy inplace ptosc"   which loaded runs, in this order
#   SESSION_LOG=0      1: give the loaded safeddl run --session-log (kept in WORK/logs)
#   SKIP_BUILD=0       1: use the existing build-bench/src/cli/safeddl as it is
#   SAFEDDL=PATH       use this safeddl binary, build nothing (e.g. a Release build of a commit)
#   SAFEDDL_ARGS=""    extra flags for safeddl alter (e.g. "--threads 4")
#   WORK=/tmp/safeddl-bench   sandbox and logs (the sandbox's password stays in its client.cnf)
#
# Passwords: safeddl, mariadb and pt-osc read the sandbox's client.cnf; sysbench only takes
# --mysql-password, so it gets it on its command line (a throwaway loopback sandbox); it is never
# printed or written to the logs.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

ROWS=${ROWS:-1000000}
BASELINE=${BASELINE:-10}
AFTER=${AFTER:-5}
SCALE=${SCALE:-1}
SCALE_ROWS=${SCALE_ROWS:-4000000}
METHODS=${METHODS:-"safeddl copy inplace ptosc"}
SESSION_LOG=${SESSION_LOG:-0}
SKIP_BUILD=${SKIP_BUILD:-0}
WORK=${WORK:-/tmp/safeddl-bench}
THREADS=8
RATE=300
SAFEDDL=${SAFEDDL:-}
SAFEDDL_ARGS=${SAFEDDL_ARGS:-}
LOGS=$WORK/logs
DATE=$(date +%Y-%m-%d)
RESULT_FILE=$ROOT/bench/results/alter-$DATE.md

log() { printf '[alter_bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ---- 1. tools, build, sandbox -------------------------------------------------------------------
scripts/deps.sh --bench
source "$ROOT/bench/bench_sandbox.sh"
bench_build_safeddl alter_bench

mkdir -p "$WORK" "$LOGS" "$ROOT/bench/results"
SB_PID=""
STOP_FILE=$WORK/sysbench.stop
cleanup() {
  if [[ -n "$SB_PID" ]]; then
    touch "$STOP_FILE"
    kill "$SB_PID" 2>/dev/null || true
  fi
  # Keep the server's error log (every deadlock is in it) with the other logs.
  if [[ -n "${CNF:-}" && -r "$(dirname "$CNF")/error.log" ]]; then
    cp "$(dirname "$CNF")/error.log" "$LOGS/server-error.log" 2>/dev/null || true
  fi
  log "stopping the sandbox"
  bench_sandbox_down
}
trap cleanup EXIT
bench_sandbox_up alter_bench
source "$ROOT/bench/bench_load.sh"
bench_load_init
# ---- 3. the methods -----------------------------------------------------------------------------
# method_cmd NAME: the migration command of NAME, in the array CMD.
method_cmd() {
  case $1 in
    safeddl)
      CMD=("$SAFEDDL" alter --defaults-file="$CNF" --database sbtest --table sbtest1
           --alter "ENGINE=InnoDB" --execute --ok-to-drop-table --json $SAFEDDL_ARGS)
      if [[ "$SESSION_LOG" == 1 && "${2:-}" == loaded-* ]]; then
        CMD+=(--session-log "$LOGS/safeddl.session.jsonl")
        rm -f "$LOGS/safeddl.session.jsonl"
      fi ;;
    copy) CMD=("${SQL[@]}" sbtest -e "ALTER TABLE sbtest1 ENGINE=InnoDB, ALGORITHM=COPY") ;;
    inplace) CMD=("${SQL[@]}" sbtest -e "ALTER TABLE sbtest1 ENGINE=InnoDB, ALGORITHM=INPLACE, LOCK=NONE") ;;
    ptosc) CMD=(pt-online-schema-change --alter "ENGINE=InnoDB" --execute
                "D=sbtest,t=sbtest1,F=$CNF") ;;
    *) echo "alter_bench: unknown method $1" >&2; exit 1 ;;
  esac
}
label() {
  case $1 in
    safeddl) echo 'safeddl alter' ;;
    copy) echo 'ALTER TABLE … ALGORITHM=COPY' ;;
    inplace) echo 'ALTER TABLE … ALGORITHM=INPLACE, LOCK=NONE' ;;
    ptosc) echo 'pt-online-schema-change' ;;
  esac
}

# run_migration NAME TAG: runs NAME's command under /usr/bin/time -v; sets M0/M1 (epoch seconds)
# and RSS_KB; output in $LOGS/TAG.{out,err,time}.
run_migration() {
  local name=$1 tag=$2 rc=0
  method_cmd "$name" "$tag"
  M0=$EPOCHREALTIME
  /usr/bin/time -v -o "$LOGS/$tag.time" "${CMD[@]}" >"$LOGS/$tag.out" 2>"$LOGS/$tag.err" || rc=$?
  M1=$EPOCHREALTIME
  RSS_KB=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$LOGS/$tag.time")
  if ((rc != 0)); then
    log "$tag: migration failed (exit $rc); see $LOGS/$tag.err"
    tail -5 "$LOGS/$tag.err" >&2
    return 1
  fi
}

# run_loaded NAME: one loaded run; appends a result line to $LOGS/loaded.txt.
run_loaded() {
  local name=$1
  restore sbbase
  log "$name: sysbench ${BASELINE}s baseline, then the migration, then ${AFTER}s"
  # --time is only an upper bound: the load stops (and prints its totals) once the migration and
  # the AFTER seconds are over and the stop file appears.
  bench_load_start "$LOGS/$name.sysbench.log"
  sleep "$BASELINE"
  run_migration "$name" loaded-"$name" || true
  sleep "$AFTER"
  bench_load_stop || log "$name: sysbench failed; see $LOGS/$name.sysbench.log"
  local secs stats
  secs=$(awk -v a="$M0" -v b="$M1" 'BEGIN { printf "%.2f", b - a }')
  stats=$(analyse "$LOGS/$name.sysbench.log" "$M0" "$M1")
  echo "$name $secs $stats $RSS_KB" >>"$LOGS/loaded.txt"
  log "$name: $secs s; p99 before/during/worst, tps min, err sum, ignored, reconnects: $stats; RSS ${RSS_KB} KiB"
}

# run_unloaded NAME DB ROWS: appends "NAME ROWS seconds rss" to $LOGS/unloaded.txt.
run_unloaded() {
  local name=$1 db=$2 rows=$3
  restore "$db"
  run_migration "$name" "unloaded-$name-$rows"
  local secs
  secs=$(awk -v a="$M0" -v b="$M1" 'BEGIN { printf "%.2f", b - a }')
  echo "$name $rows $secs $RSS_KB" >>"$LOGS/unloaded.txt"
  log "$name unloaded, $rows rows: $secs s, RSS ${RSS_KB} KiB"
}

: >"$LOGS/loaded.txt"
: >"$LOGS/unloaded.txt"
prepare_base "$ROWS" sbbase
for m in $METHODS; do run_loaded "$m"; done
run_unloaded safeddl sbbase "$ROWS"
run_unloaded copy sbbase "$ROWS"
if [[ "$SCALE" == 1 ]]; then
  prepare_base "$SCALE_ROWS" sbbase_scale
  run_unloaded safeddl sbbase_scale "$SCALE_ROWS"
  run_unloaded copy sbbase_scale "$SCALE_ROWS"
  q "SET SESSION sql_log_bin = 0; DROP DATABASE sbbase_scale"
fi

# ---- 5. report ----------------------------------------------------------------------------------
fmt_rows() { echo "$1" | sed ':a; s/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/; ta'; }
report() {
  local server cpus
  server=$(q "SELECT VERSION()")
  cpus=$(nproc)
  echo "### Run of $(date '+%Y-%m-%d %H:%M')"
  echo
  echo "Machine: $cpus cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM;" \
    "server $server (sandbox: buffer pool 256M, ROW binlog, FULL image);" \
    "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "safeddl: $("$SAFEDDL" --version), binary $SAFEDDL; repository at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "?")."
  echo "Table: sysbench oltp_write_only, $(fmt_rows "$ROWS") rows; load: $THREADS threads," \
    "--rate=$RATE, per-second p99 (ms); ${BASELINE} s baseline, ${AFTER} s after."
  echo
  echo "| method | time (s) | p99 before (ms) | median p99 during (ms) | worst p99 (ms) | tps min | load errors (err/s sum / ignored / reconnects) | client RSS (MiB) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  local name secs before during worst tpsmin errsum ignored reconn rss
  while read -r name secs before during worst tpsmin errsum ignored reconn rss; do
    printf '| `%s` | %s | %s | %s | %s | %s | %s / %s / %s | %s |\n' "$(label "$name")" "$secs" \
      "$before" "$during" "$worst" "$tpsmin" "$errsum" "$ignored" "$reconn" \
      "$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')"
  done <"$LOGS/loaded.txt"
  echo
  echo "Unloaded (no sysbench):"
  echo
  echo "| method | rows | time (s) | client RSS (MiB) |"
  echo "|---|---:|---:|---:|"
  local rows
  while read -r name rows secs rss; do
    printf '| `%s` | %s | %s | %s |\n' "$(label "$name")" "$(fmt_rows "$rows")" "$secs" \
      "$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')"
  done <"$LOGS/unloaded.txt"
  echo
  # Ratios: safeddl's time and worst p99 against each other method.
  local s_secs s_worst
  read -r _ s_secs _ _ s_worst _ < <(grep '^safeddl ' "$LOGS/loaded.txt" || echo "x 0 0 0 0")
  if [[ "$s_secs" != 0 ]]; then
    echo "Ratios under load (safeddl ÷ other; below 1 means safeddl is faster / lower):"
    echo
    while read -r name secs before during worst _; do
      [[ "$name" == safeddl ]] && continue
      awk -v l="$(label "$name")" -v a="$s_secs" -v b="$secs" -v c="$s_worst" -v d="$worst" \
        'BEGIN { printf "- vs `%s`: time %.2f×, worst p99 %.2f×\n", l, a / b, (d > 0 ? c / d : 0) }'
    done <"$LOGS/loaded.txt"
  fi
  if [[ "$SCALE" == 1 ]]; then
    awk -v r="$ROWS" -v s="$SCALE_ROWS" '
      $2 == r { t1[$1] = $3 } $2 == s { t2[$1] = $3 }
      END { for (m in t1) if (m in t2 && t1[m] > 0)
              printf "- growth %s, %d → %d rows (%.1f× the rows): %.2f× the time\n", m, r, s, s / r, t2[m] / t1[m] }
    ' "$LOGS/unloaded.txt"
  fi
  echo
  echo "Goals (issue 4): safeddl time ≤ native COPY's; median p99 during ≤ 2× p99 before;" \
    "worst p99 < 250 ms; zero load errors; client RSS < 100 MB."
  echo
  local envs=""
  [[ "$ROWS" != 1000000 ]] && envs+="ROWS=$ROWS "
  [[ "$SCALE" != 1 ]] && envs+="SCALE=$SCALE "
  [[ "$SESSION_LOG" == 1 ]] && envs+="SESSION_LOG=1 "
  echo "Command: \`${envs}bench/alter_bench.sh\`" \
    "(logs, per-second sysbench lines and safeddl's --json reports in $LOGS)."
}
report | tee -a "$RESULT_FILE"  # several runs in a day: appended
log "written $RESULT_FILE"
