// A snapshot taken from a replica stopped in the past (`safeddl replica stop-before`): the
// replica's rows of a table copied into the primary's snapshot schema and catalogued with the
// primary's binlog coordinates of the replica's position. The replica stopped just before a bad
// transaction G, so `safeddl restore ID --skip-gtid G` on the primary brings those rows forward
// along the binlog without G and puts back what G destroyed, keeping every later write.
//
// Requires: the replica's SQL thread stopped (its rows must not move under the copy), one GTID
// domain, the same table definition on both, and the primary's binlog still holding the replica's
// position. The copy is checked: row count and checksum equal on both sides. A failure drops the
// half-made snapshot. Not thread-safe.
#pragma once

#include <optional>
#include <string>

#include "binlog/gtid_event.h"
#include "binlog/server_event_source.h"
#include "common/result.h"
#include "mysql/connection.h"
#include "snapshot/catalog.h"

namespace safeddl::snapshot {

struct FromReplicaRequest {
  std::string database;
  std::string table;
  std::string where;  // as for snapshot --where (checked by CheckWhere)
};

struct FromReplicaSnapshot {
  SnapshotRecord record;
  std::string replica_gtid;          // the replica's gtid_slave_pos the rows are at
  std::optional<binlog::Gtid> next;  // the primary's first transaction after it (a bad one?)
};

// `primary_source` reads the primary's binlog (its connection options and a reader server id).
Result<FromReplicaSnapshot> TakeFromReplica(mysql::Connection& primary, mysql::Connection& replica,
                                            const binlog::ServerSourceOptions& primary_source,
                                            const FromReplicaRequest& request);

}  // namespace safeddl::snapshot
