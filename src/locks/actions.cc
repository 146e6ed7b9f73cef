#include "locks/actions.h"

#include <fmt/format.h>

#include "mysql/connection.h"

namespace safeddl::locks {
namespace {

constexpr double kMillisPerSecond = 1000.0;
// PROCESSLIST time is read twice by different statements; allow this much jitter backwards.
constexpr double kTimeToleranceSeconds = 0.05;

// Empty when the session is still the one the decision saw; else why not.
Result<std::string> Recheck(mysql::Connection& conn, const KillTarget& t) {
  SAFEDDL_ASSIGN_OR_RETURN(
      mysql::ResultSet rows,
      conn.Query(fmt::format("SELECT p.TIME_MS, p.INFO, t.trx_id FROM "
                             "information_schema.PROCESSLIST p LEFT JOIN "
                             "information_schema.INNODB_TRX t ON t.trx_mysql_thread_id = p.ID "
                             "WHERE p.ID = {}",
                             t.session_id)));
  if (rows.empty()) return std::string("gone");
  const mysql::Row& row = rows[0];
  const double now = row.GetDouble("TIME_MS").value_or(0) / kMillisPerSecond;
  if (now + kTimeToleranceSeconds < t.time_seconds) {
    return fmt::format("started a new command since the snapshot ({:.2f}s < {:.2f}s)", now,
                       t.time_seconds);
  }
  if (t.role == "ddl" && row.GetString("INFO").rfind(t.statement.substr(0, 40), 0) != 0) {
    return std::string("no longer runs the DDL");
  }
  const std::string trx = row.GetString("trx_id");
  if (!t.trx_id.empty() && !trx.empty() && trx != "0" && t.trx_id != "0" && trx != t.trx_id) {
    return fmt::format("is in another transaction ({} instead of {})", trx, t.trx_id);
  }
  return std::string();
}

}  // namespace

std::string_view KillResultName(KillResult result) {
  switch (result) {
    case KillResult::kDryRun:
      return "dry_run";
    case KillResult::kKilled:
      return "killed";
    case KillResult::kGone:
      return "gone";
    case KillResult::kChanged:
      return "changed";
    case KillResult::kFailed:
      return "failed";
  }
  return "failed";
}

Result<std::vector<KillOutcome>> ExecuteKills(mysql::Connection& conn,
                                              const std::vector<KillTarget>& kills, bool execute) {
  std::vector<KillOutcome> out;
  for (const KillTarget& t : kills) {
    KillOutcome o;
    o.target = t;
    if (!execute) {
      o.result = KillResult::kDryRun;
      out.push_back(std::move(o));
      continue;
    }
    if (t.session_id == conn.id()) return InternalError("refusing to kill this very session");
    SAFEDDL_ASSIGN_OR_RETURN(std::string changed, Recheck(conn, t));
    if (changed == "gone") {
      o.result = KillResult::kGone;
      o.detail = "ended before the kill";
    } else if (!changed.empty()) {
      o.result = KillResult::kChanged;
      o.detail = "not killed: it " + changed;
    } else {
      Status s = conn.Execute(t.Sql());
      if (s.ok()) {
        o.result = KillResult::kKilled;
      } else if (s.code() == StatusCode::kNotFound) {
        o.result = KillResult::kGone;
        o.detail = "ended before the kill";
      } else {
        o.result = KillResult::kFailed;
        o.detail = s.message();
        out.push_back(std::move(o));
        return s.WithContext(fmt::format("{} failed", t.Sql()));
      }
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace safeddl::locks
