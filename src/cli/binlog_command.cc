#include "cli/binlog_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <ctime>
#include <filesystem>
#include <memory>
#include <mutex>

#include "binlog/event_parser.h"
#include "binlog/file_event_stream.h"
#include "binlog/schema_lookup.h"
#include "binlog/stream_cursor.h"
#include "cli/binlog_command_printer.h"
#include "cli/binlog_command_server.h"
#include "common/log.h"

namespace safeddl::cli {
namespace {

constexpr uint64_t kFirstEventOffset = 4;

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

// `lookup`, one call at a time: a file's parser calls it on the file's reader thread, the
// printer on this one, and both go through the one session.
SchemaLookup Serialized(SchemaLookup lookup) {
  auto mu = std::make_shared<std::mutex>();
  return [mu, lookup = std::move(lookup)](const std::string& db, const std::string& table) {
    std::lock_guard<std::mutex> lock(*mu);
    return lookup(db, table);
  };
}

bool ConnectionGiven(const ConnectionFlags& c) {
  return !c.host.empty() || c.port != 0 || !c.user.empty() || !c.socket.empty() ||
         !c.defaults_file.empty() || c.password_given || c.ask_pass;
}

Status CheckOptions(const BinlogOptions& o) {
  const int starts = !o.start_position.empty() + !o.start_gtid.empty() + !o.start_datetime.empty();
  const int stops = !o.stop_position.empty() + !o.stop_datetime.empty() + o.stop_never;
  if (starts > 1) {
    return InvalidArgumentError(
        "give at most one of --start-position, --start-gtid, --start-datetime");
  }
  if (stops > 1) {
    return InvalidArgumentError(
        "give at most one of --stop-position, --stop-datetime, --stop-never");
  }
  if (o.from_server == !o.files.empty()) {
    return InvalidArgumentError("give binlog FILEs or --from-server (not both)");
  }
  if (!o.from_server && (!o.start_gtid.empty() || o.stop_never)) {
    return InvalidArgumentError("--start-gtid and --stop-never need --from-server");
  }
  return Status::OK();
}

// One file, from `start` (in this file) to the first stop condition.
// `start` 0: from the beginning. The file is read and parsed on a second thread while this one
// prints.
Status PrintFile(const std::string& path, uint64_t start, const StopAt& stop, bool verify_checksums,
                 const SchemaLookup& schema, RowChangePrinter& printer, bool& stopped) {
  binlog::FileEventStream::Options stream_options;
  stream_options.parser = {
      .verify_checksums = verify_checksums,
      .rows = binlog::RowsDecoding::kDeferred,
      .schema = schema,
      .wanted = [&printer](const binlog::TableMapEvent& t) { return printer.Selected(t); },
      .warn = [](const std::string& m) { LogWarning("{}", m); }};
  stream_options.start = start;
  SAFEDDL_ASSIGN_OR_RETURN(auto events, binlog::FileEventStream::Open(path, stream_options));
  const std::string name = std::filesystem::path(path).filename().string();
  binlog::StreamCursor cursor({name, std::max(start, kFirstEventOffset)});
  while (true) {
    SAFEDDL_ASSIGN_OR_RETURN(std::optional<binlog::Event> event, events->Next());
    if (!event) return Status::OK();
    if (stop.Before({name, event->offset}, event->header.timestamp)) {
      stopped = true;
      return Status::OK();
    }
    cursor.Observe(*event);
    const binlog::ChangeContext context{cursor.gtid() ? &*cursor.gtid() : nullptr, name,
                                        event->offset, event->header.timestamp};
    SAFEDDL_RETURN_IF_ERROR(printer.Print(*event, context));
    if (stop.After(cursor.position())) {
      stopped = true;
      return Status::OK();
    }
  }
}

Status RunBinlogFiles(const BinlogOptions& options, const SchemaLookup& schema,
                      RowChangePrinter& printer) {
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
  if (!options.stop_datetime.empty()) {
    SAFEDDL_ASSIGN_OR_RETURN(stop.time, ParseBinlogDatetime(options.stop_datetime));
  }
  for (size_t i = 0; i < options.files.size(); ++i) {
    bool stopped = false;
    const uint64_t offset = i == 0 && start ? start->offset : 0;
    SAFEDDL_RETURN_IF_ERROR(PrintFile(options.files[i], offset, stop, options.verify_checksums,
                                      schema, printer, stopped));
    if (stopped) break;
  }
  return Status::OK();
}

}  // namespace

Result<uint32_t> ParseBinlogDatetime(const std::string& text) {
  std::tm tm{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  char sep = 0;
  char zone = 0;
  const int n = std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d%c", &year, &month, &day, &sep,
                            &hour, &minute, &second, &zone);
  if (n < 7 || (sep != ' ' && sep != 'T') || (n == 8 && zone != 'Z') || month < 1 || month > 12 ||
      day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    return InvalidArgumentError(
        fmt::format("'{}' is not a date and time (YYYY-MM-DD HH:MM:SS, UTC)", text));
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const time_t t = timegm(&tm);
  if (t < 0 || t > static_cast<time_t>(UINT32_MAX)) {
    return InvalidArgumentError(fmt::format("'{}' is outside the binlog's time range", text));
  }
  return static_cast<uint32_t>(t);
}

void SetupBinlog(CLI::App& parent, CommandSlot& slot) {
  auto opts = std::make_shared<BinlogOptions>();
  CLI::App* cmd = parent.add_subcommand(
      "binlog",
      "Print the row changes of a binlog as JSON lines (one per row change) or SQL, from files or "
      "from a server.");
  cmd->add_option("files", opts->files, "Binlog files to read, in order");
  cmd->add_flag("--from-server", opts->from_server,
                "Read the binlog from the server over the replication protocol");
  cmd->add_option("--start-position", opts->start_position,
                  "Start at FILE:POS (an event boundary); with files also a bare POS");
  cmd->add_option("--start-gtid", opts->start_gtid,
                  "Start after this MariaDB GTID position (domain-server-seq[,...]); server only");
  cmd->add_option("--start-datetime", opts->start_datetime,
                  "Print changes logged at or after 'YYYY-MM-DD HH:MM:SS' (UTC)");
  cmd->add_option("--stop-position", opts->stop_position,
                  "Stop before the event at FILE:POS; with files also a bare POS in the last file");
  cmd->add_option("--stop-datetime", opts->stop_datetime,
                  "Stop at the first event logged at or after 'YYYY-MM-DD HH:MM:SS' (UTC)");
  cmd->add_flag("--stop-never", opts->stop_never,
                "Keep waiting for new events (default: stop at the binlog end seen at the start)");
  cmd->add_option("--databases", opts->databases, "Only these databases")->delimiter(',');
  cmd->add_option("--tables", opts->tables, "Only these tables: t (any database) or db.t")
      ->delimiter(',');
  cmd->add_flag("--sql", opts->sql, "Print SQL statements instead of JSON lines");
  cmd->add_flag("--json", opts->json, "Print JSON lines (the default)");
  cmd->add_option("--server-id", opts->server_id,
                  "Replication server id to register with (default: one per process)");
  AddConnectionFlags(*cmd, opts->connection);
  cmd->callback([opts, &slot] { slot = [opts] { return RunBinlog(*opts); }; });
}

uint32_t DefaultBinlogServerId() {
  return kBinlogServerIdBase + static_cast<uint32_t>(::getpid()) % kServerIdSpan;
}

Status RunBinlog(const BinlogOptions& options) {
  SAFEDDL_RETURN_IF_ERROR(CheckOptions(options));
  if (options.sql && options.json) return InvalidArgumentError("give --sql or --json, not both");
  PrinterOptions printer_options;
  printer_options.databases = options.databases;
  printer_options.tables = options.tables;
  printer_options.sql = options.sql;
  if (!options.start_datetime.empty()) {
    SAFEDDL_ASSIGN_OR_RETURN(printer_options.start_time,
                             ParseBinlogDatetime(options.start_datetime));
  }
  // A server session names columns when the binlog does not (and, with --from-server, finds
  // the positions). Files need no server: it is used only when connection flags are given.
  std::optional<Session> session;
  if (options.from_server || ConnectionGiven(options.connection)) {
    SAFEDDL_ASSIGN_OR_RETURN(session, OpenSession(options.connection));
  }
  // The parser (on a file's reader thread) and the printer share the session's lookups.
  SchemaLookup lookup =
      session ? Serialized(binlog::MakeSchemaLookup(*session->conn)) : SchemaLookup();
  RowChangePrinter printer(printer_options, options.out, lookup);
  Status s = options.from_server ? RunBinlogFromServer(options, printer, *session->conn, lookup)
                                 : RunBinlogFiles(options, lookup, printer);
  Status flushed = printer.Flush();
  if (!s.ok()) return s;
  SAFEDDL_RETURN_IF_ERROR(flushed);
  if (printer.unprintable() > 0) {
    return FailedPreconditionError(fmt::format(
        "{} row changes could not be written as SQL (no column names; see the warnings)",
        printer.unprintable()));
  }
  return Status::OK();
}

}  // namespace safeddl::cli
