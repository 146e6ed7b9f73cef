#include "osc/checksum.h"

#include <fmt/format.h>

#include <algorithm>
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

Result<ChecksumResult> CompareTables(const std::vector<mysql::Connection*>& conns,
                                     const MigrationPlan& plan, int64_t rows_per_range) {
  if (conns.size() < 2) return InternalError("the checksum needs two connections at least");
  const std::vector<std::string> original_cols = ColumnExpressions(plan, false);
  const std::vector<std::string> ghost_cols = ColumnExpressions(plan, true);
  ChunkPlanner planner(*conns[0], plan, rows_per_range);
  SAFEDDL_RETURN_IF_ERROR(planner.Prepare());

  std::mutex mu;  // guards result and first_error
  ChecksumResult result;
  Status first_error;
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
  auto worker = [&](mysql::Connection& conn) {
    Status s = [&]() -> Status {
      while (true) {
        {
          std::lock_guard<std::mutex> lock(mu);
          if (!first_error.ok()) return Status::OK();
        }
        SAFEDDL_ASSIGN_OR_RETURN(std::optional<KeyChunk> chunk, planner.Next());
        if (!chunk) return Status::OK();
        SAFEDDL_RETURN_IF_ERROR(compare(conn, {chunk->lower, chunk->upper}));
      }
    }();
    std::lock_guard<std::mutex> lock(mu);
    if (!s.ok() && first_error.ok()) first_error = s;
  };
  std::vector<std::thread> threads;
  for (size_t i = 1; i < conns.size(); ++i) threads.emplace_back(worker, std::ref(*conns[i]));
  for (std::thread& t : threads) t.join();
  SAFEDDL_RETURN_IF_ERROR(first_error);
  // Above the last key (and the whole key space of an empty original): rows only the ghost has.
  SAFEDDL_RETURN_IF_ERROR(compare(*conns[1], {planner.end_key(), {}}));
  return result;
}

Result<ChecksumResult> CompareChanged(mysql::Connection& original_side,
                                      mysql::Connection& ghost_side, const MigrationPlan& plan,
                                      const ChangedRowsSnapshot& changed, size_t keys_per_batch,
                                      bool count_rows) {
  if (keys_per_batch == 0) return InternalError("the checksum needs keys per batch");
  // The same list of sums on each side: the row count, then the ranges, then the key batches.
  auto sums = [&](mysql::Connection& conn, bool ghost) -> Result<std::vector<RangeSum>> {
    const std::vector<KeyColumn>& key = ghost ? plan.ghost_key : plan.original_key;
    const std::string& table = ghost ? plan.q_ghost : plan.q_original;
    const std::vector<std::string> columns = ColumnExpressions(plan, ghost);
    std::vector<RangeSum> out;
    if (count_rows) {
      // Read by the shared key, whose index is the table itself for a PRIMARY KEY: a secondary
      // index under writes makes InnoDB look each row up to see which version the snapshot sees.
      SAFEDDL_ASSIGN_OR_RETURN(
          RangeSum count,
          SumRange(conn,
                   fmt::format("{} FORCE INDEX ({})", table,
                               *mysql::QuoteIdentifier(ghost ? plan.key.ghost_index
                                                             : plan.key.original_index)),
                   {}, "TRUE"));
      out.push_back(count);
    }
    for (const KeyRangeBounds& range : changed.ranges) {
      SAFEDDL_ASSIGN_OR_RETURN(std::string where, RangePredicate(key, range));
      SAFEDDL_ASSIGN_OR_RETURN(RangeSum sum, SumRange(conn, table, columns, where));
      out.push_back(sum);
    }
    for (size_t first = 0; first < changed.keys.size(); first += keys_per_batch) {
      const size_t last = std::min(changed.keys.size(), first + keys_per_batch);
      const std::vector<KeyLiterals> batch(
          changed.keys.begin() + static_cast<std::ptrdiff_t>(first),
          changed.keys.begin() + static_cast<std::ptrdiff_t>(last));
      SAFEDDL_ASSIGN_OR_RETURN(RangeSum sum,
                               SumRange(conn, table, columns, KeySetPredicate(key, batch)));
      out.push_back(sum);
    }
    return out;
  };
  Result<std::vector<RangeSum>> original = InternalError("not run");
  std::thread reader([&] { original = sums(original_side, false); });
  Result<std::vector<RangeSum>> ghost = sums(ghost_side, true);
  reader.join();
  SAFEDDL_RETURN_IF_ERROR(original.status());
  SAFEDDL_RETURN_IF_ERROR(ghost.status());

  ChecksumResult result;
  result.keys = static_cast<int64_t>(changed.keys.size());
  result.ranges = static_cast<int64_t>(changed.ranges.size());
  size_t i = 0;
  auto same = [&] {
    const RangeSum& a = (*original)[i];
    const RangeSum& b = (*ghost)[i];
    ++i;
    return a.count == b.count && a.crc == b.crc;
  };
  if (count_rows) {
    result.rows_original = (*original)[0].count;
    result.rows_ghost = (*ghost)[0].count;
    ++i;
  }
  for (const KeyRangeBounds& range : changed.ranges) {
    if (!same()) result.differing.push_back(range);
  }
  for (size_t first = 0; first < changed.keys.size(); first += keys_per_batch) {
    if (!same()) {
      result.differing_keys +=
          static_cast<int64_t>(std::min(changed.keys.size(), first + keys_per_batch) - first);
    }
  }
  return result;
}

bool GhostCanLoseRowsOutsideKeys(const MigrationPlan& plan) {
  return std::any_of(plan.ghost.indexes.begin(), plan.ghost.indexes.end(),
                     [&](const schema::Index& index) {
                       return index.unique && !EqualsIgnoreCase(index.name, plan.key.ghost_index);
                     });
}

}  // namespace safeddl::osc
