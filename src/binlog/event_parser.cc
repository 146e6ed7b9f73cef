#include "binlog/event_parser.h"

#include <fmt/format.h>

namespace safeddl::binlog {

namespace {
// Post-header lengths of current servers, used when the FORMAT_DESCRIPTION table is short.
constexpr uint8_t kRotatePostHeaderLength = 8;
constexpr uint8_t kRowsV1PostHeaderLength = 8;
constexpr uint8_t kRowsV2PostHeaderLength = 10;

// Whether the last 4 bytes of `event` are the CRC32 of the rest (a false match is a 2^-32
// chance).
bool HasValidCrc32(std::string_view event) {
  if (event.size() < kEventHeaderLength + kChecksumLength) return false;
  return VerifyEventCrc32(event, 0).ok();
}

}  // namespace

EventParser::EventParser(EventParserOptions options)
    : options_(options), format_(DefaultFormatDescription()) {}

Result<Event> EventParser::Parse(std::string_view event, uint64_t offset) {
  SAFEDDL_ASSIGN_OR_RETURN(EventHeader header, ParseEventHeader(event, offset));
  if (header.event_size != event.size()) {
    return CorruptionError(
        fmt::format("event at offset {} ({}): header says {} bytes, buffer has {}", offset,
                    EventTypeName(header.type), header.event_size, event.size()));
  }
  Event ev;
  ev.header = header;
  ev.offset = offset;
  if (header.type == EventType::kFormatDescription) {
    SAFEDDL_ASSIGN_OR_RETURN(FormatDescription fd,
                             ParseFormatDescription(event, offset, options_.verify_checksums));
    format_ = fd;
    seen_format_ = true;
    tables_.clear();  // a new file or a restarted server: table ids start over
    ev.body = std::move(fd);
    return ev;
  }
  std::string_view without_checksum = event;
  if (format_.checksum == ChecksumAlgorithm::kCrc32) {
    if (options_.verify_checksums) SAFEDDL_RETURN_IF_ERROR(VerifyEventCrc32(event, offset));
    if (event.size() < kEventHeaderLength + kChecksumLength) {
      return ByteReader(event, offset).TruncatedError(kEventHeaderLength + kChecksumLength);
    }
    without_checksum = event.substr(0, event.size() - kChecksumLength);
  } else if (!seen_format_ && header.type == EventType::kRotate && HasValidCrc32(event)) {
    // A dump starts with an artificial ROTATE, before any FORMAT_DESCRIPTION says whether events
    // carry checksums; the server adds one when the replica announced it understands them.
    without_checksum = event.substr(0, event.size() - kChecksumLength);
  }
  ByteReader body(without_checksum.substr(kEventHeaderLength), offset + kEventHeaderLength);
  Result<EventBody> parsed = ParseBody(header, event, body);
  if (!parsed.ok()) {
    return parsed.status().WithContext(
        fmt::format("{} at offset {}", EventTypeName(header.type), offset));
  }
  ev.body = std::move(parsed).value();
  return ev;
}

Result<EventBody> EventParser::ParseBody(const EventHeader& header, std::string_view /*event*/,
                                         ByteReader body) {
  RowsEventTraits rows{};
  if (IsRowsEvent(header.type, &rows)) {
    const uint8_t fallback = rows.v2 ? kRowsV2PostHeaderLength : kRowsV1PostHeaderLength;
    // Compressed rows events share the post-header of their uncompressed siblings.
    const uint8_t phl = format_.PostHeaderLength(header.type, fallback);
    SAFEDDL_ASSIGN_OR_RETURN(RowsEvent ev, ParseRowsEvent(body, rows, phl, tables_, options_.rows));
    return EventBody(std::move(ev));
  }
  switch (header.type) {
    case EventType::kQuery:
    case EventType::kQueryCompressed: {
      const uint8_t phl = format_.PostHeaderLength(header.type, kQueryPostHeaderLength);
      SAFEDDL_ASSIGN_OR_RETURN(
          QueryEvent ev, ParseQueryEvent(body, phl, header.type == EventType::kQueryCompressed));
      return EventBody(std::move(ev));
    }
    case EventType::kRotate: {
      const uint8_t phl = format_.PostHeaderLength(header.type, kRotatePostHeaderLength);
      if (phl > kRotatePostHeaderLength)
        SAFEDDL_RETURN_IF_ERROR(body.Skip(phl - kRotatePostHeaderLength));
      SAFEDDL_ASSIGN_OR_RETURN(RotateEvent ev, ParseRotateEvent(body));
      return EventBody(std::move(ev));
    }
    case EventType::kXid: {
      SAFEDDL_ASSIGN_OR_RETURN(XidEvent ev, ParseXidEvent(body));
      return EventBody(ev);
    }
    case EventType::kGtid: {
      SAFEDDL_ASSIGN_OR_RETURN(GtidEvent ev, ParseGtidEvent(body, header.server_id));
      return EventBody(std::move(ev));
    }
    case EventType::kGtidList: {
      SAFEDDL_ASSIGN_OR_RETURN(GtidListEvent ev, ParseGtidListEvent(body));
      return EventBody(std::move(ev));
    }
    case EventType::kBinlogCheckpoint: {
      SAFEDDL_ASSIGN_OR_RETURN(BinlogCheckpointEvent ev, ParseBinlogCheckpointEvent(body));
      return EventBody(std::move(ev));
    }
    case EventType::kAnnotateRows: {
      SAFEDDL_ASSIGN_OR_RETURN(AnnotateRowsEvent ev, ParseAnnotateRowsEvent(body));
      return EventBody(std::move(ev));
    }
    case EventType::kTableMap: {
      const uint8_t phl = format_.PostHeaderLength(header.type, kTableMapPostHeaderLength);
      SAFEDDL_ASSIGN_OR_RETURN(TableMapEvent tm, ParseTableMapEvent(body, phl));
      SAFEDDL_ASSIGN_OR_RETURN(
          std::shared_ptr<const TableMapEvent> shared,
          WithTemporalDigits(std::make_shared<const TableMapEvent>(std::move(tm))));
      tables_[shared->table_id] = shared;
      return EventBody(std::move(shared));
    }
    default:
      return EventBody(SkippedEvent{fmt::format("{} not decoded", EventTypeName(header.type))});
  }
}

Result<std::shared_ptr<const TableMapEvent>> EventParser::WithTemporalDigits(
    std::shared_ptr<const TableMapEvent> table) {
  if (!options_.temporal_schema || !HasOldTemporalColumns(*table)) return table;
  const std::pair<std::string, std::string> key(table->database, table->table);
  auto it = temporal_schemas_.find(key);
  if (it == temporal_schemas_.end()) {
    SAFEDDL_ASSIGN_OR_RETURN(auto columns, options_.temporal_schema(table->database, table->table));
    it = temporal_schemas_.emplace(key, std::move(columns)).first;
  }
  return WithSchemaTemporalDigits(std::move(table), it->second ? &*it->second : nullptr);
}

}  // namespace safeddl::binlog
