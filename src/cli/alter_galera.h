// `safeddl alter` on a Galera node. `--galera-method toi`: the DDL in total order on every node,
// issued only once no node has what would make it wait or stall the cluster, within --max-wait
// (galera/toi.h). `--galera-method rsu`: node by node, each desynced while it changes, for changes
// that keep rows' columns (galera/rsu.h). `--galera-method online`: a ghost table filled in
// chunks, the application's writes carried by triggers, swapped in by one RENAME in total order
// (galera/online_copy.h). Without --galera-method a Galera node is refused before anything
// changes: the binlog copy's cut-over locks (LOCK TABLES, GET_LOCK) are not replicated there.
#pragma once

#include <atomic>
#include <optional>
#include "cli/alter_command.h"

#include "mysql/connect_options.h"
#include "mysql/galera_status.h"

namespace safeddl::cli {

// The server's Galera state; nullopt when it is not a Galera node (wsrep_on OFF).
Result<std::optional<mysql::GaleraStatus>> GaleraNodeStatus(const mysql::ConnectOptions& connect);

// A plain alter (no --galera-method) on node `node`: refused, with the methods to choose from.
Status RefuseWithoutGaleraMethod(const mysql::GaleraStatus& node);

// With --galera-method toi, rsu or online. `cancel` (set by SIGINT/SIGTERM) stops the online
// copy before its swap, cleaned up.
Status RunAlterOnGalera(const AlterOptions& options, const mysql::ConnectOptions& connect,
                        const std::atomic<bool>* cancel);

}  // namespace safeddl::cli
