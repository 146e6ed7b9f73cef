// `safeddl fence on|off|status`: keep application accounts out of one server for a maintenance
// window (topology/fence.h), lift it, or show it. Text or --json on stdout.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/connection_flags.h"

namespace safeddl::cli {

struct FenceCommandOptions {
  ConnectionFlags connection;
  std::vector<std::string> allow;  // each a comma-separated list of user[@host]
  bool read_only = false;
  bool lock_accounts = false;  // with --read-only: lock the accounts as well
  std::string expire;          // a duration; "" = no expiry
  std::string grace = "10s";
  bool dry_run = false;
  bool json = false;
};

void SetupFence(CLI::App& parent, CommandSlot& slot);
Status RunFenceOn(const FenceCommandOptions& options);
Status RunFenceOff(const FenceCommandOptions& options);
Status RunFenceStatus(const FenceCommandOptions& options);

}  // namespace safeddl::cli
