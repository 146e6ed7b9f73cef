#include "galera/table_locks.h"

#include <fmt/format.h>

#include <vector>

#include "common/strings.h"
#include "mysql/quote.h"

namespace safeddl::galera {
namespace {

// Why the write probe could not lock the table at once: LOCK TABLES on it (the table is in use
// while no statement runs on it) or a global read lock.
std::string ExplicitLockBlocker(Node& node, const TableNames& t) {
  Result<std::string> db = mysql::QuoteIdentifier(t.database);
  Result<mysql::ResultSet> open =
      db.ok() ? node.conn->Query(fmt::format("SHOW OPEN TABLES FROM {} WHERE `Table` = {} AND "
                                             "In_use > 0",
                                             *db, mysql::QuoteString(t.table)))
              : Result<mysql::ResultSet>(db.status());
  const bool table_lock = open.ok() && !open->empty();
  return fmt::format(
      "{}: {} holds {} (a DDL would wait for it on that node, and with TOI every node's writes "
      "with it); `safeddl unblock` there names the session",
      node.Name(),
      table_lock ? "an explicit lock (LOCK TABLES)"
                 : "a global read lock (FLUSH TABLES WITH READ LOCK) or a backup lock",
      table_lock ? t.quoted : std::string("every table"));
}

// The transactions on `node` open at least `age`, named; empty when none.
Result<std::string> OpenTransactions(Node& node, std::chrono::seconds age) {
  SAFEDDL_ASSIGN_OR_RETURN(
      mysql::ResultSet trx,
      node.conn->Query(fmt::format(
          "SELECT trx_mysql_thread_id, TIMESTAMPDIFF(SECOND, trx_started, NOW()) FROM "
          "information_schema.INNODB_TRX WHERE trx_started <= NOW() - INTERVAL {} SECOND AND "
          "trx_mysql_thread_id <> CONNECTION_ID() ORDER BY trx_started LIMIT 5",
          age.count())));
  std::vector<std::string> named;
  for (const mysql::Row& row : trx.rows()) {
    const std::string id = row[0].value_or("?");
    std::string who;
    // Read apart from INNODB_TRX: a join of two information_schema tables needs a temporary
    // table on the server.
    Result<mysql::ResultSet> session = node.conn->Query(
        fmt::format("SELECT USER, HOST FROM information_schema.PROCESSLIST WHERE ID = {}", id));
    if (session.ok() && !session->empty()) {
      who = fmt::format(" {}@{}", (*session)[0][0].value_or(""), (*session)[0][1].value_or(""));
    }
    named.push_back(fmt::format("session {}{}, open {} s", id, who, row[1].value_or("?")));
  }
  if (named.empty()) return std::string();
  return fmt::format(
      "{}: a transaction has the table open ({}); TOI would roll it back: let it finish, or end "
      "it",
      node.Name(), JoinStrings(named, "; "));
}

Result<std::string> ProbeLocks(Node& node, const TableNames& t,
                               std::chrono::seconds long_transaction) {
  Status write = node.conn->Execute(
      fmt::format("UPDATE {} SET {} = {} WHERE 1 = 0", t.quoted, t.first_column, t.first_column));
  if (!write.ok()) {
    if (write.server_errno() != kLockWaitTimeoutErrno) {
      return write.WithContext(fmt::format("checking {} on {}", t.quoted, node.Name()));
    }
    return ExplicitLockBlocker(node, t);
  }
  Status exclusive = node.conn->Execute(fmt::format("LOCK TABLES {} WRITE", t.quoted));
  node.conn->Execute("UNLOCK TABLES").IgnoreError();
  if (exclusive.ok()) return std::string();
  if (exclusive.server_errno() != kLockWaitTimeoutErrno) {
    return exclusive.WithContext(
        fmt::format("checking {} on {} (the account needs LOCK TABLES)", t.quoted, node.Name()));
  }
  if (long_transaction.count() == 0) {
    return fmt::format("{}: a transaction has {} open", node.Name(), t.quoted);
  }
  return OpenTransactions(node, long_transaction);
}

}  // namespace

Result<TableNames> ResolveTable(mysql::Connection& conn, const std::string& database,
                                const std::string& table) {
  TableNames t;
  t.database = database;
  t.table = table;
  SAFEDDL_ASSIGN_OR_RETURN(t.quoted, mysql::QuoteQualified(database, table));
  SAFEDDL_ASSIGN_OR_RETURN(
      std::optional<std::string> column,
      conn.QueryValue(fmt::format(
          "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = {} AND "
          "TABLE_NAME = {} ORDER BY ORDINAL_POSITION LIMIT 1",
          mysql::QuoteString(database), mysql::QuoteString(table))));
  if (!column) {
    return NotFoundError(
        fmt::format("table {} does not exist (or this account cannot see it)", t.quoted));
  }
  SAFEDDL_ASSIGN_OR_RETURN(t.first_column, mysql::QuoteIdentifier(*column));
  return t;
}

Result<std::string> TableLockBlocker(Node& node, const TableNames& t,
                                     std::chrono::seconds long_transaction) {
  SAFEDDL_RETURN_IF_ERROR(node.conn->Execute("SET SESSION lock_wait_timeout = 0"));
  Result<std::string> blocker = ProbeLocks(node, t, long_transaction);
  SAFEDDL_RETURN_IF_ERROR(node.conn->Execute("SET SESSION lock_wait_timeout = DEFAULT"));
  return blocker;
}

}  // namespace safeddl::galera
