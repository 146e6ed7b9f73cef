// Galera clusters for sandboxes (`safeddl sandbox up --galera N`): what a node needs on this
// host (the provider, rsync, an account to run as), the wsrep part of a node's configuration, and
// the cluster's readiness (every node Synced in one Primary component).
//
// Each node has its own ports: SQL, group communication (gcomm), IST (gcomm + 1) and SST (rsync).
// The first node bootstraps the cluster (`--wsrep-new-cluster`); the others join one at a time
// and receive its data by rsync SST. Run as root, nodes run as the `mysql` account: the rsync
// daemon of an SST started by root drops to `nobody`, which cannot write the datadir.
// Functions are thread-compatible.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "sandbox/sandbox.h"

namespace safeddl::mysql {
class Connection;
}

namespace safeddl::sandbox {

inline constexpr unsigned kGaleraFirstPort = 14567;  // gcomm (IST is gcomm + 1)
inline constexpr unsigned kSstFirstPort = 14444;

// The Galera provider: $SAFEDDL_GALERA_PROVIDER when set, else galera-4's library. The error
// names the package to install; rsync (the SST method) is checked too.
Result<std::string> FindGaleraProvider();

// For `nodes` nodes: a gcomm port each with its IST port (the next one) free too, and an SST
// port each, all distinct and none of `taken`.
Status AssignGaleraPorts(std::vector<ServerInstance>& nodes, const std::vector<unsigned>& taken);

// The account nodes run as: nullopt when safeddl is not root (nodes run as the caller), else
// `mysql` (its uid and gid). Error when root and there is no such account.
struct RunAs {
  unsigned uid = 0;
  unsigned gid = 0;
  std::string name;
};
Result<std::optional<RunAs>> GaleraRunAs();

// Running as root: every folder above `dir` must let `who` through, or its nodes cannot start;
// the error names the folder and what to do.
Status CheckReachable(const std::string& dir, const RunAs& who);
// Gives `path` and everything under it to `who`.
Status GiveTree(const std::string& path, const RunAs& who);

// The lines a node adds to its server configuration: provider, cluster address of every node,
// its own addresses, rsync SST, and the settings Galera requires (ROW binlog, InnoDB,
// innodb_autoinc_lock_mode=2). `stock` leaves everything else at the defaults (the gcache size
// among them).
std::string GaleraConfigLines(const std::string& cluster_name, const std::string& provider,
                              const std::vector<ServerInstance>& nodes, size_t index, bool stock);

// Waits until the node `conn` is on says Synced in a Primary component of `size` nodes, and ready
// for queries (wsrep_ready ON). The error tells the node's state and the end of its error log.
Status WaitUntilSynced(mysql::Connection& conn, const ServerInstance& node, int size,
                       std::chrono::seconds timeout);

// Which node a stopped cluster must be started from: the one whose grastate.dat says
// `safe_to_bootstrap: 1` (the last to stop cleanly). Error when none does (every node crashed).
Result<size_t> BootstrapNode(const std::vector<ServerInstance>& nodes);

}  // namespace safeddl::sandbox
