#!/usr/bin/env bash
# The safeddl demo on a local sandbox MariaDB: installs what is missing, builds, starts a sandbox
# primary with a GTID replica, creates a table with 200,000 rows, and changes it online with
# `safeddl alter` while a write load runs against it; then shows the result on the primary and
# the replica.
# Usage: scripts/demo.sh [--keep]   (--keep leaves the sandbox running afterwards)
set -euo pipefail
cd "$(dirname "$0")/.."

keep="${1:-}"
scripts/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target safeddl
safeddl="$PWD/build/src/cli/safeddl"
export SAFEDDL_SANDBOX_DIR="$PWD/build/demo-sandboxes"
work=$(mktemp -d)

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
cleanup() {
  touch "$work/stop"
  wait 2>/dev/null || true
  [[ "$keep" == "--keep" ]] || "$safeddl" sandbox down --name demo >/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

step "start a sandbox MariaDB (primary + 1 GTID replica)"
"$safeddl" sandbox up --name demo --replicas 1
cnf="$SAFEDDL_SANDBOX_DIR/demo/primary/client.cnf"
replica_cnf="$SAFEDDL_SANDBOX_DIR/demo/replica1/client.cnf"
sql() { mariadb --defaults-file="$cnf" "$@"; }

step "create demo.orders with 200,000 rows"
sql <<'SQL'
CREATE DATABASE IF NOT EXISTS demo;
USE demo;
DROP TABLE IF EXISTS orders, _orders_gho, _orders_ghc, _orders_del;
CREATE TABLE orders (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id INT NOT NULL,
  amount DECIMAL(12,2) NOT NULL,
  status ENUM('new','paid','shipped') NOT NULL DEFAULT 'new',
  note VARCHAR(200) CHARACTER SET utf8mb4,
  created_at DATETIME(6) NOT NULL
) ENGINE=InnoDB;
INSERT INTO orders (customer_id, amount, status, note, created_at)
SELECT seq % 5000, (seq % 100000) / 100, ELT(1 + seq % 3, 'new', 'paid', 'shipped'),
       CONCAT('order ', seq, ' — ünïcode ✓'), NOW(6) - INTERVAL seq SECOND
FROM seq_1_to_200000;
SQL

step "is this server ready? (safeddl check)"
"$safeddl" check --defaults-file="$cnf" || true

step "start a write load: inserts, updates and deletes, ~150 statements/s"
(
  i=0
  while [[ ! -f "$work/stop" ]]; do
    i=$((i + 1))
    echo "INSERT INTO demo.orders (customer_id, amount, note, created_at) VALUES ($((RANDOM % 5000)), $RANDOM.50, 'live order $i', NOW(6));"
    echo "UPDATE demo.orders SET status = 'paid', amount = amount + 1 WHERE id = $((RANDOM * 6 % 200000 + 1));"
    echo "DELETE FROM demo.orders WHERE id = $((RANDOM * 6 % 200000 + 1));"
    echo "$i" > "$work/count"
    sleep 0.02
  done | mariadb --defaults-file="$cnf" --force
) &
sleep 2

step "safeddl alter: add a column and an index online, while the writes go on"
echo "\$ safeddl alter --database demo --table orders --alter \"ADD COLUMN region VARCHAR(8) NOT NULL DEFAULT 'eu', ADD INDEX idx_customer (customer_id)\" --execute"
"$safeddl" alter --defaults-file="$cnf" --database demo --table orders \
  --alter "ADD COLUMN region VARCHAR(8) NOT NULL DEFAULT 'eu', ADD INDEX idx_customer (customer_id)" \
  --execute --ok-to-drop-table --session-log "$work/session.jsonl"
sleep 2
touch "$work/stop"
wait
echo "write load: $(( $(cat "$work/count") * 3 )) statements sent while the table was being changed"

step "the result"
sql -e "SHOW CREATE TABLE demo.orders\G" | sed -n '3,20p'
sql -e "SELECT COUNT(*) AS rows_on_primary, SUM(region = 'eu') AS with_new_column FROM demo.orders"
for _ in $(seq 1 50); do
  primary_gtid=$(sql -N -e "SELECT @@gtid_binlog_pos")
  mariadb --defaults-file="$replica_cnf" -N -e "SELECT MASTER_GTID_WAIT('$primary_gtid', 1)" >/dev/null && break
done
mariadb --defaults-file="$replica_cnf" -e "SELECT COUNT(*) AS rows_on_replica FROM demo.orders; SHOW INDEX FROM demo.orders WHERE Key_name = 'idx_customer'" | cut -c1-80

step "every statement safeddl sent is in its session log (first 3 of $(wc -l < "$work/session.jsonl"))"
head -n 3 "$work/session.jsonl" | cut -c1-160
