// BinlogPosition: a point in a server's binlog (file + offset), ordered as the server writes
// them. Pure value type; thread-compatible.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

#include "common/result.h"

namespace safeddl::mysql {
class Connection;
}

namespace safeddl::osc {

struct BinlogPosition {
  std::string file;
  uint64_t offset = 0;

  // Files of one server share a base name and a fixed-width sequence number, so comparing the
  // names as strings orders them.
  auto operator<=>(const BinlogPosition&) const = default;
  bool empty() const { return file.empty(); }
  std::string ToString() const { return file + ":" + std::to_string(offset); }
};

// Parses "mariadb-bin.000003:1234".
Result<BinlogPosition> ParseBinlogPosition(const std::string& text);

// The server's current binlog end (SHOW MASTER STATUS); FailedPrecondition when the binlog is off.
Result<BinlogPosition> CurrentBinlogPosition(mysql::Connection& conn);

}  // namespace safeddl::osc
