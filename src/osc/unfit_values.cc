#include "osc/unfit_values.h"

#include <fmt/format.h>

#include "common/strings.h"
#include "mysql/errors.h"
#include "mysql/quote.h"

namespace safeddl::osc {
namespace {

// The key's text as a byte string: the literals may hold bytes in any charset.
std::string KeyText(const std::vector<std::string>& key) {
  return mysql::QuoteBytes("(" + JoinStrings(key, ", ") + ")");
}

std::string KeyHash(const std::vector<std::string>& key) {
  return fmt::format("UNHEX(MD5({}))", KeyText(key));
}

}  // namespace

std::string UnfitValuesCreateStatement(const MigrationPlan& plan) {
  return fmt::format(
      "CREATE TABLE IF NOT EXISTS {} (key_hash BINARY(16) NOT NULL PRIMARY KEY, "
      "row_key LONGBLOB NOT NULL, warning TEXT CHARACTER SET utf8mb4 NOT NULL) ENGINE=InnoDB "
      "COMMENT='safeddl: rows of {} whose last value the old table could not hold'",
      plan.q_unfit, plan.names.ghost);
}

std::vector<std::string> ForgetUnfitStatements(const MigrationPlan& plan,
                                               const std::vector<std::vector<std::string>>& keys,
                                               size_t max_keys) {
  std::vector<std::string> out;
  for (size_t i = 0; i < keys.size(); i += max_keys) {
    std::vector<std::string> hashes;
    for (size_t j = i; j < keys.size() && j < i + max_keys; ++j) hashes.push_back(KeyHash(keys[j]));
    out.push_back(fmt::format("DELETE FROM {} WHERE key_hash IN ({})", plan.q_unfit,
                              JoinStrings(hashes, ", ")));
  }
  return out;
}

std::vector<std::string> RecordUnfitStatements(const MigrationPlan& plan,
                                               const std::vector<UnfitRow>& rows,
                                               size_t max_rows) {
  std::vector<std::string> out;
  for (size_t i = 0; i < rows.size(); i += max_rows) {
    std::vector<std::string> values;
    for (size_t j = i; j < rows.size() && j < i + max_rows; ++j) {
      values.push_back(fmt::format("({}, {}, {})", KeyHash(rows[j].key), KeyText(rows[j].key),
                                   mysql::QuoteString(rows[j].warning)));
    }
    out.push_back(fmt::format(
        "INSERT INTO {} (key_hash, row_key, warning) VALUES {} ON DUPLICATE KEY UPDATE "
        "warning = VALUES(warning)",
        plan.q_unfit, JoinStrings(values, ", ")));
  }
  return out;
}

std::string WithoutStrictModes(std::string_view sql_mode) {
  std::vector<std::string> kept;
  for (const std::string& m : SplitString(sql_mode, ',')) {
    if (m != "STRICT_ALL_TABLES" && m != "STRICT_TRANS_TABLES" && !m.empty()) kept.push_back(m);
  }
  return JoinStrings(kept, ",");
}

std::string WithoutRowNumber(std::string_view warning) {
  const size_t at = warning.rfind(" at row ");
  if (at == std::string_view::npos) return std::string(warning);
  for (size_t i = at + 8; i < warning.size(); ++i) {
    if (warning[i] < '0' || warning[i] > '9') return std::string(warning);
  }
  return std::string(warning.substr(0, at));
}

Result<int64_t> CountUnfit(mysql::Connection& conn, const MigrationPlan& plan) {
  Result<std::optional<std::string>> n = conn.QueryValue("SELECT COUNT(*) FROM " + plan.q_unfit);
  if (!n.ok() && mysql::IsMissingTable(n.status())) return int64_t{0};
  SAFEDDL_RETURN_IF_ERROR(n.status());
  return ParseInt64(n->value_or("0")).value_or(0);
}

Status RefuseIfUnfit(mysql::Connection& conn, const MigrationPlan& plan) {
  SAFEDDL_ASSIGN_OR_RETURN(int64_t count, CountUnfit(conn, plan));
  if (count == 0) return Status::OK();
  SAFEDDL_ASSIGN_OR_RETURN(
      mysql::ResultSet rs,
      conn.Query(fmt::format("SELECT row_key, warning FROM {} ORDER BY key_hash LIMIT 3",
                             plan.q_unfit)));
  std::vector<std::string> examples;
  for (const auto& row : rs.rows()) {
    examples.push_back(fmt::format("key {}: {}", row[0].value_or("?"), row[1].value_or("?")));
  }
  return FailedPreconditionError(fmt::format(
      "{} row(s) of {} hold values, written since the swap, that the columns of {} cannot hold "
      "(e.g. {}); not swapping, nothing was changed. Change those rows in {} so that they fit "
      "(each change is applied as it comes), then run `safeddl revert --execute` again: it goes "
      "on from where it stopped",
      count, plan.q_original, plan.q_ghost, JoinStrings(examples, "; "), plan.q_original));
}

}  // namespace safeddl::osc
