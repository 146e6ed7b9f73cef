#include "galera/flow_control.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>

#include "common/strings.h"

namespace safeddl::galera {

Result<FlowSample> ReadFlowSample(mysql::Connection& conn, const std::string& node) {
  SAFEDDL_ASSIGN_OR_RETURN(auto rows,
                           conn.Query("SHOW GLOBAL STATUS WHERE Variable_name IN ("
                                      "'wsrep_flow_control_paused_ns', 'wsrep_flow_control_sent', "
                                      "'wsrep_local_recv_queue', 'wsrep_local_state_comment', "
                                      "'wsrep_local_cert_failures', 'wsrep_last_committed')"));
  std::map<std::string, std::string> values;
  for (const mysql::Row& row : rows.rows()) {
    if (row.size() >= 2 && row[0] && row[1]) values[AsciiLower(*row[0])] = *row[1];
  }
  auto number = [&](const char* name) {
    auto it = values.find(name);
    return it == values.end() ? 0LL : ParseInt64(it->second).value_or(0);
  };
  FlowSample s;
  s.node = node;
  s.paused_ns = number("wsrep_flow_control_paused_ns");
  s.sent = number("wsrep_flow_control_sent");
  s.recv_queue = number("wsrep_local_recv_queue");
  s.state = values["wsrep_local_state_comment"];
  s.cert_failures = number("wsrep_local_cert_failures");
  s.last_committed = number("wsrep_last_committed");
  return s;
}

Result<long long> ReadLastCommitted(mysql::Connection& conn) {
  SAFEDDL_ASSIGN_OR_RETURN(auto rows,
                           conn.Query("SHOW GLOBAL STATUS LIKE 'wsrep\\_last\\_committed'"));
  if (rows.size() != 1 || rows.rows()[0].size() < 2 || !rows.rows()[0][1]) {
    return InternalError("the server has no wsrep_last_committed: is it a Galera node?");
  }
  std::optional<long long> seqno = ParseInt64(*rows.rows()[0][1]);
  if (!seqno) return InternalError("wsrep_last_committed is not a number: " + *rows.rows()[0][1]);
  return *seqno;
}

std::string FlowPauseReason(const std::vector<FlowSample>& before,
                            const std::vector<FlowSample>& now, long long recv_queue_limit,
                            bool paused) {
  std::vector<std::string> reasons;
  const long long queue_limit = std::max(1LL, recv_queue_limit / (paused ? 4 : 2));
  for (size_t i = 0; i < now.size(); ++i) {
    const FlowSample& n = now[i];
    if (n.state != "Synced") {
      reasons.push_back(fmt::format("{} is {}, not Synced", n.node, n.state));
      continue;
    }
    if (i < before.size() && n.sent > before[i].sent) {
      reasons.push_back(fmt::format("{} sent flow control ({} time(s); the cluster paused {} ms)",
                                    n.node, n.sent - before[i].sent,
                                    (n.paused_ns - before[i].paused_ns) / 1000000));
    } else if (n.recv_queue > queue_limit) {
      reasons.push_back(fmt::format("{} has {} write sets waiting to apply (flow control at {})",
                                    n.node, n.recv_queue, recv_queue_limit));
    }
  }
  return JoinStrings(reasons, "; ");
}

}  // namespace safeddl::galera
