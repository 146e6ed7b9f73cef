#include "snapshot/point_in_time.h"

#include <fmt/format.h>

#include <algorithm>

#include "binlog/event_parser.h"
#include "binlog/schema_lookup.h"
#include "binlog/server_position.h"
#include "binlog/transaction.h"
#include "mysql/quote.h"
#include "osc/applier.h"
#include "osc/change_capture.h"
#include "osc/inspector.h"
#include "osc/migration_options.h"
#include "osc/session_setup.h"
#include "schema/introspect.h"

namespace safeddl::snapshot {
namespace {

constexpr auto kReplayLimit = std::chrono::minutes(60);

}  // namespace

Status ForEachTransaction(mysql::Connection& conn, binlog::ServerSourceOptions source,
                          const binlog::BinlogPosition& from, const TransactionVisitor& visit) {
  SAFEDDL_ASSIGN_OR_RETURN(const binlog::BinlogPosition end, binlog::CurrentBinlogPosition(conn));
  if (!(from < end)) return Status::OK();
  source.file = from.file;
  source.position = from.offset;
  SAFEDDL_ASSIGN_OR_RETURN(auto stream, binlog::ServerEventSource::Open(source));
  // Only transaction boundaries, GTIDs and times are needed: no row is decoded.
  binlog::EventParser parser({.rows = binlog::RowsDecoding::kDeferred,
                              .wanted = [](const binlog::TableMapEvent&) { return false; }});
  binlog::TransactionGrouper grouper;
  std::string file = from.file;
  grouper.SetFile(file);
  for (;;) {
    SAFEDDL_ASSIGN_OR_RETURN(binlog::RawEvent raw, stream->Next());
    SAFEDDL_ASSIGN_OR_RETURN(binlog::Event event, parser.Parse(raw.bytes, raw.offset));
    if (const auto* rotate = event.As<binlog::RotateEvent>()) {
      file = rotate->next_file;
      grouper.SetFile(file);
      continue;
    }
    if (event.header.type == binlog::EventType::kHeartbeat) continue;
    const binlog::BinlogPosition event_end{file, raw.offset + raw.bytes.size()};
    if (std::optional<binlog::Transaction> txn = grouper.Add(std::move(event))) {
      const TransactionMark mark{txn->gtid, {file, txn->end_offset}, txn->timestamp};
      if (!visit(mark)) return Status::OK();
    }
    if (!(event_end < end) && !grouper.in_transaction()) return Status::OK();
  }
}

Result<binlog::BinlogPosition> FindPoint(mysql::Connection& conn,
                                         binlog::ServerSourceOptions source,
                                         const binlog::BinlogPosition& from,
                                         const PointInTime& point) {
  binlog::BinlogPosition last = from;  // the end of the last transaction up to the point
  bool found = false;
  SAFEDDL_RETURN_IF_ERROR(
      ForEachTransaction(conn, std::move(source), from, [&](const TransactionMark& t) {
        if (point.time && t.timestamp > *point.time) return false;
        last = t.end;
        found = point.gtid && t.gtid && *t.gtid == *point.gtid;
        return !found;
      }));
  if (point.gtid && !found) {
    return NotFoundError(fmt::format(
        "GTID {} is not in the binlog after {}: name a transaction logged after the snapshot "
        "was taken",
        point.text, from.ToString()));
  }
  return last;
}

Result<std::optional<TransactionMark>> FirstTransactionAfter(mysql::Connection& conn,
                                                             binlog::ServerSourceOptions source,
                                                             const binlog::BinlogPosition& from,
                                                             uint32_t time) {
  std::optional<TransactionMark> first;
  SAFEDDL_RETURN_IF_ERROR(
      ForEachTransaction(conn, std::move(source), from, [&](const TransactionMark& t) {
        if (t.timestamp <= time || !t.gtid) return true;
        first = t;
        return false;
      }));
  return first;
}

Result<std::string> BringForward(mysql::Connection& conn, binlog::ServerSourceOptions source,
                                 const SnapshotRecord& s, const binlog::BinlogPosition& until,
                                 const std::vector<binlog::Gtid>& skip) {
  const std::string work = fmt::format("{}_at{}", s.snapshot_table, conn.id());
  if (work.size() > 64) {
    return InternalError("the working table's name would be too long: " + work);
  }
  osc::MigrationPlan plan;  // original: the table (its binlog rows); ghost: the working table
  plan.database = kSnapshotSchema;
  SAFEDDL_ASSIGN_OR_RETURN(plan.q_original, mysql::QuoteQualified(s.source_db, s.source_table));
  SAFEDDL_ASSIGN_OR_RETURN(plan.q_ghost, mysql::QuoteQualified(kSnapshotSchema, work));
  SAFEDDL_ASSIGN_OR_RETURN(std::string q_snapshot,
                           mysql::QuoteQualified(kSnapshotSchema, s.snapshot_table));
  SAFEDDL_RETURN_IF_ERROR(conn.Execute("DROP TABLE IF EXISTS " + plan.q_ghost));
  SAFEDDL_RETURN_IF_ERROR(
      conn.Execute(fmt::format("CREATE TABLE {} LIKE {}", plan.q_ghost, q_snapshot)));
  Status built = [&]() -> Status {
    SAFEDDL_RETURN_IF_ERROR(
        conn.Execute(fmt::format("INSERT INTO {} SELECT * FROM {}", plan.q_ghost, q_snapshot)));
    SAFEDDL_ASSIGN_OR_RETURN(plan.original,
                             schema::IntrospectTable(conn, s.source_db, s.source_table));
    SAFEDDL_ASSIGN_OR_RETURN(plan.ghost, schema::IntrospectTable(conn, kSnapshotSchema, work));
    std::vector<std::string> notes;
    SAFEDDL_RETURN_IF_ERROR(osc::MapGhost(plan, false, &notes));

    osc::CaptureOptions capture;
    capture.source = std::move(source);
    capture.source.file = s.binlog_file;
    capture.source.position = s.binlog_position;
    capture.database = s.source_db;
    capture.table = s.source_table;
    capture.skip = skip;
    SAFEDDL_ASSIGN_OR_RETURN(capture.columns,
                             binlog::ReadTableDefinition(conn, s.source_db, s.source_table));
    SAFEDDL_ASSIGN_OR_RETURN(auto apply_conn, mysql::Connection::Open(conn.options()));
    SAFEDDL_RETURN_IF_ERROR(osc::PrepareSession(*apply_conn, osc::MigrationOptions{}));
    osc::Applier applier(*apply_conn, plan, osc::kStandaloneApplyRetries);
    SAFEDDL_ASSIGN_OR_RETURN(auto reader, osc::ChangeCapture::Start(capture));
    Status replayed =
        reader->DrainThrough(until, kReplayLimit, osc::kStandaloneRowsPerDrain,
                             [&applier](const osc::Drained& d) { return applier.Apply(d.events); });
    const std::vector<binlog::Gtid> skipped = reader->skipped();
    reader->Stop();
    SAFEDDL_RETURN_IF_ERROR(replayed.WithContext("replaying the table's binlog"));
    for (const binlog::Gtid& g : skip) {
      if (std::find(skipped.begin(), skipped.end(), g) == skipped.end()) {
        return NotFoundError(fmt::format(
            "GTID {} is not in the binlog between the snapshot's coordinates {}:{} and {}, so "
            "nothing would be left out: name a transaction logged in that stretch",
            g.ToString(), s.binlog_file, s.binlog_position, until.ToString()));
      }
    }
    if (!s.where.empty()) {
      SAFEDDL_RETURN_IF_ERROR(conn.Execute(
          fmt::format("DELETE FROM {} WHERE ({}) IS NOT TRUE", plan.q_ghost, s.where)));
    }
    return Status::OK();
  }();
  if (!built.ok()) {
    conn.Execute("DROP TABLE IF EXISTS " + plan.q_ghost).IgnoreError();
    return built;
  }
  return work;
}

}  // namespace safeddl::snapshot
