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

// The index a duplicate-key warning names ("Duplicate entry '5' for key 'PRIMARY'"; MySQL 8
// writes 'table.PRIMARY'), empty when the message is not in that form.
std::string DuplicateKeyName(const std::string& message) {
  const std::string marker = " for key '";
  const size_t at = message.rfind(marker);
  if (at == std::string::npos || message.back() != '\'') return "";
  std::string name = message.substr(at + marker.size());
  name.pop_back();
  if (const size_t dot = name.rfind('.'); dot != std::string::npos) name = name.substr(dot + 1);
  return name;
}

// Whether the chunk's warnings are all duplicates of the shared key in the ghost: rows the
// applier wrote before the copy reached them, which INSERT IGNORE leaves alone by design. Any
// other warning (a value converted, a row dropped over another UNIQUE key) may mean the chunk
// differs; with `panic_on_warnings` it aborts the run, as gh-ost's does.
Result<bool> OnlySharedKeyDuplicates(mysql::Connection& conn, const MigrationPlan& plan,
                                     bool panic_on_warnings) {
  const int64_t count = static_cast<int64_t>(conn.warnings());
  if (count == 0) return true;
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet warnings, conn.Query("SHOW WARNINGS"));
  bool only_duplicates = static_cast<int64_t>(warnings.rows().size()) == count;
  for (const mysql::Row& w : warnings.rows()) {
    const std::string message = w.GetString("Message");
    if (w.GetInt("Code").value_or(0) == ER_DUP_ENTRY &&
        EqualsIgnoreCase(DuplicateKeyName(message), plan.key.ghost_index)) {
      continue;
    }
    if (panic_on_warnings) {
      return AbortedError(fmt::format(
          "--panic-on-warnings: copying into the ghost raised warning {}: {} (the new schema "
          "would change or lose data; nothing was swapped)",
          w.GetString("Code"), message));
    }
    only_duplicates = false;
  }
  return only_duplicates;
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
  SAFEDDL_ASSIGN_OR_RETURN(const bool faithful,
                           OnlySharedKeyDuplicates(conn, plan, panic_on_warnings));
  result.unverified = !faithful;
  result.millis = MillisBetween(start, SystemClock::Get().Now());
  return result;
}

}  // namespace safeddl::osc
