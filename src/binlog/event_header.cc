#include "binlog/event_header.h"

#include <fmt/format.h>

#include "common/byte_reader.h"

namespace safeddl::binlog {

Result<EventHeader> ParseEventHeader(std::string_view bytes, uint64_t offset) {
  ByteReader r(bytes, offset);
  if (r.remaining() < kEventHeaderLength) return r.TruncatedError(kEventHeaderLength);
  EventHeader h;
  SAFEDDL_ASSIGN_OR_RETURN(h.timestamp, r.ReadU32());
  SAFEDDL_ASSIGN_OR_RETURN(uint8_t type, r.ReadU8());
  h.type = static_cast<EventType>(type);
  SAFEDDL_ASSIGN_OR_RETURN(h.server_id, r.ReadU32());
  SAFEDDL_ASSIGN_OR_RETURN(h.event_size, r.ReadU32());
  SAFEDDL_ASSIGN_OR_RETURN(h.log_pos, r.ReadU32());
  SAFEDDL_ASSIGN_OR_RETURN(h.flags, r.ReadU16());
  if (h.event_size < kEventHeaderLength || h.event_size > kMaxEventSize) {
    return CorruptionError(fmt::format("event at offset {}: implausible event size {} ({})", offset,
                                       h.event_size, EventTypeName(h.type)));
  }
  return h;
}

}  // namespace safeddl::binlog
