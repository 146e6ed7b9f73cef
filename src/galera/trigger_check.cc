#include "galera/trigger_check.h"

#include <fmt/format.h>

#include <thread>

#include "common/strings.h"
#include "galera/flow_control.h"
#include "mysql/quote.h"

namespace safeddl::galera {
namespace {

constexpr auto kLookAgain = std::chrono::milliseconds(20);

Result<std::vector<SeenTrigger>> SeenOn(mysql::Connection& conn, const osc::MigrationPlan& plan,
                                        const std::vector<CaptureTrigger>& triggers) {
  std::vector<std::string> names;
  for (const CaptureTrigger& t : triggers) names.push_back(mysql::QuoteString(t.name));
  SAFEDDL_ASSIGN_OR_RETURN(
      auto rows,
      conn.Query(fmt::format(
          "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, EVENT_MANIPULATION, ACTION_TIMING, "
          "ACTION_STATEMENT FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = {} AND "
          "TRIGGER_NAME IN ({})",
          mysql::QuoteString(plan.database), JoinStrings(names, ", "))));
  std::vector<SeenTrigger> out;
  for (const mysql::Row& r : rows.rows()) {
    out.push_back({r[0].value_or(""), r[1].value_or(""), r[2].value_or(""), r[3].value_or(""),
                   r[4].value_or("")});
  }
  return out;
}

}  // namespace

Result<std::string> TriggersNotEverywhere(Cluster& cluster, const osc::MigrationPlan& plan,
                                          const std::vector<CaptureTrigger>& triggers, bool present,
                                          long long seqno, std::chrono::milliseconds timeout) {
  if (triggers.empty()) return std::string();
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::string> nodes;
  for (Node& node : cluster.nodes) {
    for (;;) {
      // The seqno first: a node that had committed it before its triggers were read cannot
      // change them afterwards (only this run's DDL does).
      Result<long long> at = ReadLastCommitted(*node.conn);
      if (!at.ok()) return at.status().WithContext(node.Name() + " cannot be asked for its seqno");
      Result<std::vector<SeenTrigger>> seen = SeenOn(*node.conn, plan, triggers);
      if (seen.ok()) {
        std::vector<std::string> wrong =
            TriggerDifferences(triggers, present, plan.names.original, *seen);
        if (wrong.empty()) break;
        if (*at >= seqno) {
          nodes.push_back(fmt::format("{}: {}", node.Name(), JoinStrings(wrong, ", ")));
          break;
        }
      } else if (!seen.status().IsRetryable()) {
        // Retryable: a read while the node applies a DDL on the table in total order is aborted
        // (1213); asked again.
        return seen.status().WithContext(node.Name() + " cannot be asked for its triggers");
      }
      if (std::chrono::steady_clock::now() - start > timeout) {
        return FailedPreconditionError(fmt::format(
            "{} has not applied the capture triggers' DDL within {} s (its wsrep_last_committed "
            "is {}, the DDL's at most {})",
            node.Name(), std::chrono::duration_cast<std::chrono::seconds>(timeout).count(), *at,
            seqno));
      }
      std::this_thread::sleep_for(kLookAgain);
    }
  }
  return JoinStrings(nodes, "; ");
}

}  // namespace safeddl::galera
