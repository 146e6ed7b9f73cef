#include "galera/toi.h"

#include <fmt/format.h>

#include <thread>

#include "common/clock.h"
#include "common/log.h"
#include "common/strings.h"
#include "galera/ddl_spread.h"
#include "galera/flow_control.h"
#include "galera/table_locks.h"
#include "mysql/connection.h"
#include "mysql/quote.h"
#include "schema/introspect.h"

namespace safeddl::galera {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kRoundInterval = std::chrono::milliseconds(100);
constexpr auto kSpreadTimeout = std::chrono::seconds(120);

}  // namespace

nlohmann::json ToiReport::ToJson() const {
  return {{"method", "toi"},
          {"statement", statement},
          {"nodes", nodes},
          {"check_rounds", rounds},
          {"check_seconds", gate_seconds},
          {"executed", executed},
          {"ddl_seconds", ddl_seconds},
          {"spread_seconds", spread_seconds}};
}

Result<std::vector<std::string>> ToiBlockers(Cluster& cluster, const TableNames& t,
                                             const ToiOptions& options) {
  SAFEDDL_RETURN_IF_ERROR(Refresh(cluster));
  std::vector<std::string> blockers;
  for (Node& node : cluster.nodes) {
    const std::string why = NodeNotReady(node.status, cluster.expected_size);
    if (!why.empty()) {
      blockers.push_back(node.Name() + ": " + why);
      continue;
    }
    SAFEDDL_ASSIGN_OR_RETURN(std::string blocker,
                             TableLockBlocker(node, t, options.long_transaction));
    if (!blocker.empty()) blockers.push_back(std::move(blocker));
  }
  return blockers;
}

Result<ToiGate> WaitUntilClear(Cluster& cluster, const TableNames& t, const ToiOptions& o,
                               std::string_view what) {
  ToiGate gate;
  const auto start = Clock::now();
  const auto deadline = start + o.max_wait;
  std::vector<std::string> blockers;
  for (;;) {
    ++gate.rounds;
    SAFEDDL_ASSIGN_OR_RETURN(blockers, ToiBlockers(cluster, t, o));
    if (blockers.empty() || Clock::now() >= deadline) break;
    if (gate.rounds == 1 && o.progress) {
      o.progress(fmt::format("{} waits (up to {:.1f} s) for: {}", what,
                             std::chrono::duration<double>(o.max_wait).count(),
                             JoinStrings(blockers, "; ")));
    }
    std::this_thread::sleep_for(kRoundInterval);
  }
  gate.seconds = SecondsSince(start);
  if (!blockers.empty()) {
    return FailedPreconditionError(fmt::format(
        "not issuing {}: after {:.1f} s (--max-wait) the cluster still has what would make it "
        "wait or stall every node: {}",
        what, gate.seconds, JoinStrings(blockers, "; ")));
  }
  return gate;
}

Status UseToiSession(mysql::Connection& conn, std::chrono::milliseconds max_wait) {
  SAFEDDL_RETURN_IF_ERROR(conn.Execute("SET SESSION wsrep_OSU_method = 'TOI'"));
  return conn.Execute(fmt::format(
      "SET SESSION lock_wait_timeout = {}",
      std::max<long long>(1, std::chrono::duration_cast<std::chrono::seconds>(max_wait).count())));
}

Status WaitForDefinitionEverywhere(Cluster& cluster, const std::string& quoted,
                                   const std::string& definition, long long seqno) {
  Result<std::vector<NodeDifference>> differ = NodesThatDiffer(
      cluster, seqno, kSpreadTimeout, kRoundInterval, [&](Node& node) -> Result<std::string> {
        SAFEDDL_ASSIGN_OR_RETURN(std::string seen, schema::TableDefinition(*node.conn, quoted));
        return seen == definition ? std::string() : "another definition of " + quoted;
      });
  if (!differ.ok()) return differ.status().WithContext("the change ran");
  if (differ->empty()) return Status::OK();
  return CorruptionError(fmt::format(
      "the change ran, but {} shows another definition of {} although it has applied the "
      "change's place in the cluster's order: its applier failed the DDL, which Galera logs "
      "(\"WSREP: Ignoring error\" in that node's error log) and goes on from, so the nodes now "
      "differ. Read that node's error log; to make it match, run the change on that node alone "
      "(SET SESSION wsrep_OSU_method = 'RSU')",
      differ->front().node, quoted));
}

Result<ToiReport> RunToiChange(const mysql::ConnectOptions& origin, Cluster& cluster,
                               const ToiOptions& o) {
  ToiReport report;
  for (const Node& n : cluster.nodes) report.nodes.push_back(n.Name());
  SAFEDDL_ASSIGN_OR_RETURN(auto conn, mysql::Connection::Open(origin));
  SAFEDDL_ASSIGN_OR_RETURN(TableNames t, ResolveTable(*conn, o.database, o.table));
  report.statement = fmt::format("ALTER TABLE {} {}", t.quoted, o.alter);
  SAFEDDL_ASSIGN_OR_RETURN(const std::string before, schema::TableDefinition(*conn, t.quoted));

  Result<ToiGate> gate = WaitUntilClear(cluster, t, o, "the TOI change");
  if (!gate.ok()) {
    return Status(gate.status().code(), gate.status().message() + ". Nothing was changed");
  }
  report.rounds = gate->rounds;
  report.gate_seconds = gate->seconds;
  if (!o.execute) return report;

  // TOI for this session only, whatever the global method; on this node the DDL's own metadata
  // lock wait is bounded as well.
  SAFEDDL_RETURN_IF_ERROR(UseToiSession(*conn, o.max_wait));
  if (o.progress) o.progress("running " + report.statement + " (TOI)");
  const auto ddl_start = Clock::now();
  SAFEDDL_RETURN_IF_ERROR(conn->Execute(report.statement));
  report.ddl_seconds = SecondsSince(ddl_start);
  report.executed = true;
  SAFEDDL_ASSIGN_OR_RETURN(const std::string after, schema::TableDefinition(*conn, t.quoted));
  if (after == before) LogInfo("note: the definition is the same as before the change");
  SAFEDDL_ASSIGN_OR_RETURN(const long long seqno, ReadLastCommitted(*conn));
  SAFEDDL_RETURN_IF_ERROR(WaitForDefinitionEverywhere(cluster, t.quoted, after, seqno));
  report.spread_seconds = SecondsSince(ddl_start);
  return report;
}

}  // namespace safeddl::galera
