#include "binlog/type_plugin_text.h"

#include <fmt/format.h>

#include <cstdint>

#include "binlog/value.h"

namespace safeddl::binlog {

namespace {

constexpr size_t kInet6Words = 8;
// Words 0..4 zero and word 5 0xffff: IPv4-mapped; words 0..5 zero: IPv4-compatible.
constexpr int kMappedZeroWords = 5;
constexpr int kCompatZeroWords = 6;
constexpr uint16_t kMappedMarker = 0xffff;

uint8_t Byte(std::string_view s, size_t i) { return static_cast<uint8_t>(s[i]); }

}  // namespace

std::string UuidText(std::string_view bytes) {
  const std::string hex = HexEncode(bytes);
  return fmt::format("{}-{}-{}-{}-{}", hex.substr(0, 8), hex.substr(8, 4), hex.substr(12, 4),
                     hex.substr(16, 4), hex.substr(20));
}

std::string Inet4Text(std::string_view bytes) {
  return fmt::format("{}.{}.{}.{}", Byte(bytes, 0), Byte(bytes, 1), Byte(bytes, 2), Byte(bytes, 3));
}

std::string Inet6Text(std::string_view bytes) {
  uint16_t words[kInet6Words];
  for (size_t i = 0; i < kInet6Words; ++i)
    words[i] = Byte(bytes, 2 * i) << 8 | Byte(bytes, 2 * i + 1);
  // The gap: the first longest run of zero words.
  int gap_pos = -1, gap_len = 0;
  for (int i = 0; i < static_cast<int>(kInet6Words);) {
    if (words[i] != 0) {
      ++i;
      continue;
    }
    int end = i;
    while (end < static_cast<int>(kInet6Words) && words[end] == 0) ++end;
    if (end - i > gap_len) gap_pos = i, gap_len = end - i;
    i = end;
  }
  const bool embedded_v4 =
      gap_pos == 0 && (gap_len == kCompatZeroWords ||
                       (gap_len == kMappedZeroWords && words[kMappedZeroWords] == kMappedMarker));
  std::string out;
  for (int i = 0; i < static_cast<int>(kInet6Words); ++i) {
    if (i == gap_pos) {
      out += i == 0 ? "::" : ":";
      i += gap_len - 1;
    } else if (i == kCompatZeroWords && embedded_v4) {
      return out + Inet4Text(bytes.substr(2 * kCompatZeroWords));
    } else {
      out += fmt::format("{:x}", words[i]);
      if (i + 1 != static_cast<int>(kInet6Words)) out.push_back(':');
    }
  }
  return out;
}

}  // namespace safeddl::binlog
