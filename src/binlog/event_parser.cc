#include "binlog/event_parser.h"

#include <fmt/format.h>

#include "binlog/ddl_check.h"
#include "common/strings.h"

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

// Same table id and columns as logged: the same table map again.
bool SameLayout(const TableMapEvent& a, const TableMapEvent& b) {
  if (a.table_id != b.table_id || a.columns.size() != b.columns.size() ||
      a.has_signedness != b.has_signedness || a.has_charsets != b.has_charsets) {
    return false;
  }
  for (size_t i = 0; i < a.columns.size(); ++i) {
    const ColumnDef& x = a.columns[i];
    const ColumnDef& y = b.columns[i];
    if (x.type != y.type || x.metadata != y.metadata || x.nullable != y.nullable ||
        x.is_unsigned != y.is_unsigned || x.collation != y.collation) {
      return false;
    }
  }
  return true;
}

// The binlog_row_metadata the table map was written with, as far as it shows.
std::string_view MetadataLevel(const TableMapEvent& table) {
  if (table.has_column_names) return "FULL";
  if (table.has_signedness || table.has_charsets) return "MINIMAL";
  return "NO_LOG";
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
      // A table's definition read before a DDL may not be the one after it: read it again.
      if (IsDdlStatement(ev.query)) schemas_.clear();
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
      SAFEDDL_ASSIGN_OR_RETURN(std::shared_ptr<const TableMapEvent> shared,
                               Complete(std::make_shared<const TableMapEvent>(std::move(tm))));
      tables_[shared->table_id] = shared;
      return EventBody(std::move(shared));
    }
    default:
      return EventBody(SkippedEvent{fmt::format("{} not decoded", EventTypeName(header.type))});
  }
}

Result<std::shared_ptr<const TableMapEvent>> EventParser::Complete(
    std::shared_ptr<const TableMapEvent> table) {
  if (options_.wanted && !options_.wanted(*table)) return table;
  if (!options_.schema) {
    WarnInexact(*table, "there is no server connection to read the table's definition from");
    return table;
  }
  const std::pair<std::string, std::string> key(table->database, table->table);
  auto it = schemas_.find(key);
  if (it == schemas_.end()) {
    SAFEDDL_ASSIGN_OR_RETURN(auto columns, options_.schema(table->database, table->table));
    it = schemas_.emplace(key, TableSchema{std::move(columns), nullptr, nullptr}).first;
  }
  TableSchema& known = it->second;
  if (known.last_raw != nullptr && SameLayout(*known.last_raw, *table)) {
    return known.last_completed;
  }
  if (!known.columns) {
    WarnInexact(*table, "the table no longer exists, so its definition cannot be read");
    return table;
  }
  SchemaFill fill = FillFromSchema(table, &*known.columns);
  if (!fill.mismatch.empty()) {
    const std::vector<std::string> inexact = InexactColumns(*table);
    if (!inexact.empty()) {
      return FailedPreconditionError(fmt::format(
          "`{}`.`{}`: its row images here were written with another definition than the "
          "table's current one (a DDL since: {}), and the binlog does not carry what its values "
          "need ({}; "
          "binlog_row_metadata={}): read this part of the binlog while the table has the "
          "definition it was written with, or set binlog_row_metadata=FULL on the server for "
          "future events",
          table->database, table->table, fill.mismatch, JoinStrings(inexact, "; "),
          MetadataLevel(*table)));
    }
  }
  known.last_raw = std::move(table);
  known.last_completed = fill.table;
  return fill.table;
}

void EventParser::WarnInexact(const TableMapEvent& table, std::string_view why) {
  if (!options_.warn) return;
  const std::pair<std::string, std::string> key(table.database, table.table);
  if (warned_.count(key) != 0) return;
  const std::vector<std::string> inexact = InexactColumns(table);
  if (inexact.empty()) return;
  warned_.insert(key);
  options_.warn(fmt::format(
      "`{}`.`{}`: some values may not be exact ({}): the binlog does not carry that "
      "(binlog_row_metadata={}) and {}; pass connection flags for a server that has the table, "
      "or set binlog_row_metadata=FULL on the server for future events",
      table.database, table.table, JoinStrings(inexact, "; "), MetadataLevel(table), why));
}

}  // namespace safeddl::binlog
