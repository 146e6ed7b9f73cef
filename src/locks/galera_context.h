// What a metadata-lock pileup means on a Galera node, added to unblock's decisions. A DDL there
// runs in total order (TOI, the default wsrep_OSU_method): once ordered it cannot be killed, and
// while it waits on one node for a lock held there, no node of the cluster commits. A DDL
// replicated from another node shows as a "system user" (applier) thread. The fallbacks meant
// for a primary with replicas (a replica to fail over to, SET GLOBAL read_only) do not help.
// BF aborts (local transactions rolled back by replicated writes that conflict with them) are
// counted. Pure functions.
#pragma once

#include <string>
#include <vector>

#include "locks/policy.h"
#include "locks/snapshot.h"
#include "locks/wait_graph.h"
#include "mysql/galera_status.h"

namespace safeddl::locks {

// One line for the report: the node, its cluster and the BF aborts so far.
std::string GaleraSummary(const mysql::GaleraStatus& galera);

// Adds the Galera explanation to each decision whose pileup has a DDL at its head, and replaces
// the primary/replica fallbacks (kReplicaHealthAdvice, kReadOnlyAdvice: call it before the
// replica-health advice is filled in). `decisions[i]` belongs to `graph.pileups[i]`.
void AddGaleraContext(const mysql::GaleraStatus& galera, const LockSnapshot& snapshot,
                      const WaitGraph& graph, std::vector<Decision>& decisions);

}  // namespace safeddl::locks
