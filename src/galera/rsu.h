// Rolling RSU (`safeddl alter --galera-method rsu`): the change made on one node at a time, out
// of the cluster's total order. While a node runs the DDL it is desynced (the others go on and it
// catches up from their write sets afterwards), so the cluster never stalls. Only for changes that
// keep rows' columns exactly as they are (schema::RowImagesUnchanged: index changes, a rebuild,
// table options): until the last node is done, nodes with the old and the new definition apply
// each other's rows. Column changes and unique keys are refused before anything changes.
//
// Node by node: a gate (every node ready, Synced and not desynced, the cluster as big as at the
// start, and the writes expected while the node is out well within its gcache, which it must
// catch up from), wsrep_OSU_method=RSU for the session only, the DDL with LOCK=SHARED (the node's
// commits are paused while it runs: its own writes to the table wait for the DDL rather than
// holding the table against it; see ChangeNode), then a wait until the node is Synced again with
// an empty receive queue, and its definition checked. A node that fails or
// leaves stops the rollout; the error says where each node stands.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "galera/cluster.h"
#include "mysql/connect_options.h"

namespace safeddl::galera {

struct RsuOptions {
  std::string database;
  std::string table;
  std::string alter;     // the ALTER's clauses
  bool execute = false;  // false: the checks and the first node's gate only
  // How long each node may take to find its table free for the DDL (tries at most a second each).
  std::chrono::milliseconds max_wait{10000};
  std::chrono::seconds sync_timeout{600};
  // The writes expected while a node is out must stay under this share of its gcache.
  double gcache_share = 0.5;
  std::function<void(const std::string&)> progress;
};

struct RsuNodeStep {
  std::string node;
  double ddl_seconds = 0;
  double resync_seconds = 0;  // after the DDL, until Synced with an empty receive queue
  int attempts = 0;           // DDLs tried (one more for each lock wait that ran out)
  long long expected_catchup_bytes = 0;
};

struct RsuReport {
  std::string statement;
  std::vector<std::string> nodes;
  std::vector<RsuNodeStep> steps;  // the nodes changed, in order
  double write_bytes_per_second = 0;
  std::optional<long long> gcache_bytes;
  bool executed = false;
  nlohmann::json ToJson() const;
};

// Pure. The replication traffic a node will have to catch up after `seconds` out of the flow, and
// whether it fits: nullopt when it does, else why not.
std::optional<std::string> CatchUpDoesNotFit(double write_bytes_per_second, double seconds,
                                             std::optional<long long> gcache_bytes, double share);

// Runs the rollout over every node of `cluster` with `account`'s credentials.
Result<RsuReport> RunRollingRsu(const mysql::ConnectOptions& account, Cluster& cluster,
                                const RsuOptions& options);

}  // namespace safeddl::galera
