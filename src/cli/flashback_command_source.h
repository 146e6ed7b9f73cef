// The reading half of `safeddl flashback`: feeds the events of the requested range — from local
// binlog files or from the server's replication stream — to a flashback::Collector, and the
// server checks that go with it (binlog settings, purged files, cascading foreign keys, the
// schema lookup). Internal to cli/flashback_command*.cc. Not thread-safe.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "cli/flashback_command.h"
#include "flashback/collector.h"
#include "mysql/connection.h"

namespace safeddl::cli {

// Reads options.files, or the server's binlog through `conn` when options.from_server.
Status ReadFlashbackRange(const FlashbackOptions& options, mysql::Connection* conn,
                          flashback::Collector& collector);

// FailedPrecondition unless the server logs ROW events with FULL row images.
Status CheckBinlogSettings(mysql::Connection& conn);

// Columns and unique keys of a table through `conn` (which must outlive the function).
flashback::TableInfoLookup MakeTableInfoLookup(mysql::Connection& conn);

// One warning line per foreign key that cascades from one of `tables` (db, table).
Result<std::vector<std::string>> CascadingForeignKeys(
    mysql::Connection& conn,
    const std::map<std::pair<std::string, std::string>, std::string>& tables);

}  // namespace safeddl::cli
