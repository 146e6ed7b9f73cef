#include "cli/alter_via_replicas.h"

#include <fmt/format.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/switchover_command.h"
#include "common/clock.h"
#include "common/log.h"
#include "schema/alter_parser.h"
#include "schema/replication_compat.h"
#include "topology/rolling_change.h"

namespace safeddl::cli {

Status RunAlterViaReplicas(const AlterOptions& o, const mysql::ConnectOptions& connect) {
  const osc::MigrationOptions& m = o.migration;
  if (o.switchover_to.empty()) {
    return InvalidArgumentError(
        "--via-replicas needs --switchover-to HOST:PORT (the replica "
        "that becomes the primary)");
  }
  SAFEDDL_ASSIGN_OR_RETURN(schema::ReplicationCompat compat, schema::ReplicationCarries(m.alter));
  if (!compat.carried) {
    return UnsupportedError(fmt::format(
        "--via-replicas: row-based replication does not carry rows between the old and the new "
        "definition for `{}`: {}. Nothing was changed; run the change without --via-replicas "
        "(online, on the primary)",
        compat.clause, compat.reason));
  }
  SAFEDDL_ASSIGN_OR_RETURN(schema::AlterAnalysis analysis, schema::AnalyzeAlter(m.alter));
  topology::RollingChangeRequest request;
  request.database = m.database;
  request.table = m.table;
  request.alter = analysis.ghost_alter;
  request.switchover.to = o.switchover_to;
  request.switchover.replication_user = o.replication_user;
  if (!o.replication_password_file.empty()) {
    SAFEDDL_ASSIGN_OR_RETURN(request.switchover.replication_password,
                             ReadPasswordFile(o.replication_password_file));
  }
  request.switchover.dry_run = !m.execute;
  request.switchover.progress = [](const std::string& step) { LogInfo("via replicas: {}", step); };
  SAFEDDL_ASSIGN_OR_RETURN(auto conn, mysql::Connection::Open(connect));
  SAFEDDL_ASSIGN_OR_RETURN(topology::RollingChangeReport r,
                           topology::RollingChange(*conn, connect, request));
  if (m.json) {
    nlohmann::json steps = nlohmann::json::array();
    for (const topology::RollingStep& s : r.steps) {
      steps.push_back({{"server", s.server}, {"step", s.what}, {"seconds", s.seconds}});
    }
    nlohmann::json j = {{"dry_run", r.dry_run},
                        {"changed", r.changed},
                        {"old_primary", r.switchover.old_primary},
                        {"new_primary", r.switchover.new_primary},
                        {"write_outage_seconds", r.switchover.write_outage_seconds},
                        {"definition", r.definition},
                        {"steps", steps}};
    fmt::print("{}\n", j.dump(2));
  } else if (r.dry_run) {
    fmt::print(
        "dry run: `{}`.`{}` can change via the replicas (row-based replication carries "
        "it); every replica is healthy and defines the table alike. Add --execute.\n",
        m.database, m.table);
  } else {
    fmt::print("`{}`.`{}` changed via the replicas; {} is the primary now\n", m.database, m.table,
               r.switchover.new_primary);
    for (const topology::RollingStep& s : r.steps) {
      fmt::print("  {:<16} {:>7}  {}\n", s.server, HumanDuration(s.seconds), s.what);
    }
    fmt::print("  writes were refused for {} during the switchover\n",
               HumanDuration(r.switchover.write_outage_seconds));
  }
  std::fflush(stdout);
  return Status::OK();
}

}  // namespace safeddl::cli
