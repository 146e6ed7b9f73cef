# Sourced by the loaded bench scripts (after bench_sandbox_up set CNF): the sandbox's account,
# a `q` helper, the pristine sysbench tables and the sysbench write load. Needs CNF, ROWS, WORK,
# LOGS, THREADS, RATE and a `log` function.
#   bench_load_init          DB_* from the client.cnf, SQL/q, the stoppable sysbench script
#   prepare_base ROWS DB     DB.sbtest1 = a sysbench table of ROWS rows (not binlogged)
#   restore DB               sbtest.sbtest1 = a fresh copy of DB.sbtest1, its pages flushed
#   bench_load_start LOG     sysbench oltp_write_only at RATE tx/s in the background (server-side
#                            prepared statements unless SB_PS_MODE=disable), each
#                            per-second line time-stamped into LOG (SB_PID set)
#   bench_load_stop          ends the load once its threads see the stop file; waits for it
#   analyse LOG M0 M1        the load's per-second figures around a change from M0 to M1 (needs
#                            AFTER): "p99_before p99_during worst_p99 tps_min err_sum ignored
#                            reconnects"
# Passwords: sysbench only takes --mysql-password, so it gets it on its command line (a throwaway
# loopback sandbox); it is never printed or written to the logs.

bench_load_init() {
  cnf_get() { sed -n "s/^$1[[:space:]]*=[[:space:]]*//p" "$CNF" | head -1; }
  DB_HOST=$(cnf_get host)
  DB_PORT=$(cnf_get port)
  DB_USER=$(cnf_get user)
  DB_PASS=$(cnf_get password)  # for sysbench only; never printed
  SQL=(mariadb --defaults-file="$CNF")
  q() { "${SQL[@]}" -N -B -e "$1"; }
  q "SET GLOBAL innodb_print_all_deadlocks = ON"  # to see who the load's errors were with

  # sysbench ends a run only at --time (a signal loses its totals), so the load runs through this
  # wrapper of oltp_write_only, which stops all threads once STOP_FILE exists.
  STOP_FILE=$WORK/sysbench.stop
  SB_SCRIPT=$WORK/oltp_write_only_stoppable.lua
  cat >"$SB_SCRIPT" <<'LUA'
require("oltp_write_only")
local stop_file = os.getenv("SB_STOP_FILE")
local write_only_event = event
function event(thread_id)
  write_only_event(thread_id)
  local f = io.open(stop_file, "r")
  if f then f:close(); return true end  -- a true result ends this thread's loop
end
LUA
  SYSBENCH_CONN=(--db-driver=mysql --mysql-host="$DB_HOST" --mysql-port="$DB_PORT"
                 --mysql-user="$DB_USER" --mysql-password="$DB_PASS" --mysql-db=sbtest --tables=1)
}

# prepare_base ROWS DB: DB.sbtest1 = a sysbench table of ROWS rows (not binlogged).
prepare_base() {
  local rows=$1 db=$2
  if [[ "$rows" == "$ROWS" ]]; then
    log "sysbench prepare: $rows rows"
    q "DROP DATABASE IF EXISTS sbtest; CREATE DATABASE sbtest"
    sysbench oltp_write_only "${SYSBENCH_CONN[@]}" --table-size="$rows" prepare >"$LOGS/prepare.log"
    q "SET SESSION sql_log_bin = 0; DROP DATABASE IF EXISTS $db; CREATE DATABASE $db;
       RENAME TABLE sbtest.sbtest1 TO $db.sbtest1"
  else
    # A bigger table: the ROWS base repeated with shifted ids (same row shape, much faster).
    log "building a $rows-row base from the $ROWS-row one"
    q "SET SESSION sql_log_bin = 0; DROP DATABASE IF EXISTS $db; CREATE DATABASE $db;
       CREATE TABLE $db.sbtest1 LIKE sbbase.sbtest1"
    local i=0
    while ((i * ROWS < rows)); do
      q "SET SESSION sql_log_bin = 0; INSERT INTO $db.sbtest1
         SELECT id + $((i * ROWS)), k, c, pad FROM sbbase.sbtest1 WHERE id + $((i * ROWS)) <= $rows"
      i=$((i + 1))
    done
  fi
}

# restore DB: sbtest.sbtest1 = a fresh copy of DB.sbtest1 (leftovers of the last run dropped), then
# wait for InnoDB to flush the copy so the next run does not pay for the previous one.
restore() {
  local db=$1
  q "SET SESSION sql_log_bin = 0; DROP DATABASE IF EXISTS sbtest; CREATE DATABASE sbtest;
     CREATE TABLE sbtest.sbtest1 LIKE $db.sbtest1;
     INSERT INTO sbtest.sbtest1 SELECT * FROM $db.sbtest1"
  q "FLUSH BINARY LOGS"
  # Flush the copy's dirty pages now (max dirty pct 0 makes the page cleaner write them all), so
  # the next run does not pay for the previous one; then back to the server's setting.
  local i dirty pct
  pct=$(q "SELECT @@GLOBAL.innodb_max_dirty_pages_pct")
  q "SET GLOBAL innodb_max_dirty_pages_pct = 0"
  for ((i = 0; i < 120; i++)); do
    dirty=$(q "SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'" | cut -f2)
    ((dirty < 200)) && break
    sleep 0.5
  done
  q "SET GLOBAL innodb_max_dirty_pages_pct = $pct"
  sleep 2
}

# stamp: prefixes every line with the epoch time it arrived at.
stamp() { while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done; }

bench_load_start() {
  # --time is only an upper bound: the load stops (and prints its totals) once the stop file
  # appears.
  rm -f "$STOP_FILE"
  SB_STOP_FILE=$STOP_FILE stdbuf -oL sysbench "$SB_SCRIPT" "${SYSBENCH_CONN[@]}" \
    --table-size="$ROWS" --threads=$THREADS --rate=$RATE --report-interval=1 --percentile=99 \
    --db-ps-mode="${SB_PS_MODE:-auto}" --mysql-ignore-errors=all --time=3600 run \
    > >(stamp >"$1") 2>&1 &
  SB_PID=$!
}

bench_load_stop() {
  local rc=0
  touch "$STOP_FILE"
  wait "$SB_PID" || rc=$?
  sleep 1  # the time-stamping reader drains
  SB_PID=""
  return $rc
}

# analyse LOG M0 M1: prints "p99_before p99_during worst_p99 tps_min err_sum ignored reconnects".
analyse() {
  awk -v m0="$2" -v m1="$3" -v after="$AFTER" '
    function median(a, n,   i, j, t) {
      for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      if (n == 0) return -1
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    / tps: / {
      t = $1; n = 0
      for (i = 2; i <= NF; i++) {
        if ($i == "tps:") tps = $(i + 1)
        if ($i == "(ms,99%):") p99 = $(i + 1)
        if ($i == "err/s:") errs = $(i + 1)
      }
      sec++
      if (tps + 0 == 0) p99 = 1000  # nothing completed in that second: blocked for >= 1 s
      err_sum += errs
      if (t <= m0 && sec > 2) before[++nb] = p99                  # whole interval before start
      if (t > m0 && t - 1 < m1) during[++nd] = p99                # overlaps the migration
      if (t > m0 && t - 1 < m1 + after) {                         # migration + drain
        if (p99 > worst) worst = p99
        if (tpsmin == "" || tps + 0 < tpsmin) tpsmin = tps + 0
      }
    }
    /ignored errors:/ { ignored = $4 }
    /reconnects:/ { reconnects = $3 }
    END {
      printf "%.2f %.2f %.2f %.0f %.0f %d %d\n", median(before, nb), median(during, nd), worst,
        tpsmin, err_sum, ignored, reconnects
    }' "$1"
}
