// Flow control seen from the copy: when the online copy on Galera (galera/online_copy.h) must
// pause so the cluster keeps up. A node whose receive queue passes gcs.fc_limit sends flow
// control and every node stops committing until it catches up: the application's writes stall
// with the copy's. So the copy pauses before that, before each chunk: while any node's receive
// queue is over half the limit, and while any node has sent flow control since the last look (its
// wsrep_flow_control_sent grew, and the cluster's wsrep_flow_control_paused_ns with it), or is not
// Synced. ReadFlowSample asks one node; FlowPauseReason is pure.
// The copy also keeps two chunks in flight at most: before each chunk it waits until every node
// has committed the one before the last (wsrep_last_committed, in the sample, then
// ReadLastCommitted while a node is behind), so a node that applies slowly slows the copy
// instead of queueing chunks (and the application's commits behind them), and each chunk's size
// is set by its time here plus that wait.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "mysql/connection.h"

namespace safeddl::galera {

struct FlowSample {
  std::string node;              // its name, for the reason
  long long paused_ns = 0;       // wsrep_flow_control_paused_ns
  long long sent = 0;            // wsrep_flow_control_sent
  long long recv_queue = 0;      // wsrep_local_recv_queue
  std::string state;             // wsrep_local_state_comment
  long long cert_failures = 0;   // wsrep_local_cert_failures: local transactions that lost
  long long last_committed = 0;  // wsrep_last_committed: the cluster seqno it has committed
};

Result<FlowSample> ReadFlowSample(mysql::Connection& conn, const std::string& node);

// The cluster-wide seqno of the last write set the node committed (wsrep_last_committed).
Result<long long> ReadLastCommitted(mysql::Connection& conn);

// Pure. Why to pause now, given each node's sample before and now (the same nodes in the same
// order); empty when the copy may go on. `recv_queue_limit`: gcs.fc_limit. A copy that is
// `paused` goes on only once every queue is down to a quarter of the limit, not half (so it does
// not stop and start with every chunk).
std::string FlowPauseReason(const std::vector<FlowSample>& before,
                            const std::vector<FlowSample>& now, long long recv_queue_limit,
                            bool paused = false);

}  // namespace safeddl::galera
