// `safeddl snapshot`: keep a table's rows (all, or a --where's) before a change, consistent at a
// binlog position, in the snapshot schema, with a catalog entry (snapshot/take.h); `snapshot
// list` shows the catalog, `snapshot drop ID` removes one. Text or --json on stdout.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "cli/command.h"
#include "cli/connection_flags.h"

namespace safeddl::cli {

struct SnapshotCommandOptions {
  ConnectionFlags connection;
  std::string database;
  std::string table;
  std::string where;
  int64_t chunk_size = 1000;
  uint32_t server_id = 0;  // 0: one per process
  // Throttling of the copy, as alter's flags.
  int64_t max_lag_millis = 1500;
  std::string max_load, critical_load, throttle_flag_file;
  std::string to_file;       // --to-file: write the rows there instead of keeping them
  std::string from_replica;  // --from-replica HOST:PORT: the rows as a stopped replica has them
  bool json = false;
  uint64_t drop_id = 0;
};

void SetupSnapshot(CLI::App& parent, CommandSlot& slot);
Status RunSnapshot(const SnapshotCommandOptions& options);
Status RunSnapshotList(const SnapshotCommandOptions& options);
Status RunSnapshotDrop(const SnapshotCommandOptions& options);

}  // namespace safeddl::cli
