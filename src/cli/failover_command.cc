#include "cli/failover_command.h"

#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/promotion_steps.h"
#include "common/clock.h"
#include "common/log.h"
#include "topology/failover.h"

namespace safeddl::cli {

void SetupFailover(CLI::App& parent, CommandSlot& slot) {
  auto opts = std::make_shared<FailoverCommandOptions>();
  CLI::App* cmd = parent.add_subcommand(
      "failover",
      "The primary is gone: promote the most advanced of its replicas, by GTID, and point the "
      "others at it. Checks first that the primary does not answer and no replica is connected "
      "to it, stops the replicas' IO threads and lets each apply its relay log, promotes the "
      "replica that holds every transaction any other holds, repoints and verifies the others. "
      "Run against one of the replicas.\n"
      "Exit status: 0 done (or dry run), 1 refused or failed (the report says where each server "
      "stands), 2 connection or privileges, 64 usage.");
  AddConnectionFlags(*cmd, opts->connection);
  cmd->add_option("--replicas", opts->replicas,
                  "The other replicas of the same primary, HOST:PORT (comma-separated)")
      ->delimiter(',');
  cmd->add_option("--to", opts->to,
                  "The replica to promote, HOST:PORT (refused unless it is the most advanced)");
  cmd->add_option("--catch-up", opts->catch_up,
                  "How long each replica may take to apply its relay log")
      ->capture_default_str();
  cmd->add_option("--probe-timeout", opts->probe_timeout,
                  "How long a connection attempt to the old primary may take")
      ->capture_default_str();
  cmd->add_flag("--dry-run", opts->dry_run,
                "Check and choose (on the positions applied so far); change nothing");
  cmd->add_flag("--json", opts->json, "Print the report as JSON");
  cmd->callback([opts, &slot] { slot = [opts] { return RunFailover(*opts); }; });
}

Status RunFailover(const FailoverCommandOptions& o) {
  topology::FailoverRequest request;
  request.others = o.replicas;
  request.to = o.to;
  SAFEDDL_ASSIGN_OR_RETURN(request.catch_up, ParseDurationFlag("--catch-up", o.catch_up));
  SAFEDDL_ASSIGN_OR_RETURN(request.probe_timeout,
                           ParseDurationFlag("--probe-timeout", o.probe_timeout));
  request.dry_run = o.dry_run;
  request.progress = [](const std::string& step) { LogInfo("failover: {}", step); };
  SAFEDDL_ASSIGN_OR_RETURN(Session session, OpenSession(o.connection));
  SAFEDDL_ASSIGN_OR_RETURN(topology::FailoverReport r,
                           topology::Failover(*session.conn, session.options, request));
  const std::string caution =
      r.dry_run
          ? ""
          : fmt::format(
                "the old primary {} may hold transactions no replica received (in its "
                "binlog after {}): keep it from taking writes when it is back, and look at "
                "them (`safeddl binlog` on it) before it rejoins as a replica",
                r.old_primary,
                r.new_primary_pos.empty() ? "the last GTID the replicas have" : r.new_primary_pos);
  if (o.json) {
    nlohmann::json replicas = nlohmann::json::array();
    for (const topology::FailoverReplica& x : r.replicas) {
      replicas.push_back({{"address", x.address}, {"gtid_slave_pos", x.gtid_slave_pos}});
    }
    nlohmann::json j = {{"dry_run", r.dry_run},
                        {"old_primary", r.old_primary},
                        {"old_primary_unreachable", r.unreachable},
                        {"new_primary", r.new_primary},
                        {"why", r.why},
                        {"replicas", replicas},
                        {"repointed", r.repointed},
                        {"new_primary_pos", r.new_primary_pos},
                        {"seconds_to_promotion", r.seconds},
                        {"caution", caution},
                        {"steps", StepsToJson(r.steps)}};
    fmt::print("{}\n", j.dump(2));
  } else {
    fmt::print("{}failover from {} (unreachable) to {}: {}\n", r.dry_run ? "dry run: " : "",
               r.old_primary, r.new_primary, r.why);
    PrintSteps(r.steps);
    if (r.dry_run) {
      fmt::print("  nothing changed (without --dry-run it would fail over)\n");
    } else {
      fmt::print("  {} takes writes after {}; {}\n", r.new_primary, HumanDuration(r.seconds),
                 caution);
    }
  }
  std::fflush(stdout);
  return Status::OK();
}

}  // namespace safeddl::cli
