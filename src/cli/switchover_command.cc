#include "cli/switchover_command.h"

#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/promotion_steps.h"
#include "common/clock.h"
#include "common/log.h"
#include "topology/switchover.h"

namespace safeddl::cli {
Result<std::string> ReadPasswordFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return IoError(fmt::format("cannot read --replication-password-file {}", path));
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  return line;
}

void SetupSwitchover(CLI::App& parent, CommandSlot& slot) {
  auto opts = std::make_shared<SwitchoverCommandOptions>();
  CLI::App* cmd = parent.add_subcommand(
      "switchover",
      "Make a replica of this primary the primary, by GTID: every replica checked first, the "
      "primary fenced (accounts locked, read_only), the candidate and the others caught up, the "
      "candidate promoted, the other replicas and the old primary pointed at it, and each "
      "replica verified. Run against the current primary.\n"
      "Exit status: 0 done (or dry run), 1 refused or failed (the report says where each server "
      "stands), 2 connection or privileges, 64 usage.");
  AddConnectionFlags(*cmd, opts->connection);
  cmd->add_option("--to", opts->to, "The replica to promote, HOST:PORT")->required();
  cmd->add_option("--replication-user", opts->replication_user,
                  "Account the old primary replicates with (default: the candidate's)");
  cmd->add_option("--replication-password-file", opts->replication_password_file,
                  "File whose first line is that account's password");
  cmd->add_option("--max-lag", opts->max_lag, "Refuse when a replica lags more than this")
      ->capture_default_str();
  cmd->add_option("--catch-up", opts->catch_up,
                  "How long the fenced primary waits for the replicas to apply its last "
                  "transaction before it gives up (and lifts the fence)")
      ->capture_default_str();
  cmd->add_option("--grace", opts->grace, "How long application sessions may finish")
      ->capture_default_str();
  cmd->add_flag("--dry-run", opts->dry_run, "Check everything; change nothing");
  cmd->add_flag("--json", opts->json, "Print the report as JSON");
  cmd->callback([opts, &slot] { slot = [opts] { return RunSwitchover(*opts); }; });
}

Status RunSwitchover(const SwitchoverCommandOptions& o) {
  topology::SwitchoverRequest request;
  request.to = o.to;
  request.replication_user = o.replication_user;
  if (!o.replication_password_file.empty()) {
    SAFEDDL_ASSIGN_OR_RETURN(request.replication_password,
                             ReadPasswordFile(o.replication_password_file));
  }
  SAFEDDL_ASSIGN_OR_RETURN(request.max_lag, ParseDurationFlag("--max-lag", o.max_lag));
  SAFEDDL_ASSIGN_OR_RETURN(request.catch_up, ParseDurationFlag("--catch-up", o.catch_up));
  SAFEDDL_ASSIGN_OR_RETURN(request.grace, ParseDurationFlag("--grace", o.grace));
  request.dry_run = o.dry_run;
  request.progress = [](const std::string& step) { LogInfo("switchover: {}", step); };
  SAFEDDL_ASSIGN_OR_RETURN(Session session, OpenSession(o.connection));
  SAFEDDL_ASSIGN_OR_RETURN(topology::SwitchoverReport r,
                           topology::Switchover(*session.conn, session.options, request));
  if (o.json) {
    nlohmann::json j = {
        {"dry_run", r.dry_run},         {"old_primary", r.old_primary},
        {"new_primary", r.new_primary}, {"repointed", r.repointed},
        {"final_gtid", r.final_gtid},   {"write_outage_seconds", r.write_outage_seconds},
        {"steps", StepsToJson(r.steps)}};
    fmt::print("{}\n", j.dump(2));
  } else {
    fmt::print("{}switchover {} -> {}\n", r.dry_run ? "dry run: " : "", r.old_primary,
               r.new_primary);
    PrintSteps(r.steps);
    if (r.dry_run) {
      fmt::print("  nothing changed (without --dry-run it would switch over)\n");
    } else {
      fmt::print("  writes were refused for {}; applications now write to {}\n",
                 HumanDuration(r.write_outage_seconds), r.new_primary);
    }
  }
  std::fflush(stdout);
  return Status::OK();
}

}  // namespace safeddl::cli
