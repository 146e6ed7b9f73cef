#include "galera/ddl_spread.h"

#include <fmt/format.h>

#include <thread>

#include "common/strings.h"
#include "galera/flow_control.h"

namespace safeddl::galera {

Result<std::vector<NodeDifference>> NodesThatDiffer(
    Cluster& cluster, long long seqno, std::chrono::milliseconds timeout,
    std::chrono::milliseconds look, const std::function<Result<std::string>(Node&)>& differs) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<NodeDifference> out;
  for (size_t i = 0; i < cluster.nodes.size(); ++i) {
    Node& node = cluster.nodes[i];
    for (;;) {
      // The seqno first: a node that had committed it before it was read shows what the DDL
      // left there.
      Result<long long> at = ReadLastCommitted(*node.conn);
      if (!at.ok()) return at.status().WithContext(node.Name() + " cannot be asked for its seqno");
      Result<std::string> what = differs(node);
      if (what.ok()) {
        if (what->empty()) break;
        if (*at >= seqno) {
          out.push_back({i, node.Name(), *what});
          break;
        }
      } else if (!what.status().IsRetryable()) {
        return what.status().WithContext(node.Name());
      }
      if (std::chrono::steady_clock::now() - start > timeout) {
        return FailedPreconditionError(fmt::format(
            "{} has not applied the DDL within {} s (its wsrep_last_committed is {}, the DDL's "
            "at most {})",
            node.Name(), std::chrono::duration_cast<std::chrono::seconds>(timeout).count(), *at,
            seqno));
      }
      std::this_thread::sleep_for(look);
    }
  }
  return out;
}

std::string DescribeDifferences(const std::vector<NodeDifference>& differences) {
  std::vector<std::string> nodes;
  for (const NodeDifference& d : differences) nodes.push_back(d.node + ": " + d.what);
  return JoinStrings(nodes, "; ");
}

}  // namespace safeddl::galera
