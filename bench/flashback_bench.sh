#!/usr/bin/env bash
# Flashback side by side: `safeddl flashback` against `mariadb-binlog --flashback | mariadb` on
# the same binlog, in the same run, on a sandbox server at its default settings.
#
#   bench/flashback_bench.sh            (from anywhere; works in the repository it lives in)
#
# Two cases, each the same change to every row of a sysbench-shaped table of ROWS rows
# (`id INT PK, k INT, c CHAR(120), pad CHAR(60), KEY (k)`, the server's default charset latin1):
#   single  one UPDATE of all ROWS rows: one transaction;
#   small   the same UPDATE in ROWS/10 transactions of 10 rows each.
# For each case, from a binlog file that holds only that change:
#   1. `safeddl flashback FILE > undo.sql`                 the SQL script
#   2. `safeddl flashback FILE --execute`                  undo applied, with the conflict check
#   3. `safeddl flashback FILE --execute --max-memory 64M` (single only) the spool spilling early
#      (and with ROW_BY_ROW=1 `--batch-rows 1`: one statement per row, as before batching)
#   4. `mariadb-binlog --flashback FILE > mb.sql`          MariaDB's own flashback
#   5. `mariadb < mb.sql`                                  at the server's default max_allowed_packet
#   6. `mariadb --max-allowed-packet=1G < mb.sql`          with 1 GB packets (GLOBAL too), if 5 failed
# Before every apply the table is put back in its changed state (a copy, not binlogged); after it,
# CHECKSUM TABLE must equal the checksum before the change, or the run is marked "NOT restored".
#
# Figures per command: wall seconds, client CPU (user+sys), the server's CPU (mariadbd's
# utime+stime over the command: the machine is shared, so CPU is the steadier figure) and the
# client's peak RSS (/usr/bin/time -v). "end to end" adds the generate and apply steps.
# Prints a Markdown table and appends it to bench/results/flashback-<date>.md.
#
# Environment (all optional):
#   ROWS=1000000        rows in the table
#   CASES="single small"
#   BIG=0               1: also a ~1 GB single transaction (a wider table) for safeddl's RSS only
#   ROW_BY_ROW=0        1: also time --execute --batch-rows 1 (every row its own statement)
#   SKIP_BUILD=0        1: use the existing build-bench/src/cli/safeddl as it is
#   SAFEDDL=PATH        use this safeddl binary, build nothing
#   WORK=/tmp/safeddl-bench-flashback   sandbox, binlog copies and outputs
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

ROWS=${ROWS:-1000000}
CASES=${CASES:-"single small"}
BIG=${BIG:-0}
ROW_BY_ROW=${ROW_BY_ROW:-0}
SKIP_BUILD=${SKIP_BUILD:-0}
WORK=${WORK:-/tmp/safeddl-bench-flashback}
SAFEDDL=${SAFEDDL:-}
SMALL_ROWS=10
DATE=$(date +%Y-%m-%d)
RESULT_FILE=$ROOT/bench/results/flashback-$DATE.md

log() { printf '[flashback_bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ---- build, sandbox -----------------------------------------------------------------------------
source "$ROOT/bench/bench_sandbox.sh"
bench_build_safeddl flashback_bench
[[ -x /usr/bin/time ]] || { echo "flashback_bench: needs /usr/bin/time (Debian package time)" >&2; exit 1; }

mkdir -p "$WORK" "$ROOT/bench/results"
cleanup() {
  log "stopping the sandbox"
  bench_sandbox_down
}
trap cleanup EXIT
bench_sandbox_up flashback_bench
DATADIR=$(dirname "$CNF")/data
SERVER_PID=$(cat "$(dirname "$CNF")/mariadbd.pid")
SQL=(mariadb --defaults-file="$CNF")
q() { "${SQL[@]}" -N -B -e "$1"; }
DEFAULT_PACKET=$(q "SELECT @@GLOBAL.max_allowed_packet")

# ---- the table, its two states, the binlogs ----------------------------------------------------
# The change every case makes, to all rows or to those in a WHERE clause.
CHANGE="UPDATE fb.t SET k = k + 1, c = CONCAT('u', SUBSTRING(c, 2))"

# make_tables EXTRA_COLUMN_DEF EXTRA_VALUE: base.before and base.after (not binlogged) and fb.t.
make_tables() {
  local extra_def=$1 extra_value=$2
  log "building the $ROWS-row table and its changed copy"
  q "SET SESSION sql_log_bin = 0; DROP DATABASE IF EXISTS base; CREATE DATABASE base;
     CREATE TABLE base.before (id INT NOT NULL PRIMARY KEY, k INT NOT NULL DEFAULT 0,
       c CHAR(120) NOT NULL DEFAULT '', pad CHAR(60) NOT NULL DEFAULT ''$extra_def,
       KEY k_1 (k)) ENGINE=InnoDB;
     INSERT INTO base.before SELECT seq, seq % 100000, REPEAT(CONCAT(seq, '-'), 12),
       REPEAT('p', 59)$extra_value FROM base.seq_1_to_$ROWS;
     CREATE TABLE base.after LIKE base.before;
     INSERT INTO base.after SELECT * FROM base.before;
     UPDATE base.after SET k = k + 1, c = CONCAT('u', SUBSTRING(c, 2));
     DROP DATABASE IF EXISTS fb; CREATE DATABASE fb"
  BEFORE_SUM=$(q "CHECKSUM TABLE base.before" | cut -f2)
  AFTER_SUM=$(q "CHECKSUM TABLE base.after" | cut -f2)
}

# restore STATE: fb.t = a copy of base.STATE, not binlogged; then its dirty pages flushed, so the
# next command does not pay for the copy.
restore() {
  q "SET SESSION sql_log_bin = 0; DROP TABLE IF EXISTS fb.t; CREATE TABLE fb.t LIKE base.$1;
     INSERT INTO fb.t SELECT * FROM base.$1"
  local i dirty pct
  pct=$(q "SELECT @@GLOBAL.innodb_max_dirty_pages_pct")
  q "SET GLOBAL innodb_max_dirty_pages_pct = 0"
  for ((i = 0; i < 240; i++)); do
    dirty=$(q "SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'" | cut -f2)
    ((dirty < 200)) && break
    sleep 0.5
  done
  q "SET GLOBAL innodb_max_dirty_pages_pct = $pct"
}

# record_change CASE: runs the case's change on fb.t (in the before state) into a binlog file of
# its own; sets BINLOG to a copy of it.
record_change() {
  local name=$1
  restore before
  q "FLUSH BINARY LOGS"
  local file
  file=$(q "SHOW MASTER STATUS" | cut -f1)
  log "$name: recording the change in $file"
  case $name in
    single | big) q "$CHANGE" ;;
    small)
      awk -v rows="$ROWS" -v n="$SMALL_ROWS" -v change="$CHANGE" 'BEGIN {
        for (i = 1; i <= rows; i += n) printf "%s WHERE id BETWEEN %d AND %d;\n", change, i, i + n - 1
      }' | "${SQL[@]}" ;;
  esac
  q "FLUSH BINARY LOGS"
  [[ $(q "CHECKSUM TABLE fb.t" | cut -f2) == "$AFTER_SUM" ]] ||
    { echo "flashback_bench: the $name change did not produce the changed copy" >&2; exit 1; }
  BINLOG=$WORK/$name.binlog
  cp "$DATADIR/$file" "$BINLOG"
}

# ---- measuring ----------------------------------------------------------------------------------
# measure LABEL STDIN STDOUT CMD...: runs CMD (stdin and stdout redirected to the given files) and
# appends "LABEL|status|wall|client cpu|server cpu|rss KiB|restored" to $WORK/rows.
RESTORED=""
measure() {
  local label=$1 in=$2 out=$3
  shift 3
  local s0 s1 status=0
  s0=$(awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat")
  /usr/bin/time -v -o "$WORK/time.txt" "$@" <"$in" >"$out" 2>"$WORK/stderr.txt" || status=$?
  s1=$(awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat")
  local wall usr sys kib
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/time.txt" |
    awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
  usr=$(sed -n 's/.*User time (seconds): //p' "$WORK/time.txt")
  sys=$(sed -n 's/.*System time (seconds): //p' "$WORK/time.txt")
  kib=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time.txt")
  local ticks
  ticks=$(getconf CLK_TCK)
  if ((status != 0)); then
    log "$label: exit $status: $(grep -a -m 1 -i 'error' "$WORK/stderr.txt" | cut -c 1-200)"
  fi
  printf '%s|%s|%s|%s|%s|%s|%s\n' "$label" "$status" "$wall" \
    "$(awk -v u="$usr" -v s="$sys" 'BEGIN { print u + s }')" \
    "$(awk -v a="$s0" -v b="$s1" -v t="$ticks" 'BEGIN { print (b - a) / t }')" "$kib" \
    "$RESTORED" >>"$WORK/rows"
  return 0
}

# verify LABEL: appends whether fb.t is back to the before state to the last row.
verify() {
  local sum
  sum=$(q "CHECKSUM TABLE fb.t" | cut -f2)
  local mark="NOT restored"
  [[ "$sum" == "$BEFORE_SUM" ]] && mark="restored"
  sed -i '$ s/|[^|]*$/|'"$mark"'/' "$WORK/rows"
}

run_case() {
  local name=$1
  record_change "$name"
  local size
  size=$(stat -c %s "$BINLOG")
  log "$name: binlog $(awk -v s="$size" 'BEGIN { printf "%.1f MB", s / 1e6 }')"
  echo "$name|binlog|$size" >>"$WORK/sizes"

  log "$name: safeddl flashback > SQL"
  measure "$name|safeddl SQL" /dev/null "$WORK/$name.undo.sql" "$SAFEDDL" flashback "$BINLOG"
  echo "$name|script|$(stat -c %s "$WORK/$name.undo.sql")" >>"$WORK/sizes"
  rm -f "$WORK/$name.undo.sql"

  restore after
  log "$name: safeddl flashback --execute"
  measure "$name|safeddl execute" /dev/null "$WORK/$name.execute.json" \
    "$SAFEDDL" flashback "$BINLOG" --defaults-file="$CNF" --execute --json
  verify
  if [[ $name != small ]]; then
    restore after
    log "$name: safeddl flashback --execute --max-memory 64M"
    measure "$name|safeddl execute 64M" /dev/null "$WORK/$name.execute64.json" \
      "$SAFEDDL" flashback "$BINLOG" --defaults-file="$CNF" --execute --json --max-memory 64M
    verify
  fi
  if [[ "$ROW_BY_ROW" == 1 && $name != big ]]; then
    restore after
    log "$name: safeddl flashback --execute --batch-rows 1"
    measure "$name|safeddl execute row by row" /dev/null "$WORK/$name.execute1.json" \
      "$SAFEDDL" flashback "$BINLOG" --defaults-file="$CNF" --execute --json --batch-rows 1
    verify
  fi
  [[ $name == big ]] && return 0  # safeddl's memory only

  log "$name: mariadb-binlog --flashback > SQL"
  measure "$name|mariadb-binlog" /dev/null "$WORK/$name.mb.sql" mariadb-binlog --flashback "$BINLOG"
  echo "$name|mariadb-binlog script|$(stat -c %s "$WORK/$name.mb.sql")" >>"$WORK/sizes"

  restore after
  log "$name: mariadb < mariadb-binlog's SQL (max_allowed_packet $DEFAULT_PACKET)"
  measure "$name|mariadb apply" "$WORK/$name.mb.sql" /dev/null "${SQL[@]}"
  verify
  if [[ $(tail -1 "$WORK/rows" | cut -d'|' -f3) != 0 ]]; then
    restore after
    log "$name: again with 1 GB packets"
    q "SET GLOBAL max_allowed_packet = 1073741824"
    measure "$name|mariadb apply 1G" "$WORK/$name.mb.sql" /dev/null "${SQL[@]}" \
      --max-allowed-packet=1G
    verify
    q "SET GLOBAL max_allowed_packet = $DEFAULT_PACKET"
  fi
  rm -f "$WORK/$name.mb.sql"
}

rm -f "$WORK/rows" "$WORK/sizes"
make_tables "" ""
for c in $CASES; do run_case "$c"; done
if [[ "$BIG" == 1 ]]; then
  # About 1.2 KB of row images per row (before and after): a ~1.2 GB transaction at 1M rows.
  make_tables ", note VARCHAR(600) NOT NULL DEFAULT ''" ", REPEAT('n', 600)"
  run_case big
fi

# ---- report -------------------------------------------------------------------------------------
report() {
  echo "safeddl: $("$SAFEDDL" --version 2>/dev/null || echo "$SAFEDDL") ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'))"
  echo "server: $(q "SELECT VERSION()"), max_allowed_packet $DEFAULT_PACKET; $ROWS rows; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  while IFS='|' read -r name what bytes; do
    awk -v n="$name" -v w="$what" -v b="$bytes" 'BEGIN { printf "- %s: %s %.1f MB\n", n, w, b / 1e6 }'
  done <"$WORK/sizes"
  echo
  echo "| case | command | exit | wall (s) | client CPU (s) | server CPU (s) | peak RSS (MiB) | table |"
  echo "|---|---|---:|---:|---:|---:|---:|---|"
  while IFS='|' read -r name what status wall cpu server kib restored; do
    awk -v n="$name" -v w="$what" -v st="$status" -v wa="$wall" -v c="$cpu" -v s="$server" \
      -v k="$kib" -v r="$restored" \
      'BEGIN { printf "| %s | %s | %s | %.2f | %.2f | %.2f | %.1f | %s |\n", n, w, st, wa, c, s, k / 1024, r }'
  done <"$WORK/rows"
  echo
  echo "End to end (generate + apply, wall seconds; mariadb with the packet size that worked):"
  echo
  echo "| case | safeddl --execute | mariadb-binlog --flashback + mariadb | ratio |"
  echo "|---|---:|---:|---:|"
  for c in $CASES; do
    awk -F'|' -v c="$c" '
      $1 == c && $2 == "safeddl execute" { ours = $4 }
      $1 == c && $2 == "mariadb-binlog" { gen = $4 }
      $1 == c && $2 ~ /^mariadb apply/ && $3 == 0 { apply = $4 }
      END {
        if (apply == "") { printf "| %s | %.2f | failed | - |\n", c, ours; exit }
        printf "| %s | %.2f | %.2f | %.2f |\n", c, ours, gen + apply, (gen + apply) / ours
      }' "$WORK/rows"
  done
}
report | tee -a "$RESULT_FILE"
