// `safeddl failover`: the primary is gone; the most advanced of its replicas is promoted and the
// others replicate from it (topology/failover.h). Run against one of the replicas, with the
// others in --replicas. Text or --json on stdout, a line per step on stderr.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/connection_flags.h"

namespace safeddl::cli {

struct FailoverCommandOptions {
  ConnectionFlags connection;
  std::vector<std::string> replicas;
  std::string to;
  std::string catch_up = "30s";
  std::string probe_timeout = "3s";
  bool dry_run = false;
  bool json = false;
};

void SetupFailover(CLI::App& parent, CommandSlot& slot);
Status RunFailover(const FailoverCommandOptions& options);

}  // namespace safeddl::cli
