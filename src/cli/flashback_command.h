// `safeddl flashback`: undo the DML of a binlog range — whole transactions reversed, newest
// first, each as one transaction — as a readable SQL script (stdout or --output) or applied
// directly with --execute, where every row must still hold what the binlog recorded (a conflict
// rolls that transaction back and stops, unless --skip-conflicts or --force; rows go in
// multi-row statements of up to --batch-rows, flashback/executor.h). --forward writes
// the changes themselves instead (audit).
//
//   safeddl flashback --from-server [--start-position FILE:POS | --start-gtid G |
//                     --start-datetime T] [--stop-position FILE:POS | --stop-gtid G |
//                     --stop-datetime T] [--databases a,b] [--tables t,db.t]
//                     [--sql-type insert,update,delete] [--server-id N] [--thread-id N]
//                     [--output FILE | --execute [--skip-conflicts | --force] [--batch-rows N]]
//                     [--forward]
//                     [--max-memory 128M] [--json] [connection flags]
//   safeddl flashback FILE... (same filters)
//
// Refuses: binlog_format other than ROW or binlog_row_image other than FULL on the server,
// partial row images in the range, a start file the server has purged, DDL on a selected table
// inside the range (named with its position). Warns about ON DELETE/UPDATE CASCADE foreign keys
// on the tables (cascaded child changes are not in the binlog).
// The work is in src/flashback; this file binds flags, reads the range and reports.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/connection_flags.h"

namespace safeddl::cli {

struct FlashbackOptions {
  ConnectionFlags connection;
  std::vector<std::string> files;
  bool from_server = false;
  std::string start_position;  // FILE:POS; for files also a bare POS in the first file
  std::string stop_position;   // FILE:POS; for files also a bare POS in the last file
  std::string start_datetime;  // "YYYY-MM-DD HH:MM:SS" (UTC)
  std::string stop_datetime;
  std::string start_gtid;  // transactions after this GTID
  std::string stop_gtid;   // up to and including this GTID
  std::vector<std::string> databases;
  std::vector<std::string> tables;
  std::vector<std::string> sql_types;
  int64_t server_id = -1;  // filter; -1: any
  int64_t thread_id = -1;  // filter; -1: any
  std::string output;      // SQL script file; empty: stdout
  bool execute = false;
  bool forward = false;
  bool skip_conflicts = false;
  bool force = false;
  int64_t batch_rows = 1000;  // rows per multi-row statement with --execute
  int64_t group_transactions = 100;  // small transactions per server transaction with --execute
  bool no_load_data = false;         // --execute: updates as SQL literals only
  // Spool bytes kept in memory before spilling to a temporary file: peak RSS stays below 200 MB
  // whatever the range's size.
  std::string max_memory = "128M";
  bool json = false;
};

void SetupFlashback(CLI::App& parent, CommandSlot& slot);
Status RunFlashback(const FlashbackOptions& options);

// "256M", "1G", "65536" -> bytes. InvalidArgument otherwise.
Result<uint64_t> ParseByteSize(const std::string& text);

}  // namespace safeddl::cli
