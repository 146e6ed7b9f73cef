// EventParser: turns the bytes of one complete binlog event into a typed Event.
//
// It is the one decoder behind both binlog files and the replication stream: callers hand it
// raw event bytes (header through checksum) and the event's position. It keeps the state that
// later events depend on: the current FORMAT_DESCRIPTION (checksum algorithm, post-header
// lengths) and the table maps that rows events refer to. Event types it does not decode are
// returned as SkippedEvent with their type and position, never an error.
//
// Not thread-safe: one parser per stream. Returned Events own their data (no views into the
// input buffer).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "binlog/column_naming.h"
#include "binlog/event_header.h"
#include "binlog/format_description.h"
#include "binlog/gtid_event.h"
#include "binlog/query_event.h"
#include "binlog/rows_event.h"
#include "binlog/small_events.h"
#include "binlog/table_map_event.h"
#include "common/result.h"

namespace safeddl::binlog {

// An event the parser recognised but does not decode (INTVAR, USER_VAR, HEARTBEAT, MySQL GTIDs,
// unknown codes, ...).
struct SkippedEvent {
  std::string reason;  // "INTVAR_EVENT not decoded"
};

using EventBody = std::variant<SkippedEvent, FormatDescription, RotateEvent, QueryEvent, XidEvent,
                               GtidEvent, GtidListEvent, BinlogCheckpointEvent, AnnotateRowsEvent,
                               std::shared_ptr<const TableMapEvent>, RowsEvent>;

struct Event {
  EventHeader header;
  uint64_t offset = 0;  // position of the event's first byte in its file / stream
  EventBody body;

  template <typename T>
  const T* As() const {
    return std::get_if<T>(&body);
  }
};

struct EventParserOptions {
  // Verify CRC32 checksums when the FORMAT_DESCRIPTION announces them.
  bool verify_checksums = true;
  // kDeferred: rows events keep their row images encoded (RowsEvent::encoded) for a caller that
  // renders them directly or decodes them later (DecodeRows); errors in the images surface then.
  RowsDecoding rows = RowsDecoding::kValues;
  // The current columns of db.table (nullopt when the table is gone), for the fractional digits
  // of old-format TIME/DATETIME/TIMESTAMP columns, which the binlog does not carry (see
  // WithSchemaTemporalDigits). Called on the parsing thread, once per table that has such
  // columns. Empty: those columns are taken to have no fractional digits.
  using SchemaLookup = std::function<Result<std::optional<std::vector<SchemaColumn>>>(
      const std::string& db, const std::string& table)>;
  SchemaLookup temporal_schema = nullptr;
};

class EventParser {
 public:
  explicit EventParser(EventParserOptions options = {});

  // Parses one complete event. `event` must hold exactly event_size bytes. On error the parser's
  // state is unchanged, so a caller may skip the event and continue.
  Result<Event> Parse(std::string_view event, uint64_t offset);

  const FormatDescription& format() const { return format_; }
  const TableMaps& table_maps() const { return tables_; }

 private:
  Result<EventBody> ParseBody(const EventHeader& header, std::string_view event, ByteReader body);
  // `table` with its old-format temporal digits from options_.temporal_schema, when it has any.
  Result<std::shared_ptr<const TableMapEvent>> WithTemporalDigits(
      std::shared_ptr<const TableMapEvent> table);

  EventParserOptions options_;
  FormatDescription format_;
  bool seen_format_ = false;  // a FORMAT_DESCRIPTION was parsed (format_ is not the default)
  TableMaps tables_;
  std::map<std::pair<std::string, std::string>, std::optional<std::vector<SchemaColumn>>>
      temporal_schemas_;  // by database and table
};

}  // namespace safeddl::binlog
