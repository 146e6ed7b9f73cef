#include "binlog/binlog_position.h"

#include <fmt/format.h>

#include <charconv>

namespace safeddl::binlog {
namespace {
constexpr uint64_t kFirstEventOffset = 4;  // after the "\xfebin" magic
}  // namespace

Result<BinlogPosition> ParseBinlogPosition(std::string_view text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    return InvalidArgumentError(
        fmt::format("binlog position '{}' is not FILE:POS (e.g. mariadb-bin.000003:1234)", text));
  }
  BinlogPosition pos;
  pos.file = std::string(text.substr(0, colon));
  const std::string_view number = text.substr(colon + 1);
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), pos.offset);
  if (ec != std::errc() || end != number.data() + number.size() || pos.offset < kFirstEventOffset) {
    return InvalidArgumentError(
        fmt::format("binlog position '{}': '{}' is not an event offset (4 or more)", text, number));
  }
  return pos;
}

}  // namespace safeddl::binlog
