#include "locks/verify.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <regex>

#include "locks/snapshot.h"
#include "locks/wait_graph.h"
#include "mysql/connection.h"
#include "mysql/quote.h"

namespace safeddl::locks {
namespace {

constexpr auto kDrainPoll = std::chrono::milliseconds(100);
constexpr double kMinLockWaitSeconds = 1;

bool IsConnectionProblem(const Status& s) {
  return s.code() == StatusCode::kConnectionLost || s.code() == StatusCode::kCannotConnect;
}

Result<Check> Drain(mysql::Connection& conn, const VerifyOptions& o, Clock& clock,
                    double& seconds) {
  const TimePoint start = clock.Now();
  CollectOptions co;
  co.own_session_ids = o.own_session_ids;
  co.ignore_lock_sources = true;  // PROCESSLIST is enough to count waiters; keep the poll cheap
  while (true) {
    SAFEDDL_ASSIGN_OR_RETURN(LockSnapshot snap, CollectSnapshot(conn, co));
    const WaitGraph g = BuildWaitGraph(snap);
    const Pileup* p = g.FindPileup(o.table);
    seconds = MillisBetween(start, clock.Now()) / 1000.0;
    if (p == nullptr) {
      return Check{true, fmt::format("no session waits on the table ({} after the action)",
                                     HumanDuration(seconds))};
    }
    if (seconds >= o.verify_seconds) {
      return Check{false,
                   fmt::format("{} session(s) still wait after {} (oldest {})", p->WaiterCount(),
                               HumanDuration(seconds), HumanDuration(p->oldest_wait_seconds))};
    }
    clock.SleepFor(kDrainPoll);
  }
}

// Runs `sql` statements in order, then ROLLBACK whatever happened. The result is the first error.
Status InRolledBackTransaction(mysql::Connection& conn, const std::vector<std::string>& sql) {
  Status first;
  for (const std::string& s : sql) {
    first = conn.Execute(s);
    if (!first.ok()) break;
  }
  Status rb = conn.Execute("ROLLBACK");
  if (!first.ok()) return first;
  return rb;
}

Result<Check> Probe(mysql::Connection& conn, const TableName& t) {
  SAFEDDL_ASSIGN_OR_RETURN(std::string q, mysql::QuoteQualified(t.schema, t.name));
  Status s = InRolledBackTransaction(
      conn, {"START TRANSACTION", fmt::format("DELETE FROM {} WHERE FALSE", q)});
  if (IsConnectionProblem(s)) return s;
  if (!s.ok()) return Check{false, "cannot take the table's write lock: " + s.message()};
  return Check{true, "took the table's write lock (DELETE ... WHERE FALSE, rolled back)"};
}

Result<Check> Canary(mysql::Connection& conn, const VerifyOptions& o) {
  if (o.verify_table) {
    SAFEDDL_ASSIGN_OR_RETURN(std::string q,
                             mysql::QuoteQualified(o.verify_table->schema, o.verify_table->name));
    Status s = InRolledBackTransaction(
        conn, {"START TRANSACTION", fmt::format("INSERT INTO {} () VALUES ()", q)});
    if (IsConnectionProblem(s)) return s;
    if (!s.ok()) return Check{false, fmt::format("write to {} failed: {}", q, s.message())};
    return Check{true, fmt::format("inserted a default row into {} (rolled back)", q)};
  }
  SAFEDDL_ASSIGN_OR_RETURN(std::string schema, mysql::QuoteIdentifier(kCanarySchema));
  SAFEDDL_ASSIGN_OR_RETURN(std::string table, mysql::QuoteQualified(kCanarySchema, kCanaryTable));
  const std::vector<std::string> steps = {
      fmt::format("CREATE DATABASE IF NOT EXISTS {}", schema),
      fmt::format("CREATE TABLE IF NOT EXISTS {} (session_id BIGINT UNSIGNED PRIMARY KEY, "
                  "written_at DATETIME(6) NOT NULL) ENGINE=InnoDB COMMENT='safeddl unblock "
                  "canary: rows live for a moment'",
                  table),
      fmt::format("REPLACE INTO {} VALUES (CONNECTION_ID(), NOW(6))", table),
      fmt::format("DELETE FROM {} WHERE session_id = CONNECTION_ID()", table)};
  for (const std::string& sql : steps) {
    Status s = conn.Execute(sql);
    if (IsConnectionProblem(s)) return s;
    if (!s.ok()) return Check{false, fmt::format("canary write failed: {}", s.message())};
  }
  return Check{true, fmt::format("committed and deleted a row in {}", table)};
}

Result<Check> CheckTable(mysql::Connection& conn, const TableName& t) {
  SAFEDDL_ASSIGN_OR_RETURN(std::string q, mysql::QuoteQualified(t.schema, t.name));
  Result<mysql::ResultSet> rows = conn.Query(fmt::format("CHECK TABLE {}", q));
  if (!rows.ok()) {
    if (IsConnectionProblem(rows.status())) return rows.status();
    return Check{false, "CHECK TABLE failed: " + rows.status().message()};
  }
  std::string last;
  for (const mysql::Row& r : rows->rows()) {
    last = r.GetString("Msg_type") + ": " + r.GetString("Msg_text");
    if (r.GetString("Msg_type") == "error") return Check{false, "CHECK TABLE: " + last};
  }
  const bool ok = !rows->empty() && rows->rows().back().GetString("Msg_text") == "OK";
  return Check{ok, "CHECK TABLE: " + last};
}

}  // namespace

std::string_view SchemaOutcomeName(SchemaOutcome outcome) {
  switch (outcome) {
    case SchemaOutcome::kUnchanged:
      return "unchanged";
    case SchemaOutcome::kChangedAsExpected:
      return "changed_by_ddl";
    case SchemaOutcome::kChangedUnexpectedly:
      return "changed_unexpectedly";
    case SchemaOutcome::kUnknown:
      return "unknown";
  }
  return "unknown";
}

Result<std::string> ShowCreateTable(mysql::Connection& conn, const TableName& table) {
  SAFEDDL_ASSIGN_OR_RETURN(std::string q, mysql::QuoteQualified(table.schema, table.name));
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet rows, conn.Query("SHOW CREATE TABLE " + q));
  if (rows.empty() || rows[0].size() < 2 || !rows[0][1]) {
    return NotFoundError("SHOW CREATE TABLE " + q + " returned nothing");
  }
  static const std::regex kAutoIncrement(R"( AUTO_INCREMENT=\d+)");
  return std::regex_replace(*rows[0][1], kAutoIncrement, "");
}

SchemaOutcome CompareSchema(const std::string& before, const std::string& after, bool ddl_killed) {
  if (before.empty() || after.empty()) return SchemaOutcome::kUnknown;
  if (before == after) return SchemaOutcome::kUnchanged;
  return ddl_killed ? SchemaOutcome::kChangedUnexpectedly : SchemaOutcome::kChangedAsExpected;
}

Result<VerifyReport> Verify(mysql::Connection& conn, const VerifyOptions& o, Clock& clock) {
  VerifyReport r;
  const long wait = std::lround(std::max(o.verify_seconds, kMinLockWaitSeconds));
  SAFEDDL_RETURN_IF_ERROR(conn.Execute(fmt::format("SET SESSION lock_wait_timeout = {}", wait)));
  SAFEDDL_RETURN_IF_ERROR(
      conn.Execute(fmt::format("SET SESSION innodb_lock_wait_timeout = {}", wait)));
  SAFEDDL_ASSIGN_OR_RETURN(r.drain, Drain(conn, o, clock, r.drain_seconds));
  SAFEDDL_ASSIGN_OR_RETURN(r.probe, Probe(conn, o.table));
  SAFEDDL_ASSIGN_OR_RETURN(r.canary, Canary(conn, o));
  SAFEDDL_ASSIGN_OR_RETURN(r.check_table, CheckTable(conn, o.table));
  Result<std::string> after = ShowCreateTable(conn, o.table);
  if (!after.ok() && IsConnectionProblem(after.status())) return after.status();
  r.schema = CompareSchema(o.create_before, after.ok() ? *after : "", o.ddl_killed);
  switch (r.schema) {
    case SchemaOutcome::kUnchanged:
      r.schema_detail = "SHOW CREATE TABLE is the same as before";
      break;
    case SchemaOutcome::kChangedAsExpected:
      r.schema_detail = "SHOW CREATE TABLE changed: the DDL completed";
      break;
    case SchemaOutcome::kChangedUnexpectedly:
      r.schema_detail = "SHOW CREATE TABLE changed although the DDL was killed";
      break;
    case SchemaOutcome::kUnknown:
      r.schema_detail = after.ok() ? "no definition from before to compare with"
                                   : "SHOW CREATE TABLE failed: " + after.status().message();
      break;
  }
  return r;
}

}  // namespace safeddl::locks
