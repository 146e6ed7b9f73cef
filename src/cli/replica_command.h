// `safeddl replica status|delay|stop-before|start`, run against a replica: its delay
// (MASTER_DELAY), a stop just before a bad transaction (by GTID, or the first transaction after
// a time, looked up in its primary's binlog), and replication started again (topology/replica.h).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/command.h"
#include "cli/connection_flags.h"

namespace safeddl::cli {

struct ReplicaCommandOptions {
  ConnectionFlags connection;
  long long seconds = -1;  // delay --seconds
  std::string gtid;        // stop-before --gtid
  std::string datetime;    // stop-before --datetime (UTC)
  std::string wait = "10m";
  bool keep_delay = false;
  uint32_t server_id = 0;  // binlog reader id for --datetime; 0: one per process
  bool json = false;
};

void SetupReplica(CLI::App& parent, CommandSlot& slot);
Status RunReplicaStatus(const ReplicaCommandOptions& options);
Status RunReplicaDelay(const ReplicaCommandOptions& options);
Status RunReplicaStopBefore(const ReplicaCommandOptions& options);
Status RunReplicaStart(const ReplicaCommandOptions& options);

}  // namespace safeddl::cli
