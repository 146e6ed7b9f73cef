#!/usr/bin/env bash
# The safeddl demo on a local sandbox MariaDB: installs what is missing, builds, starts a
# sandbox primary with a replica, creates a table with rows, and runs safeddl against it.
# Usage: scripts/demo.sh [--keep]   (--keep leaves the sandbox running afterwards)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target safeddl
safeddl=build/src/cli/safeddl
export SAFEDDL_SANDBOX_DIR="$PWD/build/demo-sandboxes"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "start a sandbox MariaDB (primary + 1 GTID replica)"
"$safeddl" sandbox up --name demo --replicas 1
cnf="$SAFEDDL_SANDBOX_DIR/demo/primary/client.cnf"
cleanup() { [[ "${1:-}" == "--keep" ]] || "$safeddl" sandbox down --name demo; }
trap 'cleanup "${KEEP:-}"' EXIT
KEEP="${1:-}"

step "create demo.orders with 200,000 rows"
mariadb --defaults-file="$cnf" <<'SQL'
CREATE DATABASE IF NOT EXISTS demo;
DROP TABLE IF EXISTS demo.orders;
CREATE TABLE demo.orders (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id INT NOT NULL,
  amount DECIMAL(12,2) NOT NULL,
  status ENUM('new','paid','shipped') NOT NULL DEFAULT 'new',
  note VARCHAR(200) CHARACTER SET utf8mb4,
  created_at DATETIME(6) NOT NULL
) ENGINE=InnoDB;
INSERT INTO demo.orders (customer_id, amount, status, note, created_at)
SELECT seq % 5000, (seq % 100000) / 100, ELT(1 + seq % 3, 'new', 'paid', 'shipped'),
       CONCAT('order ', seq, ' — ünïcode ✓'), NOW(6) - INTERVAL seq SECOND
FROM seq_1_to_200000;
SELECT COUNT(*) AS rows_in_demo_orders FROM demo.orders;
SQL

step "is this server ready for safeddl? (safeddl check)"
"$safeddl" check --defaults-file="$cnf" --session-log build/demo-session.jsonl || true

step "the session log: every statement safeddl sent, with timings (first 5 lines)"
head -n 5 build/demo-session.jsonl
