#include "plan/rate_sample.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <tuple>

#include "common/clock.h"
#include "common/strings.h"
#include "mysql/quote.h"
#include "osc/checksum.h"
#include "osc/chunk_planner.h"
#include "osc/key_range.h"

namespace safeddl::plan {
namespace {

constexpr int64_t kApplyBatchRows = 100;
constexpr int kApplyBatches = 10;

double Seconds(TimePoint start) { return MillisBetween(start, SystemClock::Get().Now()) / 1000.0; }

double CoefficientOfVariation(const std::vector<double>& v) {
  if (v.size() < 2) return 0;
  double mean = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  double var = 0;
  for (double x : v) var += (x - mean) * (x - mean);
  var /= static_cast<double>(v.size() - 1);
  return mean > 0 ? std::sqrt(var) / mean : 0;
}

std::string QuotedList(const std::vector<std::string>& names) {
  std::vector<std::string> q;
  for (const std::string& n : names) q.push_back(*mysql::QuoteIdentifier(n));
  return JoinStrings(q, ", ");
}

std::vector<std::string> StoredColumns(const schema::TableSchema& t) {
  std::vector<std::string> names;
  for (const schema::Column& c : t.columns) {
    if (!c.IsGenerated()) names.push_back(c.name);
  }
  return names;
}

struct CopiedRange {
  osc::KeyRangeBounds range;  // (first lower, last upper]
  int64_t rows = 0;
};

// Copies chunks of the user's table into the scratch ghost as safeddl alter cuts them.
Result<CopiedRange> SampleCopy(mysql::Connection& conn, const osc::MigrationPlan& plan,
                               const RateLimits& limits, SampleRates& rates) {
  std::vector<std::string> sources, targets;
  for (const schema::SharedColumn& c : plan.mapping.shared) {
    sources.push_back(c.source);
    targets.push_back(c.target);
  }
  const std::string index = *mysql::QuoteIdentifier(plan.key.original_index);
  osc::ChunkPlanner planner(conn, plan, limits.chunk_rows);
  SAFEDDL_RETURN_IF_ERROR(planner.Prepare());
  CopiedRange copied;
  std::vector<double> chunk_rates;
  double seconds = 0;
  bool first = true;
  while (copied.rows < limits.max_rows && seconds < limits.max_seconds) {
    const TimePoint start = SystemClock::Get().Now();
    SAFEDDL_ASSIGN_OR_RETURN(std::optional<osc::KeyChunk> chunk, planner.Next());
    if (!chunk) break;
    SAFEDDL_ASSIGN_OR_RETURN(std::string where,
                             osc::RangePredicate(plan.original_key, {chunk->lower, chunk->upper}));
    SAFEDDL_RETURN_IF_ERROR(conn.Execute(
        fmt::format("INSERT INTO {} ({}) SELECT {} FROM {} FORCE INDEX ({}) WHERE {}", plan.q_ghost,
                    QuotedList(targets), QuotedList(sources), plan.q_original, index, where)));
    const double took = Seconds(start);
    const int64_t rows = conn.affected_rows();
    seconds += took;
    copied.rows += rows;
    if (first) copied.range.lower = chunk->lower;
    first = false;
    copied.range.upper = chunk->upper;
    if (rows > 0 && took > 0) chunk_rates.push_back(static_cast<double>(rows) / took);
    planner.Adapt(took * 1000);
  }
  rates.chunks = static_cast<int>(chunk_rates.size());
  if (copied.rows > 0 && seconds > 0) {
    rates.copy_rows_per_second = static_cast<double>(copied.rows) / seconds;
    rates.copy_spread = CoefficientOfVariation(chunk_rates) /
                        std::sqrt(static_cast<double>(std::max<size_t>(1, chunk_rates.size())));
  }
  return copied;
}

// The checksum safeddl alter runs, range by range over the copied part of both tables.
Result<double> SampleChecksum(mysql::Connection& conn, const osc::MigrationPlan& plan,
                              int64_t range_rows) {
  std::vector<std::string> original_cols, ghost_cols;
  for (const osc::ChecksumColumn& c : plan.checksum_columns) {
    original_cols.push_back(c.original);
    ghost_cols.push_back(c.ghost);
  }
  const std::string original_hash = osc::RowChecksumExpression(original_cols);
  const std::string ghost_hash = osc::RowChecksumExpression(ghost_cols);
  // Ranges of the ghost's copied rows, in key order (the ghost holds only the sample).
  osc::MigrationPlan ranges = plan;
  ranges.q_original = plan.q_ghost;
  ranges.original_key = plan.ghost_key;
  ranges.key.original_index = plan.key.ghost_index;
  osc::ChunkPlanner planner(conn, ranges, range_rows);
  const TimePoint start = SystemClock::Get().Now();
  SAFEDDL_RETURN_IF_ERROR(planner.Prepare());
  for (;;) {
    SAFEDDL_ASSIGN_OR_RETURN(std::optional<osc::KeyChunk> range, planner.Next());
    if (!range) break;
    for (const auto& [table, key, hash] :
         {std::tuple{plan.q_original, &plan.original_key, &original_hash},
          std::tuple{plan.q_ghost, &plan.ghost_key, &ghost_hash}}) {
      SAFEDDL_ASSIGN_OR_RETURN(std::string where,
                               osc::RangePredicate(*key, {range->lower, range->upper}));
      SAFEDDL_RETURN_IF_ERROR(conn.Query(fmt::format("SELECT COUNT(*), BIT_XOR({}) FROM {} "
                                                     "WHERE {}",
                                                     *hash, table, where))
                                  .status());
    }
  }
  return Seconds(start);
}

// Batches of REPLACE over rows already in the ghost, as the applier writes captured changes.
Result<std::optional<double>> SampleApply(mysql::Connection& conn, const osc::MigrationPlan& plan,
                                          const CopiedRange& copied) {
  std::vector<std::string> sources, targets, order;
  for (const schema::SharedColumn& c : plan.mapping.shared) {
    sources.push_back(c.source);
    targets.push_back(c.target);
  }
  for (const osc::KeyColumn& k : plan.original_key) order.push_back(k.name);
  SAFEDDL_ASSIGN_OR_RETURN(std::string where, osc::RangePredicate(plan.original_key, copied.range));
  int64_t rows = 0;
  const TimePoint start = SystemClock::Get().Now();
  for (int i = 0; i < kApplyBatches && i * kApplyBatchRows < copied.rows; ++i) {
    SAFEDDL_RETURN_IF_ERROR(conn.Execute(fmt::format(
        "REPLACE INTO {} ({}) SELECT {} FROM {} WHERE {} ORDER BY {} LIMIT {} OFFSET {}",
        plan.q_ghost, QuotedList(targets), QuotedList(sources), plan.q_original, where,
        QuotedList(order), kApplyBatchRows, i * kApplyBatchRows)));
    rows += std::min<int64_t>(kApplyBatchRows, copied.rows - i * kApplyBatchRows);
  }
  const double took = Seconds(start);
  if (rows == 0 || took <= 0) return std::optional<double>();
  return std::optional<double>(static_cast<double>(rows) / took);
}

// Loads the sample into a table of the old definition and times the native ALTER on it.
Status SampleNative(mysql::Connection& conn, ScratchSchema& scratch, const RateInputs& in,
                    const std::optional<CopiedRange>& copied, SampleRates& rates) {
  const AlgorithmAnswer& best = *in.native;
  rates.native_fixed_seconds = best.seconds;
  if (best.algorithm == Algorithm::kInstant) {
    return Status::OK();
  }
  constexpr std::string_view kTable = "sample_old";
  SAFEDDL_RETURN_IF_ERROR(scratch.CreateFrom(kTable, in.original_create));
  const std::string columns = QuotedList(StoredColumns(*in.original));
  std::string fill;
  if (copied && in.online != nullptr) {
    SAFEDDL_ASSIGN_OR_RETURN(std::string where,
                             osc::RangePredicate(in.online->original_key, copied->range));
    fill = fmt::format("INSERT INTO {} ({}) SELECT {} FROM {} WHERE {}",
                       scratch.QuotedTable(kTable), columns, columns, in.q_original, where);
  } else {
    fill =
        fmt::format("INSERT INTO {} ({}) SELECT {} FROM {} LIMIT {}", scratch.QuotedTable(kTable),
                    columns, columns, in.q_original, in.limits.max_rows);
  }
  SAFEDDL_RETURN_IF_ERROR(conn.Execute(fill));
  const int64_t rows = conn.affected_rows();
  if (rates.rows == 0) rates.rows = rows;
  if (rows == 0) return Status::OK();
  const TimePoint start = SystemClock::Get().Now();
  SAFEDDL_RETURN_IF_ERROR(conn.Execute(
      fmt::format("ALTER TABLE {} {}, ALGORITHM={}, LOCK={}", scratch.QuotedTable(kTable),
                  in.clauses, AlgorithmName(best.algorithm), LockLevelName(best.lock))));
  const double took = Seconds(start);
  rates.native_per_row_seconds = std::max(0.0, took - best.seconds) / static_cast<double>(rows);
  rates.native_measured_on_rows = true;
  return scratch.DropTable(kTable);
}

}  // namespace

Result<SampleRates> MeasureRates(mysql::Connection& conn, ScratchSchema& scratch,
                                 const RateInputs& in) {
  SampleRates rates;
  SAFEDDL_RETURN_IF_ERROR(conn.Execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"));
  std::optional<CopiedRange> copied;
  if (in.online != nullptr) {
    constexpr std::string_view kGhost = "sample_new";
    SAFEDDL_RETURN_IF_ERROR(scratch.CreateFrom(kGhost, in.after_create));
    osc::MigrationPlan plan = *in.online;
    plan.q_original = in.q_original;
    plan.q_ghost = scratch.QuotedTable(kGhost);
    SAFEDDL_ASSIGN_OR_RETURN(copied, SampleCopy(conn, plan, in.limits, rates));
    rates.rows = copied->rows;
    if (copied->rows > 0) {
      SAFEDDL_ASSIGN_OR_RETURN(double checksum_seconds,
                               SampleChecksum(conn, plan, in.limits.checksum_range_rows));
      if (checksum_seconds > 0) {
        rates.checksum_rows_per_second = static_cast<double>(copied->rows) / checksum_seconds;
      }
      SAFEDDL_ASSIGN_OR_RETURN(rates.apply_rows_per_second, SampleApply(conn, plan, *copied));
    }
    SAFEDDL_RETURN_IF_ERROR(scratch.DropTable(kGhost));
  }
  if (in.native != nullptr) SAFEDDL_RETURN_IF_ERROR(SampleNative(conn, scratch, in, copied, rates));
  return rates;
}

}  // namespace safeddl::plan
