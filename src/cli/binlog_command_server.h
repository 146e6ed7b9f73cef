// The server half of `safeddl binlog`: resolving start and end positions, streaming with
// reconnects, and the information_schema lookup that names columns when the binlog does not.
// Internal to cli/binlog_command*.cc. Not thread-safe.
#pragma once

#include "binlog/binlog_position.h"
#include "cli/binlog_command.h"
#include "cli/binlog_command_printer.h"
#include "mysql/connection.h"

namespace safeddl::cli {

// Streams from the server described by options.connection to `printer`. `schema`
// (may be empty) completes table maps from the tables' definitions (EventParserOptions::schema).
Status RunBinlogFromServer(const BinlogOptions& options, RowChangePrinter& printer,
                           mysql::Connection& conn, const SchemaLookup& schema);

// Where a stop condition says to end, checked before an event (`start`: where it begins) and
// after it (`end`: the position after it).
struct StopAt {
  std::optional<binlog::BinlogPosition> position;
  std::optional<uint32_t> time;  // events logged at or after this are not printed

  bool Before(const binlog::BinlogPosition& start, uint32_t timestamp) const {
    return (position && start >= *position) || (time && timestamp != 0 && timestamp >= *time);
  }
  bool After(const binlog::BinlogPosition& end) const { return position && end >= *position; }
};

}  // namespace safeddl::cli
