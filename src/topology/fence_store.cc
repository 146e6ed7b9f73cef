#include "topology/fence_store.h"

#include <fmt/format.h>

#include "common/strings.h"
#include "mysql/quote.h"

namespace safeddl::topology {
namespace {

std::string Schema() { return *mysql::QuoteIdentifier(kFenceSchema); }
std::string AccountTable() { return Schema() + ".`account`"; }

std::string OptionalLiteral(const std::optional<std::string>& v) {
  return v ? mysql::QuoteString(*v) : std::string("NULL");
}

constexpr std::string_view kColumns =
    "id, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s'), created_by, "
    "IFNULL(DATE_FORMAT(expires_at, '%Y-%m-%d %H:%i:%s'), ''), lock_accounts, read_only_before, "
    "event_scheduler_before, event_name, IFNULL(DATE_FORMAT(lifted_at, '%Y-%m-%d %H:%i:%s'), ''), "
    "lifted_by, IFNULL(DATE_FORMAT(restored_at, '%Y-%m-%d %H:%i:%s'), '')";

Result<std::optional<FenceRecord>> ReadOne(mysql::Connection& conn, std::string_view where) {
  SAFEDDL_ASSIGN_OR_RETURN(
      std::optional<std::string> exists,
      conn.QueryValue(fmt::format("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                                  "{} AND TABLE_NAME = 'fence'",
                                  mysql::QuoteString(kFenceSchema))));
  if (!exists) return std::optional<FenceRecord>();
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet rows,
                           conn.Query(fmt::format("SELECT {} FROM {} {} ORDER BY id DESC LIMIT 1",
                                                  kColumns, FenceTable(), where)));
  if (rows.empty()) return std::optional<FenceRecord>();
  const mysql::Row& r = rows[0];
  FenceRecord f;
  f.id = ParseUint64(r[0].value_or("0")).value_or(0);
  f.created_at = r[1].value_or("");
  f.created_by = r[2].value_or("");
  f.expires_at = r[3].value_or("");
  f.lock_accounts = r[4].value_or("0") == "1";
  f.read_only_before = r[5];
  f.event_scheduler_before = r[6];
  f.event = r[7].value_or("");
  f.lifted_at = r[8].value_or("");
  f.lifted_by = r[9].value_or("");
  f.restored_at = r[10].value_or("");
  SAFEDDL_ASSIGN_OR_RETURN(
      mysql::ResultSet accounts,
      conn.Query(fmt::format("SELECT user, host FROM {} WHERE fence_id = {} ORDER BY user, host",
                             AccountTable(), f.id)));
  for (const mysql::Row& a : accounts.rows()) {
    Account account;
    account.user = a[0].value_or("");
    account.host = a[1].value_or("");
    f.accounts.push_back(std::move(account));
  }
  return std::optional<FenceRecord>(std::move(f));
}

}  // namespace

std::string FenceTable() { return Schema() + ".`fence`"; }

Status EnsureFenceStore(mysql::Connection& conn) {
  SAFEDDL_RETURN_IF_ERROR(conn.Execute("CREATE DATABASE IF NOT EXISTS " + Schema()));
  SAFEDDL_RETURN_IF_ERROR(
      conn.Execute("CREATE TABLE IF NOT EXISTS " + FenceTable() +
                   " (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
                   " created_at DATETIME NOT NULL, created_by VARCHAR(400) NOT NULL,"
                   " expires_at DATETIME NULL, lock_accounts TINYINT NOT NULL,"
                   " read_only_before VARCHAR(8) NULL, event_scheduler_before VARCHAR(16) NULL,"
                   " event_name VARCHAR(64) NOT NULL DEFAULT '',"
                   " lifted_at DATETIME NULL, lifted_by VARCHAR(32) NOT NULL DEFAULT '',"
                   " restored_at DATETIME NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"));
  return conn.Execute("CREATE TABLE IF NOT EXISTS " + AccountTable() +
                      " (fence_id BIGINT UNSIGNED NOT NULL, user VARCHAR(128) NOT NULL,"
                      " host VARCHAR(255) NOT NULL, PRIMARY KEY (fence_id, user, host))"
                      " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
}

Result<uint64_t> InsertFence(mysql::Connection& conn, const FenceRecord& f) {
  SAFEDDL_RETURN_IF_ERROR(conn.Execute(
      fmt::format("INSERT INTO {} (created_at, created_by, expires_at, lock_accounts, "
                  "event_scheduler_before) VALUES (UTC_TIMESTAMP(), CURRENT_USER(), {}, {}, {})",
                  FenceTable(), f.expires_at.empty() ? "NULL" : mysql::QuoteString(f.expires_at),
                  f.lock_accounts ? 1 : 0, OptionalLiteral(f.event_scheduler_before))));
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<std::string> id,
                           conn.QueryValue("SELECT LAST_INSERT_ID()"));
  return ParseUint64(id.value_or("0")).value_or(0);
}

Status InsertFencedAccount(mysql::Connection& conn, uint64_t fence_id, const Account& a) {
  return conn.Execute(fmt::format("INSERT INTO {} (fence_id, user, host) VALUES ({}, {}, {})",
                                  AccountTable(), fence_id, mysql::QuoteString(a.user),
                                  mysql::QuoteString(a.host)));
}

Status SetFenceEvent(mysql::Connection& conn, uint64_t fence_id, const std::string& event) {
  return conn.Execute(fmt::format("UPDATE {} SET event_name = {} WHERE id = {}", FenceTable(),
                                  mysql::QuoteString(event), fence_id));
}

Status SetReadOnlyBefore(mysql::Connection& conn, uint64_t fence_id, const std::string& value) {
  return conn.Execute(fmt::format("UPDATE {} SET read_only_before = {} WHERE id = {}", FenceTable(),
                                  mysql::QuoteString(value), fence_id));
}

Status MarkFenceRestored(mysql::Connection& conn, uint64_t fence_id, const std::string& by) {
  return conn.Execute(
      fmt::format("UPDATE {} SET lifted_by = IF(lifted_at IS NULL, {}, lifted_by), "
                  "lifted_at = IFNULL(lifted_at, UTC_TIMESTAMP()), restored_at = UTC_TIMESTAMP() "
                  "WHERE id = {}",
                  FenceTable(), mysql::QuoteString(by), fence_id));
}

Result<std::optional<FenceRecord>> OpenFence(mysql::Connection& conn) {
  return ReadOne(conn, "WHERE restored_at IS NULL");
}

Result<std::optional<FenceRecord>> LatestFence(mysql::Connection& conn) {
  return ReadOne(conn, "");
}

}  // namespace safeddl::topology
