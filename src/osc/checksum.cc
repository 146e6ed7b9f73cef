#include "osc/checksum.h"

#include <fmt/format.h>

#include "common/strings.h"
#include "mysql/quote.h"

namespace safeddl::osc {
namespace {

// One expression per compared column: text as utf8mb4 (so columns of different charsets can be
// concatenated), binary as hex (converting it would turn distinct bytes into the same '?'),
// everything else as the server prints it.
std::vector<std::string> ColumnExpressions(const MigrationPlan& plan, bool ghost) {
  std::vector<std::string> exprs;
  for (const auto& c : plan.checksum_columns) {
    const std::string q = *mysql::QuoteIdentifier(ghost ? c.target : c.source);
    const schema::Column* col = plan.original.FindColumn(c.source);
    const std::string type = col ? col->data_type : "";
    if (col && col->charset) {
      exprs.push_back(fmt::format("CONVERT({} USING utf8mb4)", q));
    } else if (type.find("binary") != std::string::npos || type.find("blob") != std::string::npos ||
               type == "geometry" || type.find("point") != std::string::npos ||
               type.find("polygon") != std::string::npos ||
               type.find("linestring") != std::string::npos ||
               type.find("collection") != std::string::npos) {
      exprs.push_back(fmt::format("HEX({})", q));
    } else {
      exprs.push_back(q);
    }
  }
  return exprs;
}

Result<std::vector<std::string>> Literals(const std::vector<KeyColumn>& key,
                                          const std::vector<std::string>& text) {
  std::vector<std::string> out;
  for (size_t i = 0; i < text.size(); ++i) {
    SAFEDDL_ASSIGN_OR_RETURN(std::string lit, RenderKeyLiteral(key[i], text[i]));
    out.push_back(std::move(lit));
  }
  return out;
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
  // The values, plus one NULL flag per column so ('a', NULL) and (NULL, 'a') differ.
  std::vector<std::string> nulls;
  for (const std::string& c : columns) nulls.push_back(fmt::format("ISNULL({})", c));
  if (columns.empty()) return "0";
  return fmt::format("CRC32(CONCAT_WS('#', {}, CONCAT({})))", JoinStrings(columns, ", "),
                     JoinStrings(nulls, ", "));
}

Result<std::string> RangePredicate(const std::vector<KeyColumn>& key, const KeyRangeBounds& range) {
  std::vector<std::string> conds;
  if (!range.lower.empty()) {
    SAFEDDL_ASSIGN_OR_RETURN(auto lit, Literals(key, range.lower));
    conds.push_back(TupleComparison(key, lit, TupleOp::kGreater));
  }
  if (!range.upper.empty()) {
    SAFEDDL_ASSIGN_OR_RETURN(auto lit, Literals(key, range.upper));
    conds.push_back(TupleComparison(key, lit, TupleOp::kLessOrEqual));
  }
  return conds.empty() ? std::string("TRUE") : JoinStrings(conds, " AND ");
}

Result<ChecksumResult> CompareTables(mysql::Connection& conn, const MigrationPlan& plan,
                                     int64_t rows_per_range) {
  ChecksumResult result;
  const std::vector<std::string> original_cols = ColumnExpressions(plan, false);
  const std::vector<std::string> ghost_cols = ColumnExpressions(plan, true);
  std::vector<std::string> key_exprs, key_order;
  for (const KeyColumn& k : plan.original_key) {
    key_exprs.push_back(SelectExpression(k));
    key_order.push_back(*mysql::QuoteIdentifier(k.name));
  }
  KeyRangeBounds range;
  while (true) {
    // The upper bound: rows_per_range rows on from the lower bound, or unbounded at the end.
    SAFEDDL_ASSIGN_OR_RETURN(std::string lower_only,
                             RangePredicate(plan.original_key, {range.lower, {}}));
    SAFEDDL_ASSIGN_OR_RETURN(
        mysql::ResultSet next,
        conn.Query(fmt::format("SELECT {} FROM {} WHERE {} ORDER BY {} LIMIT 1 OFFSET {}",
                               JoinStrings(key_exprs, ", "), plan.q_original, lower_only,
                               JoinStrings(key_order, ", "), rows_per_range - 1)));
    range.upper.clear();
    if (!next.empty()) {
      for (size_t i = 0; i < plan.original_key.size(); ++i)
        range.upper.push_back(next[0][i].value_or(""));
    }
    SAFEDDL_ASSIGN_OR_RETURN(std::string where_original, RangePredicate(plan.original_key, range));
    SAFEDDL_ASSIGN_OR_RETURN(std::string where_ghost, RangePredicate(plan.ghost_key, range));
    SAFEDDL_ASSIGN_OR_RETURN(RangeSum a,
                             SumRange(conn, plan.q_original, original_cols, where_original));
    SAFEDDL_ASSIGN_OR_RETURN(RangeSum b, SumRange(conn, plan.q_ghost, ghost_cols, where_ghost));
    ++result.ranges;
    result.rows_original += a.count;
    result.rows_ghost += b.count;
    if (a.count != b.count || a.crc != b.crc) result.differing.push_back(range);
    if (range.upper.empty()) break;
    range.lower = range.upper;
  }
  return result;
}

}  // namespace safeddl::osc
