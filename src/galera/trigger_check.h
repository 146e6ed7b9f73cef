// Whether every node of a Galera cluster holds the capture triggers (galera/capture_triggers.h)
// or, once they are dropped, none of them. A DDL runs on every node in total order, but a node
// whose applier fails one only logs "WSREP: Ignoring error" and goes on
// (wsrep_ignore_apply_errors=7, MariaDB's default); MariaDB 10.11 sometimes fails a CREATE
// TRIGGER so, misreading a trigger created just before. The node the DDL was issued on then
// reports success while another node takes the application's writes without the trigger, and the
// ghost misses them on every node. So after creating or dropping the triggers, the online copy
// asks each node what it holds.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/result.h"
#include "galera/capture_triggers.h"
#include "galera/cluster.h"
#include "galera/ddl_spread.h"
#include "osc/migration_plan.h"

namespace safeddl::galera {

// The nodes that do not hold what they should, each with what it lacks or holds too many
// ("`_t_gho_upd` is missing"; DescribeDifferences names them all); empty when every node holds
// `triggers` (`present`) or none of them (not `present`). `seqno`: a cluster seqno at or past the
// DDL's (the origin's wsrep_last_committed after it). A node that holds what it should is not
// waited for; one that does not is asked again until it has committed `seqno`. Error: a node that
// has not done so within `timeout`, or cannot be asked.
Result<std::vector<NodeDifference>> TriggersNotEverywhere(
    Cluster& cluster, const osc::MigrationPlan& plan, const std::vector<CaptureTrigger>& triggers,
    bool present, long long seqno, std::chrono::milliseconds timeout);

}  // namespace safeddl::galera
