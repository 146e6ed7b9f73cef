// Replication as tools see it from outside: the replicas a primary lists (SHOW REPLICA HOSTS),
// how to reach one with the primary's credentials, and a server's own replica status (SHOW
// REPLICA STATUS, with MariaDB's Slave_/Master_ and MySQL 8's Replica_/Source_ column names).
// Stateless functions; each uses only the connection it is given.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "mysql/connect_options.h"

namespace safeddl::mysql {

class Connection;
class Row;

// This server's own replication, when it is a replica.
struct ReplicationStatus {
  std::string source_host;
  std::string source_port;
  bool io_running = false;
  bool sql_running = false;
  std::optional<long long> seconds_behind;  // nullopt: NULL (not replicating)
  std::string last_error;                   // empty when none
};

// "host:port" of every replica `primary` lists (those started with report_host).
Result<std::vector<std::string>> ListReplicaAddresses(Connection& primary);

// `primary`'s options (user, password, TLS) pointed at "host[:port]" (port 3306 if absent).
Result<ConnectOptions> ReplicaConnectOptions(const ConnectOptions& primary,
                                             const std::string& address);

// One row of SHOW REPLICA STATUS.
ReplicationStatus ParseReplicationStatus(const Row& row);
// nullopt when the server is not a replica.
Result<std::optional<ReplicationStatus>> ReadReplicationStatus(Connection& conn);

}  // namespace safeddl::mysql
