// `safeddl switchover --to HOST:PORT`: a planned change of primary by GTID, run against the
// current primary. One of its replicas (the candidate) becomes the primary; the other replicas
// and the old primary replicate from it.
//
// 1. Gate, before anything changes: this server is a primary; every replica it lists replicates
//    from it with GTIDs, both threads running, no error, within max_lag; the candidate is one of
//    them and binlogs what it applies (log_bin, log_slave_updates: the others continue from its
//    binlog). Any failure refuses, naming the server.
// 2. Fence the primary (fence.h: application accounts locked and their sessions ended, and
//    read_only), so its last GTID position is final; the write outage starts here.
// 3. Wait until the candidate and every other replica have applied that position
//    (MASTER_GTID_WAIT). If one does not within catch_up, the fence is lifted and nothing else
//    has changed.
// 4. Promote the candidate: replication stopped and forgotten (RESET SLAVE ALL), read_only off.
//    The outage ends here.
// 5. Point the other replicas at it (MASTER_USE_GTID = slave_pos), and the old primary
//    (current_pos, with the replication account given), whose fence is then lifted except for
//    read_only, which a replica keeps.
// 6. Verify that every replica's threads run without error and have applied the new primary's
//    position.
// Each step is timed in the report. A failure after step 4 is reported with where each server
// stands.
//
// Run again with the same `to` after it stopped part way (killed, or a failure), it goes on from
// what the servers show:
// - this primary is fenced, the candidate not promoted (its replication perhaps stopped by the
//   promotion's first statement): the fence is lifted and the candidate's replication started,
//   then it starts over (a fence the user put on for another reason is lifted the same way);
// - this primary is fenced and the candidate replicates from nobody, holding this primary's last
//   position: the promotion was done; the replicas still here and this server are repointed;
// - this server replicates from the candidate: its fence (if still on) is lifted, and every
//   server verified.
// Not thread-safe.
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

struct SwitchoverRequest {
  std::string to;  // the candidate, "host:port" as the primary's replicas list names it or not
  std::string replication_user;      // for the old primary; empty: the candidate's Master_User
  std::string replication_password;  // for the old primary
  std::chrono::seconds max_lag{10};
  std::chrono::seconds catch_up{30};
  std::chrono::seconds grace{1};                     // the fence's grace for sessions
  bool dry_run = false;                              // the gate only
  std::function<void(const std::string&)> progress;  // a line per step; may be empty
};

using SwitchoverStep = PromotionStep;

struct SwitchoverReport {
  std::string old_primary;  // host:port
  std::string new_primary;
  std::vector<std::string> repointed;  // the other replicas, now replicating from new_primary
  std::string final_gtid;              // the old primary's last position, applied everywhere
  std::vector<SwitchoverStep> steps;
  double write_outage_seconds = 0;  // from the fence to the new primary taking writes
  bool dry_run = false;
};

// `primary` is connected with `options` (the same account reaches the replicas).
Result<SwitchoverReport> Switchover(mysql::Connection& primary,
                                    const mysql::ConnectOptions& options,
                                    const SwitchoverRequest& request);

}  // namespace safeddl::topology
