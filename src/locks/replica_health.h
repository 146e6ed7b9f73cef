// Replica health: the fallback when nothing on the primary can be killed safely. For each replica
// the primary lists (SHOW REPLICA HOSTS): is it replicating (IO and SQL threads), how far behind,
// and is it running a DDL on the same table (then failing over to it moves the pileup there).
// A replica that replicates, lags at most kCandidateMaxLagSeconds and runs no DDL on the table
// is a failover candidate. Read-only: connects with the primary's credentials, runs SHOW and
// information_schema queries only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "locks/statement.h"
#include "mysql/connect_options.h"
#include "mysql/connection.h"
#include "mysql/replication.h"

namespace safeddl::locks {

inline constexpr long long kCandidateMaxLagSeconds = 30;

struct ReplicaHealth {
  std::string address;  // host:port
  std::string error;    // could not connect or read (then nothing else is known)
  std::optional<mysql::ReplicationStatus> status;  // nullopt: the server is not a replica
  std::string same_ddl;  // a DDL on the table it runs now ("ALTER TABLE ... for 35s"), or empty

  bool IsCandidate() const;
};

// Every replica `primary` lists, checked for `table`; an empty list when none is listed (or the
// list cannot be read: then one entry with the error).
std::vector<ReplicaHealth> CheckReplicaHealth(const mysql::ConnectOptions& primary_options,
                                              mysql::Connection& primary, const TableName& table);

// One advice line: "replica 10.0.0.7:3306: replicating, 0s behind, no DDL on db.t: a failover
// candidate" or why it is not one.
std::string DescribeReplicaHealth(const ReplicaHealth& replica, const TableName& table);

}  // namespace safeddl::locks
