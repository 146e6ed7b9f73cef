#include "cli/flashback_command.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>

#include "binlog/value.h"
#include "cli/binlog_command.h"
#include "cli/flashback_command_source.h"
#include "common/log.h"
#include "flashback/collector.h"
#include "flashback/executor.h"
#include "flashback/reverse_spool.h"
#include "flashback/sql_output.h"

namespace safeddl::cli {
namespace {

constexpr uint64_t kKiB = 1024;
// Conflicts listed in the report (the count is always complete).
constexpr size_t kMaxReportedConflicts = 20;

Status CheckOptions(const FlashbackOptions& o) {
  if (!o.start_position.empty() && !o.start_gtid.empty()) {
    return InvalidArgumentError("give --start-position or --start-gtid, not both");
  }
  if (o.from_server == !o.files.empty()) {
    return InvalidArgumentError("give binlog FILEs or --from-server (not both)");
  }
  if (o.execute && !o.output.empty()) {
    return InvalidArgumentError("give --execute or --output, not both");
  }
  if (o.batch_rows < 1) return InvalidArgumentError("--batch-rows must be at least 1");
  if (o.group_transactions < 1) {
    return InvalidArgumentError("--group-transactions must be at least 1");
  }
  if ((o.skip_conflicts || o.force) && !o.execute) {
    return InvalidArgumentError("--skip-conflicts and --force need --execute");
  }
  if (o.skip_conflicts && o.force) {
    return InvalidArgumentError("give --skip-conflicts or --force, not both");
  }
  if (o.json && !o.execute && o.output.empty()) {
    return InvalidArgumentError(
        "--json prints the summary on stdout: give --output FILE for the SQL");
  }
  return Status::OK();
}

Result<flashback::RangeFilter> MakeFilter(const FlashbackOptions& o) {
  flashback::RangeFilter f;
  f.databases = o.databases;
  f.tables = o.tables;
  SAFEDDL_ASSIGN_OR_RETURN(f.sql_types, flashback::ParseSqlTypes(o.sql_types));
  if (o.server_id >= 0) f.server_id = static_cast<uint32_t>(o.server_id);
  if (o.thread_id >= 0) f.thread_id = static_cast<uint32_t>(o.thread_id);
  if (!o.start_datetime.empty()) {
    SAFEDDL_ASSIGN_OR_RETURN(f.start_time, ParseBinlogDatetime(o.start_datetime));
  }
  if (!o.start_gtid.empty()) {
    SAFEDDL_ASSIGN_OR_RETURN(f.start_after, binlog::ParseGtid(o.start_gtid));
  }
  if (!o.stop_gtid.empty()) {
    SAFEDDL_ASSIGN_OR_RETURN(f.stop_after, binlog::ParseGtid(o.stop_gtid));
  }
  return f;
}

bool ConnectionGiven(const ConnectionFlags& c) {
  return !c.host.empty() || c.port != 0 || !c.user.empty() || !c.socket.empty() ||
         !c.defaults_file.empty() || c.password_given || c.ask_pass;
}

std::string JsonString(std::string_view s) {
  std::string out;
  if (binlog::IsValidUtf8(s)) {
    binlog::AppendJsonString(out, s);
  } else {
    binlog::AppendJsonString(out, binlog::HexEncode(s));
  }
  return out;
}

struct Summary {
  std::string mode;
  const flashback::CollectStats* stats = nullptr;
  const flashback::ReverseSpool* spool = nullptr;
  const flashback::ExecuteReport* report = nullptr;
  std::vector<std::string> warnings;
  double seconds = 0;
  std::string error;
};

std::string SummaryJson(const Summary& s) {
  std::string out = fmt::format(
      "{{\"mode\":{},\"ok\":{},\"transactions\":{},\"rows\":{},\"inserts\":{},\"updates\":{},"
      "\"deletes\":{},\"first_position\":{},\"last_position\":{},\"spool_bytes\":{},"
      "\"spilled_bytes\":{},\"seconds\":{:.3f}",
      JsonString(s.mode), s.error.empty() ? "true" : "false", s.stats->transactions, s.stats->rows,
      s.stats->inserts, s.stats->updates, s.stats->deletes, JsonString(s.stats->first_position),
      JsonString(s.stats->last_position), s.spool->bytes(), s.spool->spilled_bytes(), s.seconds);
  if (s.report != nullptr) {
    out += fmt::format(
        ",\"transactions_applied\":{},\"transactions_skipped\":{},\"rows_applied\":{},"
        "\"rows_forced\":{},\"statements\":{},\"runs_replayed\":{},\"groups\":{},"
        "\"groups_split\":{},\"runs_loaded\":{},\"conflicts\":{},\"conflict_rows\":[",
        s.report->transactions_applied, s.report->transactions_skipped, s.report->rows_applied,
        s.report->rows_forced, s.report->statements, s.report->runs_replayed, s.report->groups,
        s.report->groups_split, s.report->runs_loaded, s.report->conflicts.size());
    for (size_t i = 0; i < s.report->conflicts.size() && i < kMaxReportedConflicts; ++i) {
      const flashback::Conflict& c = s.report->conflicts[i];
      out += fmt::format("{}{{\"transaction\":{},\"row\":{},\"found\":{}}}", i == 0 ? "" : ",",
                         JsonString(c.transaction), JsonString(c.row), JsonString(c.found));
    }
    out += "]";
  }
  out += ",\"warnings\":[";
  for (size_t i = 0; i < s.warnings.size(); ++i) {
    out += (i == 0 ? "" : ",") + JsonString(s.warnings[i]);
  }
  out += "]";
  if (!s.error.empty()) out += ",\"error\":" + JsonString(s.error);
  return out + "}\n";
}

void LogSummary(const Summary& s) {
  LogInfo(
      "flashback ({}): {} transactions, {} rows ({} inserts, {} updates, {} deletes) from {} "
      "to {}; spool {} bytes ({} on disk); {:.3f} s",
      s.mode, s.stats->transactions, s.stats->rows, s.stats->inserts, s.stats->updates,
      s.stats->deletes, s.stats->first_position.empty() ? "-" : s.stats->first_position,
      s.stats->last_position.empty() ? "-" : s.stats->last_position, s.spool->bytes(),
      s.spool->spilled_bytes(), s.seconds);
  if (s.report != nullptr) {
    LogInfo(
        "applied {} transactions ({} rows, {} forced) in {} statements ({} runs replayed row by "
        "row; {} groups of small transactions, {} of them split; {} runs loaded), skipped {}, "
        "conflicts {}",
        s.report->transactions_applied, s.report->rows_applied, s.report->rows_forced,
        s.report->statements, s.report->runs_replayed, s.report->groups, s.report->groups_split,
        s.report->runs_loaded, s.report->transactions_skipped, s.report->conflicts.size());
    for (size_t i = 0; i < s.report->conflicts.size() && i < kMaxReportedConflicts; ++i) {
      const flashback::Conflict& c = s.report->conflicts[i];
      LogWarning("conflict in transaction {}: {}: {}", c.transaction, c.row, c.found);
    }
  }
}

// The range's header comment lines for the SQL script.
std::vector<std::string> ScriptHeader(const FlashbackOptions& o, const flashback::Collector& c) {
  std::vector<std::string> header;
  header.push_back(
      fmt::format("safeddl flashback{}: {} transactions, {} rows, from {} to {}",
                  o.forward ? " --forward (the changes as they happened)" : " (undo, newest first)",
                  c.stats().transactions, c.stats().rows,
                  c.stats().first_position.empty() ? "-" : c.stats().first_position,
                  c.stats().last_position.empty() ? "-" : c.stats().last_position));
  for (const auto& [name, description] : c.tables()) header.push_back(description);
  return header;
}

Status RunRange(const FlashbackOptions& options, Summary& summary,
                std::unique_ptr<flashback::ReverseSpool>& spool_out,
                std::unique_ptr<flashback::Collector>& collector_out,
                flashback::ExecuteReport& report) {
  SAFEDDL_ASSIGN_OR_RETURN(const uint64_t max_memory, ParseByteSize(options.max_memory));
  SAFEDDL_ASSIGN_OR_RETURN(flashback::RangeFilter filter, MakeFilter(options));
  std::optional<Session> session;
  if (options.from_server || options.execute || ConnectionGiven(options.connection)) {
    SAFEDDL_ASSIGN_OR_RETURN(session, OpenSession(options.connection));
  }
  mysql::Connection* conn = session ? session->conn.get() : nullptr;
  if (options.from_server) SAFEDDL_RETURN_IF_ERROR(CheckBinlogSettings(*conn));

  auto spool = std::make_unique<flashback::ReverseSpool>(max_memory);
  flashback::CollectorOptions collector_options;
  collector_options.filter = std::move(filter);
  collector_options.direction =
      options.forward ? flashback::Direction::kForward : flashback::Direction::kUndo;
  collector_options.for_execute = options.execute;
  auto collector = std::make_unique<flashback::Collector>(
      std::move(collector_options), *spool,
      conn != nullptr ? MakeTableInfoLookup(*conn) : flashback::TableInfoLookup());
  spool_out = std::move(spool);
  collector_out = std::move(collector);
  summary.stats = &collector_out->stats();
  summary.spool = spool_out.get();

  SAFEDDL_RETURN_IF_ERROR(ReadFlashbackRange(options, conn, *collector_out));
  SAFEDDL_RETURN_IF_ERROR(collector_out->Finish());
  const std::vector<flashback::DdlStatement> ddl = collector_out->ConflictingDdl();
  if (!ddl.empty()) {
    std::string list;
    for (const auto& d : ddl) {
      list += fmt::format("\n  at {}{}: {}", d.position,
                          d.gtid.empty() ? "" : " (GTID " + d.gtid + ")", d.statement);
    }
    return FailedPreconditionError(
        fmt::format("DDL on a table with changes inside the range: undo across it would put rows "
                    "into a different schema; end or start the range at the DDL{}",
                    list));
  }
  if (conn != nullptr) {
    SAFEDDL_ASSIGN_OR_RETURN(std::vector<std::string> cascades,
                             CascadingForeignKeys(*conn, collector_out->tables()));
    for (const std::string& w : cascades) {
      LogWarning("{}", w);
      summary.warnings.push_back(w);
    }
  }
  const flashback::SpoolOrder order =
      options.forward ? flashback::SpoolOrder::kOldestFirst : flashback::SpoolOrder::kNewestFirst;
  if (options.execute) {
    summary.report = &report;
    flashback::ExecuteOptions execute;
    execute.order = order;
    execute.policy = options.force            ? flashback::ConflictPolicy::kForce
                     : options.skip_conflicts ? flashback::ConflictPolicy::kSkipTransaction
                                              : flashback::ConflictPolicy::kStop;
    execute.run_rows = static_cast<size_t>(options.batch_rows);
    execute.group_transactions = static_cast<size_t>(options.group_transactions);
    execute.load_data = !options.no_load_data;
    return flashback::ExecuteFlashback(*spool_out, collector_out->targets(), *conn, execute,
                                       report);
  }
  std::FILE* out = stdout;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(nullptr, &std::fclose);
  if (!options.output.empty()) {
    file.reset(std::fopen(options.output.c_str(), "wb"));
    if (file == nullptr) return IoError(fmt::format("cannot write {}", options.output));
    out = file.get();
  }
  SAFEDDL_RETURN_IF_ERROR(
      flashback::WriteSqlScript(*spool_out, order, ScriptHeader(options, *collector_out), out));
  if (file != nullptr && std::fclose(file.release()) != 0) {
    return IoError(fmt::format("cannot write {}", options.output));
  }
  return Status::OK();
}

}  // namespace

Result<uint64_t> ParseByteSize(const std::string& text) {
  uint64_t n = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(begin, end, n);
  uint64_t unit = 1;
  if (ec == std::errc() && p + 1 == end) {
    switch (std::toupper(static_cast<unsigned char>(*p))) {
      case 'K':
        unit = kKiB;
        break;
      case 'M':
        unit = kKiB * kKiB;
        break;
      case 'G':
        unit = kKiB * kKiB * kKiB;
        break;
      default:
        unit = 0;
    }
  } else if (ec != std::errc() || p != end) {
    unit = 0;
  }
  if (unit == 0 || n > UINT64_MAX / unit) {
    return InvalidArgumentError(fmt::format("'{}' is not a size (bytes, or with K, M, G)", text));
  }
  return n * unit;
}

void SetupFlashback(CLI::App& parent, CommandSlot& slot) {
  auto opts = std::make_shared<FlashbackOptions>();
  CLI::App* cmd = parent.add_subcommand(
      "flashback",
      "Undo the DML of a binlog range: whole transactions reversed, newest first, as SQL or "
      "applied with --execute (each row checked to still hold what the binlog recorded).");
  cmd->add_option("files", opts->files, "Binlog files to read, in order");
  cmd->add_flag("--from-server", opts->from_server,
                "Read the binlog from the server over the replication protocol");
  cmd->add_option("--start-position", opts->start_position,
                  "Start at FILE:POS (an event boundary); with files also a bare POS");
  cmd->add_option("--stop-position", opts->stop_position,
                  "Stop before the event at FILE:POS (default from a server: its binlog end now)");
  cmd->add_option("--start-datetime", opts->start_datetime,
                  "Only transactions logged at or after 'YYYY-MM-DD HH:MM:SS' (UTC)");
  cmd->add_option("--stop-datetime", opts->stop_datetime,
                  "Stop at the first event logged at or after 'YYYY-MM-DD HH:MM:SS' (UTC)");
  cmd->add_option("--start-gtid", opts->start_gtid,
                  "Only transactions after this MariaDB GTID (domain-server-seq)");
  cmd->add_option("--stop-gtid", opts->stop_gtid,
                  "Up to and including the transaction with this MariaDB GTID");
  cmd->add_option("--databases", opts->databases, "Only these databases")->delimiter(',');
  cmd->add_option("--tables", opts->tables, "Only these tables: t (any database) or db.t")
      ->delimiter(',');
  cmd->add_option("--sql-type", opts->sql_types,
                  "Only these original changes: insert,update,delete")
      ->delimiter(',');
  cmd->add_option("--server-id", opts->server_id, "Only transactions logged by this server id");
  cmd->add_option("--thread-id", opts->thread_id,
                  "Only transactions of this connection id (from the binlog's BEGIN)");
  cmd->add_option("--output", opts->output, "Write the SQL script here (default: stdout)");
  cmd->add_flag(
      "--execute", opts->execute,
      "Apply the undo to the server, transaction by transaction, with the conflict check");
  cmd->add_flag("--skip-conflicts", opts->skip_conflicts,
                "With --execute: roll back a transaction with a conflict and go on");
  cmd->add_flag("--force", opts->force,
                "With --execute: apply a row even when it no longer holds the recorded image");
  cmd->add_option("--batch-rows", opts->batch_rows,
                  "With --execute: rows per multi-row statement and conflict check (default 1000; "
                  "1: one statement per row)");
  cmd->add_option("--group-transactions", opts->group_transactions,
                  "With --execute: undo up to this many small transactions (at most --batch-rows "
                  "rows together) in one server transaction; a conflict in one of them applies "
                  "them one by one instead (default 100; 1: each its own)");
  cmd->add_flag("--no-load-data", opts->no_load_data,
                "With --execute: send updated rows as SQL literals only, never as LOAD DATA LOCAL "
                "into a temporary table");
  cmd->add_flag("--forward", opts->forward,
                "The changes themselves, oldest first, instead of their undo (audit)");
  cmd->add_option("--max-memory", opts->max_memory,
                  "Memory for the spool before it spills to a temporary file (default 128M)");
  cmd->add_flag("--json", opts->json, "Print the summary as one JSON object on stdout");
  AddConnectionFlags(*cmd, opts->connection);
  cmd->callback([opts, &slot] { slot = [opts] { return RunFlashback(*opts); }; });
}

Status RunFlashback(const FlashbackOptions& options) {
  SAFEDDL_RETURN_IF_ERROR(CheckOptions(options));
  const auto started = std::chrono::steady_clock::now();
  Summary summary;
  summary.mode = options.execute ? "execute" : "sql";
  if (options.forward) summary.mode += "-forward";
  std::unique_ptr<flashback::ReverseSpool> spool;
  std::unique_ptr<flashback::Collector> collector;
  flashback::ExecuteReport report;
  const Status s = RunRange(options, summary, spool, collector, report);
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (summary.stats == nullptr) return s;  // failed before reading anything
  if (!s.ok()) summary.error = s.message();
  if (options.json) {
    const std::string json = SummaryJson(summary);
    std::fwrite(json.data(), 1, json.size(), stdout);
    std::fflush(stdout);
  }
  LogSummary(summary);
  return s;
}

}  // namespace safeddl::cli
