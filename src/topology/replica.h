// A replica's place in time: delaying it (MASTER_DELAY), stopping it just before a transaction
// (START SLAVE UNTIL master_gtid_pos), and starting it again. A delayed replica is the way back
// from a change nobody noticed in time: stopped before the bad transaction, its tables hold the
// rows as they were, for `safeddl snapshot --from-replica` to take to the primary.
//
// GTID replication on MariaDB, the default connection (no connection name). Each function uses
// only the connection it is given, to the replica; not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "binlog/gtid_event.h"
#include "common/result.h"
#include "mysql/connection.h"
#include "mysql/replication.h"

namespace safeddl::topology {

struct ReplicaState {
  mysql::ReplicationStatus status;
  std::string gtid_slave_pos;
};

// FailedPrecondition when the server is not a replica.
Result<ReplicaState> ReadReplicaState(mysql::Connection& replica);

// Sets MASTER_DELAY to `seconds` (0 removes it). The SQL thread is stopped for the change and
// started again when it was running. Returns the state after.
Result<ReplicaState> SetReplicaDelay(mysql::Connection& replica, long long seconds);

struct StopBeforeReport {
  binlog::Gtid before;         // the transaction not applied
  std::string gtid_slave_pos;  // where the replica stopped
  long long delay = 0;         // MASTER_DELAY, as it was and is again
  bool already_there = false;  // it was stopped just before `before` already
  std::chrono::milliseconds waited{0};
};

// Applies everything before `gtid` and stops replication there (both threads: START SLAVE UNTIL
// master_gtid_pos).
// While it catches up the delay is lifted (unless `keep_delay`), and put back once it has
// stopped. Refused when the replica has already applied `gtid`, does not replicate with GTID, or
// `gtid` is its domain's first transaction. Timeout after `wait` (the replica is left running
// towards the point, and the delay put back).
Result<StopBeforeReport> StopBefore(mysql::Connection& replica, const binlog::Gtid& gtid,
                                    std::chrono::seconds wait, bool keep_delay);

// Waits until `replica`'s replication threads run without error and its gtid_current_pos has
// reached `pos` in every domain (gtid_current_pos: a former primary wrote part of `pos` itself,
// so it is not in its slave position). A transient error (the IO thread still connecting) is
// waited out too. FailedPrecondition after `limit`, naming the replica as `name` and saying where
// it is.
Status WaitUntilReplicated(mysql::Connection& replica, const std::string& name,
                           const std::string& pos, std::chrono::seconds limit);

// START SLAVE: replication goes on (with its delay).
Result<ReplicaState> StartReplica(mysql::Connection& replica);

}  // namespace safeddl::topology
