#include "cli/flashback_command_source.h"

#include <fmt/format.h>

#include <charconv>
#include <filesystem>

#include "binlog/binlog_file_reader.h"
#include "binlog/binlog_position.h"
#include "binlog/event_parser.h"
#include "binlog/schema_lookup.h"
#include "binlog/server_event_source.h"
#include "binlog/server_position.h"
#include "cli/binlog_command.h"
#include "cli/binlog_command_server.h"
#include "common/log.h"
#include "mysql/quote.h"

namespace safeddl::cli {
namespace {

constexpr uint64_t kFirstEventOffset = 4;
constexpr std::chrono::milliseconds kHeartbeat{500};

// "1234" (a position in `file`) or "FILE:1234".
Result<binlog::BinlogPosition> ParseFilePosition(const std::string& text, const std::string& file) {
  if (text.find(':') != std::string::npos) return binlog::ParseBinlogPosition(text);
  uint64_t offset = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), offset);
  if (ec != std::errc() || end != text.data() + text.size() || offset < kFirstEventOffset) {
    return InvalidArgumentError(
        fmt::format("'{}' is not a binlog position (POS or FILE:POS)", text));
  }
  return binlog::BinlogPosition{file, offset};
}

Status StopTime(const FlashbackOptions& options, StopAt& stop) {
  if (!options.stop_datetime.empty()) {
    SAFEDDL_ASSIGN_OR_RETURN(stop.time, ParseBinlogDatetime(options.stop_datetime));
  }
  return Status::OK();
}

// The parser's options: table maps of the tables the range selects completed from `schema` (may
// be empty: no server), and a warning for those whose values the binlog alone does not say.
binlog::EventParserOptions ParserOptions(const binlog::SchemaLookup& schema,
                                         const flashback::Collector& collector) {
  return {.schema = schema,
          .wanted =
              [&collector](const binlog::TableMapEvent& t) {
                return collector.filter().TableSelected(t.database, t.table);
              },
          .warn = [](const std::string& m) { LogWarning("{}", m); }};
}

// One file from `start` (0: its beginning) to the first stop condition.
Status ReadFile(const std::string& path, uint64_t start, const StopAt& stop,
                const binlog::SchemaLookup& schema, flashback::Collector& collector,
                bool& stopped) {
  SAFEDDL_ASSIGN_OR_RETURN(auto reader, binlog::BinlogFileReader::Open(path));
  const std::string name = std::filesystem::path(path).filename().string();
  binlog::EventParser parser(ParserOptions(schema, collector));
  bool seek_pending = start > kFirstEventOffset;
  while (true) {
    SAFEDDL_ASSIGN_OR_RETURN(std::optional<binlog::RawEvent> raw, reader->Next());
    if (!raw) return Status::OK();
    Result<binlog::Event> event = parser.Parse(raw->bytes, raw->offset);
    if (!event.ok()) return event.status().WithContext(name);
    if (seek_pending) {  // the FORMAT_DESCRIPTION at offset 4 is needed to read the rest
      seek_pending = false;
      SAFEDDL_RETURN_IF_ERROR(reader->Seek(start));
      continue;
    }
    if (stop.Before({name, raw->offset}, event->header.timestamp)) {
      stopped = true;
      return Status::OK();
    }
    SAFEDDL_RETURN_IF_ERROR(collector.Add(*event, name));
    if (collector.done() || stop.After({name, raw->offset + event->header.event_size})) {
      stopped = true;
      return Status::OK();
    }
  }
}

Status ReadFiles(const FlashbackOptions& options, const binlog::SchemaLookup& schema,
                 flashback::Collector& collector) {
  const std::string first = std::filesystem::path(options.files.front()).filename().string();
  const std::string last = std::filesystem::path(options.files.back()).filename().string();
  std::optional<binlog::BinlogPosition> start;
  StopAt stop;
  if (!options.start_position.empty()) {
    SAFEDDL_ASSIGN_OR_RETURN(start, ParseFilePosition(options.start_position, first));
    if (start->file != first) {
      return InvalidArgumentError(
          fmt::format("--start-position {} is not in the first file {}", start->ToString(), first));
    }
  }
  if (!options.stop_position.empty()) {
    SAFEDDL_ASSIGN_OR_RETURN(stop.position, ParseFilePosition(options.stop_position, last));
  }
  SAFEDDL_RETURN_IF_ERROR(StopTime(options, stop));
  for (size_t i = 0; i < options.files.size(); ++i) {
    bool stopped = false;
    const uint64_t offset = i == 0 && start ? start->offset : 0;
    SAFEDDL_RETURN_IF_ERROR(ReadFile(options.files[i], offset, stop, schema, collector, stopped));
    if (stopped) break;
  }
  return Status::OK();
}

Result<std::vector<std::string>> BinlogFiles(mysql::Connection& conn) {
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet rs, conn.Query("SHOW BINARY LOGS"));
  std::vector<std::string> files;
  for (const mysql::Row& row : rs.rows()) files.push_back(row.GetString("Log_name"));
  if (files.empty()) return FailedPreconditionError("the server has no binlog files");
  return files;
}

Status ReadServer(const FlashbackOptions& options, mysql::Connection& conn,
                  flashback::Collector& collector) {
  SAFEDDL_ASSIGN_OR_RETURN(std::vector<std::string> files, BinlogFiles(conn));
  binlog::ServerSourceOptions source;
  source.connect = conn.options();
  source.server_id = DefaultBinlogServerId();
  source.heartbeat = kHeartbeat;
  if (!options.start_position.empty()) {
    SAFEDDL_ASSIGN_OR_RETURN(binlog::BinlogPosition start,
                             binlog::ParseBinlogPosition(options.start_position));
    if (std::find(files.begin(), files.end(), start.file) == files.end()) {
      return FailedPreconditionError(
          fmt::format("--start-position {}: the server no longer has {} (purged? oldest is {})",
                      start.ToString(), start.file, files.front()));
    }
    source.file = start.file;
    source.position = start.offset;
  } else if (!options.start_gtid.empty()) {
    source.start_gtid = options.start_gtid;
  } else {
    source.file = files.front();
    source.position = kFirstEventOffset;
  }
  StopAt stop;
  if (!options.stop_position.empty()) {
    SAFEDDL_ASSIGN_OR_RETURN(stop.position, binlog::ParseBinlogPosition(options.stop_position));
  } else {
    SAFEDDL_ASSIGN_OR_RETURN(stop.position, binlog::CurrentBinlogPosition(conn));
  }
  SAFEDDL_RETURN_IF_ERROR(StopTime(options, stop));
  if (!source.file.empty() &&
      binlog::BinlogPosition{source.file, source.position} >= *stop.position) {
    return Status::OK();  // an empty range
  }
  SAFEDDL_ASSIGN_OR_RETURN(std::unique_ptr<binlog::ServerEventSource> stream,
                           binlog::ServerEventSource::Open(source));
  binlog::EventParser parser(ParserOptions(binlog::MakeSchemaLookup(conn), collector));
  std::string file = source.file;
  while (true) {
    SAFEDDL_ASSIGN_OR_RETURN(binlog::RawEvent raw, stream->Next());
    SAFEDDL_ASSIGN_OR_RETURN(binlog::Event event, parser.Parse(raw.bytes, raw.offset));
    if (event.header.type == binlog::EventType::kHeartbeat) continue;
    if (const auto* rotate = event.As<binlog::RotateEvent>()) {
      file = rotate->next_file;
      if (stop.After({file, rotate->position})) return Status::OK();
      continue;
    }
    if (raw.offset == 0) continue;  // artificial events
    if (stop.Before({file, raw.offset}, event.header.timestamp)) return Status::OK();
    SAFEDDL_RETURN_IF_ERROR(collector.Add(event, file));
    if (collector.done() || stop.After({file, raw.offset + event.header.event_size})) {
      return Status::OK();
    }
  }
}

}  // namespace

Status ReadFlashbackRange(const FlashbackOptions& options, mysql::Connection* conn,
                          flashback::Collector& collector) {
  if (options.from_server) {
    if (conn == nullptr) return InternalError("--from-server without a connection");
    return ReadServer(options, *conn, collector);
  }
  return ReadFiles(options, conn ? binlog::MakeSchemaLookup(*conn) : binlog::SchemaLookup(),
                   collector);
}

Status CheckBinlogSettings(mysql::Connection& conn) {
  SAFEDDL_ASSIGN_OR_RETURN(
      mysql::ResultSet rs,
      conn.Query("SELECT @@GLOBAL.log_bin AS log_bin, @@GLOBAL.binlog_format AS format, "
                 "@@GLOBAL.binlog_row_image AS image"));
  if (rs.empty()) return InternalError("cannot read the binlog settings");
  if (rs[0].GetString("log_bin") != "1") {
    return FailedPreconditionError("the server's binlog is off (log_bin=OFF): nothing to undo");
  }
  const std::string format = rs[0].GetString("format");
  const std::string image = rs[0].GetString("image");
  if (format != "ROW") {
    return FailedPreconditionError(fmt::format(
        "binlog_format is {}, flashback needs ROW (row images of every change)", format));
  }
  if (image != "FULL") {
    return FailedPreconditionError(fmt::format(
        "binlog_row_image is {}, flashback needs FULL (whole rows before and after)", image));
  }
  return Status::OK();
}

flashback::TableInfoLookup MakeTableInfoLookup(mysql::Connection& conn) {
  SchemaLookup columns = binlog::MakeSchemaLookup(conn);
  return [&conn, columns](const std::string& db,
                          const std::string& table) -> Result<flashback::TableInfo> {
    flashback::TableInfo info;
    SAFEDDL_ASSIGN_OR_RETURN(info.columns, columns(db, table));
    SAFEDDL_ASSIGN_OR_RETURN(
        mysql::ResultSet rs,
        conn.Query(fmt::format(
            "SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS WHERE "
            "TABLE_SCHEMA = {} AND TABLE_NAME = {} AND NON_UNIQUE = 0 AND INDEX_NAME <> 'PRIMARY' "
            "ORDER BY INDEX_NAME, SEQ_IN_INDEX",
            mysql::QuoteString(db), mysql::QuoteString(table))));
    for (const mysql::Row& row : rs.rows()) {
      const std::string name = row.GetString("INDEX_NAME");
      if (info.unique_keys.empty() || info.unique_keys.back().name != name) {
        info.unique_keys.push_back({name, {}});
      }
      info.unique_keys.back().columns.push_back(row.GetString("COLUMN_NAME"));
    }
    // Triggers, or a foreign key to the table itself: row order within a statement matters.
    SAFEDDL_ASSIGN_OR_RETURN(
        std::optional<std::string> order_sensitive,
        conn.QueryValue(fmt::format(
            "SELECT (SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = "
            "{0} AND EVENT_OBJECT_TABLE = {1}) + (SELECT COUNT(*) FROM "
            "information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = {0} AND "
            "TABLE_NAME = {1} AND UNIQUE_CONSTRAINT_SCHEMA = {0} AND REFERENCED_TABLE_NAME = {1})",
            mysql::QuoteString(db), mysql::QuoteString(table))));
    info.order_sensitive = order_sensitive.value_or("0") != "0";
    return info;
  };
}

Result<std::vector<std::string>> CascadingForeignKeys(
    mysql::Connection& conn,
    const std::map<std::pair<std::string, std::string>, std::string>& tables) {
  std::vector<std::string> out;
  for (const auto& [name, description] : tables) {
    SAFEDDL_ASSIGN_OR_RETURN(
        mysql::ResultSet rs,
        conn.Query(fmt::format(
            "SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, DELETE_RULE, UPDATE_RULE "
            "FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE UNIQUE_CONSTRAINT_SCHEMA = {} "
            "AND REFERENCED_TABLE_NAME = {} AND (DELETE_RULE IN ('CASCADE', 'SET NULL', "
            "'SET DEFAULT') OR UPDATE_RULE IN ('CASCADE', 'SET NULL', 'SET DEFAULT'))",
            mysql::QuoteString(name.first), mysql::QuoteString(name.second))));
    for (const mysql::Row& row : rs.rows()) {
      out.push_back(fmt::format(
          "foreign key {} of {}.{} on {}.{} cascades (ON DELETE {}, ON UPDATE {}): the changes "
          "it made to {}.{} are not in the binlog and are not undone",
          row.GetString("CONSTRAINT_NAME"), row.GetString("CONSTRAINT_SCHEMA"),
          row.GetString("TABLE_NAME"), name.first, name.second, row.GetString("DELETE_RULE"),
          row.GetString("UPDATE_RULE"), row.GetString("CONSTRAINT_SCHEMA"),
          row.GetString("TABLE_NAME")));
    }
  }
  return out;
}

}  // namespace safeddl::cli
