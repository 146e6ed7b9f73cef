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
#include <set>
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
  // The definition of db.table (nullopt when the table is gone), to complete its table maps
  // with what the binlog does not carry (FillFromSchema): signedness, charsets, ENUM/SET labels,
  // UUID/INET6, old-format temporal digits. Called on the parsing thread, once per table and
  // again after a DDL in the stream. A table map the definition does not fit is refused (the
  // row images were written with another definition) unless the binlog itself carries all the
  // table's values need (InexactColumns). Empty: table maps are used as logged.
  using SchemaLookup = std::function<Result<std::optional<std::vector<SchemaColumn>>>(
      const std::string& db, const std::string& table)>;
  SchemaLookup schema = nullptr;
  // The tables whose rows the caller reads; only these are completed (and refused). Empty: all.
  std::function<bool(const TableMapEvent& table)> wanted = nullptr;
  // Told once per table whose values cannot be rendered exactly (no definition to complete its
  // table map): what is missing and how to get it. May be empty.
  std::function<void(const std::string& message)> warn = nullptr;
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
  // `table` completed from options_.schema (see EventParserOptions::schema).
  Result<std::shared_ptr<const TableMapEvent>> Complete(std::shared_ptr<const TableMapEvent> table);
  void WarnInexact(const TableMapEvent& table, std::string_view why);

  EventParserOptions options_;
  FormatDescription format_;
  bool seen_format_ = false;  // a FORMAT_DESCRIPTION was parsed (format_ is not the default)
  TableMaps tables_;
  struct TableSchema {
    std::optional<std::vector<SchemaColumn>> columns;  // nullopt: the table is gone
    // The last table map completed with it, raw and completed, reused while the next ones are
    // the same (table maps repeat in every transaction).
    std::shared_ptr<const TableMapEvent> last_raw, last_completed;
  };
  std::map<std::pair<std::string, std::string>, TableSchema> schemas_;  // by database and table
  std::set<std::pair<std::string, std::string>> warned_;
};

}  // namespace safeddl::binlog
