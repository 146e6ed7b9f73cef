// `safeddl alter --via-replicas --switchover-to HOST:PORT`: a change row-based replication
// carries, made on the replicas first, then a switchover, then on the old primary
// (topology/rolling_change.h). Refused up front, before anything changes, for a change
// replication does not carry (schema/replication_compat.h).
#pragma once

#include "cli/alter_command.h"
#include "mysql/connect_options.h"

namespace safeddl::cli {

Status RunAlterViaReplicas(const AlterOptions& options, const mysql::ConnectOptions& connect);

}  // namespace safeddl::cli
