// `safeddl switchover --to HOST:PORT`: a planned change of primary by GTID, run against the
// current primary (topology/switchover.h). Text or --json on stdout, a line per step on stderr.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/command.h"
#include "cli/connection_flags.h"

namespace safeddl::cli {

struct SwitchoverCommandOptions {
  ConnectionFlags connection;
  std::string to;
  std::string replication_user;
  std::string replication_password_file;
  std::string max_lag = "10s";
  std::string catch_up = "30s";
  std::string grace = "1s";
  bool dry_run = false;
  bool json = false;
};

void SetupSwitchover(CLI::App& parent, CommandSlot& slot);
// The first line of `path` (--replication-password-file: a password never goes in argv).
Result<std::string> ReadPasswordFile(const std::string& path);
Status RunSwitchover(const SwitchoverCommandOptions& options);

}  // namespace safeddl::cli
