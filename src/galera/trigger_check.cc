#include "galera/trigger_check.h"

#include <fmt/format.h>

#include "common/strings.h"
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

Result<std::vector<NodeDifference>> TriggersNotEverywhere(
    Cluster& cluster, const osc::MigrationPlan& plan, const std::vector<CaptureTrigger>& triggers,
    bool present, long long seqno, std::chrono::milliseconds timeout) {
  if (triggers.empty()) return std::vector<NodeDifference>();
  Result<std::vector<NodeDifference>> differ =
      NodesThatDiffer(cluster, seqno, timeout, kLookAgain, [&](Node& node) -> Result<std::string> {
        SAFEDDL_ASSIGN_OR_RETURN(std::vector<SeenTrigger> seen, SeenOn(*node.conn, plan, triggers));
        return JoinStrings(TriggerDifferences(triggers, present, plan.names.original, seen), ", ");
      });
  if (!differ.ok()) return differ.status().WithContext("the capture triggers");
  return differ;
}

}  // namespace safeddl::galera
