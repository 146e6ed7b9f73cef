// What a DDL in total order left on every node of a Galera cluster. Each node applies the DDL at
// its place in the cluster's order, and a node whose applier fails it only logs "WSREP: Ignoring
// error" and goes on (wsrep_ignore_apply_errors=7, MariaDB's default): the node it was issued on
// reports success while another node differs. So each node is read until it shows what it should,
// or until it has committed the DDL's place in the order and still does not: then it differs for
// good. Used for a TOI change's definition (toi.h) and the online copy's triggers
// (trigger_check.h).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "galera/cluster.h"

namespace safeddl::galera {

struct NodeDifference {
  size_t index = 0;  // in Cluster::nodes
  std::string node;  // Node::Name()
  std::string what;  // what `differs` said of it
};

// Pure: "node2 (127.0.0.1:3311): what; node3 (...): what".
std::string DescribeDifferences(const std::vector<NodeDifference>& differences);

// `seqno`: a cluster seqno at or past the DDL's (wsrep_last_committed on the node it ran on,
// after it). `differs(node)`: what the node shows other than it should, empty when nothing; a
// read that fails with a retryable error (a read aborted while the node applies a DDL on the
// table in total order, 1213) is made again after `look`. Every node is read; returns those that
// differ for good, in the cluster's order. FailedPrecondition: a node that has neither shown what
// it should nor committed `seqno` within `timeout`.
Result<std::vector<NodeDifference>> NodesThatDiffer(
    Cluster& cluster, long long seqno, std::chrono::milliseconds timeout,
    std::chrono::milliseconds look, const std::function<Result<std::string>(Node&)>& differs);

}  // namespace safeddl::galera
