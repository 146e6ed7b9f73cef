// A Galera cluster seen from one of its nodes: every member reached with the same account, each
// with its current wsrep state. Members are found by the node's wsrep_incoming_addresses, or
// named by the user where a node does not know its own SQL address ("AUTO").
// Thread-compatible: one thread uses a Cluster at a time.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "mysql/connect_options.h"
#include "mysql/connection.h"
#include "mysql/galera_status.h"
#include "topology/promotion.h"

namespace safeddl::galera {

struct Node {
  topology::Address address;
  std::unique_ptr<mysql::Connection> conn;
  mysql::GaleraStatus status;
  std::string Name() const;  // "node2 (127.0.0.1:3311)"
};

struct Cluster {
  std::vector<Node> nodes;
  long long expected_size = 0;  // wsrep_cluster_size when the cluster was reached
};

// The cluster the server behind `options` is a node of. `addresses` ("host:port", may be empty)
// replaces the discovery and keeps its order; discovered nodes (wsrep_incoming_addresses, whose
// order follows the members' UUIDs and changes when a node rejoins) are ordered by host, then
// port, so a rolling change goes through the nodes in the same order every time. Errors: not a
// Galera node; a member whose address is unknown (pass the nodes); a member that cannot be reached
// with this account; fewer nodes than wsrep_cluster_size says.
Result<Cluster> ReachCluster(const mysql::ConnectOptions& options,
                             const std::vector<std::string>& addresses);

// Reads every node's wsrep state again. The error names the first node that cannot be asked or
// has left Galera replication.
Status Refresh(Cluster& cluster);

// Pure: what is wrong with a node for a schema change to start now, empty when nothing. A node
// must be ready, Synced, not desynced, in a Primary component of the expected size.
std::string NodeNotReady(const mysql::GaleraStatus& status, long long expected_size);

}  // namespace safeddl::galera
