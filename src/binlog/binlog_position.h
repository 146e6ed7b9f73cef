// BinlogPosition: a point in a server's binlog (file name + byte offset of an event boundary),
// ordered as the server writes them, and its "FILE:POS" text form.
// Pure value type and functions: thread-safe.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace safeddl::binlog {

struct BinlogPosition {
  std::string file;
  uint64_t offset = 0;

  // Files of one server share a base name and a fixed-width sequence number, so comparing the
  // names as strings orders them.
  auto operator<=>(const BinlogPosition&) const = default;
  bool empty() const { return file.empty(); }
  std::string ToString() const { return file + ":" + std::to_string(offset); }
};

// Parses "mariadb-bin.000003:1234". InvalidArgument for anything else (no file, no colon, a
// position that is not a number or is below 4, the length of the file magic).
Result<BinlogPosition> ParseBinlogPosition(std::string_view text);

}  // namespace safeddl::binlog
