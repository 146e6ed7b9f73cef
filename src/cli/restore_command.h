// `safeddl restore ID`: puts a snapshot's rows back into their table by key (snapshot/restore.h);
// with --until, the rows as they were at that point: the snapshot brought forward along the
// table's binlog first (snapshot/point_in_time.h). Without --execute, a dry run that counts what
// it would put back. Text or --json on stdout.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/connection_flags.h"

namespace safeddl::cli {

struct RestoreCommandOptions {
  ConnectionFlags connection;
  uint64_t id = 0;
  bool execute = false;
  bool replace_table = false;  // swap the whole table back instead of restoring by key
  bool json = false;
  std::string until;  // a GTID or "YYYY-MM-DD HH:MM:SS" (UTC): point-in-time restore
  std::vector<std::string> skip_gtids;  // left out of the replay: everything but these
  uint32_t replica_server_id = 0;       // 0: chosen per process
};

void SetupRestore(CLI::App& parent, CommandSlot& slot);
Status RunRestore(const RestoreCommandOptions& options);

}  // namespace safeddl::cli
