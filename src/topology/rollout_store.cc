#include "topology/rollout_store.h"

#include <fmt/format.h>

#include <functional>

#include "common/strings.h"
#include "mysql/quote.h"

namespace safeddl::topology {
namespace {

std::string Table() { return *mysql::QuoteIdentifier(kRolloutSchema) + ".`rollout`"; }

// Runs `body` with sql_log_bin=0, then puts the session's value back.
Status Unlogged(mysql::Connection& conn, const std::function<Status()>& body) {
  SAFEDDL_RETURN_IF_ERROR(
      conn.Execute("SET @safeddl_log_bin = @@SESSION.sql_log_bin, SESSION sql_log_bin = 0"));
  Status s = body();
  SAFEDDL_RETURN_IF_ERROR(conn.Execute("SET SESSION sql_log_bin = @safeddl_log_bin"));
  return s;
}

std::string KeyCondition(const RolloutKey& key) {
  return fmt::format(
      "db_name = {} AND table_name = {} AND alter_clauses = {} AND switchover_to = {} AND "
      "finished_at IS NULL",
      mysql::QuoteString(key.database), mysql::QuoteString(key.table),
      mysql::QuoteString(key.alter), mysql::QuoteString(key.to));
}

}  // namespace

Result<std::optional<RolloutRecord>> OpenRollout(mysql::Connection& conn, const RolloutKey& key) {
  SAFEDDL_ASSIGN_OR_RETURN(
      std::optional<std::string> exists,
      conn.QueryValue(fmt::format("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                                  "{} AND TABLE_NAME = 'rollout'",
                                  mysql::QuoteString(kRolloutSchema))));
  if (!exists) return std::optional<RolloutRecord>();
  SAFEDDL_ASSIGN_OR_RETURN(
      mysql::ResultSet rows,
      conn.Query(fmt::format("SELECT id, DATE_FORMAT(started_at, '%Y-%m-%d %H:%i:%s'), "
                             "definition_before, definition_after FROM {} WHERE {} ORDER BY id "
                             "DESC LIMIT 1",
                             Table(), KeyCondition(key))));
  if (rows.empty()) return std::optional<RolloutRecord>();
  RolloutRecord r;
  r.id = ParseUint64(rows[0][0].value_or("0")).value_or(0);
  r.started_at = rows[0][1].value_or("");
  r.definition_before = rows[0][2].value_or("");
  r.definition_after = rows[0][3].value_or("");
  return std::optional<RolloutRecord>(std::move(r));
}

Result<RolloutRecord> StartRollout(mysql::Connection& conn, const RolloutKey& key,
                                   const std::string& definition_before,
                                   const std::string& definition_after) {
  SAFEDDL_RETURN_IF_ERROR(Unlogged(conn, [&] {
    SAFEDDL_RETURN_IF_ERROR(
        conn.Execute("CREATE DATABASE IF NOT EXISTS " + *mysql::QuoteIdentifier(kRolloutSchema)));
    SAFEDDL_RETURN_IF_ERROR(conn.Execute(
        "CREATE TABLE IF NOT EXISTS " + Table() +
        " (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, started_at DATETIME NOT NULL,"
        " db_name VARCHAR(64) NOT NULL, table_name VARCHAR(64) NOT NULL,"
        " alter_clauses MEDIUMTEXT NOT NULL, switchover_to VARCHAR(300) NOT NULL,"
        " definition_before MEDIUMTEXT NOT NULL, definition_after MEDIUMTEXT NOT NULL,"
        " finished_at DATETIME NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"));
    return conn.Execute(fmt::format(
        "INSERT INTO {} (started_at, db_name, table_name, alter_clauses, switchover_to, "
        "definition_before, definition_after) VALUES (UTC_TIMESTAMP(), {}, {}, {}, {}, {}, {})",
        Table(), mysql::QuoteString(key.database), mysql::QuoteString(key.table),
        mysql::QuoteString(key.alter), mysql::QuoteString(key.to),
        mysql::QuoteString(definition_before), mysql::QuoteString(definition_after)));
  }));
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<RolloutRecord> r, OpenRollout(conn, key));
  if (!r) return InternalError("the rollout just recorded is not found");
  return *r;
}

Status SetRolloutAfter(mysql::Connection& conn, uint64_t id, const std::string& definition_after) {
  return Unlogged(conn, [&] {
    return conn.Execute(fmt::format("UPDATE {} SET definition_after = {} WHERE id = {}", Table(),
                                    mysql::QuoteString(definition_after), id));
  });
}

Status FinishRollout(mysql::Connection& conn, uint64_t id) {
  return Unlogged(conn, [&] {
    return conn.Execute(
        fmt::format("UPDATE {} SET finished_at = UTC_TIMESTAMP() WHERE id = {}", Table(), id));
  });
}

}  // namespace safeddl::topology
