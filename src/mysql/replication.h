// Replication as tools see it from outside: the replicas a primary lists (SHOW REPLICA HOSTS),
// how to reach one with the primary's credentials, and a server's own replica status (SHOW
// REPLICA STATUS, with MariaDB's Slave_/Master_ and MySQL 8's Replica_/Source_ column names), and
// the GTID domain a replica's own writes should use.
// Stateless functions; each uses only the connection it is given.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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
  std::optional<long long> seconds_behind;       // nullopt: NULL (not replicating)
  std::string last_error;                        // empty when none
  long long sql_delay = 0;                       // MASTER_DELAY, seconds (SQL_Delay)
  std::optional<long long> sql_remaining_delay;  // NULL unless waiting out the delay
  std::string using_gtid;                        // "No", "Slave_Pos", "Current_Pos"
  std::string source_server_id;                  // Master_Server_Id
  std::string source_user;                       // Master_User: the replication account
  std::string sql_error;                         // Last_SQL_Error alone
  std::string gtid_io_pos;  // MariaDB's Gtid_IO_Pos: the last GTID received into the relay log
};

// "host:port" of every replica `primary` lists (those started with report_host).
Result<std::vector<std::string>> ListReplicaAddresses(Connection& primary);

// `primary`'s options (user, password, TLS) pointed at "host[:port]" (port 3306 if absent), over
// TCP: "localhost" becomes 127.0.0.1, which the connector would otherwise take for its socket.
Result<ConnectOptions> ReplicaConnectOptions(const ConnectOptions& primary,
                                             const std::string& address);

// One row of SHOW REPLICA STATUS.
ReplicationStatus ParseReplicationStatus(const Row& row);
// nullopt when the server is not a replica.
Result<std::optional<ReplicationStatus>> ReadReplicationStatus(Connection& conn);

// Pure. The domain ids in a MariaDB GTID list ("0-1-100,2-5-7"), in order; malformed entries are
// skipped.
std::vector<uint32_t> GtidDomains(std::string_view gtid_list);
// Pure. The GTID domain for a replica's own writes: its configured gtid_domain_id when no
// replicated domain uses it, else the smallest id that none does. Local writes in a replicated
// domain would run ahead of the primary's sequence numbers there: replication then stops
// (gtid_strict_mode) or failover positions break.
uint32_t LocalGtidDomain(uint32_t configured, const std::vector<uint32_t>& replicated);

}  // namespace safeddl::mysql
