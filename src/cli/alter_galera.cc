#include "cli/alter_galera.h"

#include <fmt/format.h>

#include "common/clock.h"
#include "common/log.h"
#include "common/strings.h"
#include "galera/cluster.h"
#include "galera/toi.h"
#include "mysql/connection.h"
#include "mysql/galera_status.h"

namespace safeddl::cli {

Result<std::optional<mysql::GaleraStatus>> GaleraNodeStatus(const mysql::ConnectOptions& connect) {
  SAFEDDL_ASSIGN_OR_RETURN(auto conn, mysql::Connection::Open(connect));
  return mysql::ReadGaleraStatus(*conn);
}

Status RunAlterOnGalera(const AlterOptions& o, const mysql::ConnectOptions& connect) {
  const osc::MigrationOptions& m = o.migration;
  if (o.galera_method.empty()) {
    SAFEDDL_ASSIGN_OR_RETURN(std::optional<mysql::GaleraStatus> g, GaleraNodeStatus(connect));
    return FailedPreconditionError(fmt::format(
        "this server ({}) is a Galera node of cluster '{}' ({} nodes): the online copy's "
        "cut-over locks are not replicated there. Choose --galera-method toi (the DDL in total "
        "order on every node, issued only when none has a lock or long transaction in its way "
        "within --max-wait: for INSTANT changes and small tables). Nothing was changed",
        g ? g->node_name : "?", g ? g->cluster_name : "?", g ? g->cluster_size : 0));
  }
  std::vector<std::string> nodes;
  for (const std::string& n : SplitString(o.galera_nodes, ',')) {
    if (!TrimWhitespace(n).empty()) nodes.emplace_back(TrimWhitespace(n));
  }
  SAFEDDL_ASSIGN_OR_RETURN(galera::Cluster cluster, galera::ReachCluster(connect, nodes));
  galera::ToiOptions t;
  t.database = m.database;
  t.table = m.table;
  t.alter = m.alter;
  SAFEDDL_ASSIGN_OR_RETURN(std::chrono::seconds max_wait,
                           ParseDurationFlag("--max-wait", o.max_wait));
  t.max_wait = max_wait;
  t.execute = m.execute;
  t.progress = [](const std::string& line) { LogInfo("{}", line); };
  LogInfo("Galera cluster of {} nodes: {}", cluster.nodes.size(), [&] {
    std::vector<std::string> names;
    for (const galera::Node& n : cluster.nodes) names.push_back(n.Name());
    return JoinStrings(names, ", ");
  }());
  SAFEDDL_ASSIGN_OR_RETURN(galera::ToiReport report, galera::RunToiChange(connect, cluster, t));
  if (m.json) {
    fmt::print("{}\n", report.ToJson().dump(2));
    return Status::OK();
  }
  if (!report.executed) {
    fmt::print(
        "dry run: nothing on any of the {} nodes is in the way of a TOI change now (checked in "
        "{:.2f} s); with --execute safeddl runs:\n  {}\n",
        report.nodes.size(), report.gate_seconds, report.statement);
    return Status::OK();
  }
  fmt::print(
      "done: {} (TOI) on {} nodes: checked in {:.2f} s ({} round(s)), the DDL took {:.2f} s, "
      "every node showed the new definition after {:.2f} s\n",
      report.statement, report.nodes.size(), report.gate_seconds, report.rounds, report.ddl_seconds,
      report.spread_seconds);
  return Status::OK();
}

}  // namespace safeddl::cli
