// RangeFilter: which tables and which transactions of a binlog range flashback takes —
// --databases, --tables ("t" in any database or "db.t"), --sql-type, --server-id, --thread-id,
// the start time and the MariaDB GTID bounds. Positions and the stop time end the stream and are
// the reader's business. Plain value types, pure functions: thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "binlog/gtid_event.h"
#include "common/result.h"
#include "flashback/row_op.h"

namespace safeddl::flashback {

struct RangeFilter {
  std::vector<std::string> databases;  // empty: all
  std::vector<std::string> tables;     // empty: all
  std::vector<OpKind> sql_types;       // original kinds; empty: all
  std::optional<uint32_t> server_id;
  std::optional<uint32_t> thread_id;
  std::optional<uint32_t> start_time;       // transactions logged at or after (UTC seconds)
  std::optional<binlog::Gtid> start_after;  // transactions after this GTID (in its domain)
  std::optional<binlog::Gtid> stop_after;   // up to and including this GTID (in its domain)

  bool TableSelected(std::string_view database, std::string_view table) const;
  bool KindSelected(OpKind kind) const;
};

// Parses "insert,update,delete" (any subset). InvalidArgument for anything else.
Result<std::vector<OpKind>> ParseSqlTypes(const std::vector<std::string>& names);

}  // namespace safeddl::flashback
