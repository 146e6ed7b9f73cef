// The online copy on Galera (`safeddl alter --galera-method online`): the change is made on a
// ghost table filled in chunks while the application keeps writing on every node, then swapped
// in with one RENAME in total order. What differs from the binlog-driven copy (osc/migrator.h):
//   - Changes reach the ghost through triggers on the original (galera/capture_triggers.h): the
//     node that takes a write also writes the ghost, in the same write set, so every node gets
//     both at once and the ghost is never behind. No binlog is needed.
//   - Each copy chunk is one write set: its rows are kept within wsrep_max_ws_rows and
//     wsrep_max_ws_size (half of the smallest limit of any node), so no chunk is refused.
//   - Before each chunk the copy waits while the cluster is near or in flow control
//     (galera/flow_control.h): it never is the reason the application's writes stall.
//   - A chunk that loses to a write from another node (a brute-force abort, or a failed
//     certification: "Deadlock found") is retried; that is Galera's normal conflict, not an error.
//   - The proof and the swap: every range of the key is compared in a consistent snapshot (the
//     triggers keep both tables in step, so any snapshot sees them equal; a range that differs is
//     copied again and compared again, twice at most, else the run stops); then, once no node has
//     a lock or a long transaction on the table (galera/toi.h, within --max-wait), RENAME TABLE
//     t TO _t_del, _t_gho TO t runs in total order: every node swaps at the same point of the
//     cluster's order, with no write lost. LOCK TABLES and GET_LOCK, which the binlog copy's
//     cut-over uses, are not replicated by Galera.
// gh-ost's controls apply as in the binlog copy: its throttling (flag files, --max-load,
// --critical-load, --throttle-query, --throttle-http, the origin's own replicas' lag), its
// control socket, its hooks (--hooks-path) and its postpone and panic flags (panic here drops
// the triggers and the ghost).
// Anything that fails before the swap drops the triggers and the ghost: the table is as it was.
// The old table is kept as `_t_del` unless --ok-to-drop-table.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "galera/cluster.h"
#include "mysql/connect_options.h"
#include "osc/migration_options.h"

namespace safeddl::galera {

struct OnlineOptions {
  osc::MigrationOptions migration;  // database, table, alter, execute, chunk size, retries...
  std::chrono::milliseconds max_wait{10000};  // for a clear table before each DDL on it
  std::chrono::seconds long_transaction{1};
  std::function<void(const std::string&)> progress;
  // Set (by a signal handler) to stop: checked before each chunk and while paused; the run then
  // cleans up as after any failure before the swap.
  const std::atomic<bool>* cancel = nullptr;
};

struct OnlineReport {
  std::string statement;
  std::vector<std::string> nodes;
  std::vector<std::string> notes;
  std::vector<std::string> triggers;  // the CREATE TRIGGER statements
  long long max_ws_rows = 0;          // the smallest of the nodes' (0: no limit)
  long long max_ws_size = 0;
  long long chunk_size_cap = 0;  // rows per chunk the write-set limits allow
  long long fc_limit = 0;        // gcs.fc_limit
  long long rows_estimated = 0;  // the optimizer's (information_schema.TABLES), for progress
  long long rows_copied = 0;
  long long chunks = 0;
  long long chunk_retries = 0;  // chunks that lost to another node's write and were retried
  // Transactions on any node that failed certification while the copy ran: the copy's chunks
  // that lost, and the application's transactions that lost to a chunk (they get "Deadlock
  // found" and must be retried, as on Galera for any conflict).
  long long cert_failures = 0;
  // Times the copy waited for the cluster (flow control), or was throttled as gh-ost throttles
  // (flag files, --max-load, --throttle-query, `throttle` on the control socket...).
  long long pauses = 0;
  double throttled_seconds = 0;
  std::vector<std::string> throttle_reasons;  // why each pause began (the first ten)
  long long flow_control_paused_ms = 0;       // the cluster's flow-control pause during the copy
  // After each chunk the copy waits until every node has committed the chunk before it: the time
  // it waited in all, and the longest one wait.
  double apply_wait_seconds = 0;
  double apply_wait_max_ms = 0;
  double nice_seconds = 0;  // slept after the chunks (--nice-ratio)
  double copy_seconds = 0;
  long long checksum_ranges = 0;
  long long checksum_rows = 0;
  long long ranges_copied_again = 0;  // key ranges the checksum found different, copied again
  int swap_rounds = 0;                // rounds of checks before the RENAME
  double swap_gate_seconds = 0;
  double rename_seconds = 0;  // the RENAME in total order: how long the table was held
  std::string old_table;      // where the original is kept; empty when dropped
  double total_seconds = 0;
  bool executed = false;
  nlohmann::json ToJson() const;
};

// `origin` is the node safeddl connected to, a node of `cluster`. Without migration.execute:
// the checks and the plan only (the empty ghost is created to try the ALTER, then dropped).
Result<OnlineReport> RunOnlineCopy(const mysql::ConnectOptions& origin, Cluster& cluster,
                                   const OnlineOptions& options);

}  // namespace safeddl::galera
