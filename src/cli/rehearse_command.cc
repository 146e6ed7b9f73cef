#include "cli/rehearse_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/binlog_command.h"
#include "common/clock.h"
#include "common/log.h"
#include "plan/estimate.h"
#include "plan/plan_report.h"
#include "plan/planner.h"
#include "plan/statement_split.h"
#include "rehearse/rehearsal.h"
#include "sandbox/sandbox.h"

namespace safeddl::cli {
namespace {

// Plan's estimate of safeddl alter's time on production, or why there is none.
struct PlanEstimate {
  std::optional<plan::Estimate> online;
  std::string none;  // why there is no estimate
};

Result<PlanEstimate> EstimateOnProduction(const osc::MigrationOptions& m,
                                          const mysql::ConnectOptions& production) {
  PlanEstimate out;
  SAFEDDL_ASSIGN_OR_RETURN(plan::SchemaStatement statement,
                           plan::AlterTableStatement(m.database, m.table, m.alter));
  SAFEDDL_ASSIGN_OR_RETURN(auto conn, mysql::Connection::Open(production));
  plan::PlanOptions po;
  po.database = m.database;
  po.binlog.connect = production;
  po.binlog.server_id = DefaultBinlogServerId();
  SAFEDDL_ASSIGN_OR_RETURN(plan::PlanReport report, plan::PlanStatements(*conn, {statement}, po));
  const plan::StatementPlan& s = report.statements.at(0);
  out.online = s.online_estimate;
  if (!out.online) {
    out.none = !s.invalid.empty()          ? s.invalid
               : !s.online_refusal.empty() ? s.online_refusal
                                           : "no copy rate was measured";
  }
  return out;
}

void PrintReport(const RehearseOptions& o, const rehearse::RehearsalReport& r,
                 const std::optional<PlanEstimate>& planned, const std::string& where) {
  const osc::MigrationOptions& m = o.alter.migration;
  if (m.json) {
    nlohmann::json j = {{"server", where},
                        {"rows_rehearsed", r.clone.rows},
                        {"copy_seconds", r.clone.seconds},
                        {"alter_seconds", r.alter.total_seconds},
                        {"phase_seconds", r.alter.phase_seconds},
                        {"cut_over_stall_ms", r.alter.cut_over_stall_ms},
                        {"replayed_row_changes", r.replay.row_changes},
                        {"replay_p99_ms", r.replay.p99_ms},
                        {"replay_max_ms", r.replay.max_ms},
                        {"replay_ended_by", r.replay.ended_by},
                        {"production_rows", r.production_rows},
                        {"extrapolated_seconds", r.extrapolated_seconds},
                        {"sample_percent", o.sample_percent},
                        {"copy_throttled_seconds", r.clone.throttled_seconds}};
    if (planned && planned->online) {
      j["plan_estimate"] = plan::EstimateToJson(planned->online);
    } else if (planned) {
      j["plan_estimate"] = {{"none", planned->none}};
    }
    fmt::print("{}\n", j.dump(2));
    return;
  }
  fmt::print("rehearsal of `{}`.`{}` on {}:\n", m.database, m.table, where);
  fmt::print("  copy: {} rows in {}{}{}\n", r.clone.rows, HumanDuration(r.clone.seconds),
             o.sample_percent < 100 ? fmt::format(" (a {}% sample)", o.sample_percent) : "",
             r.clone.throttled_seconds > 0
                 ? fmt::format(", {} of it throttled", HumanDuration(r.clone.throttled_seconds))
                 : "");
  fmt::print("  alter: {} (", HumanDuration(r.alter.total_seconds));
  bool first = true;
  for (const auto& [phase, seconds] : r.alter.phase_seconds) {
    fmt::print("{}{} {}", first ? "" : ", ", phase, HumanDuration(seconds));
    first = false;
  }
  fmt::print("); cut-over stall {:.0f} ms\n", r.alter.cut_over_stall_ms);
  fmt::print(
      "  production's writes replayed meanwhile: {} row changes, p99 {:.1f} ms, worst "
      "{:.1f} ms{}\n",
      r.replay.row_changes, r.replay.p99_ms, r.replay.max_ms,
      r.replay.ended_by.empty() ? "" : " (replay ended: " + r.replay.ended_by + ")");
  fmt::print("  expected on the whole table ({} rows): about {}\n", r.production_rows,
             HumanDuration(r.extrapolated_seconds));
  if (planned) {
    fmt::print(
        "  plan's estimate on production: {}\n",
        planned->online ? plan::DescribeEstimate(planned->online) : "none: " + planned->none);
  }
}

}  // namespace

void SetupRehearse(CLI::App& parent, CommandSlot& slot) {
  auto opts = std::make_shared<RehearseOptions>();
  CLI::App* cmd = parent.add_subcommand(
      "rehearse",
      "Run an ALTER (alter's flags) on a copy of the table on a throwaway sandbox, or a test "
      "server, while production's writes to the table are replayed there live; report the "
      "time, the cut-over stall and the replayed writes' latency. Production is only read.\n"
      "Exit status: 0 rehearsed, 1 failed, 2 connection, 64 usage.");
  AddConnectionFlags(*cmd, opts->alter.connection);
  AddAlterFlags(cmd, opts->alter);
  cmd->add_option("--sample", opts->sample_percent,
                  "Rehearse on this share of the rows (percent, by a hash of the key); the time "
                  "is extrapolated to the whole table")
      ->check(CLI::Range(0.01, 100.0));
  cmd->add_option("--on-defaults-file", opts->on_defaults_file,
                  "Rehearse on this test server ([client] section of a my.cnf) instead of a "
                  "sandbox started for it");
  cmd->add_flag("--keep-sandbox", opts->keep_sandbox, "Leave the sandbox running afterwards");
  cmd->add_flag("--no-estimate", opts->no_estimate,
                "Skip plan's estimate on production (its sampled rates use plan's scratch schema "
                "there)");
  cmd->callback([opts, &slot] { slot = [opts] { return RunRehearse(*opts); }; });
}

Status RunRehearse(RehearseOptions o) {
  SAFEDDL_RETURN_IF_ERROR(ResolveAlterOptions(o.alter));
  const osc::MigrationOptions& m = o.alter.migration;
  if (m.database.empty() || m.table.empty() || m.alter.empty()) {
    return InvalidArgumentError("rehearse needs --database, --table and --alter, as alter does");
  }
  rehearse::RehearsalRequest request;
  SAFEDDL_ASSIGN_OR_RETURN(request.production, ResolveConnectOptions(o.alter.connection));
  request.migration = m;
  request.sample_percent = o.sample_percent;
  request.server_id = DefaultBinlogServerId();
  request.progress = PrintMigrationProgress;
  std::string where;
  std::string root;
  if (!o.on_defaults_file.empty()) {
    request.target.defaults_file = o.on_defaults_file;
    where = "the test server of " + o.on_defaults_file;
  } else {
    root = fmt::format("/tmp/safeddl-rehearse-{}", ::getpid());
    sandbox::SandboxSpec spec;
    spec.name = "rehearse";
    spec.root = root;
    LogInfo("rehearse: starting a sandbox server under {}", root);
    SAFEDDL_ASSIGN_OR_RETURN(sandbox::SandboxInfo info, sandbox::Up(spec));
    request.target.defaults_file = info.servers[0].client_config;
    request.match_durability = true;
    where = fmt::format("a sandbox at 127.0.0.1:{}", info.servers[0].port);
  }
  Result<rehearse::RehearsalReport> report = rehearse::Rehearse(request);
  if (!root.empty() && !o.keep_sandbox) {
    sandbox::Down(root, "rehearse", false).IgnoreError();
    std::error_code ignored;
    std::filesystem::remove_all(root, ignored);
  }
  SAFEDDL_RETURN_IF_ERROR(report.status());
  // Plan's estimate after the rehearsal: its sampling leaves production's InnoDB flushing for
  // seconds, which slowed a rehearsal run right after it by up to 45%.
  std::optional<PlanEstimate> planned;
  if (!o.no_estimate) {
    LogInfo("rehearse: plan's estimate on production");
    SAFEDDL_ASSIGN_OR_RETURN(planned, EstimateOnProduction(m, request.production));
  }
  PrintReport(o, *report, planned, where);
  std::fflush(stdout);
  return Status::OK();
}

}  // namespace safeddl::cli
