// FORMAT_DESCRIPTION_EVENT (type 15): the first event of every binlog file and stream. It tells
// the reader the server version, the length of the common header, the post-header length of
// each event type, and (servers from MySQL 5.6.1 / MariaDB 5.3 on) the checksum algorithm of
// every event that follows. Its own checksum follows the algorithm byte.
// Plain value type and pure functions: thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "binlog/checksum.h"
#include "binlog/event_header.h"
#include "common/result.h"

namespace safeddl::binlog {

inline constexpr size_t kServerVersionLength = 50;

struct FormatDescription {
  uint16_t binlog_version = 4;
  std::string server_version;  // "10.11.6-MariaDB-log"
  uint32_t create_timestamp = 0;
  uint8_t header_length = kEventHeaderLength;
  // post_header_lengths[t - 1] is the post-header length of event type t.
  std::vector<uint8_t> post_header_lengths;
  ChecksumAlgorithm checksum = ChecksumAlgorithm::kOff;

  // The post-header length announced for `type`, or `fallback` when the table is too short.
  uint8_t PostHeaderLength(EventType type, uint8_t fallback) const;
  bool IsMariaDb() const;
};

// A description with MariaDB 10.x defaults and no checksum, used before the stream's own
// FORMAT_DESCRIPTION arrives (for example to parse the fake ROTATE a server sends first).
FormatDescription DefaultFormatDescription();

// Parses a complete FORMAT_DESCRIPTION event (`event` holds header, body and any checksum;
// `offset` is its absolute position). When the event announces CRC32 and `verify_checksum` is
// set, its own checksum is verified.
Result<FormatDescription> ParseFormatDescription(std::string_view event, uint64_t offset,
                                                 bool verify_checksum = true);

}  // namespace safeddl::binlog
