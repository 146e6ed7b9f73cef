// The 19-byte v4 header that starts every binlog event, and its parser.
//
// Layout (little-endian): timestamp u32, type u8, server_id u32, event_size u32 (whole event,
// header and checksum included), log_pos u32 (position of the NEXT event in the file; 0 for
// events that are not written to a file, such as fake rotates on the network), flags u16.
// Plain value types and a pure function: thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "binlog/event_type.h"
#include "common/result.h"

namespace safeddl::binlog {

inline constexpr size_t kEventHeaderLength = 19;
// Offsets inside the header that other code patches or inspects.
inline constexpr size_t kEventTypeOffset = 4;
inline constexpr size_t kEventSizeOffset = 9;
// A sanity bound on event_size: MariaDB caps events at max_allowed_packet (1 GiB).
inline constexpr uint32_t kMaxEventSize = 1u << 30;

// Header flags (LOG_EVENT_*_F).
inline constexpr uint16_t kEventFlagBinlogInUse = 0x0001;
inline constexpr uint16_t kEventFlagArtificial = 0x0020;

struct EventHeader {
  uint32_t timestamp = 0;
  EventType type = EventType::kUnknown;
  uint32_t server_id = 0;
  uint32_t event_size = 0;
  uint32_t log_pos = 0;
  uint16_t flags = 0;
};

// Parses the header at the start of `bytes`. `offset` is the absolute position of bytes[0] (for
// error messages). Corruption when fewer than 19 bytes are given or when event_size is smaller
// than the header or larger than kMaxEventSize.
Result<EventHeader> ParseEventHeader(std::string_view bytes, uint64_t offset);

}  // namespace safeddl::binlog
