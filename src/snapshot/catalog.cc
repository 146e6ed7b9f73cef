#include "snapshot/catalog.h"

#include <fmt/format.h>

#include "common/strings.h"
#include "mysql/quote.h"
#include "schema/introspect.h"

namespace safeddl::snapshot {
namespace {

constexpr size_t kMaxName = 64;

std::string Schema() { return *mysql::QuoteIdentifier(kSnapshotSchema); }
std::string Catalog() { return Schema() + ".`catalog`"; }

constexpr std::string_view kColumns =
    "id, state, source_db, source_table, snapshot_table, where_clause, row_count, checksum, "
    "create_statement, binlog_file, binlog_position, gtid_position, "
    "DATE_FORMAT(started_at, '%Y-%m-%dT%H:%i:%s.%fZ'), DATE_FORMAT(taken_at, "
    "'%Y-%m-%dT%H:%i:%s.%fZ')";

SnapshotRecord FromRow(const mysql::Row& r) {
  SnapshotRecord s;
  s.id = ParseUint64(r[0].value_or("0")).value_or(0);
  s.state = r[1].value_or("");
  s.source_db = r[2].value_or("");
  s.source_table = r[3].value_or("");
  s.snapshot_table = r[4].value_or("");
  s.where = r[5].value_or("");
  s.rows = ParseInt64(r[6].value_or("0")).value_or(0);
  s.checksum = r[7].value_or("");
  s.create_statement = r[8].value_or("");
  s.binlog_file = r[9].value_or("");
  s.binlog_position = ParseUint64(r[10].value_or("0")).value_or(0);
  s.gtid = r[11].value_or("");
  s.started_at = r[12].value_or("");
  s.taken_at = r[13].value_or("");
  return s;
}

}  // namespace

std::string SnapshotTableName(uint64_t id, const std::string& table) {
  std::string name = fmt::format("s{}_{}", id, table);
  if (name.size() > kMaxName) name.resize(kMaxName);
  return name;
}

Status EnsureCatalog(mysql::Connection& conn) {
  SAFEDDL_RETURN_IF_ERROR(conn.Execute("CREATE DATABASE IF NOT EXISTS " + Schema()));
  return conn.Execute("CREATE TABLE IF NOT EXISTS " + Catalog() +
                      " (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
                      " state VARCHAR(16) NOT NULL,"
                      " source_db VARCHAR(64) NOT NULL, source_table VARCHAR(64) NOT NULL,"
                      " snapshot_table VARCHAR(64) NOT NULL DEFAULT '',"
                      " where_clause TEXT NULL, row_count BIGINT NULL, checksum VARCHAR(32) NULL,"
                      " create_statement MEDIUMTEXT NOT NULL,"
                      " binlog_file VARCHAR(255) NULL, binlog_position BIGINT UNSIGNED NULL,"
                      " gtid_position TEXT NULL,"
                      " started_at DATETIME(6) NOT NULL, taken_at DATETIME(6) NULL"
                      ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
}

Result<SnapshotRecord> BeginSnapshot(mysql::Connection& conn, SnapshotRecord record) {
  SAFEDDL_RETURN_IF_ERROR(conn.Execute(fmt::format(
      "INSERT INTO {} (state, source_db, source_table, where_clause, create_statement, "
      "started_at) VALUES ('taking', {}, {}, {}, {}, UTC_TIMESTAMP(6))",
      Catalog(), mysql::QuoteString(record.source_db), mysql::QuoteString(record.source_table),
      record.where.empty() ? "NULL" : mysql::QuoteString(record.where),
      mysql::QuoteString(record.create_statement))));
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<std::string> id,
                           conn.QueryValue("SELECT LAST_INSERT_ID()"));
  record.id = ParseUint64(id.value_or("0")).value_or(0);
  record.state = "taking";
  record.snapshot_table = SnapshotTableName(record.id, record.source_table);
  SAFEDDL_RETURN_IF_ERROR(
      conn.Execute(fmt::format("UPDATE {} SET snapshot_table = {} WHERE id = {}", Catalog(),
                               mysql::QuoteString(record.snapshot_table), record.id)));
  return record;
}

Status FinishSnapshot(mysql::Connection& conn, const SnapshotRecord& r) {
  return conn.Execute(fmt::format(
      "UPDATE {} SET state = 'ready', row_count = {}, checksum = {}, binlog_file = {}, "
      "binlog_position = {}, gtid_position = {}, taken_at = UTC_TIMESTAMP(6) WHERE id = {}",
      Catalog(), r.rows, mysql::QuoteString(r.checksum), mysql::QuoteString(r.binlog_file),
      r.binlog_position, mysql::QuoteString(r.gtid), r.id));
}

Result<std::vector<SnapshotRecord>> ListSnapshots(mysql::Connection& conn) {
  std::vector<SnapshotRecord> out;
  SAFEDDL_ASSIGN_OR_RETURN(bool exists, schema::TableExists(conn, kSnapshotSchema, "catalog"));
  if (!exists) return out;
  SAFEDDL_ASSIGN_OR_RETURN(
      mysql::ResultSet rs,
      conn.Query(fmt::format("SELECT {} FROM {} ORDER BY id", kColumns, Catalog())));
  for (const mysql::Row& r : rs.rows()) out.push_back(FromRow(r));
  return out;
}

Result<SnapshotRecord> FindSnapshot(mysql::Connection& conn, uint64_t id) {
  SAFEDDL_ASSIGN_OR_RETURN(std::vector<SnapshotRecord> all, ListSnapshots(conn));
  for (SnapshotRecord& s : all) {
    if (s.id == id) return s;
  }
  return NotFoundError(fmt::format("there is no snapshot {} (see `safeddl snapshot list`)", id));
}

Status DropSnapshot(mysql::Connection& conn, uint64_t id) {
  SAFEDDL_ASSIGN_OR_RETURN(SnapshotRecord s, FindSnapshot(conn, id));
  if (!s.snapshot_table.empty()) {
    SAFEDDL_RETURN_IF_ERROR(conn.Execute("DROP TABLE IF EXISTS " + Schema() + "." +
                                         *mysql::QuoteIdentifier(s.snapshot_table)));
  }
  return conn.Execute(fmt::format("DELETE FROM {} WHERE id = {}", Catalog(), id));
}

}  // namespace safeddl::snapshot
