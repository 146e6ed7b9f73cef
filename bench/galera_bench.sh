#!/usr/bin/env bash
# Schema changes on a three-node Galera cluster under write load (issue 16): the same index added
# to a 1M-row sysbench table while sysbench oltp_write_only runs at 300 tx/s spread over the three
# nodes, by
#   toi     ALTER TABLE run natively (TOI, the cluster's default): every node stops committing
#           while it runs
#   safetoi safeddl alter --galera-method toi (the same DDL after the checks on every node)
#   rsu     safeddl alter --galera-method rsu (node by node, each desynced while it changes)
#   online  safeddl alter --galera-method online (trigger capture, chunks within the write-set
#           limits, paused while a node nears flow control, one RENAME in total order)
#   ptosc   pt-online-schema-change (triggers and a copy, on node1; it requires TOI), with
#           --tries copy_rows:100:0.25 so a chunk that loses certification is retried
# Both copies keep the old table (safeddl's default, pt-osc's --no-drop-old-table): dropping a
# big table is a DDL in total order of its own, better done apart; the bench drops it after the
# measured window.
# The load uses the text protocol (SB_PS_MODE=disable): on MariaDB 10.11's Galera, statements
# prepared server-side before a trigger is created on their table fail with "Deadlock found"
# about twice per transaction for as long as the trigger exists (548 errors/s at 300 tx/s,
# whoever creates the triggers: safeddl's online copy or pt-online-schema-change); statements
# prepared after, and text-protocol ones, do not. docs/galera.md says what it means for users.
# Per method: total time, the cluster's write stall (worst per-second p99 of the load from the
# change's start to AFTER s after its end; a second with no transaction counts as 1000 ms), the
# lowest tps, the load's errors, and flow control (the growth of wsrep_flow_control_paused_ns,
# summed over the nodes). The index is dropped again (TOI, metadata only) between methods.
#
# Usage: bench/galera_bench.sh     Results: bench/results/galera-<date>[-TAG][-node-settings].md
#   ROWS=1000000  METHODS="toi safetoi rsu online ptosc"  BASELINE=5  AFTER=5
#   ALTER="ADD INDEX k_pad (pad)"  the change (dropped by DROP_INDEX=k_pad between methods)
#   NODE_SETTINGS= global settings made on every node before the load, e.g.
#                  "innodb_buffer_pool_size=1G innodb_log_file_size=1G" (the sandbox's 256M pool
#                  holds the 1M-row table but not the table and its copy; its 256M redo log keeps
#                  InnoDB near its checkpoint limit, where every write waits for a flush)
#   ONLINE_FLAGS=  more flags for the online method, e.g. "--nice-ratio 0.5"
#   TAG=           a word in the result file's name, to keep an earlier run's file of the day
#   SKIP_BUILD=0 / SAFEDDL=PATH    as for alter_bench.sh
#   WORK=/tmp/safeddl-galera-bench (must be reachable by the mysql account when run as root)
# Passwords: safeddl, mariadb and pt-osc read the nodes' client.cnf; sysbench gets it on its
# command line (a throwaway loopback sandbox); it is never printed or written to the logs.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

ROWS=${ROWS:-1000000}
BASELINE=${BASELINE:-5}
AFTER=${AFTER:-5}
METHODS=${METHODS:-"toi safetoi rsu online ptosc"}
ALTER=${ALTER:-"ADD INDEX k_pad (pad)"}
DROP_INDEX=${DROP_INDEX:-k_pad}
SKIP_BUILD=${SKIP_BUILD:-0}
WORK=${WORK:-/tmp/safeddl-galera-bench}
THREADS=8
RATE=300
SAFEDDL=${SAFEDDL:-}
ONLINE_FLAGS=${ONLINE_FLAGS:-}
LOGS=$WORK/logs
NODE_SETTINGS=${NODE_SETTINGS:-}
TAG=${TAG:-}
RESULT_FILE=$ROOT/bench/results/galera-$(date +%Y-%m-%d)${TAG:+-$TAG}${NODE_SETTINGS:+-node-settings}.md

log() { printf '[galera_bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

scripts/deps.sh --bench
source "$ROOT/bench/bench_sandbox.sh"
bench_build_safeddl galera_bench
mkdir -p "$WORK" "$LOGS" "$ROOT/bench/results"
SB_PID=""
STOP_FILE=$WORK/sysbench.stop
cluster_down() { "$SAFEDDL" sandbox down --name gbench --dir "$WORK" >/dev/null 2>&1 || true; }
cleanup() {
  if [[ -n "$SB_PID" ]]; then
    touch "$STOP_FILE"
    kill "$SB_PID" 2>/dev/null || true
  fi
  log "stopping the cluster"
  cluster_down
}
trap cleanup EXIT

cluster_down
log "starting a three-node Galera sandbox under $WORK"
"$SAFEDDL" sandbox up --galera 3 --name gbench --dir "$WORK" --json >"$WORK/sandbox.json"
mapfile -t CNFS < <(sed -n 's/.*"defaults_file" *: *"\([^"]*\)".*/\1/p' "$WORK/sandbox.json")
mapfile -t PORTS < <(sed -n 's/^      "port" *: *\([0-9]*\).*/\1/p' "$WORK/sandbox.json")
((${#CNFS[@]} == 3 && ${#PORTS[@]} == 3)) || { echo "galera_bench: no three nodes in $WORK/sandbox.json" >&2; exit 1; }
CNF=${CNFS[0]}
source "$ROOT/bench/bench_load.sh"
bench_load_init
SB_PS_MODE=${SB_PS_MODE:-disable}
# The load goes to the three nodes (sysbench spreads its connections over the host list).
SYSBENCH_CONN=(--db-driver=mysql --mysql-host=127.0.0.1,127.0.0.1,127.0.0.1
               --mysql-port="$(IFS=,; echo "${PORTS[*]}")" --mysql-user="$DB_USER"
               --mysql-password="$DB_PASS" --mysql-db=sbtest --tables=1)

if [[ -n "$NODE_SETTINGS" ]]; then
  log "on every node: $NODE_SETTINGS"
  for setting in $NODE_SETTINGS; do
    [[ "$setting" =~ ^([a-z_]+)=([0-9]+[KMG]?)$ ]] || { echo "galera_bench: NODE_SETTINGS takes name=size, not '$setting'" >&2; exit 1; }
    for c in "${CNFS[@]}"; do
      mariadb --defaults-file="$c" -e "SET GLOBAL ${BASH_REMATCH[1]} = $(numfmt --from=iec "${BASH_REMATCH[2]}")"
    done
  done
  sleep 2  # a buffer pool resize runs in the background
fi
log "sysbench prepare: $ROWS rows (written on node1, replicated)"
q "DROP DATABASE IF EXISTS sbtest; CREATE DATABASE sbtest"
sysbench oltp_write_only --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="${PORTS[0]}" \
  --mysql-user="$DB_USER" --mysql-password="$DB_PASS" --mysql-db=sbtest --tables=1 \
  --table-size="$ROWS" prepare >"$LOGS/prepare.log"

# flow_paused_ns: wsrep_flow_control_paused_ns summed over the nodes.
flow_paused_ns() {
  local total=0 c v
  for c in "${CNFS[@]}"; do
    v=$(mariadb --defaults-file="$c" -N -B -e "SHOW GLOBAL STATUS LIKE 'wsrep_flow_control_paused_ns'" | cut -f2)
    total=$((total + v))
  done
  echo "$total"
}

method_cmd() {
  case $1 in
    toi) CMD=(mariadb --defaults-file="$CNF" sbtest -e "ALTER TABLE sbtest1 $ALTER") ;;
    safetoi) CMD=("$SAFEDDL" alter --defaults-file="$CNF" --database sbtest --table sbtest1
                  --alter "$ALTER" --galera-method toi --max-wait 30s --execute) ;;
    rsu) CMD=("$SAFEDDL" alter --defaults-file="$CNF" --database sbtest --table sbtest1
              --alter "$ALTER" --galera-method rsu --max-wait 30s --execute) ;;
    online) CMD=("$SAFEDDL" alter --defaults-file="$CNF" --database sbtest --table sbtest1
                 --alter "$ALTER" --galera-method online --max-wait 30s --execute $ONLINE_FLAGS) ;;
    ptosc) CMD=(pt-online-schema-change --alter "$ALTER" --execute --recursion-method=none
                --tries copy_rows:100:0.25 --no-drop-old-table "D=sbtest,t=sbtest1,F=$CNF") ;;
    *) echo "galera_bench: unknown method $1" >&2; exit 1 ;;
  esac
}

: >"$LOGS/results.txt"
for name in $METHODS; do
  log "$name: ${BASELINE}s baseline, the change, then ${AFTER}s"
  bench_load_start "$LOGS/$name.sysbench.log"
  sleep "$BASELINE"
  method_cmd "$name"
  F0=$(flow_paused_ns)
  M0=$EPOCHREALTIME
  rc=0
  "${CMD[@]}" >"$LOGS/$name.out" 2>"$LOGS/$name.err" || rc=$?
  M1=$EPOCHREALTIME
  sleep "$AFTER"
  F1=$(flow_paused_ns)
  bench_load_stop || log "$name: sysbench failed; see $LOGS/$name.sysbench.log"
  if ((rc != 0)); then
    log "$name failed (exit $rc): $(tail -2 "$LOGS/$name.err")"
    echo "$name failed - - - - - - - -" >>"$LOGS/results.txt"
    q "DROP TABLE IF EXISTS sbtest._sbtest1_new" 2>/dev/null || true
    continue
  fi
  secs=$(awk -v a="$M0" -v b="$M1" 'BEGIN { printf "%.2f", b - a }')
  stats=$(analyse "$LOGS/$name.sysbench.log" "$M0" "$M1")
  fc_ms=$(((F1 - F0) / 1000000))
  echo "$name $secs $stats $fc_ms" >>"$LOGS/results.txt"
  log "$name: $secs s; p99 before/during/worst, tps min, err sum, ignored, reconnects: $stats; flow control ${fc_ms} ms"
  q "ALTER TABLE sbtest.sbtest1 DROP INDEX $DROP_INDEX" 2>/dev/null || true
  q "DROP TABLE IF EXISTS sbtest._sbtest1_old, sbtest._sbtest1_del" 2>/dev/null || true
done

{
  echo "# Galera: schema changes under load ($(date +%Y-%m-%d), commit $(git -C "$ROOT" rev-parse --short HEAD))"
  echo
  echo "Command: \`${NODE_SETTINGS:+NODE_SETTINGS=\"$NODE_SETTINGS\" }${ONLINE_FLAGS:+ONLINE_FLAGS=\"$ONLINE_FLAGS\" }bench/galera_bench.sh\` (ROWS=$ROWS, METHODS=\"$METHODS\"). Three nodes on one"
  echo "$(nproc)-core machine; sysbench oltp_write_only, $THREADS threads at $RATE tx/s over the three nodes;"
  echo "change: \`$ALTER\` on sbtest1. Worst p99: the highest per-second p99 from the change's start to"
  echo "${AFTER} s after its end (a second with no transaction counts as 1000 ms)."
  echo
  echo "| method | time (s) | p99 before (ms) | median p99 during (ms) | worst p99 (ms) | tps min | load errors (err/s sum / ignored / reconnects) | flow control paused (ms, all nodes) |"
  echo "|---|---:|---:|---:|---:|---:|---|---:|"
  while read -r name secs before during worst tpsmin errsum ignored reconn fc; do
    echo "| $name | $secs | $before | $during | $worst | $tpsmin | $errsum / $ignored / $reconn | $fc |"
  done <"$LOGS/results.txt"
} >"$RESULT_FILE"
cat "$RESULT_FILE"
