#include "cli/revert_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "binlog/server_position.h"
#include "cli/alter_command.h"
#include "cli/binlog_command.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/strings.h"
#include "osc/checkpoint.h"
#include "osc/control_server.h"
#include "osc/migrator.h"
#include "osc/revert_record.h"
#include "plan/plan_report.h"
#include "revert/pending_changes.h"
#include "revert/revert_losses.h"
#include "revert/revert_plan.h"
#include "schema/introspect.h"

namespace safeddl::cli {
namespace {

using nlohmann::json;

std::atomic<bool> g_cancel{false};

extern "C" void OnRevertInterrupt(int) { g_cancel.store(true); }

std::string ColumnList(const std::vector<std::string>& names) {
  std::vector<std::string> quoted;
  for (const std::string& n : names) quoted.push_back("`" + n + "`");
  return quoted.empty() ? "none" : JoinStrings(quoted, ", ");
}

// Why the revert cannot go as asked, or OK.
Status Refusal(const revert::RevertLosses& losses, bool allow_lossy) {
  if (!losses.refused.empty()) {
    std::vector<std::string> what;
    for (const plan::Risk& r : losses.refused) what.push_back(r.detail);
    return FailedPreconditionError(
        "rows written since the swap do not fit the old table: " + JoinStrings(what, "; ") +
        ". Change those rows, then revert; nothing was changed");
  }
  if (!losses.lost.empty() && !allow_lossy) {
    std::vector<std::string> what;
    for (const plan::Risk& r : losses.lost) what.push_back(r.detail);
    return FailedPreconditionError(
        "going back would lose data: " + JoinStrings(what, "; ") +
        ". Keep it first if it matters, then pass --allow-lossy; nothing was changed");
  }
  return Status::OK();
}

json RisksJson(const std::vector<plan::Risk>& risks) {
  json out = json::array();
  for (const plan::Risk& r : risks) out.push_back(plan::RiskToJson(r));
  return out;
}

void PrintRisks(const char* heading, const std::vector<plan::Risk>& risks) {
  for (const plan::Risk& r : risks) {
    fmt::print("  {}: {}\n", heading, r.detail);
    if (!r.examples.empty()) fmt::print("      e.g. {}\n", JoinStrings(r.examples, "; "));
    fmt::print("      fix: {}\n", r.fix);
  }
}

json SetupJson(const revert::RevertSetup& s) {
  const osc::RevertRecord& r = s.record;
  return {{"table", s.plan.q_original},
          {"swap",
           {{"generation", r.generation},
            {"change", r.alter},
            {"binlog", r.position.ToString()},
            {"swapped_at", r.swapped_at},
            {"old_table", s.plan.q_ghost}}},
          {"key", s.plan.key.original_index},
          {"kept_columns", s.plan.kept_columns},
          {"lost_columns", s.plan.mapping.dropped}};
}

void PrintSetup(const revert::RevertSetup& s) {
  const osc::RevertRecord& r = s.record;
  fmt::print("revert of {}: swap {} at {} (binlog {}), which made the change \"{}\"\n",
             s.plan.q_original, r.generation, r.swapped_at, r.position.ToString(), r.alter);
  fmt::print("  back to the old table {}, by key {} ({})\n", s.plan.q_ghost,
             s.plan.key.original_index, JoinStrings(s.plan.key.original_columns, ", "));
  fmt::print("  columns only the old table has (kept as they are): {}\n",
             ColumnList(s.plan.kept_columns));
  fmt::print("  columns only the table has now (not carried back): {}\n",
             ColumnList(s.plan.mapping.dropped));
  for (const std::string& n : s.notes) fmt::print("  note: {}\n", n);
}

Status DryRun(const RevertCommandOptions& o, const revert::RevertSetup& setup,
              const revert::RevertLosses& losses, const revert::PendingChanges& pending) {
  const Status refusal = Refusal(losses, o.allow_lossy);
  if (o.json) {
    json j = SetupJson(setup);
    j["dry_run"] = true;
    j["pending"] = {{"row_changes", pending.rows()},        {"inserts", pending.inserts},
                    {"updates", pending.updates},           {"deletes", pending.deletes},
                    {"transactions", pending.transactions}, {"binlog_bytes", pending.binlog_bytes},
                    {"until", pending.until.ToString()},    {"read_seconds", pending.read_seconds}};
    j["refused"] = RisksJson(losses.refused);
    j["lost"] = RisksJson(losses.lost);
    j["unchecked"] = RisksJson(losses.unchecked);
    j["would_revert"] = refusal.ok();
    fmt::print("{}\n", j.dump(2));
  } else {
    PrintSetup(setup);
    fmt::print(
        "  to replay: {} row change(s) ({} inserts, {} updates, {} deletes) in {} "
        "transaction(s), {} of binlog since the swap (read in {})\n",
        pending.rows(), pending.inserts, pending.updates, pending.deletes, pending.transactions,
        fmt::format("{:.1f} MiB", static_cast<double>(pending.binlog_bytes) / (1 << 20)),
        HumanDuration(pending.read_seconds));
    PrintRisks("refused", losses.refused);
    PrintRisks("lost", losses.lost);
    PrintRisks("not checked", losses.unchecked);
    if (losses.refused.empty() && losses.lost.empty()) {
      fmt::print("  nothing written since the swap would be lost\n");
    }
    fmt::print("dry run: nothing was changed{}\n",
               refusal.ok() ? " (add --execute to revert)" : "; the revert would be refused");
  }
  std::fflush(stdout);
  return refusal;
}

osc::MigrationOptions MigrationFor(const RevertCommandOptions& o) {
  osc::MigrationOptions m;
  m.database = o.database;
  m.table = o.table;
  m.execute = true;
  m.force_table_names = o.force_table_names;
  m.ok_to_drop_table = o.ok_to_drop_table;
  m.cut_over_lock_timeout_seconds = o.cut_over_lock_timeout_seconds;
  m.default_retries = o.default_retries;
  m.max_lag_millis = o.max_lag_millis;
  m.serve_socket_file = o.serve_socket_file;
  m.postpone_cut_over_flag_file = o.postpone_cut_over_flag_file;
  m.throttle_flag_file = o.throttle_flag_file;
  m.replica_server_id = o.replica_server_id != 0 ? o.replica_server_id : DefaultBinlogServerId();
  m.json = o.json;
  return m;
}

// A running `alter --revertible` holding the swap back for this table: asks it to swap and
// waits until the table has its old definition. nullopt when none answers on the socket.
Result<std::optional<double>> AskRunningAlter(mysql::Connection& conn, const std::string& socket,
                                              const revert::RevertSetup& setup) {
  Result<std::string> status = osc::SendControlCommand(socket, "status");
  if (!status.ok() || status->find("\nrevertible ") == std::string::npos) {
    return std::optional<double>();
  }
  const TimePoint asked = SystemClock::Get().Now();
  SAFEDDL_ASSIGN_OR_RETURN(std::string answer, osc::SendControlCommand(socket, "unpostpone"));
  LogInfo("asked the running `alter --revertible` to swap back: {}", TrimWhitespace(answer));
  const TimePoint deadline = asked + std::chrono::minutes(10);
  while (SystemClock::Get().Now() < deadline) {
    SAFEDDL_ASSIGN_OR_RETURN(std::string now, schema::TableDefinition(conn, setup.plan.q_original));
    if (osc::DefinitionNamed(now, setup.plan.names.original) == setup.record.old_create) {
      return std::optional<double>(MillisBetween(asked, SystemClock::Get().Now()));
    }
    if (!osc::SendControlCommand(socket, "status").ok()) {
      return FailedPreconditionError(
          "the running `alter --revertible` stopped without swapping back (see its output); "
          "run `safeddl revert` again");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return TimeoutError("the running `alter --revertible` did not swap back within 10 minutes");
}

void PrintDone(const revert::RevertSetup& setup, const osc::MigrationReport& r) {
  if (::isatty(STDERR_FILENO)) fmt::print(stderr, "\n");
  fmt::print("{} reverted in {}: swap {} undone, {} changes replayed from the binlog\n",
             setup.plan.q_original, HumanDuration(r.total_seconds), setup.record.generation,
             r.changes_applied);
  fmt::print("  checksum: clean over {} rows in {} ranges\n", r.checksum_rows, r.checksum_ranges);
  fmt::print("  cut-over: {} attempt(s), writes stalled {:.0f} ms\n", r.cut_over_attempts,
             r.cut_over_stall_ms);
  if (!r.old_table.empty()) {
    fmt::print("  the table it replaced is kept as {} (`safeddl revert` again swaps it back)\n",
               r.old_table);
  }
  for (const std::string& n : r.notes) fmt::print("  note: {}\n", n);
}

}  // namespace

void SetupRevert(CLI::App& parent, CommandSlot& slot) {
  auto opts = std::make_shared<RevertCommandOptions>();
  CLI::App* cmd = parent.add_subcommand(
      "revert",
      "Swap an online ALTER back without losing a write made since: the old table is brought "
      "up to date from the binlog, checksummed and swapped back. Without --execute: a dry run "
      "(what it would replay, what would be lost).\n"
      "Exit status: 0 done (or a dry run that would go through), 1 refused or failed, "
      "2 connection, 64 usage.");
  AddConnectionFlags(*cmd, opts->connection);
  cmd->add_option("--database", opts->database, "Database of the table")->required();
  cmd->add_option("--table", opts->table, "The table an online ALTER changed")->required();
  cmd->add_flag("--execute", opts->execute, "Do it (default: a dry run)");
  cmd->add_flag("--allow-lossy", opts->allow_lossy,
                "Go back even though data in columns only the new table has is lost");
  cmd->add_flag("--ok-to-drop-table", opts->ok_to_drop_table,
                "Drop the table swapped out (then this revert cannot be reverted)");
  cmd->add_option("--force-table-names", opts->force_table_names,
                  "The helper tables' prefix, as given to the alter");
  cmd->add_option("--cut-over-lock-timeout-seconds", opts->cut_over_lock_timeout_seconds,
                  "Longest wait for the swap's locks, per attempt")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  cmd->add_option("--default-retries", opts->default_retries,
                  "Retries of a failing step (and swap attempts)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--max-lag-millis", opts->max_lag_millis,
                  "Throttle the catch-up while replicas lag more than this")
      ->capture_default_str();
  cmd->add_option("--serve-socket-file", opts->serve_socket_file,
                  "Control socket (status, throttle, panic...) while it runs");
  cmd->add_option("--postpone-cut-over-flag-file", opts->postpone_cut_over_flag_file,
                  "While this file exists, keep the old table current and do not swap back");
  cmd->add_option("--throttle-flag-file", opts->throttle_flag_file,
                  "While this file exists, pause the catch-up");
  cmd->add_option("--replica-server-id", opts->replica_server_id,
                  "Server id of the binlog reader (default: chosen per process)");
  cmd->add_flag("--json", opts->json, "Print the result as JSON");
  cmd->callback([opts, &slot] { slot = [opts] { return RunRevert(*opts); }; });
}

Result<osc::MigrationReport> RunRevertMigration(const mysql::ConnectOptions& connect,
                                                osc::MigrationOptions base,
                                                const revert::RevertSetup& setup, bool allow_lossy,
                                                std::optional<std::chrono::seconds> hold_for,
                                                mysql::SessionLog* log,
                                                const std::atomic<bool>* cancel) {
  base.alter = setup.label;
  base.execute = true;
  base.resume = false;
  base.attempt_instant_ddl = false;
  base.include_triggers = false;
  osc::ExistingGhost ghost{setup.plan, setup.record.position, nullptr, hold_for};
  ghost.before_cut_over = [connect, plan = setup.plan, allow_lossy]() -> Status {
    SAFEDDL_ASSIGN_OR_RETURN(auto conn, mysql::Connection::Open(connect));
    SAFEDDL_ASSIGN_OR_RETURN(revert::RevertLosses now, revert::FindRevertLosses(*conn, plan));
    return Refusal(now, allow_lossy);
  };
  osc::Migrator migrator(connect, base, log, PrintMigrationProgress, cancel);
  migrator.ContinueOnto(std::move(ghost));
  return migrator.Run();
}

Status RunRevert(const RevertCommandOptions& o) {
  SAFEDDL_ASSIGN_OR_RETURN(Session session, OpenSession(o.connection));
  SAFEDDL_ASSIGN_OR_RETURN(
      revert::RevertSetup setup,
      revert::PrepareRevert(*session.conn, o.database, o.table, o.force_table_names));
  SAFEDDL_ASSIGN_OR_RETURN(revert::RevertLosses losses,
                           revert::FindRevertLosses(*session.conn, setup.plan));
  if (!o.execute) {
    // From where an earlier or running catch-up got to, if one did.
    SAFEDDL_ASSIGN_OR_RETURN(std::optional<binlog::BinlogPosition> applied,
                             osc::LoadAppliedPosition(*session.conn, setup.plan, setup.label));
    binlog::ServerSourceOptions source;
    source.connect = session.options;
    source.server_id = o.replica_server_id != 0 ? o.replica_server_id : DefaultBinlogServerId();
    SAFEDDL_ASSIGN_OR_RETURN(revert::PendingChanges pending,
                             revert::CountPendingChanges(*session.conn, source, setup.plan,
                                                         applied.value_or(setup.record.position)));
    return DryRun(o, setup, losses, pending);
  }
  SAFEDDL_RETURN_IF_ERROR(Refusal(losses, o.allow_lossy));
  const std::string socket = o.serve_socket_file.empty()
                                 ? osc::DefaultControlSocketPath(o.database, o.table)
                                 : o.serve_socket_file;
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<double> swapped_ms,
                           AskRunningAlter(*session.conn, socket, setup));
  if (swapped_ms) {
    if (o.json) {
      json j = SetupJson(setup);
      j["dry_run"] = false;
      j["by_running_alter"] = true;
      j["swap_ms"] = *swapped_ms;
      fmt::print("{}\n", j.dump(2));
    } else {
      fmt::print("{} swapped back by the running `alter --revertible` {} after the request\n",
                 setup.plan.q_original, HumanDuration(*swapped_ms / 1000));
    }
    std::fflush(stdout);
    return Status::OK();
  }
  SAFEDDL_RETURN_IF_ERROR(
      binlog::CheckBinlogHolds(*session.conn, setup.record.position, "the swap's position"));
  if (!o.json) PrintSetup(setup);
  std::signal(SIGINT, OnRevertInterrupt);
  std::signal(SIGTERM, OnRevertInterrupt);
  Result<osc::MigrationReport> report =
      RunRevertMigration(session.options, MigrationFor(o), setup, o.allow_lossy, std::nullopt,
                         session.log.get(), &g_cancel);
  if (!report.ok()) {
    if (::isatty(STDERR_FILENO)) fmt::print(stderr, "\n");
    return report.status().WithContext(fmt::format(
        "reverting {} failed; the table is as it was (run the same command again to go on)",
        setup.plan.q_original));
  }
  if (o.json) {
    json j = SetupJson(setup);
    j["dry_run"] = false;
    j["refused"] = RisksJson(losses.refused);
    j["lost"] = RisksJson(losses.lost);
    j["migration"] = report->ToJson();
    fmt::print("{}\n", j.dump(2));
  } else {
    PrintDone(setup, *report);
  }
  std::fflush(stdout);
  return Status::OK();
}

}  // namespace safeddl::cli
