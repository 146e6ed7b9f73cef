#include "galera/toi.h"

#include <fmt/format.h>

#include <thread>

#include "common/log.h"
#include "common/strings.h"
#include "mysql/connection.h"
#include "mysql/quote.h"
#include "schema/introspect.h"

namespace safeddl::galera {
namespace {

using Clock = std::chrono::steady_clock;

constexpr unsigned kLockWaitTimeout = 1205;
constexpr auto kRoundInterval = std::chrono::milliseconds(100);
constexpr auto kSpreadTimeout = std::chrono::seconds(120);

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct TableNames {
  std::string quoted;        // `d`.`t`
  std::string first_column;  // quoted
};

Result<TableNames> ResolveTable(mysql::Connection& conn, const ToiOptions& o) {
  TableNames t;
  SAFEDDL_ASSIGN_OR_RETURN(t.quoted, mysql::QuoteQualified(o.database, o.table));
  SAFEDDL_ASSIGN_OR_RETURN(
      std::optional<std::string> column,
      conn.QueryValue(fmt::format(
          "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = {} AND "
          "TABLE_NAME = {} ORDER BY ORDINAL_POSITION LIMIT 1",
          mysql::QuoteString(o.database), mysql::QuoteString(o.table))));
  if (!column) {
    return NotFoundError(
        fmt::format("table {} does not exist (or this account cannot see it)", t.quoted));
  }
  SAFEDDL_ASSIGN_OR_RETURN(t.first_column, mysql::QuoteIdentifier(*column));
  return t;
}

// Why the write probe could not lock the table at once: LOCK TABLES on it (the table is in use
// while no statement runs on it) or a global read lock.
std::string ExplicitLockBlocker(Node& node, const ToiOptions& o, const TableNames& t) {
  Result<std::string> db = mysql::QuoteIdentifier(o.database);
  Result<mysql::ResultSet> open =
      db.ok() ? node.conn->Query(fmt::format("SHOW OPEN TABLES FROM {} WHERE `Table` = {} AND "
                                             "In_use > 0",
                                             *db, mysql::QuoteString(o.table)))
              : Result<mysql::ResultSet>(db.status());
  const bool table_lock = open.ok() && !open->empty();
  return fmt::format(
      "{}: {} holds {} (TOI would wait for it on that node, and every node's writes with it); "
      "`safeddl unblock` there names the session",
      node.Name(),
      table_lock ? "an explicit lock (LOCK TABLES)"
                 : "a global read lock (FLUSH TABLES WITH READ LOCK) or a backup lock",
      table_lock ? t.quoted : std::string("every table"));
}

// The transactions on `node` open longer than o.long_transaction, named; empty when none.
Result<std::string> LongTransactions(Node& node, const ToiOptions& o) {
  SAFEDDL_ASSIGN_OR_RETURN(
      mysql::ResultSet trx,
      node.conn->Query(fmt::format(
          "SELECT trx_mysql_thread_id, TIMESTAMPDIFF(SECOND, trx_started, NOW()) FROM "
          "information_schema.INNODB_TRX WHERE trx_started <= NOW() - INTERVAL {} SECOND AND "
          "trx_mysql_thread_id <> CONNECTION_ID() ORDER BY trx_started LIMIT 5",
          o.long_transaction.count())));
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

// One node's table-lock probes; empty when both locks could be had at once.
Result<std::string> ProbeLocks(Node& node, const ToiOptions& o, const TableNames& t) {
  Status write = node.conn->Execute(
      fmt::format("UPDATE {} SET {} = {} WHERE 1 = 0", t.quoted, t.first_column, t.first_column));
  if (!write.ok()) {
    if (write.server_errno() != kLockWaitTimeout) {
      return write.WithContext(fmt::format("checking {} on {}", t.quoted, node.Name()));
    }
    return ExplicitLockBlocker(node, o, t);
  }
  Status exclusive = node.conn->Execute(fmt::format("LOCK TABLES {} WRITE", t.quoted));
  node.conn->Execute("UNLOCK TABLES").IgnoreError();
  if (exclusive.ok()) return std::string();
  if (exclusive.server_errno() != kLockWaitTimeout) {
    return exclusive.WithContext(
        fmt::format("checking {} on {} (the account needs LOCK TABLES)", t.quoted, node.Name()));
  }
  return LongTransactions(node, o);
}

// The probes ask for their locks without waiting (lock_wait_timeout=0): none of them queues in
// front of the application's statements. The session's own timeout is restored after.
Result<std::string> ProbeNode(Node& node, const ToiOptions& o, const TableNames& t) {
  SAFEDDL_RETURN_IF_ERROR(node.conn->Execute("SET SESSION lock_wait_timeout = 0"));
  Result<std::string> blocker = ProbeLocks(node, o, t);
  SAFEDDL_RETURN_IF_ERROR(node.conn->Execute("SET SESSION lock_wait_timeout = DEFAULT"));
  return blocker;
}

}  // namespace

nlohmann::json ToiReport::ToJson() const {
  return {{"method", "toi"},
          {"statement", statement},
          {"nodes", nodes},
          {"check_rounds", rounds},
          {"check_seconds", gate_seconds},
          {"executed", executed},
          {"ddl_seconds", ddl_seconds},
          {"spread_seconds", spread_seconds}};
}

Result<std::vector<std::string>> ToiBlockers(Cluster& cluster, const ToiOptions& options) {
  SAFEDDL_RETURN_IF_ERROR(Refresh(cluster));
  SAFEDDL_ASSIGN_OR_RETURN(TableNames t, ResolveTable(*cluster.nodes.front().conn, options));
  std::vector<std::string> blockers;
  for (Node& node : cluster.nodes) {
    const std::string why = NodeNotReady(node.status, cluster.expected_size);
    if (!why.empty()) {
      blockers.push_back(node.Name() + ": " + why);
      continue;
    }
    SAFEDDL_ASSIGN_OR_RETURN(std::string blocker, ProbeNode(node, options, t));
    if (!blocker.empty()) blockers.push_back(std::move(blocker));
  }
  return blockers;
}

Result<ToiReport> RunToiChange(const mysql::ConnectOptions& origin, Cluster& cluster,
                               const ToiOptions& o) {
  ToiReport report;
  for (const Node& n : cluster.nodes) report.nodes.push_back(n.Name());
  SAFEDDL_ASSIGN_OR_RETURN(auto conn, mysql::Connection::Open(origin));
  SAFEDDL_ASSIGN_OR_RETURN(TableNames t, ResolveTable(*conn, o));
  report.statement = fmt::format("ALTER TABLE {} {}", t.quoted, o.alter);
  SAFEDDL_ASSIGN_OR_RETURN(const std::string before, schema::TableDefinition(*conn, t.quoted));

  const auto start = Clock::now();
  const auto deadline = start + o.max_wait;
  std::vector<std::string> blockers;
  for (;;) {
    ++report.rounds;
    SAFEDDL_ASSIGN_OR_RETURN(blockers, ToiBlockers(cluster, o));
    if (blockers.empty() || Clock::now() >= deadline) break;
    if (report.rounds == 1 && o.progress) {
      o.progress(fmt::format("TOI waits (up to {:.1f} s) for: {}",
                             std::chrono::duration<double>(o.max_wait).count(),
                             JoinStrings(blockers, "; ")));
    }
    std::this_thread::sleep_for(kRoundInterval);
  }
  report.gate_seconds = SecondsSince(start);
  if (!blockers.empty()) {
    return FailedPreconditionError(fmt::format(
        "not issuing the TOI change: after {:.1f} s (--max-wait) the cluster still has what "
        "would make it wait or stall every node: {}. Nothing was changed",
        report.gate_seconds, JoinStrings(blockers, "; ")));
  }
  if (!o.execute) return report;

  // TOI for this session only, whatever the global method; on this node the DDL's own metadata
  // lock wait is bounded as well.
  SAFEDDL_RETURN_IF_ERROR(conn->Execute("SET SESSION wsrep_OSU_method = 'TOI'"));
  SAFEDDL_RETURN_IF_ERROR(conn->Execute(
      fmt::format("SET SESSION lock_wait_timeout = {}",
                  std::max<long long>(
                      1, std::chrono::duration_cast<std::chrono::seconds>(o.max_wait).count()))));
  if (o.progress) o.progress("running " + report.statement + " (TOI)");
  const auto ddl_start = Clock::now();
  SAFEDDL_RETURN_IF_ERROR(conn->Execute(report.statement));
  report.ddl_seconds = SecondsSince(ddl_start);
  report.executed = true;
  SAFEDDL_ASSIGN_OR_RETURN(const std::string after, schema::TableDefinition(*conn, t.quoted));
  if (after == before) LogInfo("note: the definition is the same as before the change");

  for (Node& node : cluster.nodes) {
    for (;;) {
      SAFEDDL_ASSIGN_OR_RETURN(std::string seen, schema::TableDefinition(*node.conn, t.quoted));
      if (seen == after) break;
      if (Clock::now() - ddl_start > kSpreadTimeout) {
        return FailedPreconditionError(fmt::format(
            "the change ran, but {} still shows another definition of {} after {} s: check "
            "that node (SHOW CREATE TABLE, its error log)",
            node.Name(), t.quoted, kSpreadTimeout.count()));
      }
      std::this_thread::sleep_for(kRoundInterval);
    }
  }
  report.spread_seconds = SecondsSince(ddl_start);
  return report;
}

}  // namespace safeddl::galera
