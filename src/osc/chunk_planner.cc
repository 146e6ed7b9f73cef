#include "osc/chunk_planner.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/strings.h"
#include "mysql/quote.h"

namespace safeddl::osc {
namespace {

std::string KeyList(const std::vector<KeyColumn>& key) {
  std::vector<std::string> cols;
  for (const KeyColumn& k : key) cols.push_back(*mysql::QuoteIdentifier(k.name));
  return JoinStrings(cols, ", ");
}

// The key columns the original is read in the order of: a widened key's leading ones (see
// schema::SharedKey::ordering_columns), which order it the same way through the index.
std::vector<KeyColumn> OrderingKey(const MigrationPlan& plan) {
  const size_t n = plan.key.ordering_columns;
  if (n == 0 || n >= plan.original_key.size()) return plan.original_key;
  return {plan.original_key.begin(), plan.original_key.begin() + static_cast<ptrdiff_t>(n)};
}

std::string SelectList(const std::vector<KeyColumn>& key) {
  std::vector<std::string> exprs;
  for (const KeyColumn& k : key) exprs.push_back(SelectExpression(k));
  return JoinStrings(exprs, ", ");
}

}  // namespace

ChunkPlanner::ChunkPlanner(mysql::Connection& conn, const MigrationPlan& plan, int64_t chunk_size,
                           std::vector<std::string> start_after)
    : conn_(conn),
      plan_(plan),
      chunk_size_(std::clamp(chunk_size, kMinChunkSize, kMaxChunkSize)),
      last_text_(std::move(start_after)) {}

std::vector<std::string> ChunkPlanner::end_key() const {
  std::lock_guard<std::mutex> lock(mu_);
  return max_text_;
}

int64_t ChunkPlanner::chunk_size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return chunk_size_;
}

void ChunkPlanner::set_chunk_size(int64_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  chunk_size_ = std::clamp(n, kMinChunkSize, kMaxChunkSize);
}

void ChunkPlanner::Adapt(double millis) {
  std::lock_guard<std::mutex> lock(mu_);
  const double target = static_cast<double>(kTargetChunkTime.count());
  // Gently: one slow chunk (a lock wait, a busy moment) should not halve the size.
  if (millis < target / 2) chunk_size_ = std::min(kMaxChunkSize, chunk_size_ + chunk_size_ / 4);
  if (millis > target * 2) chunk_size_ = std::max(kMinChunkSize, chunk_size_ * 3 / 4);
}

Result<std::optional<std::vector<std::string>>> ChunkPlanner::ReadKey(const std::string& sql) {
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet rs, conn_.Query(sql));
  if (rs.empty()) return std::optional<std::vector<std::string>>();
  std::vector<std::string> key;
  for (size_t i = 0; i < plan_.original_key.size(); ++i) {
    if (!rs[0][i]) return InternalError("a key column of the shared key is NULL");
    key.push_back(*rs[0][i]);
  }
  return std::optional<std::vector<std::string>>(std::move(key));
}

Status ChunkPlanner::Prepare() {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string index = *mysql::QuoteIdentifier(plan_.key.original_index);
  std::vector<std::string> desc;
  for (const KeyColumn& k : OrderingKey(plan_))
    desc.push_back(*mysql::QuoteIdentifier(k.name) + " DESC");
  SAFEDDL_ASSIGN_OR_RETURN(
      auto max, ReadKey(fmt::format("SELECT {} FROM {} FORCE INDEX ({}) ORDER BY {} LIMIT 1",
                                    SelectList(plan_.original_key), plan_.q_original, index,
                                    JoinStrings(desc, ", "))));
  if (!max) {
    done_ = true;  // empty table: every row will come through the binlog
    return Status::OK();
  }
  max_text_ = std::move(*max);
  if (!last_text_.empty()) {
    // Resumed past the end already?
    SAFEDDL_ASSIGN_OR_RETURN(std::string beyond,
                             RangePredicate(plan_.original_key, {last_text_, {}}));
    SAFEDDL_ASSIGN_OR_RETURN(
        auto any, ReadKey(fmt::format("SELECT {} FROM {} FORCE INDEX ({}) WHERE {} LIMIT 1",
                                      SelectList(plan_.original_key), plan_.q_original, index,
                                      beyond)));
    done_ = !any;
  }
  return Status::OK();
}

Result<std::optional<KeyChunk>> ChunkPlanner::Next() {
  std::lock_guard<std::mutex> lock(mu_);
  if (done_) return std::optional<KeyChunk>();
  const std::string index = *mysql::QuoteIdentifier(plan_.key.original_index);
  SAFEDDL_ASSIGN_OR_RETURN(std::string range,
                           RangePredicate(plan_.original_key, {last_text_, max_text_}));
  // The chunk's last key: chunk_size rows on, or the end of the range.
  SAFEDDL_ASSIGN_OR_RETURN(
      auto end, ReadKey(fmt::format("SELECT {} FROM {} FORCE INDEX ({}) WHERE {} ORDER BY {} "
                                    "LIMIT 1 OFFSET {}",
                                    SelectList(plan_.original_key), plan_.q_original, index, range,
                                    KeyList(OrderingKey(plan_)), chunk_size_ - 1)));
  KeyChunk chunk;
  chunk.seq = seq_++;
  chunk.lower = last_text_;
  chunk.upper = end ? *end : max_text_;
  done_ = !end || chunk.upper == max_text_;
  last_text_ = chunk.upper;
  return std::optional<KeyChunk>(std::move(chunk));
}

}  // namespace safeddl::osc
