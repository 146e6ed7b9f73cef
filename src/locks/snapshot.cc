#include "locks/snapshot.h"

#include <fmt/format.h>

#include <chrono>
#include <map>
#include <thread>

#include "common/clock.h"
#include "common/strings.h"
#include "mysql/connection.h"
#include "mysql/quote.h"

namespace safeddl::locks {
namespace {

constexpr double kMillisPerSecond = 1000.0;
constexpr std::string_view kWaitingForMdl = "Waiting for table metadata lock";
constexpr std::string_view kMdlPrefix = "MDL_";
constexpr std::string_view kPluginName = "METADATA_LOCK_INFO";
constexpr std::string_view kPluginActive = "ACTIVE";
constexpr std::string_view kMdlInstrument = "wait/lock/metadata/sql/mdl";
// How old InnoDB lets its INNODB_TRX cache get (plus a margin).
constexpr auto kInnodbTrxCacheAge = std::chrono::milliseconds(110);

constexpr std::string_view kInnodbTrxQuery =
    "SELECT trx_mysql_thread_id, trx_id, trx_state, "
    "TIMESTAMPDIFF(MICROSECOND, trx_started, NOW(6)) / 1000000 AS age, trx_rows_modified, "
    "trx_rows_locked, trx_tables_locked FROM information_schema.INNODB_TRX";
// Table locks only: the plugin also lists backup, schema and global locks, which no pileup
// waits on and which would clutter the graph.
constexpr std::string_view kPluginQuery =
    "SELECT THREAD_ID, LOCK_MODE, TABLE_SCHEMA, TABLE_NAME FROM "
    "information_schema.METADATA_LOCK_INFO WHERE LOCK_TYPE = 'Table metadata lock'";
constexpr std::string_view kPerfSchemaQuery =
    "SELECT t.PROCESSLIST_ID, m.OBJECT_SCHEMA, m.OBJECT_NAME, m.LOCK_TYPE, m.LOCK_STATUS "
    "FROM performance_schema.metadata_locks m JOIN performance_schema.threads t "
    "ON t.THREAD_ID = m.OWNER_THREAD_ID WHERE m.OBJECT_TYPE = 'TABLE' "
    "AND t.PROCESSLIST_ID IS NOT NULL";

std::string NormaliseMode(std::string_view mode) {
  if (mode.substr(0, kMdlPrefix.size()) == kMdlPrefix) mode.remove_prefix(kMdlPrefix.size());
  return std::string(mode);
}

Status ReadProcesslist(mysql::Connection& conn, const CollectOptions& options, LockSnapshot& out) {
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet rows, conn.Query(conn.server().ProcesslistQuery()));
  for (const mysql::Row& row : rows.rows()) {
    SessionInfo s;
    s.id = row.GetUint("ID").value_or(0);
    s.user = row.GetString("USER");
    s.host = row.GetString("HOST");
    s.db = row.GetString("DB");
    s.command = row.GetString("COMMAND");
    s.state = row.GetString("STATE");
    s.info = row.GetString("INFO");
    s.time_seconds = row.GetDouble("TIME_MS").value_or(0) / kMillisPerSecond;
    s.stage = static_cast<int>(row.GetInt("STAGE").value_or(0));
    s.max_stage = static_cast<int>(row.GetInt("MAX_STAGE").value_or(0));
    s.progress = row.GetDouble("PROGRESS").value_or(0);
    s.kind = options.own_session_ids.contains(s.id) ? ThreadKind::kOwn
                                                    : ClassifyThread(s.user, s.command);
    out.sessions.push_back(std::move(s));
  }
  return Status::OK();
}

void ReadInnodbTrx(mysql::Connection& conn, LockSnapshot& out) {
  Result<mysql::ResultSet> rows = conn.Query(kInnodbTrxQuery);
  if (!rows.ok()) {
    out.sources.notes.push_back(
        fmt::format("INNODB_TRX not readable ({}): transaction ages and rollback costs unknown",
                    rows.status().message()));
    return;
  }
  out.sources.innodb_trx = true;
  std::map<uint64_t, Transaction> by_session;
  for (const mysql::Row& row : rows->rows()) {
    Transaction t;
    t.trx_id = row.GetString("trx_id");
    t.state = row.GetString("trx_state");
    t.age_seconds = row.GetDouble("age").value_or(0);
    t.rows_modified = row.GetInt("trx_rows_modified").value_or(0);
    t.rows_locked = row.GetInt("trx_rows_locked").value_or(0);
    t.tables_locked = row.GetInt("trx_tables_locked").value_or(0);
    by_session[row.GetUint("trx_mysql_thread_id").value_or(0)] = std::move(t);
  }
  for (SessionInfo& s : out.sessions) {
    auto it = by_session.find(s.id);
    if (it != by_session.end()) s.trx = it->second;
  }
}

}  // namespace

bool MayMissFreshTransactions(const LockSnapshot& out) {
  bool waiting = false, fresh_idle = false;
  for (const SessionInfo& s : out.sessions) {
    waiting |= s.state == kWaitingForMdl;
    fresh_idle |= s.kind == ThreadKind::kClient && s.IsIdle() && !s.trx &&
                  s.time_seconds < 1.5 * std::chrono::duration<double>(kInnodbTrxCacheAge).count();
  }
  return out.sources.innodb_trx && waiting && fresh_idle;
}

namespace {

void ReadPlugin(mysql::Connection& conn, LockSnapshot& out) {
  if (!conn.server().HasMetadataLockInfoPlugin()) return;
  Result<std::optional<std::string>> status = conn.QueryValue(
      fmt::format("SELECT PLUGIN_STATUS FROM information_schema.PLUGINS WHERE PLUGIN_NAME = {}",
                  mysql::QuoteString(kPluginName)));
  if (!status.ok() || !status->has_value() || !EqualsIgnoreCase(**status, kPluginActive)) {
    out.sources.notes.push_back(
        "METADATA_LOCK_INFO plugin not installed: lock holders are inferred (install it with "
        "--install-mdl-plugin or INSTALL SONAME 'metadata_lock_info')");
    return;
  }
  Result<mysql::ResultSet> rows = conn.Query(kPluginQuery);
  if (!rows.ok()) {
    out.sources.notes.push_back(
        fmt::format("METADATA_LOCK_INFO not readable: {}", rows.status().message()));
    return;
  }
  out.sources.metadata_lock_info = true;
  for (const mysql::Row& row : rows->rows()) {
    MdlLock lock;
    lock.session_id = row.GetUint("THREAD_ID").value_or(0);
    lock.schema = row.GetString("TABLE_SCHEMA");
    lock.table = row.GetString("TABLE_NAME");
    lock.mode = NormaliseMode(row.GetString("LOCK_MODE"));
    lock.granted = true;  // the plugin lists granted locks only
    lock.source = LockSource::kMetadataLockInfo;
    out.locks.push_back(std::move(lock));
  }
}

void ReadPerformanceSchema(mysql::Connection& conn, LockSnapshot& out) {
  Result<std::optional<std::string>> on = conn.QueryValue("SELECT @@GLOBAL.performance_schema");
  if (!on.ok() || !on->has_value() || **on != "1") return;
  Result<std::optional<std::string>> enabled = conn.QueryValue(
      fmt::format("SELECT ENABLED FROM performance_schema.setup_instruments WHERE NAME = {}",
                  mysql::QuoteString(kMdlInstrument)));
  if (!enabled.ok() || !enabled->has_value() || !EqualsIgnoreCase(**enabled, "YES")) {
    out.sources.notes.push_back(fmt::format(
        "performance_schema is on but its metadata-lock instrument is off: UPDATE "
        "performance_schema.setup_instruments SET ENABLED = 'YES' WHERE NAME = '{}' (shows "
        "locks taken after that)",
        kMdlInstrument));
    return;
  }
  Result<mysql::ResultSet> rows = conn.Query(kPerfSchemaQuery);
  if (!rows.ok()) {
    out.sources.notes.push_back(
        fmt::format("performance_schema.metadata_locks not readable: {}", rows.status().message()));
    return;
  }
  out.sources.performance_schema = true;
  for (const mysql::Row& row : rows->rows()) {
    MdlLock lock;
    lock.session_id = row.GetUint("PROCESSLIST_ID").value_or(0);
    lock.schema = row.GetString("OBJECT_SCHEMA");
    lock.table = row.GetString("OBJECT_NAME");
    lock.mode = NormaliseMode(row.GetString("LOCK_TYPE"));
    lock.granted = row.GetString("LOCK_STATUS") == "GRANTED";
    lock.source = LockSource::kPerformanceSchema;
    out.locks.push_back(std::move(lock));
  }
}

}  // namespace

std::string_view ThreadKindName(ThreadKind kind) {
  switch (kind) {
    case ThreadKind::kClient:
      return "client";
    case ThreadKind::kReplication:
      return "replication";
    case ThreadKind::kSystem:
      return "system";
    case ThreadKind::kOwn:
      return "own";
  }
  return "client";
}

std::string_view LockSourceName(LockSource source) {
  return source == LockSource::kMetadataLockInfo ? "metadata_lock_info" : "performance_schema";
}

bool SessionInfo::IsWaitingForMdl() const { return state == kWaitingForMdl; }

bool MdlLock::IsLockTablesMode() const {
  return mode == "SHARED_NO_READ_WRITE" || mode == "SHARED_READ_ONLY";
}

const SessionInfo* LockSnapshot::FindSession(uint64_t id) const {
  for (const SessionInfo& s : sessions) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

ThreadKind ClassifyThread(std::string_view user, std::string_view command) {
  static constexpr std::string_view kReplicationCommands[] = {
      "Binlog Dump", "Binlog Dump GTID", "Slave_IO", "Slave_SQL", "Slave_worker"};
  for (std::string_view c : kReplicationCommands) {
    if (command == c) return ThreadKind::kReplication;
  }
  if (command == "Daemon" || user == "event_scheduler") return ThreadKind::kSystem;
  // MariaDB runs replica threads as "system user"; so are some background threads.
  if (user == "system user") return ThreadKind::kReplication;
  return ThreadKind::kClient;
}

Result<LockSnapshot> CollectSnapshot(mysql::Connection& conn, const CollectOptions& options) {
  LockSnapshot out;
  out.server = conn.server();
  out.taken_at = UtcTimestampNow();
  SAFEDDL_RETURN_IF_ERROR(
      ReadProcesslist(conn, options, out).WithContext("reading information_schema.PROCESSLIST"));
  ReadInnodbTrx(conn, out);
  if (MayMissFreshTransactions(out)) {
    // InnoDB serves INNODB_TRX from a cache refreshed at most every 100 ms: a session that began
    // its transaction just now may show none and be judged harmless. Read it once more.
    std::this_thread::sleep_for(kInnodbTrxCacheAge);
    ReadInnodbTrx(conn, out);
  }
  if (options.ignore_lock_sources) {
    out.sources.notes.push_back("lock sources ignored on request: holders are inferred");
    return out;
  }
  ReadPlugin(conn, out);
  ReadPerformanceSchema(conn, out);
  return out;
}

}  // namespace safeddl::locks
