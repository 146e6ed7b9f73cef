#include "galera/cluster.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "common/strings.h"

namespace safeddl::galera {

std::string Node::Name() const {
  return status.node_name.empty() ? address.Text()
                                  : fmt::format("{} ({})", status.node_name, address.Text());
}

Result<Cluster> ReachCluster(const mysql::ConnectOptions& options,
                             const std::vector<std::string>& addresses) {
  SAFEDDL_ASSIGN_OR_RETURN(auto first, mysql::Connection::Open(options));
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<mysql::GaleraStatus> status,
                           mysql::ReadGaleraStatus(*first));
  if (!status) {
    return FailedPreconditionError(
        "the server connected to is not a Galera node (wsrep_on is OFF): leave out "
        "--galera-method and --galera-nodes");
  }
  std::vector<std::string> members = addresses;
  if (members.empty()) {
    members = status->incoming_addresses;
    for (const std::string& m : members) {
      if (m == "AUTO" || m.empty()) {
        return FailedPreconditionError(fmt::format(
            "a node of cluster '{}' does not know its SQL address (wsrep_incoming_addresses: "
            "{}): name every node with --galera-nodes host:port,..., or set "
            "wsrep_node_incoming_address on each node",
            status->cluster_name, JoinStrings(status->incoming_addresses, ",")));
      }
    }
  }
  Cluster cluster;
  cluster.expected_size = status->cluster_size;
  for (const std::string& m : members) {
    SAFEDDL_ASSIGN_OR_RETURN(topology::Address a, topology::ParseAddress(m));
    if (std::any_of(cluster.nodes.begin(), cluster.nodes.end(),
                    [&](const Node& n) { return n.address == a; })) {
      continue;
    }
    Node node;
    node.address = a;
    SAFEDDL_ASSIGN_OR_RETURN(node.conn, topology::ConnectTo(options, a));
    SAFEDDL_ASSIGN_OR_RETURN(std::optional<mysql::GaleraStatus> s,
                             mysql::ReadGaleraStatus(*node.conn));
    if (!s) {
      return FailedPreconditionError(
          fmt::format("{} is not a Galera node (wsrep_on is OFF)", a.Text()));
    }
    node.status = std::move(*s);
    cluster.nodes.push_back(std::move(node));
  }
  if (addresses.empty()) {
    std::sort(cluster.nodes.begin(), cluster.nodes.end(), [](const Node& a, const Node& b) {
      return std::tie(a.address.host, a.address.port) < std::tie(b.address.host, b.address.port);
    });
  }
  if (static_cast<long long>(cluster.nodes.size()) < cluster.expected_size) {
    return FailedPreconditionError(fmt::format(
        "cluster '{}' has {} nodes and only {} were named ({}): every node must be checked; "
        "name them all with --galera-nodes",
        status->cluster_name, cluster.expected_size, cluster.nodes.size(),
        JoinStrings(members, ",")));
  }
  return cluster;
}

Status Refresh(Cluster& cluster) {
  for (Node& node : cluster.nodes) {
    Result<std::optional<mysql::GaleraStatus>> s = mysql::ReadGaleraStatus(*node.conn);
    if (!s.ok()) return s.status().WithContext(node.Name() + " cannot be asked");
    if (!*s)
      return FailedPreconditionError(node.Name() + " left Galera replication (wsrep_on OFF)");
    node.status = std::move(**s);
  }
  return Status::OK();
}

std::string NodeNotReady(const mysql::GaleraStatus& s, long long expected_size) {
  if (!s.ready) return "not ready (wsrep_ready OFF)";
  if (!s.Primary()) return fmt::format("not in a Primary component ({})", s.cluster_status);
  if (s.cluster_size != expected_size) {
    return fmt::format("sees {} node(s), not {}", s.cluster_size, expected_size);
  }
  if (s.desync || s.desync_count > 0) {
    return fmt::format(
        "desynced ({}): a global read lock (FLUSH TABLES WITH READ LOCK), a backup, an RSU change "
        "or wsrep_desync=ON keeps it out of the cluster's flow",
        s.local_state);
  }
  if (!s.Synced()) return fmt::format("not Synced ({})", s.local_state);
  return "";
}

}  // namespace safeddl::galera
