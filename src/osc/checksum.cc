#include "osc/checksum.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <mutex>
#include <thread>

#include "common/strings.h"
#include "mysql/quote.h"
#include "osc/chunk_planner.h"

namespace safeddl::osc {
namespace {

// The compared columns' expressions on one side (MigrationPlan::checksum_columns: a converted
// column through its conversion into the ghost's type).
std::vector<std::string> ColumnExpressions(const MigrationPlan& plan, bool ghost) {
  std::vector<std::string> exprs;
  for (const auto& c : plan.checksum_columns) exprs.push_back(ghost ? c.ghost : c.original);
  return exprs;
}

struct RangeSum {
  int64_t count = 0;
  std::string crc;
};

Result<RangeSum> SumRange(mysql::Connection& conn, const std::string& table,
                          const std::vector<std::string>& columns, const std::string& where) {
  SAFEDDL_ASSIGN_OR_RETURN(
      mysql::ResultSet rs,
      conn.Query(fmt::format("SELECT COUNT(*), COALESCE(BIT_XOR({}), 0) FROM {} WHERE {}",
                             RowChecksumExpression(columns), table, where)));
  if (rs.empty()) return InternalError("checksum query returned no row");
  auto count = ParseInt64(rs[0][0].value_or(""));
  if (!count) return InternalError("checksum query returned a non-numeric count");
  return RangeSum{*count, rs[0][1].value_or("0")};
}

}  // namespace

std::string RowChecksumExpression(const std::vector<std::string>& columns) {
  // Each column's CRC32 (NULL as 2^32, a value CRC32 never returns), times an odd multiplier of
  // its position so equal values in different columns do not cancel, XORed together. Products
  // stay below 2^62 (CRC32 < 2^33 with the NULL mark, multipliers < 2^29), so the unsigned
  // arithmetic never overflows. About 1.6x cheaper for the server than one CRC32 over the
  // concatenated row, and it needs no charset conversion.
  if (columns.empty()) return "0";
  std::vector<std::string> terms;
  for (size_t i = 0; i < columns.size(); ++i) {
    const uint64_t multiplier = ((static_cast<uint64_t>(i + 1) * 2654435761ULL) % (1ULL << 29)) | 1;
    // Parenthesized: in SQL, ^ binds tighter than *.
    terms.push_back(fmt::format("(COALESCE(CRC32({}), 4294967296) * {})", columns[i], multiplier));
  }
  return "(" + JoinStrings(terms, " ^ ") + ")";
}

namespace {

// Runs `step` on every connection, one thread each, until a step on any connection returns false
// (no work left) or an error (the first error is returned).
Status Spread(const std::vector<mysql::Connection*>& conns,
              const std::function<Result<bool>(mysql::Connection&)>& step) {
  std::mutex mu;  // guards first_error
  Status first_error;
  std::atomic<bool> stop{false};
  auto worker = [&](mysql::Connection& conn) {
    while (!stop.load()) {
      Result<bool> more = step(conn);
      if (more.ok() && *more) continue;
      stop.store(true);
      std::lock_guard<std::mutex> lock(mu);
      if (!more.ok() && first_error.ok()) first_error = more.status();
    }
  };
  std::vector<std::thread> threads;
  for (mysql::Connection* c : conns) threads.emplace_back(worker, std::ref(*c));
  for (std::thread& t : threads) t.join();
  return first_error;
}

}  // namespace

Result<ChecksumResult> CompareTables(const std::vector<mysql::Connection*>& conns,
                                     const MigrationPlan& plan, int64_t rows_per_range) {
  if (conns.size() < 2) return InternalError("the checksum needs two connections at least");
  const std::vector<std::string> original_cols = ColumnExpressions(plan, false);
  const std::vector<std::string> ghost_cols = ColumnExpressions(plan, true);
  ChunkPlanner planner(*conns[0], plan, rows_per_range);
  SAFEDDL_RETURN_IF_ERROR(planner.Prepare());

  std::mutex mu;  // guards result
  ChecksumResult result;
  auto compare = [&](mysql::Connection& conn, const KeyRangeBounds& range) -> Status {
    SAFEDDL_ASSIGN_OR_RETURN(std::string where_original, RangePredicate(plan.original_key, range));
    SAFEDDL_ASSIGN_OR_RETURN(std::string where_ghost, RangePredicate(plan.ghost_key, range));
    SAFEDDL_ASSIGN_OR_RETURN(RangeSum a,
                             SumRange(conn, plan.q_original, original_cols, where_original));
    SAFEDDL_ASSIGN_OR_RETURN(RangeSum b, SumRange(conn, plan.q_ghost, ghost_cols, where_ghost));
    std::lock_guard<std::mutex> lock(mu);
    ++result.ranges;
    result.rows_original += a.count;
    result.rows_ghost += b.count;
    if (a.count != b.count || a.crc != b.crc) result.differing.push_back(range);
    return Status::OK();
  };
  const std::vector<mysql::Connection*> workers(conns.begin() + 1, conns.end());
  SAFEDDL_RETURN_IF_ERROR(Spread(workers, [&](mysql::Connection& conn) -> Result<bool> {
    SAFEDDL_ASSIGN_OR_RETURN(std::optional<KeyChunk> chunk, planner.Next());
    if (!chunk) return false;
    SAFEDDL_RETURN_IF_ERROR(compare(conn, {chunk->lower, chunk->upper}));
    return true;
  }));
  // Above the last key (and the whole key space of an empty original): rows only the ghost has.
  SAFEDDL_RETURN_IF_ERROR(compare(*conns[1], {planner.end_key(), {}}));
  return result;
}

Result<ChecksumResult> CompareChanged(const std::vector<mysql::Connection*>& conns,
                                      const MigrationPlan& plan, const ChangedRowsSnapshot& changed,
                                      size_t keys_per_batch, bool count_rows) {
  if (conns.empty()) return InternalError("the checksum needs a connection");
  if (keys_per_batch == 0) return InternalError("the checksum needs keys per batch");
  const std::vector<std::string> original_cols = ColumnExpressions(plan, false);
  const std::vector<std::string> ghost_cols = ColumnExpressions(plan, true);
  // Tasks by index: the two row counts, then the ranges, then the key batches.
  const size_t batches = (changed.keys.size() + keys_per_batch - 1) / keys_per_batch;
  const size_t tasks = 2 + changed.ranges.size() + batches;
  std::atomic<size_t> next{count_rows ? 0u : 2u};
  std::mutex mu;  // guards result
  ChecksumResult result;
  result.keys = static_cast<int64_t>(changed.keys.size());
  auto compare = [&](mysql::Connection& conn, const std::string& where_original,
                     const std::string& where_ghost) -> Result<bool> {
    SAFEDDL_ASSIGN_OR_RETURN(RangeSum a,
                             SumRange(conn, plan.q_original, original_cols, where_original));
    SAFEDDL_ASSIGN_OR_RETURN(RangeSum b, SumRange(conn, plan.q_ghost, ghost_cols, where_ghost));
    return a.count == b.count && a.crc == b.crc;
  };
  SAFEDDL_RETURN_IF_ERROR(Spread(conns, [&](mysql::Connection& conn) -> Result<bool> {
    const size_t task = next.fetch_add(1);
    if (task >= tasks) return false;
    if (task < 2) {
      // Read by the shared key, whose index is the table itself for a PRIMARY KEY: a secondary
      // index under writes makes InnoDB look each row up to see which version the snapshot sees.
      const bool ghost = task == 1;
      const std::string table = fmt::format(
          "{} FORCE INDEX ({})", ghost ? plan.q_ghost : plan.q_original,
          *mysql::QuoteIdentifier(ghost ? plan.key.ghost_index : plan.key.original_index));
      SAFEDDL_ASSIGN_OR_RETURN(RangeSum sum, SumRange(conn, table, {}, "TRUE"));
      std::lock_guard<std::mutex> lock(mu);
      (ghost ? result.rows_ghost : result.rows_original) = sum.count;
      return true;
    }
    if (task < 2 + changed.ranges.size()) {
      const KeyRangeBounds& range = changed.ranges[task - 2];
      SAFEDDL_ASSIGN_OR_RETURN(std::string where_original,
                               RangePredicate(plan.original_key, range));
      SAFEDDL_ASSIGN_OR_RETURN(std::string where_ghost, RangePredicate(plan.ghost_key, range));
      SAFEDDL_ASSIGN_OR_RETURN(const bool same, compare(conn, where_original, where_ghost));
      std::lock_guard<std::mutex> lock(mu);
      ++result.ranges;
      if (!same) result.differing.push_back(range);
      return true;
    }
    const size_t first = (task - 2 - changed.ranges.size()) * keys_per_batch;
    const std::vector<KeyLiterals> keys(
        changed.keys.begin() + static_cast<std::ptrdiff_t>(first),
        changed.keys.begin() +
            static_cast<std::ptrdiff_t>(std::min(changed.keys.size(), first + keys_per_batch)));
    SAFEDDL_ASSIGN_OR_RETURN(const bool same,
                             compare(conn, KeySetPredicate(plan.original_key, keys),
                                     KeySetPredicate(plan.ghost_key, keys)));
    if (!same) {
      std::lock_guard<std::mutex> lock(mu);
      result.differing_keys += static_cast<int64_t>(keys.size());
    }
    return true;
  }));
  return result;
}

bool GhostCanLoseRowsOutsideKeys(const MigrationPlan& plan) {
  return std::any_of(plan.ghost.indexes.begin(), plan.ghost.indexes.end(),
                     [&](const schema::Index& index) {
                       return index.unique && !EqualsIgnoreCase(index.name, plan.key.ghost_index);
                     });
}

}  // namespace safeddl::osc
