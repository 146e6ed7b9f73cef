// `safeddl failover`: the primary is gone; the most advanced of its replicas becomes the primary
// and the others replicate from it, by GTID. Run against one of the replicas, naming the others.
//
// 1. Gate, before anything changes: every replica replicates with GTIDs from the same primary,
//    none is connected to it (Slave_IO_Running is not Yes) and it does not answer safeddl either
//    (a primary that answers is switched over with `safeddl switchover`, which loses nothing); no
//    replica's SQL thread has stopped on an error. Any failure refuses, naming the server.
// 2. Drain: each replica's IO thread is stopped (a primary that comes back sends nothing more),
//    and its SQL thread applies what it had received (gtid_slave_pos reaches Gtid_IO_Pos) within
//    catch_up.
// 3. Choose the replica whose gtid_slave_pos covers every other one's (`to` names it, or it is
//    found). With others to point at it, it must binlog what it applies (log_bin,
//    log_slave_updates). When none qualifies, or `to` is behind another, it is refused, with each
//    replica's position, and the IO threads are started again: nothing else changed.
// 4. Promote it (promotion.h). 5. Point the others at it (slave_pos). 6. Verify that each one's
//    threads run and it has applied the new primary's position.
// The old primary is not touched. It may hold transactions that no replica received (in its
// binlog after the chosen position): the report says so. It must not take writes when it is
// back; it can rejoin as a replica once those are looked at. Not thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "mysql/connect_options.h"
#include "mysql/connection.h"
#include "topology/promotion.h"

namespace safeddl::topology {

struct FailoverRequest {
  std::vector<std::string> others;  // the other replicas, "host:port"
  std::string to;                   // the one to promote; empty: the most advanced
  std::chrono::seconds catch_up{30};
  std::chrono::seconds probe_timeout{3};  // for the old primary's connection attempt
  bool dry_run = false;                   // the gate and the choice only; IO threads left running
  std::function<void(const std::string&)> progress;  // a line per step; may be empty
};

struct FailoverReplica {
  std::string address;
  std::string gtid_slave_pos;  // after the drain (or, on a dry run, as it was)
};

struct FailoverReport {
  std::string old_primary;  // host:port, as the replicas name it
  std::string unreachable;  // how connecting to it failed
  std::string new_primary;
  std::string why;  // why this one
  std::vector<FailoverReplica> replicas;
  std::vector<std::string> repointed;
  std::string new_primary_pos;  // its gtid_binlog_pos, applied by every repointed replica
  std::vector<PromotionStep> steps;
  double seconds = 0;  // from the gate to the new primary taking writes
  bool dry_run = false;
};

// `replica` is connected with `options`; the same account reaches the others.
Result<FailoverReport> Failover(mysql::Connection& replica, const mysql::ConnectOptions& options,
                                const FailoverRequest& request);

}  // namespace safeddl::topology
