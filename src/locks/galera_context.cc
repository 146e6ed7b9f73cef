#include "locks/galera_context.h"

#include <fmt/format.h>

#include <algorithm>

namespace safeddl::locks {

std::string GaleraSummary(const mysql::GaleraStatus& g) {
  return fmt::format(
      "Galera node '{}' of '{}': {} node(s), {}, {}; {} local transaction(s) rolled back by "
      "conflicting writes from other nodes (BF aborts) since the server started",
      g.node_name, g.cluster_name, g.cluster_size, g.cluster_status, g.local_state, g.bf_aborts);
}

void AddGaleraContext(const mysql::GaleraStatus& g, const LockSnapshot& snapshot,
                      const WaitGraph& graph, std::vector<Decision>& decisions) {
  for (size_t i = 0; i < decisions.size() && i < graph.pileups.size(); ++i) {
    Decision& d = decisions[i];
    const Pileup& p = graph.pileups[i];
    std::erase_if(d.advice, [](const std::string& a) {
      return a == kReplicaHealthAdvice || a == kReadOnlyAdvice;
    });
    const SessionInfo* ddl = p.ddl_id ? snapshot.FindSession(*p.ddl_id) : nullptr;
    if (ddl == nullptr || !p.ddl_waiting) continue;
    const bool replicated = ddl->user == "system user";
    d.reasons.insert(
        d.reasons.begin(),
        fmt::format(
            "this is a Galera node and the DDL {}: it runs in total order (TOI), cannot be "
            "killed, and until it has run here no node of cluster '{}' ({} nodes) commits",
            replicated ? "was replicated from another node (an applier thread)" : "was issued here",
            g.cluster_name, g.cluster_size));
    d.advice.push_back(fmt::format(
        "end what holds {} on this node (a LOCK TABLES, FLUSH TABLES WITH READ LOCK or open "
        "transaction: UNLOCK TABLES or KILL that session); until then the whole cluster waits{}",
        p.table.ToString(),
        snapshot.HoldersVisible()
            ? ""
            : ". Install the METADATA_LOCK_INFO plugin (--install-mdl-plugin) to see the holder"));
    d.advice.push_back(
        "SET GLOBAL read_only and a failover do not help on Galera: the stall comes from the "
        "change's place in the cluster's order. Next time: safeddl alter --galera-method toi "
        "checks every node first");
  }
}

}  // namespace safeddl::locks
