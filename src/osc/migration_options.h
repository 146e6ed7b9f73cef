// MigrationOptions: everything that shapes one online ALTER, as plain values. Filled by the
// `alter` subcommand from gh-ost-compatible flags (cli/alter_command.cc); the engine never sees
// flags. Defaults are gh-ost's where gh-ost has one. Thread-compatible value type.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace safeddl::osc {

// "Threads_running=50,Threads_connected=500" parsed: status variable -> threshold.
using LoadThresholds = std::map<std::string, int64_t>;

struct MigrationOptions {
  // What to change.
  std::string database;
  std::string table;
  std::string alter;     // the ALTER's clauses, without "ALTER TABLE t"
  bool execute = false;  // false: dry run, change nothing

  // Copy and apply.
  int64_t chunk_size = 1000;        // rows per copy chunk (gh-ost range 10..100000)
  int64_t dml_batch_size = 10;      // gh-ost's flag; safeddl batches by time and size instead
  int threads = 2;                  // parallel copy and checksum workers
  double nice_ratio = 0;            // sleep nice_ratio × chunk time after each chunk
  int64_t default_retries = 60;     // retries of a failing step before giving up
  bool panic_on_warnings = false;   // a copy chunk with warnings (data loss) aborts
  bool allow_zero_in_date = false;  // drop NO_ZERO_DATE/NO_ZERO_IN_DATE from sql_mode
  bool skip_strict_mode = false;
  bool exact_rowcount = false;  // COUNT(*) instead of the optimizer's estimate
  // The checksum reads both tables whole, not only the rows that can differ (changed_rows.h).
  bool full_checksum = false;
  // Build the ghost's plain secondary indexes after the copy (deferred_indexes.h): "auto" when no
  // replica reads the binlog and no --throttle-control-replicas is given, "on", "off".
  std::string defer_indexes = "auto";

  // Throttling.
  int64_t max_lag_millis = 1500;
  std::vector<std::string> throttle_control_replicas;  // host[:port]; empty: discovered replicas
  LoadThresholds max_load;
  LoadThresholds critical_load;
  int64_t critical_load_interval_millis = 0;
  int64_t critical_load_hibernate_seconds = 0;
  std::string throttle_query;
  std::string throttle_http;  // http:// URL: throttle unless a HEAD answers 200
  int64_t throttle_http_interval_millis = 100;
  int64_t throttle_http_timeout_millis = 1000;
  bool ignore_http_errors = false;  // an unreachable URL does not throttle
  std::string throttle_flag_file;
  std::string throttle_additional_flag_file = "/tmp/gh-ost.throttle";
  int64_t heartbeat_interval_millis = 100;

  // Cut-over.
  std::string postpone_cut_over_flag_file;
  std::string panic_flag_file;
  int64_t cut_over_lock_timeout_seconds = 3;
  bool cut_over_exponential_backoff = false;
  int64_t exponential_backoff_max_interval = 64;
  bool force_named_cut_over = false;
  bool force_named_panic = false;
  bool timestamp_old_table = false;
  std::string force_table_names;  // prefix instead of the table name for _x_gho/_x_ghc/_x_del
  // ANALYZE TABLE the ghost after the checksum, just before the cut-over's sentry lock: the new
  // table's index statistics are fresh from the first query after the swap.
  bool analyze_ghost_table_before_cutover = false;

  // Table handling.
  bool initially_drop_ghost_table = false;
  bool initially_drop_old_table = false;
  bool ok_to_drop_table = false;
  bool approve_renamed_columns = false;
  bool skip_renamed_columns = false;
  bool discard_foreign_keys = false;
  bool skip_foreign_key_checks = false;
  bool allow_nullable_unique_key = false;
  bool attempt_instant_ddl = false;
  bool include_triggers = false;  // carry the triggers over (osc/trigger_copy.h)
  std::string trigger_suffix;
  bool remove_trigger_suffix_if_exists = false;

  // Binlog and topology.
  // Changes reach the ghost through triggers, not the binlog (Galera's online copy,
  // galera/online_copy.h): the inspector does not ask for a binlog or a replica's flags.
  bool trigger_capture = false;
  bool allow_on_master = true;  // safeddl reads the binlog of the server it connects to
  // The server connected to is a replica: change its table only (--migrate-on-replica), or
  // rehearse there, stopping replication and keeping the original (--test-on-replica).
  bool migrate_on_replica = false;
  bool test_on_replica = false;
  bool test_on_replica_skip_replica_stop = false;
  bool switch_to_rbr = false;
  bool assume_rbr = false;
  uint32_t replica_server_id = 99999;

  // Control and reporting.
  std::string serve_socket_file;  // empty: gh-ost's /tmp/gh-ost.<db>.<table>.sock
  bool initially_drop_socket_file = false;
  int serve_tcp_port = 0;          // 0: none; served on 127.0.0.1 only
  int64_t checkpoint_seconds = 5;  // checkpoints are saved this often (in `_<t>_ghk`)
  bool resume = false;             // go on from the checkpoint of a run that died
  bool json = false;

  // Hooks (gh-ost's --hooks-path): see osc/hooks.h.
  std::string hooks_path;
  std::string hooks_hint, hooks_hint_owner, hooks_hint_token;
  int64_t hooks_status_interval_seconds = 60;  // gh-ost-on-status while the migration runs
};

}  // namespace safeddl::osc
