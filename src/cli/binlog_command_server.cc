#include "cli/binlog_command_server.h"

#include "binlog/server_position.h"

#include <fmt/format.h>

#include <chrono>
#include <thread>

#include "binlog/event_parser.h"
#include "binlog/server_event_source.h"
#include "binlog/stream_cursor.h"
#include "common/log.h"
#include "mysql/quote.h"

namespace safeddl::cli {
namespace {

constexpr uint64_t kFirstEventOffset = 4;
constexpr std::chrono::milliseconds kHeartbeat{500};
constexpr std::chrono::milliseconds kReconnectDelay{1000};
// Consecutive failed reconnects (without an event in between) before giving up.
constexpr int kMaxReconnects = 10;

// Errors after which the same dump may work again on a new connection (a killed dump thread, a
// server restart, a network cut). Corrupt or refused streams are not retried.
bool Reconnectable(const Status& s) {
  return s.IsRetryable() || s.code() == StatusCode::kInterrupted ||
         s.code() == StatusCode::kConnectionLost || s.code() == StatusCode::kCannotConnect ||
         s.code() == StatusCode::kIoError;
}

Result<binlog::BinlogPosition> FirstBinlog(mysql::Connection& conn) {
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet rs, conn.Query("SHOW BINARY LOGS"));
  if (rs.empty()) return FailedPreconditionError("the server has no binlog files");
  return binlog::BinlogPosition{rs[0].GetString("Log_name"), kFirstEventOffset};
}

// What one connection's stream ended with.
enum class StreamEnd { kStopped, kDropped };

struct StreamState {
  binlog::BinlogPosition resume;  // where the next connection starts
  std::string start_gtid;         // GTID start for the first connection only
  bool progressed = false;        // an event arrived on this connection
};

Result<StreamEnd> StreamOnce(const BinlogOptions& options, const mysql::ConnectOptions& connect,
                             const StopAt& stop, RowChangePrinter& printer, StreamState& state,
                             const SchemaLookup& schema) {
  binlog::ServerSourceOptions source_options;
  source_options.connect = connect;
  source_options.server_id = options.server_id != 0 ? options.server_id : DefaultBinlogServerId();
  source_options.heartbeat = kHeartbeat;
  source_options.file = state.resume.file;
  source_options.position = state.resume.offset;
  source_options.start_gtid = state.start_gtid;
  Result<std::unique_ptr<binlog::ServerEventSource>> opened =
      binlog::ServerEventSource::Open(source_options);
  if (!opened.ok()) {
    if (Reconnectable(opened.status())) {
      LogWarning("cannot open the binlog stream: {}", opened.status().message());
      return StreamEnd::kDropped;
    }
    return opened.status();
  }
  std::unique_ptr<binlog::ServerEventSource> source = std::move(*opened);
  binlog::EventParser parser(
      {.verify_checksums = options.verify_checksums,
       .rows = binlog::RowsDecoding::kDeferred,
       .schema = schema,
       .wanted = [&printer](const binlog::TableMapEvent& t) { return printer.Selected(t); },
       .warn = [](const std::string& m) { LogWarning("{}", m); }});
  binlog::StreamCursor cursor(state.resume);
  while (true) {
    if (options.stop != nullptr && options.stop->load()) return StreamEnd::kStopped;
    Result<binlog::RawEvent> raw = source->Next();
    if (!raw.ok()) {
      if (!Reconnectable(raw.status())) return raw.status();
      LogWarning("binlog stream dropped at {}: {}; reconnecting at {}",
                 cursor.position().ToString(), raw.status().message(),
                 cursor.resume_point().ToString());
      if (!cursor.file().empty()) {
        state.resume = cursor.resume_point();
        state.start_gtid.clear();
        // The group being printed is read again from its start: skip what was printed.
        printer.SkipNext(cursor.in_group() ? printer.group_count() : 0);
      }
      return StreamEnd::kDropped;
    }
    SAFEDDL_ASSIGN_OR_RETURN(binlog::Event event, parser.Parse(raw->bytes, raw->offset));
    const bool heartbeat = event.header.type == binlog::EventType::kHeartbeat;
    if (heartbeat) {
      SAFEDDL_RETURN_IF_ERROR(printer.Flush());
      continue;
    }
    state.progressed = true;
    if (raw->offset != 0 && stop.Before({cursor.file(), raw->offset}, event.header.timestamp)) {
      return StreamEnd::kStopped;
    }
    const uint64_t groups = cursor.groups_opened();
    cursor.Observe(event);
    if (cursor.groups_opened() != groups) printer.ResetGroupCount();
    const binlog::ChangeContext context{cursor.gtid() ? &*cursor.gtid() : nullptr, cursor.file(),
                                        raw->offset, event.header.timestamp};
    SAFEDDL_RETURN_IF_ERROR(printer.Print(event, context));
    if (!cursor.in_group()) {
      SAFEDDL_RETURN_IF_ERROR(printer.Flush());  // whole groups reach a tailing reader promptly
    }
    if ((raw->offset != 0 || event.As<binlog::RotateEvent>() != nullptr) &&
        stop.After(cursor.position())) {
      return StreamEnd::kStopped;
    }
  }
}

}  // namespace

Status RunBinlogFromServer(const BinlogOptions& options, RowChangePrinter& printer,
                           mysql::Connection& conn, const SchemaLookup& schema) {
  StreamState state;
  if (!options.start_position.empty()) {
    SAFEDDL_ASSIGN_OR_RETURN(state.resume, binlog::ParseBinlogPosition(options.start_position));
  } else if (!options.start_gtid.empty()) {
    state.start_gtid = options.start_gtid;
  } else {
    // --start-datetime (filtered by the printer) or nothing: from the oldest binlog file.
    SAFEDDL_ASSIGN_OR_RETURN(state.resume, FirstBinlog(conn));
  }
  StopAt stop;
  if (!options.stop_position.empty()) {
    SAFEDDL_ASSIGN_OR_RETURN(stop.position, binlog::ParseBinlogPosition(options.stop_position));
  } else if (!options.stop_never) {
    SAFEDDL_ASSIGN_OR_RETURN(stop.position, binlog::CurrentBinlogPosition(conn));
  }
  if (!options.stop_datetime.empty()) {
    SAFEDDL_ASSIGN_OR_RETURN(stop.time, ParseBinlogDatetime(options.stop_datetime));
  }
  if (stop.position && !state.resume.empty() && state.resume >= *stop.position) {
    return Status::OK();  // nothing between start and end
  }
  int failures = 0;
  while (true) {
    state.progressed = false;
    SAFEDDL_ASSIGN_OR_RETURN(StreamEnd end,
                             StreamOnce(options, conn.options(), stop, printer, state, schema));
    if (end == StreamEnd::kStopped) return Status::OK();
    failures = state.progressed ? 1 : failures + 1;
    if (failures > kMaxReconnects) {
      return Status(StatusCode::kConnectionLost,
                    fmt::format("the binlog stream failed {} times in a row; giving up at {}",
                                failures, state.resume.ToString()));
    }
    if (options.stop != nullptr && options.stop->load()) return Status::OK();
    std::this_thread::sleep_for(kReconnectDelay);
  }
}

}  // namespace safeddl::cli
