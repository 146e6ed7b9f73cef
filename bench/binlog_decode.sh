#!/bin/sh
# Binlog decoding throughput: `safeddl binlog FILE` against `mariadb-binlog --verbose FILE` on the
# same binlog of ROWS row changes (default 1,000,000: 600k inserts, 200k updates, 200k deletes in
# transactions of 1,000 rows), written by a sandbox server. Prints a Markdown table: the median
# over RUNS runs of wall time, user CPU and system CPU, row changes per second (median wall), peak
# RSS (/usr/bin/time -v, the largest of the runs), and the ratios to mariadb-binlog by wall time and
# by CPU time (user + system).
#
#   bench/binlog_decode.sh [SAFEDDL_BINARY] [WORK_DIR]
#
# SAFEDDL_BINARY defaults to build-release/src/cli/safeddl (build it Release for figures);
# WORK_DIR (default /tmp/safeddl-bench-binlog) holds the sandbox and the outputs. BINLOG=FILE
# measures an existing binlog file instead of starting the sandbox and writing one.
set -eu

SAFEDDL=${1:-build-release/src/cli/safeddl}
WORK=${2:-/tmp/safeddl-bench-binlog}
ROWS=${ROWS:-1000000}
RUNS=${RUNS:-3}
BATCH=1000

mkdir -p "$WORK"
inserts=$((ROWS * 6 / 10))
changes=$((ROWS * 2 / 10))

# The SQL of the changes.
gen() {
  i=0
  while [ $i -lt "$inserts" ]; do
    echo "INSERT INTO bench_binlog.t SELECT seq, CONCAT('name-', seq), seq / 100, \
'2024-01-01 00:00:00' + INTERVAL seq SECOND, seq % 100, REPEAT('x', seq % 50) \
FROM seq_$((i + 1))_to_$((i + BATCH));"
    i=$((i + BATCH))
  done
  i=0
  while [ $i -lt "$changes" ]; do
    echo "UPDATE bench_binlog.t SET amount = amount + 1, flag = flag + 1 WHERE id BETWEEN $((i + 1)) AND $((i + BATCH));"
    i=$((i + BATCH))
  done
  i=0
  while [ $i -lt "$changes" ]; do
    echo "DELETE FROM bench_binlog.t WHERE id BETWEEN $((inserts - i - BATCH + 1)) AND $((inserts - i));"
    i=$((i + BATCH))
  done
}

# write_binlog: starts the sandbox `bench` and writes the changes into a fresh binlog file,
# which BINLOG then names.
write_binlog() {
  "$SAFEDDL" sandbox up --name bench --dir "$WORK" --json > "$WORK/sandbox.json"
  PRIMARY="$WORK/bench/primary"
  CLIENT="mariadb --defaults-file=$PRIMARY/client.cnf"

  # The binlog: a fresh file holding only the generated changes.
  $CLIENT -e "DROP DATABASE IF EXISTS bench_binlog; CREATE DATABASE bench_binlog;
    CREATE TABLE bench_binlog.t (id INT UNSIGNED PRIMARY KEY, name VARCHAR(64), amount DECIMAL(12,2),
      created DATETIME(6), flag TINYINT, note TEXT) ENGINE=InnoDB; FLUSH BINARY LOGS;"
  FILE=$($CLIENT -N -e "SHOW MASTER STATUS" | cut -f1)
  gen | $CLIENT bench_binlog
  $CLIENT -e "FLUSH BINARY LOGS"
  BINLOG="$PRIMARY/data/$FILE"
}

[ -n "${BINLOG:-}" ] || write_binlog
SIZE=$(stat -c %s "$BINLOG")
COUNT=$("$SAFEDDL" binlog "$BINLOG" | wc -l)

# median VALUES...: the middle value (the lower middle for an even count).
median() {
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# measure NAME CMD...: median wall, user and system seconds and the largest peak RSS (KiB) over
# RUNS runs.
measure() {
  name=$1
  shift
  walls=""
  users=""
  syss=""
  rss=0
  r=0
  while [ $r -lt "$RUNS" ]; do
    /usr/bin/time -v -o "$WORK/time.txt" "$@" > /dev/null
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/time.txt" |
      awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
    kib=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time.txt")
    walls="$walls $wall"
    users="$users $(sed -n 's/.*User time (seconds): //p' "$WORK/time.txt")"
    syss="$syss $(sed -n 's/.*System time (seconds): //p' "$WORK/time.txt")"
    if [ "$kib" -gt "$rss" ]; then rss=$kib; fi
    r=$((r + 1))
  done
  echo "$name $(median $walls) $(median $users) $(median $syss) $rss"
}

ours=$(measure safeddl "$SAFEDDL" binlog "$BINLOG")
ref=$(measure mariadb-binlog mariadb-binlog --verbose "$BINLOG")
ours_sql=$(measure safeddl-sql "$SAFEDDL" binlog --sql "$BINLOG")

echo "binlog: $BINLOG ($SIZE bytes, $COUNT row changes)"
echo
echo "| command | wall (s) | user CPU (s) | system CPU (s) | row changes/s (wall) | peak RSS (MiB) |"
echo "|---|---:|---:|---:|---:|---:|"
for line in "$ours" "$ours_sql" "$ref"; do
  set -- $line
  case $1 in
    safeddl) cmd="safeddl binlog FILE > /dev/null" ;;
    safeddl-sql) cmd="safeddl binlog --sql FILE > /dev/null" ;;
    *) cmd="mariadb-binlog --verbose FILE > /dev/null" ;;
  esac
  awk -v c="$cmd" -v w="$2" -v u="$3" -v s="$4" -v k="$5" -v n="$COUNT" \
    'BEGIN { printf "| `%s` | %.2f | %.2f | %.2f | %.0f | %.1f |\n", c, w, u, s, n / w, k / 1024 }'
done
echo
echo "(medians of $RUNS runs; RSS: the largest)"
set -- $ours
ow=$2
oc=$(awk -v u="$3" -v s="$4" 'BEGIN { print u + s }')
set -- $ref
awk -v o="$ow" -v r="$2" -v oc="$oc" -v rc="$(awk -v u="$3" -v s="$4" 'BEGIN { print u + s }')" \
  'BEGIN { printf "ratio mariadb-binlog / safeddl: wall %.2f, CPU %.2f (goal: 3 or more)\n", r / o, rc / oc }'
