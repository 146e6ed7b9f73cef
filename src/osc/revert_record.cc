#include "osc/revert_record.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "mysql/errors.h"
#include "mysql/quote.h"

namespace safeddl::osc {
namespace {

std::string MappingJson(const std::vector<schema::SharedColumn>& mapping) {
  nlohmann::json j = nlohmann::json::array();
  for (const schema::SharedColumn& c : mapping) j.push_back({c.source, c.target});
  return j.dump();
}

Result<std::vector<schema::SharedColumn>> ParseMapping(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) return CorruptionError("the revert record's column mapping is not a list");
  std::vector<schema::SharedColumn> out;
  for (const auto& pair : j) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
      return CorruptionError("the revert record's column mapping holds a malformed pair");
    }
    out.push_back({pair[0].get<std::string>(), pair[1].get<std::string>()});
  }
  return out;
}

}  // namespace

std::string RevertRecordCreateStatement(const MigrationPlan& plan) {
  return fmt::format(
      "CREATE TABLE IF NOT EXISTS {} ("
      "generation INT NOT NULL PRIMARY KEY, "
      "swapped_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), "
      "alter_text MEDIUMTEXT CHARACTER SET utf8mb4 NOT NULL, "
      "binlog_file VARCHAR(512) CHARACTER SET utf8mb4 NOT NULL, "
      "binlog_pos BIGINT UNSIGNED NOT NULL, "
      "old_table VARCHAR(64) CHARACTER SET utf8mb4 NOT NULL, "
      "old_create MEDIUMTEXT CHARACTER SET utf8mb4 NOT NULL, "
      "new_create MEDIUMTEXT CHARACTER SET utf8mb4 NOT NULL, "
      "column_mapping MEDIUMTEXT CHARACTER SET utf8mb4 NOT NULL"
      ") ENGINE=InnoDB COMMENT='safeddl revert record for {}; safeddl revert reads it'",
      plan.q_revert, plan.names.original);
}

Status SaveRevertRecord(mysql::Connection& conn, const MigrationPlan& plan, const RevertRecord& r) {
  return conn.Execute(fmt::format(
      "REPLACE INTO {} (generation, swapped_at, alter_text, binlog_file, binlog_pos, "
      "old_table, old_create, new_create, column_mapping) VALUES ({}, CURRENT_TIMESTAMP(6), "
      "{}, {}, {}, {}, {}, {}, {})",
      plan.q_revert, r.generation, mysql::QuoteString(r.alter), mysql::QuoteString(r.position.file),
      r.position.offset, mysql::QuoteString(r.old_table), mysql::QuoteString(r.old_create),
      mysql::QuoteString(r.new_create), mysql::QuoteString(MappingJson(r.mapping))));
}

Status DeleteRevertRecord(mysql::Connection& conn, const MigrationPlan& plan, int64_t generation) {
  return conn.Execute(
      fmt::format("DELETE FROM {} WHERE generation = {}", plan.q_revert, generation));
}

Result<std::vector<RevertRecord>> LoadRevertRecords(mysql::Connection& conn,
                                                    const std::string& q_revert) {
  Result<mysql::ResultSet> rs = conn.Query(
      fmt::format("SELECT generation, alter_text, binlog_file, binlog_pos, swapped_at, old_table, "
                  "old_create, new_create, column_mapping FROM {} ORDER BY generation DESC",
                  q_revert));
  std::vector<RevertRecord> out;
  if (!rs.ok() && mysql::IsMissingTable(rs.status())) return out;
  SAFEDDL_RETURN_IF_ERROR(rs.status());
  for (const mysql::Row& row : rs->rows()) {
    RevertRecord r;
    const auto generation = ParseInt64(row[0].value_or(""));
    const auto pos = ParseUint64(row[3].value_or(""));
    if (!generation || !pos) {
      return CorruptionError("a revert record in " + q_revert + " is incomplete");
    }
    r.generation = *generation;
    r.alter = row[1].value_or("");
    r.position.file = row[2].value_or("");
    r.position.offset = *pos;
    r.swapped_at = row[4].value_or("");
    r.old_table = row[5].value_or("");
    r.old_create = row[6].value_or("");
    r.new_create = row[7].value_or("");
    SAFEDDL_ASSIGN_OR_RETURN(r.mapping, ParseMapping(row[8].value_or("")));
    out.push_back(std::move(r));
  }
  return out;
}

std::string DefinitionNamed(std::string create, std::string_view name) {
  constexpr std::string_view kPrefix = "CREATE TABLE `";
  if (create.rfind(kPrefix, 0) != 0) return create;
  // The quoted name ends at the first backquote not doubled.
  size_t end = kPrefix.size();
  while (end < create.size()) {
    if (create[end] == '`') {
      if (end + 1 < create.size() && create[end + 1] == '`') {
        end += 2;
        continue;
      }
      break;
    }
    ++end;
  }
  if (end >= create.size()) return create;
  create.replace(kPrefix.size() - 1, end + 1 - (kPrefix.size() - 1), *mysql::QuoteIdentifier(name));
  return create;
}

}  // namespace safeddl::osc
