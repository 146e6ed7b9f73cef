// `safeddl binlog`: print the row changes a binlog holds, one JSON line per row change (or one
// SQL statement with --sql), from local binlog files or from a live server over the replication
// protocol.
//
//   safeddl binlog FILE...
//   safeddl binlog --from-server [--start-position FILE:POS | --start-gtid G | --start-datetime T]
//                  [--stop-position FILE:POS | --stop-datetime T | --stop-never]
//                  [--databases a,b] [--tables t1,db.t2] [--sql] [--json] [connection flags]
//
// From a server without --stop-never it stops at the binlog end it saw at the start (SHOW MASTER
// STATUS), so it terminates. A dropped dump connection is re-opened at the start of the last
// incomplete group, and the row changes of that group printed already are not printed again.
// Decoding, naming and rendering live in src/binlog; this file binds flags and drives the loop.
#pragma once

#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/connection_flags.h"

namespace safeddl::cli {

struct BinlogOptions {
  ConnectionFlags connection;
  std::vector<std::string> files;
  bool from_server = false;
  std::string start_position;  // FILE:POS; for files also a bare POS in the first file
  std::string start_gtid;      // MariaDB GTID position: output starts after it
  std::string start_datetime;  // "YYYY-MM-DD HH:MM:SS" (UTC)
  std::string stop_position;   // FILE:POS; for files also a bare POS in the last file
  std::string stop_datetime;
  bool stop_never = false;
  std::vector<std::string> databases;
  std::vector<std::string> tables;
  bool sql = false;
  bool json = false;       // the default output; accepted for symmetry with other commands
  uint32_t server_id = 0;  // 0: a per-process id from kBinlogServerIdBase
  bool verify_checksums = true;

  // Where output goes (tests); stdout by default.
  std::FILE* out = stdout;
  // When set, a server stream stops (cleanly) at the next event or heartbeat after it turns true.
  const std::atomic<bool>* stop = nullptr;
};

// Replication server ids used by `safeddl binlog` are kBinlogServerIdBase + pid % kServerIdSpan,
// so two concurrent runs (and the online ALTER's capture) do not evict each other.
inline constexpr uint32_t kBinlogServerIdBase = 3900000000u;
inline constexpr uint32_t kServerIdSpan = 100000000u;
// This process's id in that range, for every command that reads the binlog as a replica.
uint32_t DefaultBinlogServerId();

void SetupBinlog(CLI::App& parent, CommandSlot& slot);
Status RunBinlog(const BinlogOptions& options);

// Parses "YYYY-MM-DD HH:MM:SS" or "YYYY-MM-DDTHH:MM:SS[Z]" as UTC seconds since the epoch.
Result<uint32_t> ParseBinlogDatetime(const std::string& text);

}  // namespace safeddl::cli
