#include "osc/copier.h"

#include <fmt/format.h>
#include <mysqld_error.h>

#include <algorithm>
#include <thread>

#include "common/clock.h"
#include "common/strings.h"
#include "mysql/quote.h"

namespace safeddl::osc {
namespace {

// A chunk that keeps meeting locked rows is tried this many times without waiting, then once
// waiting for the lock like any reader (a long transaction must not starve the copy).
constexpr int kNowaitAttempts = 50;
constexpr auto kConflictPause = std::chrono::milliseconds(2);

// Warnings that mean a value changed on the way into the ghost (data loss), as opposed to the
// duplicate-key notes INSERT IGNORE raises for rows the applier already wrote.
bool IsDataLossWarning(long long code) { return code != ER_DUP_ENTRY; }

Status CheckWarnings(mysql::Connection& conn) {
  if (conn.warnings() == 0) return Status::OK();
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet warnings, conn.Query("SHOW WARNINGS"));
  for (const mysql::Row& w : warnings.rows()) {
    if (IsDataLossWarning(w.GetInt("Code").value_or(0))) {
      return AbortedError(fmt::format(
          "--panic-on-warnings: copying into the ghost raised warning {}: {} (the new schema "
          "would change data; nothing was swapped)",
          w.GetString("Code"), w.GetString("Message")));
    }
  }
  return Status::OK();
}

}  // namespace

std::string CopyStatement(const MigrationPlan& plan, const std::string& where_original,
                          bool nowait) {
  std::vector<std::string> sources, targets;
  for (const auto& c : plan.mapping.shared) {
    sources.push_back(*mysql::QuoteIdentifier(c.source));
    targets.push_back(*mysql::QuoteIdentifier(c.target));
  }
  return fmt::format(
      "INSERT IGNORE INTO {} ({}) SELECT {} FROM {} FORCE INDEX ({}) WHERE {} "
      "LOCK IN SHARE MODE{}",
      plan.q_ghost, JoinStrings(targets, ", "), JoinStrings(sources, ", "), plan.q_original,
      *mysql::QuoteIdentifier(plan.key.original_index), where_original, nowait ? " NOWAIT" : "");
}

Result<ChunkResult> CopyChunkRows(mysql::Connection& conn, const MigrationPlan& plan,
                                  const KeyChunk& chunk, bool panic_on_warnings,
                                  const std::string& filter) {
  const TimePoint start = SystemClock::Get().Now();
  SAFEDDL_ASSIGN_OR_RETURN(std::string where,
                           RangePredicate(plan.original_key, {chunk.lower, chunk.upper}));
  if (!filter.empty()) where = fmt::format("({}) AND ({})", where, filter);
  ChunkResult result;
  for (int attempt = 1;; ++attempt) {
    const bool nowait = attempt <= kNowaitAttempts;
    Status s = conn.Execute(CopyStatement(plan, where, nowait));
    if (s.ok()) break;
    if (!nowait || s.server_errno() != ER_LOCK_WAIT_TIMEOUT) {
      return s.WithContext("copying rows into " + plan.q_ghost);
    }
    ++result.lock_conflicts;
    std::this_thread::sleep_for(kConflictPause * std::min(attempt, 10));
  }
  result.rows = conn.affected_rows();
  if (panic_on_warnings) SAFEDDL_RETURN_IF_ERROR(CheckWarnings(conn));
  result.millis = MillisBetween(start, SystemClock::Get().Now());
  return result;
}

}  // namespace safeddl::osc
