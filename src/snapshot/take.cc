#include "snapshot/take.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <memory>

#include "binlog/schema_lookup.h"
#include "binlog/server_position.h"
#include "common/strings.h"
#include "mysql/connection.h"
#include "mysql/quote.h"
#include "osc/applier.h"
#include "osc/change_capture.h"
#include "osc/checksum.h"
#include "osc/chunk_planner.h"
#include "osc/copier.h"
#include "osc/heartbeat.h"
#include "osc/inspector.h"
#include "osc/live_settings.h"
#include "osc/session_setup.h"
#include "osc/throttler.h"
#include "schema/alter_lexer.h"
#include "schema/introspect.h"

namespace safeddl::snapshot {
namespace {

constexpr auto kCatchUpLimit = std::chrono::minutes(5);

Status CheckBinlogFormat(mysql::Connection& conn) {
  SAFEDDL_ASSIGN_OR_RETURN(
      mysql::ResultSet rs,
      conn.Query("SELECT @@GLOBAL.log_bin, @@GLOBAL.binlog_format, @@GLOBAL.binlog_row_image"));
  const std::string log_bin = rs.empty() ? "" : rs[0][0].value_or("");
  const std::string format = rs.empty() ? "" : AsciiLower(rs[0][1].value_or(""));
  const std::string image = rs.empty() ? "" : AsciiLower(rs[0][2].value_or(""));
  if (log_bin != "1" || format != "row" || image != "full") {
    return FailedPreconditionError(fmt::format(
        "a consistent snapshot reads the changes made while it copies from the binlog: it needs "
        "log_bin=ON, binlog_format=ROW and binlog_row_image=FULL (the server has log_bin={}, "
        "binlog_format={}, binlog_row_image={})",
        log_bin == "1" ? "ON" : "OFF", format, image));
  }
  return Status::OK();
}

// Applies what the capture holds now, without waiting for more.
Status ApplyPending(osc::ChangeCapture& capture, osc::Applier& applier) {
  for (;;) {
    SAFEDDL_ASSIGN_OR_RETURN(osc::Drained drained, capture.Drain(std::chrono::milliseconds(0),
                                                                 osc::kStandaloneRowsPerDrain));
    if (drained.events.empty()) return Status::OK();
    SAFEDDL_RETURN_IF_ERROR(applier.Apply(drained.events));
  }
}

class Taker {
 public:
  Taker(const mysql::ConnectOptions& connect, const SnapshotRequest& request)
      : connect_(connect), request_(request) {}

  ~Taker() {
    StopThrottling();
    if (capture_) capture_->Stop();
    // A snapshot that is not finished is not kept.
    if (conn_ && record_.id != 0 && !finished_) DropSnapshot(*conn_, record_.id).IgnoreError();
  }

  Result<SnapshotRecord> Run(const std::function<void(int64_t)>& progress) {
    SAFEDDL_RETURN_IF_ERROR(CheckWhere(request_.where));
    osc::MigrationOptions session;
    SAFEDDL_ASSIGN_OR_RETURN(conn_, mysql::Connection::Open(connect_));
    SAFEDDL_RETURN_IF_ERROR(osc::PrepareSession(*conn_, session));
    SAFEDDL_RETURN_IF_ERROR(CheckBinlogFormat(*conn_));
    osc::MigrationPlan& plan = plan_;
    plan.database = request_.database;
    plan.names.original = request_.table;
    SAFEDDL_ASSIGN_OR_RETURN(plan.original,
                             schema::IntrospectTable(*conn_, request_.database, request_.table));
    if (AsciiLower(plan.original.engine) != "innodb") {
      return UnsupportedError(
          fmt::format("`{}`.`{}` uses the {} engine: a consistent online "
                      "snapshot needs InnoDB",
                      request_.database, request_.table, plan.original.engine));
    }
    SAFEDDL_ASSIGN_OR_RETURN(plan.q_original,
                             mysql::QuoteQualified(request_.database, request_.table));
    if (!request_.where.empty()) {
      Status valid = conn_->Execute(
          fmt::format("SELECT 1 FROM {} WHERE ({}) LIMIT 0", plan.q_original, request_.where));
      if (!valid.ok()) return InvalidArgumentError("--where: " + valid.message());
    }
    SAFEDDL_RETURN_IF_ERROR(EnsureCatalog(*conn_));
    SnapshotRecord record;
    record.source_db = request_.database;
    record.source_table = request_.table;
    record.where = request_.where;
    record.create_statement = plan.original.create_statement;
    SAFEDDL_ASSIGN_OR_RETURN(record_, BeginSnapshot(*conn_, record));
    SAFEDDL_ASSIGN_OR_RETURN(plan.q_ghost,
                             mysql::QuoteQualified(kSnapshotSchema, record_.snapshot_table));
    SAFEDDL_RETURN_IF_ERROR(
        conn_->Execute(fmt::format("CREATE TABLE {} LIKE {}", plan.q_ghost, plan.q_original)));
    if (!request_.columns.empty()) SAFEDDL_RETURN_IF_ERROR(KeepOnlyColumns());
    SAFEDDL_ASSIGN_OR_RETURN(
        plan.ghost, schema::IntrospectTable(*conn_, kSnapshotSchema, record_.snapshot_table));
    std::vector<std::string> notes;
    Status mapped = osc::MapGhost(plan, false, &notes);
    if (!mapped.ok()) return mapped.WithContext("a snapshot needs what an online copy needs");

    SAFEDDL_RETURN_IF_ERROR(StartThrottling());
    SAFEDDL_RETURN_IF_ERROR(StartCapture(session));
    SAFEDDL_RETURN_IF_ERROR(Copy(progress));
    StopThrottling();
    SAFEDDL_ASSIGN_OR_RETURN(binlog::BinlogPosition at, binlog::CurrentBinlogPosition(*conn_));
    SAFEDDL_RETURN_IF_ERROR(capture_->DrainThrough(
        at, kCatchUpLimit, osc::kStandaloneRowsPerDrain,
        [this](const osc::Drained& d) { return applier_->Apply(d.events); }));
    capture_->Stop();
    capture_.reset();
    if (!request_.where.empty()) {
      SAFEDDL_RETURN_IF_ERROR(conn_->Execute(
          fmt::format("DELETE FROM {} WHERE ({}) IS NOT TRUE", plan.q_ghost, request_.where)));
    }
    SAFEDDL_RETURN_IF_ERROR(Summarize(at));
    SAFEDDL_RETURN_IF_ERROR(FinishSnapshot(*conn_, record_));
    finished_ = true;
    return FindSnapshot(*conn_, record_.id);  // as the catalog holds it (state, times)
  }

 private:
  // A column snapshot: the snapshot table loses every column but the key's and those asked for.
  Status KeepOnlyColumns() {
    const schema::TableSchema& t = plan_.original;
    const schema::Index* key = SnapshotKey(t);
    if (key == nullptr) {
      return FailedPreconditionError(
          fmt::format("`{}`.`{}` has no PRIMARY or NOT NULL UNIQUE key to keep column values by",
                      request_.database, request_.table));
    }
    auto listed = [](const std::vector<std::string>& names, const std::string& c) {
      return std::any_of(names.begin(), names.end(),
                         [&](const std::string& n) { return EqualsIgnoreCase(n, c); });
    };
    for (const std::string& c : request_.columns) {
      if (t.FindColumn(c) == nullptr) {
        return InvalidArgumentError(
            fmt::format("`{}`.`{}` has no column `{}`", request_.database, request_.table, c));
      }
    }
    std::vector<std::string> drops;
    for (const schema::Column& c : t.columns) {
      if (listed(key->columns, c.name) || listed(request_.columns, c.name)) continue;
      drops.push_back("DROP COLUMN " + *mysql::QuoteIdentifier(c.name));
    }
    drops.push_back("COMMENT = " + mysql::QuoteString(std::string(kColumnSnapshotComment)));
    return conn_->Execute(
        fmt::format("ALTER TABLE {} {}", plan_.q_ghost, JoinStrings(drops, ", ")));
  }

  Status StartThrottling() {
    SAFEDDL_ASSIGN_OR_RETURN(
        plan_.q_changelog,
        mysql::QuoteQualified(kSnapshotSchema, fmt::format("h{}_heartbeat", record_.id)));
    SAFEDDL_RETURN_IF_ERROR(conn_->Execute(osc::ChangelogCreateStatement(plan_)));
    SAFEDDL_ASSIGN_OR_RETURN(
        heartbeat_, osc::Heartbeat::Start(
                        connect_, plan_,
                        std::chrono::milliseconds(request_.throttle.heartbeat_interval_millis)));
    live_ = std::make_unique<osc::LiveSettings>(request_.throttle);
    SAFEDDL_ASSIGN_OR_RETURN(throttler_,
                             osc::Throttler::Start(connect_, request_.throttle, plan_, *live_));
    return Status::OK();
  }

  void StopThrottling() {
    if (throttler_) throttler_->Stop();
    throttler_.reset();
    if (heartbeat_) heartbeat_->Stop();
    heartbeat_.reset();
    if (conn_ && !plan_.q_changelog.empty()) {
      conn_->Execute("DROP TABLE IF EXISTS " + plan_.q_changelog).IgnoreError();
      plan_.q_changelog.clear();
    }
  }

  // Before a chunk: wait while the throttler says so, applying captured changes meanwhile.
  Status WaitWhileThrottled() {
    return throttler_->WaitWhileThrottled("snapshot:",
                                          [this] { return ApplyPending(*capture_, *applier_); });
  }

  Status StartCapture(const osc::MigrationOptions& session) {
    SAFEDDL_ASSIGN_OR_RETURN(binlog::BinlogPosition start, binlog::CurrentBinlogPosition(*conn_));
    osc::CaptureOptions capture;
    capture.source.connect = connect_;
    capture.source.server_id = request_.server_id;
    capture.source.file = start.file;
    capture.source.position = start.offset;
    capture.database = request_.database;
    capture.table = request_.table;
    SAFEDDL_ASSIGN_OR_RETURN(
        capture.columns, binlog::ReadTableDefinition(*conn_, request_.database, request_.table));
    SAFEDDL_ASSIGN_OR_RETURN(capture_, osc::ChangeCapture::Start(capture));
    SAFEDDL_ASSIGN_OR_RETURN(apply_conn_, mysql::Connection::Open(connect_));
    SAFEDDL_RETURN_IF_ERROR(osc::PrepareSession(*apply_conn_, session));
    applier_ = std::make_unique<osc::Applier>(*apply_conn_, plan_, osc::kStandaloneApplyRetries);
    return Status::OK();
  }

  Status Copy(const std::function<void(int64_t)>& progress) {
    osc::ChunkPlanner planner(*conn_, plan_, request_.chunk_size);
    SAFEDDL_RETURN_IF_ERROR(planner.Prepare());
    int64_t rows = 0;
    for (;;) {
      SAFEDDL_RETURN_IF_ERROR(WaitWhileThrottled());
      SAFEDDL_ASSIGN_OR_RETURN(std::optional<osc::KeyChunk> chunk, planner.Next());
      if (!chunk) return Status::OK();
      SAFEDDL_ASSIGN_OR_RETURN(osc::ChunkResult done,
                               osc::CopyChunkRows(*conn_, plan_, *chunk, false, request_.where));
      planner.Adapt(done.millis);
      rows += done.rows;
      if (progress) progress(rows);
      SAFEDDL_RETURN_IF_ERROR(ApplyPending(*capture_, *applier_));
    }
  }

  Status Summarize(const binlog::BinlogPosition& at) {
    SAFEDDL_ASSIGN_OR_RETURN(RowsAndChecksum kept,
                             CountRowsAndChecksum(*conn_, plan_.ghost, plan_.q_ghost, ""));
    record_.rows = kept.rows;
    record_.checksum = kept.checksum;
    record_.binlog_file = at.file;
    record_.binlog_position = at.offset;
    SAFEDDL_ASSIGN_OR_RETURN(
        std::optional<std::string> gtid,
        conn_->QueryValue(
            fmt::format("SELECT BINLOG_GTID_POS({}, {})", mysql::QuoteString(at.file), at.offset)));
    record_.gtid = gtid.value_or("");
    return Status::OK();
  }

  const mysql::ConnectOptions& connect_;
  const SnapshotRequest& request_;
  std::unique_ptr<mysql::Connection> conn_;
  std::unique_ptr<mysql::Connection> apply_conn_;
  std::unique_ptr<osc::ChangeCapture> capture_;
  std::unique_ptr<osc::Applier> applier_;
  std::unique_ptr<osc::Heartbeat> heartbeat_;
  std::unique_ptr<osc::LiveSettings> live_;
  std::unique_ptr<osc::Throttler> throttler_;
  osc::MigrationPlan plan_;
  SnapshotRecord record_;
  bool finished_ = false;
};

}  // namespace

Result<RowsAndChecksum> CountRowsAndChecksum(mysql::Connection& conn,
                                             const schema::TableSchema& table,
                                             const std::string& q_table, const std::string& where) {
  std::vector<std::string> columns;
  for (const schema::Column& c : table.columns) {
    if (!c.IsGenerated()) columns.push_back(*mysql::QuoteIdentifier(c.name));
  }
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet rs,
                           conn.Query(fmt::format("SELECT COUNT(*), BIT_XOR({}) FROM {}{}",
                                                  osc::RowChecksumExpression(columns), q_table,
                                                  where.empty() ? "" : " WHERE (" + where + ")")));
  if (rs.empty()) return InternalError("no checksum row for " + q_table);
  return RowsAndChecksum{ParseInt64(rs[0][0].value_or("0")).value_or(0), rs[0][1].value_or("0")};
}

const schema::Index* SnapshotKey(const schema::TableSchema& table) {
  if (const schema::Index* pk = table.PrimaryKey()) return pk;
  for (const schema::Index& i : table.indexes) {
    if (i.unique && i.all_columns_not_null && !i.has_prefix_part) return &i;
  }
  return nullptr;
}

Status CheckWhere(std::string_view where) {
  if (where.empty()) return Status::OK();
  Result<schema::LexedAlter> lexed = schema::LexAlter(where);
  if (!lexed.ok()) return InvalidArgumentError("--where: " + lexed.status().message());
  int depth = 0;
  for (const schema::Token& t : lexed->tokens) {
    if (t.IsSymbol(';')) return InvalidArgumentError("--where holds a ';': one condition only");
    if (t.IsSymbol('(')) ++depth;
    if (t.IsSymbol(')') && --depth < 0) break;
  }
  if (depth != 0) return InvalidArgumentError("--where has unbalanced parentheses");
  return Status::OK();
}

Result<SnapshotRecord> TakeSnapshot(const mysql::ConnectOptions& connect,
                                    const SnapshotRequest& request,
                                    const std::function<void(int64_t)>& progress) {
  Taker taker(connect, request);
  return taker.Run(progress);
}

}  // namespace safeddl::snapshot
