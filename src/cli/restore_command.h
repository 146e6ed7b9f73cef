// `safeddl restore ID`: puts a snapshot's rows back into their table by key (snapshot/restore.h);
// without --execute, a dry run that counts what it would put back. Text or --json on stdout.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>

#include "cli/command.h"
#include "cli/connection_flags.h"

namespace safeddl::cli {

struct RestoreCommandOptions {
  ConnectionFlags connection;
  uint64_t id = 0;
  bool execute = false;
  bool json = false;
};

void SetupRestore(CLI::App& parent, CommandSlot& slot);
Status RunRestore(const RestoreCommandOptions& options);

}  // namespace safeddl::cli
