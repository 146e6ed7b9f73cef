#include "osc/copier.h"

#include <fmt/format.h>
#include <mysqld_error.h>

#include <algorithm>

#include "common/clock.h"
#include "common/strings.h"
#include "mysql/quote.h"

namespace safeddl::osc {
namespace {

std::string KeyList(const std::vector<KeyColumn>& key) {
  std::vector<std::string> cols;
  for (const KeyColumn& k : key) cols.push_back(*mysql::QuoteIdentifier(k.name));
  return JoinStrings(cols, ", ");
}

std::string SelectList(const std::vector<KeyColumn>& key) {
  std::vector<std::string> exprs;
  for (const KeyColumn& k : key) exprs.push_back(SelectExpression(k));
  return JoinStrings(exprs, ", ");
}

// Warnings that mean a value changed on the way into the ghost (data loss), as opposed to the
// duplicate-key notes INSERT IGNORE raises for rows the applier already wrote.
bool IsDataLossWarning(long long code) { return code != ER_DUP_ENTRY; }

}  // namespace

Copier::Copier(mysql::Connection& conn, const MigrationPlan& plan, const MigrationOptions& options)
    : conn_(conn), plan_(plan), options_(options), chunk_size_(options.chunk_size) {}

void Copier::set_chunk_size(int64_t n) {
  chunk_size_ = std::clamp(n, kMinChunkSize, kMaxChunkSize);
}

Result<std::optional<std::vector<std::string>>> Copier::ReadKey(const std::string& sql) {
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet rs, conn_.Query(sql));
  if (rs.empty()) return std::optional<std::vector<std::string>>();
  std::vector<std::string> key;
  for (size_t i = 0; i < plan_.original_key.size(); ++i) {
    if (!rs[0][i]) return InternalError("a key column of the shared key is NULL");
    key.push_back(*rs[0][i]);
  }
  return std::optional<std::vector<std::string>>(std::move(key));
}

Result<std::vector<std::string>> Copier::Literals(const std::vector<std::string>& text) const {
  std::vector<std::string> out;
  for (size_t i = 0; i < text.size(); ++i) {
    SAFEDDL_ASSIGN_OR_RETURN(std::string lit, RenderKeyLiteral(plan_.original_key[i], text[i]));
    out.push_back(std::move(lit));
  }
  return out;
}

Status Copier::Prepare() {
  const std::string index = *mysql::QuoteIdentifier(plan_.key.original_index);
  std::vector<std::string> desc;
  for (const KeyColumn& k : plan_.original_key)
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
  return Status::OK();
}

Result<ChunkResult> Copier::CopyNext() {
  ChunkResult result;
  if (done_) {
    result.done = true;
    return result;
  }
  const TimePoint start = SystemClock::Get().Now();
  const std::string index = *mysql::QuoteIdentifier(plan_.key.original_index);
  SAFEDDL_ASSIGN_OR_RETURN(std::vector<std::string> max_lit, Literals(max_text_));
  const std::string upper_bound =
      TupleComparison(plan_.original_key, max_lit, TupleOp::kLessOrEqual);
  std::string lower_bound = "TRUE";
  if (!last_text_.empty()) {
    SAFEDDL_ASSIGN_OR_RETURN(std::vector<std::string> last_lit, Literals(last_text_));
    lower_bound = TupleComparison(plan_.original_key, last_lit, TupleOp::kGreater);
  }
  // The chunk's last key: chunk_size rows on, or the end of the range.
  SAFEDDL_ASSIGN_OR_RETURN(
      auto end,
      ReadKey(fmt::format("SELECT {} FROM {} FORCE INDEX ({}) WHERE {} AND {} ORDER BY {} "
                          "LIMIT 1 OFFSET {}",
                          SelectList(plan_.original_key), plan_.q_original, index, lower_bound,
                          upper_bound, KeyList(plan_.original_key), chunk_size_ - 1)));
  const std::vector<std::string> end_text = end ? *end : max_text_;
  SAFEDDL_ASSIGN_OR_RETURN(std::vector<std::string> end_lit, Literals(end_text));

  std::vector<std::string> sources, targets;
  for (const auto& c : plan_.mapping.shared) {
    sources.push_back(*mysql::QuoteIdentifier(c.source));
    targets.push_back(*mysql::QuoteIdentifier(c.target));
  }
  const std::string copy = fmt::format(
      "INSERT IGNORE INTO {} ({}) SELECT {} FROM {} FORCE INDEX ({}) WHERE {} AND {} "
      "LOCK IN SHARE MODE",
      plan_.q_ghost, JoinStrings(targets, ", "), JoinStrings(sources, ", "), plan_.q_original,
      index, lower_bound, TupleComparison(plan_.original_key, end_lit, TupleOp::kLessOrEqual));
  SAFEDDL_RETURN_IF_ERROR(conn_.Execute(copy).WithContext("copying rows into " + plan_.q_ghost));
  result.rows = conn_.affected_rows();
  if (options_.panic_on_warnings && conn_.warnings() > 0) {
    SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet warnings, conn_.Query("SHOW WARNINGS"));
    for (const mysql::Row& w : warnings.rows()) {
      if (IsDataLossWarning(w.GetInt("Code").value_or(0))) {
        return AbortedError(fmt::format(
            "--panic-on-warnings: copying into the ghost raised warning {}: {} (the new schema "
            "would change data; nothing was swapped)",
            w.GetString("Code"), w.GetString("Message")));
      }
    }
  }
  last_text_ = end_text;
  rows_copied_ += result.rows;
  result.millis = MillisBetween(start, SystemClock::Get().Now());
  done_ = !end || end_text == max_text_;
  result.done = done_;
  // Adapt towards the target chunk time.
  const double target = static_cast<double>(kTargetChunkTime.count());
  if (result.millis < target / 3) set_chunk_size(chunk_size_ * 2);
  if (result.millis > target * 2) set_chunk_size(chunk_size_ / 2);
  return result;
}

}  // namespace safeddl::osc
