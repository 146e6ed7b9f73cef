#include "cli/alter_command.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <memory>
#include <optional>

#include "cli/alter_galera.h"
#include "cli/alter_via_replicas.h"
#include "cli/binlog_command.h"
#include "cli/revert_command.h"
#include "common/clock.h"
#include "common/http_check.h"
#include "common/log.h"
#include "common/strings.h"
#include "mysql/quote.h"
#include "osc/load_thresholds.h"
#include "osc/migrator.h"
#include "osc/trigger_copy.h"
#include "plan/native_probe.h"
#include "plan/scratch_schema.h"
#include "revert/revert_plan.h"
#include "schema/alter_parser.h"
#include "schema/introspect.h"
#include "snapshot/catalog.h"
#include "snapshot/take.h"

namespace safeddl::cli {
namespace {

std::atomic<bool> g_cancel{false};

extern "C" void OnInterrupt(int) { g_cancel.store(true); }

// gh-ost flags safeddl accepts but does not need, with the reason shown when they are used.
struct IgnoredFlag {
  const char* name;
  const char* why;
  bool takes_value;
};
constexpr IgnoredFlag kIgnoredFlags[] = {
    {"--assume-master-host", "safeddl works on the server it connects to", true},
    {"--master-user", "safeddl works on the server it connects to", true},
    {"--master-password", "safeddl works on the server it connects to", true},
    {"--allow-master-master", "safeddl works on the server it connects to", false},
    {"--tungsten", "safeddl works on the server it connects to", false},
    {"--charset", "safeddl always uses utf8mb4 and converts exactly", true},
    {"--storage-engine", "safeddl migrates InnoDB tables", true},
    {"--concurrent-rowcount", "the row count does not delay the copy", false},
    {"--aliyun-rds", "no cloud-specific behaviour is needed", false},
    {"--gcp", "no cloud-specific behaviour is needed", false},
    {"--azure", "no cloud-specific behaviour is needed", false},
    {"--gtid", "safeddl reads the binlog by file and position", false},
    {"--replication-lag-query", "deprecated in gh-ost; lag comes from heartbeats", true},
    {"--critical-load-hibernate-seconds", "critical load always aborts cleanly", true},
    {"--allow-setup-metadata-lock-instruments", "the cut-over checks the waiting RENAME itself",
     false},
    {"--binlogsyncer-max-reconnect-attempts", "not needed", true},
    {"--skip-port-validation", "not needed", false},
    {"--stack", "errors are one clear line", false},
    {"--dml-batch-size", "changes are batched by key and size automatically", true},
};

void AddGhostFlags(CLI::App* cmd, AlterOptions& o) {
  osc::MigrationOptions& m = o.migration;
  const std::string g = "Migration (gh-ost flags)";
  cmd->add_option("--database", m.database, "Database of the table (mandatory)")->group(g);
  cmd->add_option("--table", m.table, "Table to alter (mandatory)")->group(g);
  cmd->add_option("--alter", m.alter, "The ALTER's clauses, e.g. \"ADD COLUMN c INT\" (mandatory)")
      ->group(g);
  cmd->add_flag("--execute", m.execute,
                "Do it. Without this: a dry run that validates and changes nothing")
      ->group(g);
  cmd->add_option("--chunk-size", m.chunk_size,
                  "Rows per copy chunk at the start; adapts to ~30ms chunks")
      ->group(g)
      ->capture_default_str()
      ->check(CLI::Range(10, 100000));
  cmd->add_option("--threads", m.threads,
                  "Connections copying (and checksumming) chunks in parallel")
      ->group(g)
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  cmd->add_option("--default-retries", m.default_retries,
                  "Retries of a failing step (and cut-over attempts)")
      ->group(g)
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--nice-ratio", m.nice_ratio,
                  "Sleep this many times each chunk's copy time after it")
      ->group(g)
      ->capture_default_str()
      ->check(CLI::Range(0.0, 100.0));
  cmd->add_option_function<std::string>(
         "--checksum", [&m](const std::string& scope) { m.full_checksum = scope == "full"; },
         "changed (default): compare the rows changed during the run, chunks the server copied "
         "with a warning and both tables' row counts; full: compare both tables whole")
      ->check(CLI::IsMember({"changed", "full"}))
      ->group(g);
  cmd->add_option("--defer-indexes", m.defer_indexes,
                  "Build the new table's plain secondary indexes after the copy, in one sorted "
                  "pass, instead of row by row during it: auto (default: unless a replica reads "
                  "the binlog, or --throttle-control-replicas is given), on, off")
      ->check(CLI::IsMember({"auto", "on", "off"}))
      ->capture_default_str()
      ->group(g);
  cmd->add_flag("--panic-on-warnings", m.panic_on_warnings,
                "Abort when copying raises a data-changing warning")
      ->group(g);
  cmd->add_flag("--allow-zero-in-date", m.allow_zero_in_date,
                "Allow zero dates (drop NO_ZERO_DATE, NO_ZERO_IN_DATE)")
      ->group(g);
  cmd->add_flag("--skip-strict-mode", m.skip_strict_mode,
                "Do not add STRICT_ALL_TABLES to sql_mode")
      ->group(g);
  cmd->add_flag("--exact-rowcount", m.exact_rowcount,
                "COUNT(*) the table for progress instead of estimating")
      ->group(g);
  cmd->add_flag("--allow-on-master", m.allow_on_master,
                "Accepted: safeddl always runs on the server it connects to")
      ->group(g);
  cmd->add_flag("--allow-nullable-unique-key", m.allow_nullable_unique_key,
                "Accepted; safeddl never chunks by a nullable key")
      ->group(g);
  cmd->add_flag("--approve-renamed-columns", m.approve_renamed_columns,
                "Copy renamed columns' values to their new names")
      ->group(g);
  cmd->add_flag("--skip-renamed-columns", m.skip_renamed_columns,
                "Leave renamed columns empty in the new table")
      ->group(g);
  cmd->add_flag("--discard-foreign-keys", m.discard_foreign_keys,
                "Migrate a table with foreign keys; the new one has none")
      ->group(g);
  cmd->add_flag("--skip-foreign-key-checks", m.skip_foreign_key_checks,
                "Accepted; foreign keys are always checked")
      ->group(g);
  cmd->add_flag("--attempt-instant-ddl", m.attempt_instant_ddl,
                "Try ALGORITHM=INSTANT before copying (the default when the server accepts it "
                "for the change: see --force-copy)")
      ->group(g);
  cmd->add_flag("--revertible{1h}", o.revertible,
                "After the swap, keep the old table current with every change for DURATION "
                "(default 1h; e.g. --revertible=30m), serving on the control socket: "
                "`safeddl revert --execute` then swaps back at once")
      ->group(g);
  cmd->add_flag("--snapshot-column-data", o.snapshot_column_data,
                "Before the change, keep the values it would destroy (the columns it drops, with "
                "the key) in a snapshot; `safeddl restore ID` puts them back")
      ->group(g);
  cmd->add_flag("--force-copy", o.force_copy,
                "Copy online even when the server can make the change by metadata alone "
                "(ALGORITHM=INSTANT, which is otherwise done natively with a bounded lock wait)")
      ->group(g);
  cmd->add_flag("--include-triggers", m.include_triggers,
                "Create the table's triggers on the new table at the cut-over")
      ->group(g);
  cmd->add_option("--trigger-suffix", m.trigger_suffix,
                  "Suffix of the new triggers' names, e.g. _v2 (with --include-triggers)")
      ->group(g);
  cmd->add_flag("--remove-trigger-suffix-if-exists", m.remove_trigger_suffix_if_exists,
                "A trigger whose name ends in --trigger-suffix loses it instead")
      ->group(g);
  cmd->add_flag("--via-replicas", o.via_replicas,
                "For a change row-based replication carries (a column added at the end, index "
                "and table-option changes): made natively on each replica, out of the binlog, "
                "then a switchover to --switchover-to, then on the old primary")
      ->group(g);
  cmd->add_option("--switchover-to", o.switchover_to,
                  "With --via-replicas: the replica (HOST:PORT) that becomes the primary")
      ->group(g);
  cmd->add_option("--replication-user", o.replication_user,
                  "With --via-replicas: the account the old primary replicates with (default: "
                  "the candidate's)")
      ->group(g);
  cmd->add_option("--replication-password-file", o.replication_password_file,
                  "With --via-replicas: a file whose first line is that account's password")
      ->group(g);
  cmd->add_option("--galera-method", o.galera_method,
                  "On a Galera node: toi (the DDL in total order on every node, issued only once "
                  "no node has a lock, a long transaction or a state in its way, within "
                  "--max-wait; for INSTANT changes and small tables) or rsu (node by node, each "
                  "desynced while it changes; index changes and rebuilds only) or online (a copy "
                  "in chunks within the write-set limits, triggers carrying the writes, one "
                  "RENAME in total order; for big tables)")
      ->check(CLI::IsMember({"toi", "rsu", "online"}))
      ->group(g);
  cmd->add_option("--max-wait", o.max_wait,
                  "With --galera-method toi (and online, before each DDL on the table): how long "
                  "to wait for every node to be clear before refusing; rsu: for each node's table "
                  "to be free (e.g. 10s, 2m)")
      ->capture_default_str()
      ->group(g);
  cmd->add_option("--galera-nodes", o.galera_nodes,
                  "Every node's SQL address (HOST:PORT,...), where wsrep_incoming_addresses does "
                  "not list them")
      ->group(g);
  cmd->add_flag("--migrate-on-replica", m.migrate_on_replica,
                "The server connected to is a replica: migrate its table only")
      ->group(g);
  cmd->add_flag("--test-on-replica", m.test_on_replica,
                "On a replica: stop replication, leave the migrated copy beside the original")
      ->group(g);
  cmd->add_flag("--test-on-replica-skip-replica-stop", m.test_on_replica_skip_replica_stop,
                "With --test-on-replica: do not stop replication")
      ->group(g);
  cmd->add_flag("--switch-to-rbr", m.switch_to_rbr,
                "Set binlog_format=ROW globally if needed (then re-run)")
      ->group(g);
  cmd->add_flag("--assume-rbr", m.assume_rbr, "Trust that all writers log ROW events")->group(g);
  cmd->add_option("--replica-server-id", m.replica_server_id,
                  "server_id safeddl reads the binlog as")
      ->group(g)
      ->capture_default_str();
  cmd->add_flag("--ok-to-drop-table", m.ok_to_drop_table, "Drop the old table after the swap")
      ->group(g);
  cmd->add_flag("--initially-drop-old-table", m.initially_drop_old_table,
                "Drop a leftover old table first")
      ->group(g);
  cmd->add_flag("--initially-drop-ghost-table", m.initially_drop_ghost_table,
                "Drop a leftover ghost table first")
      ->group(g);
  cmd->add_flag("--timestamp-old-table", m.timestamp_old_table,
                "Name the old table _<t>_<timestamp>_del")
      ->group(g);
  cmd->add_option("--force-table-names", m.force_table_names,
                  "Prefix for the helper tables instead of the table name")
      ->group(g);
  cmd->add_option("--cut-over", o.cut_over, "atomic (default) or default; two-step is refused")
      ->group(g);
  cmd->add_option("--cut-over-lock-timeout-seconds", m.cut_over_lock_timeout_seconds,
                  "Most seconds writes may wait at the swap")
      ->group(g)
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  cmd->add_flag("--cut-over-exponential-backoff", m.cut_over_exponential_backoff,
                "Wait longer between cut-over attempts")
      ->group(g);
  cmd->add_option("--exponential-backoff-max-interval", m.exponential_backoff_max_interval,
                  "Longest wait between attempts (s)")
      ->group(g)
      ->capture_default_str();
  cmd->add_flag("--analyze-ghost-table-before-cutover", m.analyze_ghost_table_before_cutover,
                "ANALYZE TABLE the new table just before the cut-over (fresh index statistics)")
      ->group(g);
  cmd->add_flag("--force-named-cut-over", m.force_named_cut_over,
                "The socket's cut-over/unpostpone must name the table (cut-over=<table>)")
      ->group(g);
  cmd->add_flag("--force-named-panic", m.force_named_panic,
                "The socket's panic must name the table (panic=<table>)")
      ->group(g);
  cmd->add_option("--postpone-cut-over-flag-file", m.postpone_cut_over_flag_file,
                  "Hold the swap while this file exists")
      ->group(g);
  cmd->add_option("--panic-flag-file", m.panic_flag_file,
                  "Stop at once, without cleanup, when this file appears")
      ->group(g);
  cmd->add_option("--serve-socket-file", m.serve_socket_file,
                  "Control socket for gh-ost's interactive commands (default: "
                  "/tmp/gh-ost.<db>.<table>.sock)")
      ->group(g);
  cmd->add_flag("--initially-drop-socket-file", m.initially_drop_socket_file,
                "Accepted: a leftover socket file (nobody listens on it) is always taken over; "
                "one a live process serves on never is")
      ->group(g);
  cmd->add_option("--serve-tcp-port", m.serve_tcp_port,
                  "Also serve the interactive commands on this TCP port (127.0.0.1 only)")
      ->group(g)
      ->check(CLI::Range(0, 65535));
  cmd->add_flag("--checkpoint", o.checkpoint,
                "Accepted: safeddl always saves checkpoints (in _<table>_ghk)")
      ->group(g);
  cmd->add_option("--checkpoint-seconds", m.checkpoint_seconds,
                  "Save the copy and binlog progress this often")
      ->group(g)
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  cmd->add_flag("--resume", m.resume,
                "Go on with a run that died (kill -9, lost client) from its last checkpoint")
      ->group(g);
  cmd->add_flag("--json", m.json, "Print the final report as JSON on stdout")->group(g);
  cmd->add_option("--hooks-path", m.hooks_path,
                  "Directory of gh-ost-on-<event>* hook executables (gh-ost's interface)")
      ->group(g);
  cmd->add_option("--hooks-hint", m.hooks_hint, "Passed to hooks as GH_OST_HOOKS_HINT")->group(g);
  cmd->add_option("--hooks-hint-owner", m.hooks_hint_owner,
                  "Passed to hooks as GH_OST_HOOKS_HINT_OWNER")
      ->group(g);
  cmd->add_option("--hooks-hint-token", m.hooks_hint_token,
                  "Passed to hooks as GH_OST_HOOKS_HINT_TOKEN")
      ->group(g);
  cmd->add_option("--hooks-status-interval", m.hooks_status_interval_seconds,
                  "Seconds between gh-ost-on-status hooks (0: none)")
      ->group(g)
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{86400}));
  cmd->add_flag("--check-flag", o.check_flag, "Exit 0 if all given flags are supported")->group(g);

  const std::string t = "Throttling (gh-ost flags)";
  cmd->add_option("--max-lag-millis", m.max_lag_millis,
                  "Throttle while a replica lags more than this")
      ->group(t)
      ->capture_default_str()
      ->check(CLI::Range(int64_t{100}, int64_t{3600000}));
  cmd->add_option("--throttle-control-replicas", o.throttle_control_replicas,
                  "Replicas to watch: host[:port],... (default: discovered)")
      ->group(t);
  cmd->add_option("--max-load", o.max_load,
                  "Throttle above e.g. Threads_running=50,Threads_connected=500")
      ->group(t);
  cmd->add_option("--critical-load", o.critical_load, "Abort above these status thresholds")
      ->group(t);
  cmd->add_option("--critical-load-interval-millis", m.critical_load_interval_millis,
                  "Re-check critical load after this before aborting")
      ->group(t)
      ->capture_default_str();
  cmd->add_option("--throttle-query", m.throttle_query, "Throttle while this query returns > 0")
      ->group(t);
  cmd->add_option("--throttle-http", m.throttle_http,
                  "Throttle unless a HEAD request to this http:// URL answers 200")
      ->group(t);
  cmd->add_option("--throttle-http-interval-millis", m.throttle_http_interval_millis,
                  "How often to check --throttle-http")
      ->group(t)
      ->capture_default_str()
      ->check(CLI::Range(int64_t{10}, int64_t{3600000}));
  cmd->add_option("--throttle-http-timeout-millis", m.throttle_http_timeout_millis,
                  "How long one --throttle-http check may take")
      ->group(t)
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{3600000}));
  cmd->add_flag("--ignore-http-errors", m.ignore_http_errors,
                "Do not throttle when --throttle-http cannot be reached")
      ->group(t);
  cmd->add_option("--throttle-flag-file", m.throttle_flag_file, "Throttle while this file exists")
      ->group(t);
  cmd->add_option("--throttle-additional-flag-file", m.throttle_additional_flag_file,
                  "Throttle while this file exists")
      ->group(t)
      ->capture_default_str();
  cmd->add_option("--heartbeat-interval-millis", m.heartbeat_interval_millis,
                  "Heartbeat interval for lag measurement")
      ->group(t)
      ->capture_default_str()
      ->check(CLI::Range(int64_t{10}, int64_t{10000}));

  const std::string c = "gh-ost connection flags";
  cmd->add_option("--conf", o.conf, "gh-ost's config file: read like --defaults-file")
      ->group(c)
      ->check(CLI::ExistingFile);
  cmd->add_flag("--ssl", o.ssl, "Use TLS and verify the server (VERIFY_IDENTITY)")->group(c);
  cmd->add_flag("--ssl-allow-insecure", o.ssl_allow_insecure,
                "With --ssl: TLS without verification (REQUIRED)")
      ->group(c);
  cmd->add_option("--mysql-timeout", o.mysql_timeout, "Read/write timeout in seconds (0: none)")
      ->group(c);

  for (const IgnoredFlag& f : kIgnoredFlags) {
    const std::string name = f.name;
    auto note = [&o, name](const std::string&) { o.ignored.push_back(name); };
    if (f.takes_value) {
      cmd->add_option(name, f.why)->group("Accepted from gh-ost, not needed")->each(note);
    } else {
      cmd->add_flag(name, f.why)->group("Accepted from gh-ost, not needed")->each(note);
    }
  }
}

const char* WhyIgnored(const std::string& flag) {
  for (const IgnoredFlag& f : kIgnoredFlags) {
    if (flag == f.name) return f.why;
  }
  return "";
}

Status Resolve(AlterOptions& o) {
  osc::MigrationOptions& m = o.migration;
  if (m.alter.empty()) return InvalidArgumentError("--alter is required (the ALTER's clauses)");
  if (m.table.empty()) return InvalidArgumentError("--table is required");
  if (m.database.empty()) return InvalidArgumentError("--database is required");
  if (o.cut_over == "two-step") {
    return InvalidArgumentError(
        "--cut-over=two-step leaves the table missing for a moment: "
        "safeddl only does the atomic cut-over");
  }
  if (o.cut_over != "atomic" && o.cut_over != "default" && !o.cut_over.empty()) {
    return InvalidArgumentError("--cut-over must be atomic (or default)");
  }
  if (m.switch_to_rbr && m.assume_rbr) {
    return InvalidArgumentError("--switch-to-rbr and --assume-rbr are mutually exclusive");
  }
  if (m.approve_renamed_columns && m.skip_renamed_columns) {
    return InvalidArgumentError(
        "--approve-renamed-columns and --skip-renamed-columns are mutually exclusive");
  }
  if (m.resume && m.initially_drop_ghost_table) {
    return InvalidArgumentError(
        "--resume goes on with the ghost table that --initially-drop-ghost-table would drop: "
        "pass one of them");
  }
  if (struct stat st{};
      !m.hooks_path.empty() && (::stat(m.hooks_path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))) {
    return InvalidArgumentError("--hooks-path " + m.hooks_path + " is not a directory");
  }
  if ((o.galera_method == "toi" || o.galera_method == "rsu") && !m.hooks_path.empty()) {
    return InvalidArgumentError(
        "--galera-method toi and rsu do not run hooks yet: run without --hooks-path (the hooks "
        "it names would not be called), or with --galera-method online");
  }
  if (o.galera_method == "online" && (m.include_triggers || m.resume)) {
    return InvalidArgumentError(
        "--galera-method online cannot go with --include-triggers or --resume yet (its capture "
        "is triggers of its own; a stopped run starts over)");
  }
  if (m.include_triggers) {
    if (m.trigger_suffix.empty()) {
      return InvalidArgumentError(
          "--include-triggers needs --trigger-suffix (e.g. --trigger-suffix=_v2): trigger names "
          "are unique per schema and the old table keeps its triggers until it is dropped");
    }
    SAFEDDL_RETURN_IF_ERROR(osc::CheckTriggerSuffix(m.trigger_suffix));
  } else if (!m.trigger_suffix.empty() || m.remove_trigger_suffix_if_exists) {
    return InvalidArgumentError(
        "--trigger-suffix and --remove-trigger-suffix-if-exists need --include-triggers");
  }
  if (m.remove_trigger_suffix_if_exists && m.trigger_suffix.empty()) {
    return InvalidArgumentError("--remove-trigger-suffix-if-exists needs --trigger-suffix");
  }
  if (m.migrate_on_replica && m.test_on_replica) {
    return InvalidArgumentError(
        "--migrate-on-replica and --test-on-replica are mutually exclusive");
  }
  if (m.test_on_replica_skip_replica_stop && !m.test_on_replica) {
    return InvalidArgumentError("--test-on-replica-skip-replica-stop needs --test-on-replica");
  }
  if (!m.throttle_http.empty()) SAFEDDL_RETURN_IF_ERROR(ParseHttpUrl(m.throttle_http).status());
  SAFEDDL_ASSIGN_OR_RETURN(m.max_load, osc::ParseLoadThresholds(o.max_load, "--max-load"));
  SAFEDDL_ASSIGN_OR_RETURN(m.critical_load,
                           osc::ParseLoadThresholds(o.critical_load, "--critical-load"));
  for (const std::string& r : SplitString(o.throttle_control_replicas, ',')) {
    if (!TrimWhitespace(r).empty()) m.throttle_control_replicas.emplace_back(TrimWhitespace(r));
  }
  if (!o.revertible.empty()) {
    if (!ParseDurationText(o.revertible)) {
      return InvalidArgumentError("--revertible takes a duration such as 30m, 2h or 1h30m, not '" +
                                  o.revertible + "'");
    }
    if (m.ok_to_drop_table || m.test_on_replica) {
      return InvalidArgumentError(
          "--revertible keeps the old table current after the swap: it cannot go with "
          "--ok-to-drop-table or --test-on-replica");
    }
    o.force_copy = true;  // a native change keeps no old table to go back to
  }
  SAFEDDL_RETURN_IF_ERROR(ParseDurationFlag("--max-wait", o.max_wait).status());
  if (!o.conf.empty() && o.connection.defaults_file.empty()) o.connection.defaults_file = o.conf;
  if (o.ssl) o.connection.ssl_mode = o.ssl_allow_insecure ? "REQUIRED" : "VERIFY_IDENTITY";
  return Status::OK();
}

void PrintSummary(const osc::MigrationReport& r, const osc::MigrationOptions& m) {
  if (::isatty(STDERR_FILENO)) fmt::print(stderr, "\n");
  if (r.dry_run) {
    fmt::print("dry run: {} can be altered online (nothing was changed; add --execute)\n", r.table);
    fmt::print("  key used for copy and apply: {}\n", r.shared_key);
    fmt::print("  rows (estimate): {}\n", r.rows_estimated);
    for (const auto& n : r.notes) fmt::print("  note: {}\n", n);
    fmt::print("the new table will be:\n{}\n", r.ghost_create);
    return;
  }
  if (r.instant) {
    fmt::print("{} altered in place without a copy\n", r.table);
    for (const auto& n : r.notes) fmt::print("  note: {}\n", n);
    return;
  }
  fmt::print("{} altered online in {}: {} rows copied, {} changes applied from the binlog\n",
             r.table, HumanDuration(r.total_seconds), r.rows_copied, r.changes_applied);
  const std::string recopied =
      r.ranges_recopied ? fmt::format(" ({} ranges copied again)", r.ranges_recopied) : "";
  if (r.checksum_scope == "changed") {
    fmt::print(
        "  checksum: clean after {} pass(es) over the rows that could differ: {} changed rows, {} "
        "chunks copied with warnings, {} rows counted in each table{}\n",
        r.checksum_passes, r.checksum_keys, r.checksum_ranges, r.checksum_rows, recopied);
  } else {
    fmt::print("  checksum: clean after {} pass(es) over {} rows in {} ranges{}\n",
               r.checksum_passes, r.checksum_rows, r.checksum_ranges, recopied);
  }
  fmt::print("  cut-over: {} attempt(s), writes stalled {:.0f} ms\n", r.cut_over_attempts,
             r.cut_over_stall_ms);
  if (r.throttled_seconds > 0)
    fmt::print("  throttled for {}\n", HumanDuration(r.throttled_seconds));
  if (!r.old_table.empty()) {
    fmt::print("  the old table is kept as {} (drop it when satisfied)\n", r.old_table);
  }
  if (r.revert_generation > 0) {
    fmt::print(
        "  to swap back keeping every write since: safeddl revert --database {} --table {} "
        "(a dry run; --execute does it)\n",
        m.database, m.table);
  }
  for (const auto& n : r.notes) fmt::print("  note: {}\n", n);
}

}  // namespace

void PrintMigrationProgress(const osc::ProgressSnapshot& p) {
  static const bool tty = ::isatty(STDERR_FILENO) != 0;
  static TimePoint last_line{};
  constexpr auto kPlainLineInterval = std::chrono::seconds(5);
  if (tty) {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(p.CopyPercent() / 100 * kWidth);
    fmt::print(stderr, "\r\033[K[{}{}] {}", std::string(filled, '#'),
               std::string(kWidth - filled, '.'), p.ToLine());
    std::fflush(stderr);
    return;
  }
  const TimePoint now = SystemClock::Get().Now();
  if (now - last_line < kPlainLineInterval && p.phase == "copy") return;
  last_line = now;
  LogInfo("{}", p.ToLine());
}

std::vector<std::string> NormalizeGoStyleFlags(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  bool after_double_dash = false;
  for (const std::string& a : args) {
    const bool go_style = !after_double_dash && a.size() > 2 && a[0] == '-' && a[1] != '-' &&
                          std::isalpha(static_cast<unsigned char>(a[1])) &&
                          (a.find('=') == std::string::npos ? a.size() > 2 : a.find('=') > 2);
    if (a == "--") after_double_dash = true;
    out.push_back(go_style ? "-" + a : a);
  }
  return out;
}

void AddAlterFlags(CLI::App* cmd, AlterOptions& o) { AddGhostFlags(cmd, o); }

Status ResolveAlterOptions(AlterOptions& o) { return Resolve(o); }

void SetupAlter(CLI::App& parent, CommandSlot& slot) {
  auto opts = std::make_shared<AlterOptions>();
  CLI::App* cmd = parent.add_subcommand("alter",
                                        "Change a table online (gh-ost's flags): ghost table, "
                                        "copy, binlog apply, checksum, atomic swap");
  AddConnectionFlags(*cmd, opts->connection);
  AddGhostFlags(cmd, *opts);
  cmd->callback([opts, &slot] { slot = [opts] { return RunAlter(*opts); }; });
}

// Plan's question before the copy: can the server make this change by metadata alone? Asked on
// an empty copy of the table in plan's scratch schema, never on the table itself. Any failure to
// ask (no privilege to create the scratch schema, a table the inspector will refuse anyway)
// leaves the online copy as the way.
std::optional<std::string> MetadataOnlyAlgorithm(const mysql::ConnectOptions& connect,
                                                 const osc::MigrationOptions& m) {
  Result<schema::AlterAnalysis> analysis = schema::AnalyzeAlter(m.alter);
  if (!analysis.ok() || analysis->empty() || analysis->renames_table) return std::nullopt;
  Result<std::unique_ptr<mysql::Connection>> conn = mysql::Connection::Open(connect);
  if (!conn.ok()) return std::nullopt;
  Result<std::string> table = mysql::QuoteQualified(m.database, m.table);
  if (!table.ok()) return std::nullopt;
  Result<mysql::ResultSet> create = (*conn)->Query("SHOW CREATE TABLE " + *table);
  if (!create.ok() || create->empty() || !(*create)[0][1]) return std::nullopt;
  Result<plan::ScratchSchema> scratch = plan::ScratchSchema::Open(**conn);
  if (!scratch.ok()) {
    LogInfo("note: not asking the server for an INSTANT change ({}): copying online",
            scratch.status().message());
    return std::nullopt;
  }
  Result<plan::NativeAnswer> answer = plan::ProbeNativeAlgorithms(
      **conn, *scratch, m.table, *(*create)[0][1], analysis->ghost_alter);
  if (!answer.ok() || answer->Best() == nullptr) return std::nullopt;
  const plan::Algorithm best = answer->Best()->algorithm;
  if (best != plan::Algorithm::kInstant) return std::nullopt;
  return std::string(plan::AlgorithmName(best));
}

// --revertible: the way back run at once after the swap, its swap held for the duration. A
// revert asked for on the control socket swaps back; at the end of the window the old table
// stays as current as the recorded position, where a later `safeddl revert` goes on.
Status KeepRevertible(const mysql::ConnectOptions& connect, const AlterOptions& o,
                      mysql::SessionLog* log) {
  const osc::MigrationOptions& m = o.migration;
  SAFEDDL_ASSIGN_OR_RETURN(auto conn, mysql::Connection::Open(connect));
  SAFEDDL_ASSIGN_OR_RETURN(revert::RevertSetup setup,
                           revert::PrepareRevert(*conn, m.database, m.table, m.force_table_names));
  conn.reset();
  osc::MigrationOptions base = m;
  base.postpone_cut_over_flag_file.clear();
  base.json = false;
  Result<osc::MigrationReport> held = RunRevertMigration(
      connect, base, setup, /*allow_lossy=*/false, ParseDurationText(o.revertible), log, &g_cancel);
  if (!held.ok()) {
    return held.status().WithContext(
        "--revertible: the change is done, but keeping the old table current stopped (a later "
        "`safeddl revert` goes on from where it got)");
  }
  if (held->hold_ended) {
    LogInfo(
        "--revertible: the window is over; the old table is current up to its end "
        "(`safeddl revert` catches up from there)");
  } else {
    LogInfo(
        "--revertible: swapped back as asked (writes stalled {:.0f} ms): the table has its "
        "definition from before the change, with every write since; the changed table is kept "
        "as {}",
        held->cut_over_stall_ms, held->old_table);
  }
  return Status::OK();
}

struct ColumnSnapshot {
  uint64_t id = 0;
  std::string columns;  // quoted, for the report
};

// --snapshot-column-data: the columns the ALTER drops, kept with the key in a column snapshot;
// nullopt when it drops none. (A column it changes cannot lose data: the copy runs in strict mode,
// so a value that does not fit stops it.)
Result<std::optional<ColumnSnapshot>> SnapshotColumnData(const mysql::ConnectOptions& connect,
                                                         const osc::MigrationOptions& m) {
  SAFEDDL_ASSIGN_OR_RETURN(schema::AlterAnalysis alter, schema::AnalyzeAlter(m.alter));
  SAFEDDL_ASSIGN_OR_RETURN(auto conn, mysql::Connection::Open(connect));
  SAFEDDL_ASSIGN_OR_RETURN(schema::TableSchema table,
                           schema::IntrospectTable(*conn, m.database, m.table));
  std::vector<std::string> columns;
  for (const std::string& c : alter.dropped_columns) {
    const schema::Column* col = table.FindColumn(c);
    if (col == nullptr || std::find(columns.begin(), columns.end(), col->name) != columns.end()) {
      continue;
    }
    columns.push_back(col->name);
  }
  if (columns.empty()) {
    LogInfo("--snapshot-column-data: the change drops no column; nothing to keep");
    return std::optional<ColumnSnapshot>();
  }
  snapshot::SnapshotRequest request;
  request.database = m.database;
  request.table = m.table;
  request.columns = columns;
  request.server_id = m.replica_server_id != 0 ? m.replica_server_id : DefaultBinlogServerId();
  std::vector<std::string> quoted;
  for (const std::string& c : columns) quoted.push_back(*mysql::QuoteIdentifier(c));
  ColumnSnapshot kept{0, JoinStrings(quoted, ", ")};
  LogInfo("--snapshot-column-data: keeping {} with the key before the change", kept.columns);
  SAFEDDL_ASSIGN_OR_RETURN(snapshot::SnapshotRecord taken,
                           snapshot::TakeSnapshot(connect, request));
  kept.id = taken.id;
  return std::optional<ColumnSnapshot>(std::move(kept));
}

Status RunAlter(AlterOptions o) {
  if (o.check_flag) return Status::OK();
  SAFEDDL_RETURN_IF_ERROR(Resolve(o));
  for (const std::string& flag : o.ignored)
    LogInfo("note: {} is ignored: {}", flag, WhyIgnored(flag));
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ConnectOptions connect, ResolveConnectOptions(o.connection));
  if (o.mysql_timeout > 0)
    connect.read_timeout = std::chrono::seconds(static_cast<int64_t>(o.mysql_timeout));
  if (o.via_replicas) return RunAlterViaReplicas(o, connect);
  if (!o.galera_method.empty()) {
    if (o.galera_method == "online") {
      std::signal(SIGINT, OnInterrupt);
      std::signal(SIGTERM, OnInterrupt);
    }
    return RunAlterOnGalera(o, connect, &g_cancel);
  }
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<mysql::GaleraStatus> galera, GaleraNodeStatus(connect));
  if (galera) return RefuseWithoutGaleraMethod(*galera);
  SAFEDDL_ASSIGN_OR_RETURN(auto log, mysql::SessionLog::Open(o.connection.session_log));

  osc::MigrationOptions& m = o.migration;
  if (m.execute && !o.force_copy && !m.attempt_instant_ddl && !m.resume && !m.test_on_replica &&
      !m.migrate_on_replica) {
    if (std::optional<std::string> algorithm = MetadataOnlyAlgorithm(connect, m)) {
      LogInfo(
          "note: the server makes this change with ALGORITHM={} (metadata only, asked on an "
          "empty copy): done natively with a bounded lock wait; --force-copy copies instead",
          *algorithm);
      m.attempt_instant_ddl = true;
    }
  }

  std::optional<ColumnSnapshot> kept;
  if (o.snapshot_column_data && m.execute && !m.test_on_replica) {
    SAFEDDL_ASSIGN_OR_RETURN(kept, SnapshotColumnData(connect, m));
  }
  std::signal(SIGINT, OnInterrupt);
  std::signal(SIGTERM, OnInterrupt);
  Result<osc::MigrationReport> report = [&] {
    osc::Migrator migrator(connect, o.migration, log.get(), PrintMigrationProgress, &g_cancel);
    return migrator.Run();  // its lock and control socket go with it
  }();
  if (kept && !report.ok()) {  // the table is unchanged: nothing to keep
    if (auto conn = mysql::Connection::Open(connect); conn.ok()) {
      snapshot::DropSnapshot(**conn, kept->id).IgnoreError();
    }
  } else if (kept) {
    report->notes.push_back(fmt::format(
        "the values of {} before the change are kept, with the key, in snapshot {} "
        "(`safeddl restore {} --execute` sets them back once the columns are there again)",
        kept->columns, kept->id, kept->id));
  }
  if (GetLogLevel() <= LogLevel::kInfo && !o.connection.session_log.empty()) {
    fmt::print(stderr, "{}", log->Summary());
  }
  if (!report.ok()) {
    if (::isatty(STDERR_FILENO)) fmt::print(stderr, "\n");
    return report.status().WithContext(
        fmt::format("altering `{}`.`{}` failed, the table is unchanged", o.migration.database,
                    o.migration.table));
  }
  if (o.migration.json) {
    fmt::print("{}\n", report->ToJson().dump(2));
  } else {
    PrintSummary(*report, o.migration);
  }
  std::fflush(stdout);
  if (!o.revertible.empty() && report->revert_generation > 0) {
    return KeepRevertible(connect, o, log.get());
  }
  return Status::OK();
}

}  // namespace safeddl::cli
