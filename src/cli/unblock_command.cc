#include "cli/unblock_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "common/clock.h"
#include "common/log.h"
#include "common/strings.h"
#include "locks/actions.h"
#include "locks/galera_context.h"
#include "locks/replica_health.h"
#include "locks/report.h"
#include "locks/verify.h"

namespace safeddl::cli {
namespace {

constexpr int kJsonIndent = 2;
constexpr auto kDdlPoll = std::chrono::milliseconds(200);

bool Confirm(const std::vector<locks::KillTarget>& kills) {
  std::string list;
  for (const locks::KillTarget& k : kills) list += "  " + k.Sql() + "\n";
  fmt::print(stderr, "About to run:\n{}Proceed? [y/N] ", list);
  std::fflush(stderr);
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  answer = AsciiLower(TrimWhitespace(answer));
  return answer == "y" || answer == "yes";
}

Status WriteDot(const std::string& path, const locks::UnblockReport& report) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) return IoError(fmt::format("cannot write the wait graph to {}", path));
  out << locks::RenderDot(report);
  return out ? Status::OK() : IoError(fmt::format("cannot write the wait graph to {}", path));
}

// Waits (up to max_wait) for session `ddl` to stop running its DDL.
Status WaitForDdl(mysql::Connection& conn, uint64_t ddl, double max_wait) {
  const TimePoint start = SystemClock::Get().Now();
  while (MillisBetween(start, SystemClock::Get().Now()) / 1000.0 < max_wait) {
    SAFEDDL_ASSIGN_OR_RETURN(
        std::optional<std::string> info,
        conn.QueryValue(fmt::format(
            "SELECT COALESCE(INFO, '') FROM information_schema.PROCESSLIST WHERE ID = {}", ddl)));
    if (!info || info->empty()) return Status::OK();
    SystemClock::Get().SleepFor(kDdlPoll);
  }
  return TimeoutError(fmt::format("the DDL (session {}) still runs after --max-wait {}", ddl,
                                  HumanDuration(max_wait)));
}

}  // namespace

void AddPolicyFlags(CLI::App& cmd, locks::PolicyConfig& policy) {
  const std::string group = "Policy";
  cmd.add_flag("--force", policy.force,
               "Also kill LOCK TABLES holders and holders whose rollback exceeds "
               "--max-rollback-rows (never replication, system or own threads)")
      ->group(group);
  cmd.add_option("--max-wait", policy.max_wait_seconds,
                 "Seconds a far-along DDL may still take for the policy to wait for it")
      ->group(group)
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd.add_option("--wait-above-percent", policy.wait_min_percent,
                 "A running DDL at least this far along (and within --max-wait) is waited for")
      ->group(group)
      ->capture_default_str()
      ->check(CLI::Range(0.0, 100.0));
  cmd.add_option("--max-rollback-rows", policy.max_rollback_rows,
                 "Never kill a holder whose transaction modified more rows than this")
      ->group(group)
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd.add_option("--max-kills", policy.max_kills,
                 "More root blockers than this: kill the waiting DDL instead")
      ->group(group)
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
}

Result<locks::TableName> ParseTableArg(const std::string& text, const std::string& default_schema) {
  const size_t dot = text.find('.');
  locks::TableName t;
  if (dot == std::string::npos) {
    t.schema = default_schema;
    t.name = text;
  } else {
    t.schema = text.substr(0, dot);
    t.name = text.substr(dot + 1);
  }
  if (t.schema.empty() || t.name.empty()) {
    return InvalidArgumentError(
        fmt::format("--verify-table '{}' needs a schema: give db.table, or --database", text));
  }
  return t;
}

void SetupUnblock(CLI::App& parent, CommandSlot& slot) {
  auto opts = std::make_shared<UnblockOptions>();
  CLI::App* cmd = parent.add_subcommand(
      "unblock",
      "Diagnose a metadata-lock pileup (holder -> DDL -> queued), decide by policy, and with "
      "--execute kill the right session and verify writes flow again.\n"
      "Exit status: 0 nothing blocked or unblocked and verified, 1 still blocked or bad input, "
      "2 cannot connect.");
  AddConnectionFlags(*cmd, opts->connection);
  cmd->add_flag("--execute", opts->execute, "Carry out the decision (default: dry run)");
  cmd->add_flag("--yes", opts->yes, "Do not ask for confirmation");
  cmd->add_flag("--json", opts->json, "Print the report as JSON");
  cmd->add_option("--dot", opts->dot_file, "Write the wait graph in Graphviz DOT to this file");
  cmd->add_option("--database", opts->database, "Only pileups on tables of this schema");
  cmd->add_option("--table", opts->table, "Only pileups on this table");
  cmd->add_option("--verify-seconds", opts->verify_seconds,
                  "Seconds the waiters have to drain after the action")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--verify-table", opts->verify_table,
                  "Canary write into this table (a default row, rolled back) instead of "
                  "safeddl's own _safeddl.canary");
  cmd->add_flag("--install-mdl-plugin", opts->install_mdl_plugin,
                "INSTALL SONAME 'metadata_lock_info' first so lock holders are known, not "
                "inferred (MariaDB)");
  cmd->add_flag("--no-lock-sources", opts->no_lock_sources,
                "Ignore METADATA_LOCK_INFO and performance_schema: infer holders (for testing "
                "the inference)");
  AddPolicyFlags(*cmd, opts->policy);
  cmd->callback([opts, &slot] { slot = [opts] { return RunUnblock(*opts); }; });
}

Status RunUnblock(const UnblockOptions& o) {
  std::optional<locks::TableName> verify_table;
  if (!o.verify_table.empty()) {
    SAFEDDL_ASSIGN_OR_RETURN(verify_table, ParseTableArg(o.verify_table, o.database));
  }
  SAFEDDL_ASSIGN_OR_RETURN(Session session, OpenSession(o.connection));
  mysql::Connection& conn = *session.conn;
  SAFEDDL_RETURN_IF_ERROR(locks::CheckCanSeeSessions(conn));
  locks::DiagnoseOptions d;
  d.filter = {o.database, o.table};
  SAFEDDL_RETURN_IF_ERROR(locks::CheckFilterExists(conn, d.filter));
  if (o.install_mdl_plugin) SAFEDDL_RETURN_IF_ERROR(locks::InstallMdlPlugin(conn));
  d.collect.own_session_ids = {conn.id()};
  d.collect.ignore_lock_sources = o.no_lock_sources;
  d.policy = o.policy;
  const TimePoint started = SystemClock::Get().Now();
  SAFEDDL_ASSIGN_OR_RETURN(locks::Diagnosis diag, locks::Diagnose(conn, d));
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<mysql::GaleraStatus> galera,
                           mysql::ReadGaleraStatus(conn));
  if (galera) locks::AddGaleraContext(*galera, diag.snapshot, diag.graph, diag.decisions);

  // Nothing safe to kill: say which replica could take over.
  for (locks::Decision& dec : diag.decisions) {
    auto generic = std::find(dec.advice.begin(), dec.advice.end(), locks::kReplicaHealthAdvice);
    if (dec.action != locks::ActionKind::kNothingSafe || generic == dec.advice.end()) continue;
    std::vector<std::string> lines;
    for (const locks::ReplicaHealth& r :
         locks::CheckReplicaHealth(session.options, conn, dec.table))
      lines.push_back(locks::DescribeReplicaHealth(r, dec.table));
    if (lines.empty())
      lines.push_back("no replica is listed (SHOW REPLICA HOSTS): no failover candidate");
    generic = dec.advice.erase(generic);
    dec.advice.insert(generic, lines.begin(), lines.end());
  }

  locks::UnblockReport report;
  report.snapshot = &diag.snapshot;
  report.graph = &diag.graph;
  report.decisions = diag.decisions;
  report.execute = o.execute;
  if (galera) report.galera = locks::GaleraSummary(*galera);
  if (!o.json) fmt::print("{}", locks::RenderDiagnosisText(report));
  std::fflush(stdout);

  std::vector<locks::KillTarget> kills;
  const locks::Decision* acted = nullptr;
  for (const locks::Decision& dec : diag.decisions) {
    if (dec.kills.empty() && dec.action != locks::ActionKind::kWait) continue;
    if (acted == nullptr) acted = &dec;
    kills.insert(kills.end(), dec.kills.begin(), dec.kills.end());
  }

  Status result = Status::OK();
  if (o.execute && !kills.empty()) {
    if (!o.yes && ::isatty(STDIN_FILENO) == 0) {
      result = InvalidArgumentError(
          "--execute without a terminal to confirm on needs --yes; nothing was killed");
    } else if (!o.yes && !Confirm(kills)) {
      result = AbortedError("not confirmed; nothing was killed");
    } else {
      result = locks::CheckCanKill(conn, kills);
    }
  }
  const bool may_act = o.execute && result.ok();
  if (result.ok() && !kills.empty()) {
    Result<std::vector<locks::KillOutcome>> outcomes = locks::ExecuteKills(conn, kills, may_act);
    if (outcomes.ok()) {
      report.outcomes = std::move(*outcomes);
    } else {
      result = outcomes.status();
    }
  }
  if (may_act && result.ok() && acted != nullptr) {
    if (acted->action == locks::ActionKind::kWait) {
      const locks::Pileup* p = diag.graph.FindPileup(acted->table);
      if (p && p->ddl_id) result = WaitForDdl(conn, *p->ddl_id, o.policy.max_wait_seconds);
    }
    if (result.ok()) {
      locks::VerifyOptions v;
      v.table = acted->table;
      v.verify_seconds = o.verify_seconds;
      v.verify_table = verify_table;
      v.create_before = diag.create_before[acted->table];
      v.ddl_killed = acted->action == locks::ActionKind::kKillDdl;
      v.own_session_ids = d.collect.own_session_ids;
      Result<locks::VerifyReport> verified = locks::Verify(conn, v, SystemClock::Get());
      if (verified.ok()) {
        report.verification = std::move(*verified);
      } else {
        result = verified.status();
      }
    }
  }
  const double total = MillisBetween(started, SystemClock::Get().Now()) / 1000.0;

  if (!o.dot_file.empty()) SAFEDDL_RETURN_IF_ERROR(WriteDot(o.dot_file, report));
  if (o.json) {
    nlohmann::json j = locks::RenderJson(report);
    j["elapsed_seconds"] = total;
    fmt::print("{}\n", j.dump(kJsonIndent));
  } else {
    fmt::print("{}", locks::RenderOutcomeText(report));  // the diagnosis is printed already
    if (report.verification) fmt::print("\nunblocked and verified in {}\n", HumanDuration(total));
  }
  std::fflush(stdout);
  if (!result.ok()) return result;
  if (diag.graph.pileups.empty()) return Status::OK();
  if (!o.execute) {
    return FailedPreconditionError(fmt::format(
        "writes are blocked on {} table(s); dry run: nothing was killed (add --execute)",
        diag.graph.pileups.size()));
  }
  if (acted == nullptr) {
    return FailedPreconditionError("writes stay blocked: no action is safe (see the report)");
  }
  if (report.verification && !report.verification->ok()) {
    return FailedPreconditionError("the action ran but verification failed (see the report)");
  }
  return Status::OK();
}

}  // namespace safeddl::cli
