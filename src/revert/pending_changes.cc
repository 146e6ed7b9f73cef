#include "revert/pending_changes.h"

#include <fmt/format.h>

#include "binlog/schema_lookup.h"
#include "binlog/server_position.h"
#include "common/clock.h"
#include "common/strings.h"
#include "osc/change_capture.h"

namespace safeddl::revert {
namespace {

constexpr auto kReadLimit = std::chrono::minutes(30);
constexpr size_t kRowsPerDrain = 20000;

}  // namespace

Result<PendingChanges> CountPendingChanges(mysql::Connection& conn,
                                           binlog::ServerSourceOptions source,
                                           const osc::MigrationPlan& plan,
                                           const binlog::BinlogPosition& from) {
  SAFEDDL_RETURN_IF_ERROR(binlog::CheckBinlogHolds(conn, from, "the swap's position"));
  PendingChanges out;
  SAFEDDL_ASSIGN_OR_RETURN(out.until, binlog::CurrentBinlogPosition(conn));
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet logs, conn.Query("SHOW BINARY LOGS"));
  bool counting = false;
  for (const mysql::Row& row : logs.rows()) {
    const std::string file = row[0].value_or("");
    const uint64_t size = ParseUint64(row[1].value_or("0")).value_or(0);
    if (file == from.file) counting = true;
    if (!counting) continue;
    const uint64_t start = file == from.file ? from.offset : 0;
    const uint64_t end = file == out.until.file ? out.until.offset : size;
    if (end > start) out.binlog_bytes += end - start;
    if (file == out.until.file) break;
  }
  osc::CaptureOptions capture;
  capture.source = std::move(source);
  capture.source.file = from.file;
  capture.source.position = from.offset;
  capture.database = plan.database;
  capture.table = plan.names.original;
  SAFEDDL_ASSIGN_OR_RETURN(capture.columns,
                           binlog::ReadTableDefinition(conn, plan.database, plan.names.original));
  const TimePoint started = SystemClock::Get().Now();
  SAFEDDL_ASSIGN_OR_RETURN(std::unique_ptr<osc::ChangeCapture> reader,
                           osc::ChangeCapture::Start(capture));
  Status read = reader->DrainThrough(out.until, kReadLimit, kRowsPerDrain,
                                     [&out](const osc::Drained& d) -> Status {
                                       out.transactions += static_cast<int64_t>(d.transactions);
                                       for (const binlog::RowsEvent& ev : d.events) {
                                         const auto n = static_cast<int64_t>(ev.rows.size());
                                         switch (ev.kind) {
                                           case binlog::RowsKind::kInsert:
                                             out.inserts += n;
                                             break;
                                           case binlog::RowsKind::kUpdate:
                                             out.updates += n;
                                             break;
                                           case binlog::RowsKind::kDelete:
                                             out.deletes += n;
                                             break;
                                         }
                                       }
                                       return Status::OK();
                                     });
  reader->Stop();
  SAFEDDL_RETURN_IF_ERROR(read.WithContext("reading the binlog since the swap"));
  out.read_seconds = MillisBetween(started, SystemClock::Get().Now()) / 1000;
  return out;
}

}  // namespace safeddl::revert
