#include "osc/checkpoint.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "mysql/errors.h"
#include "mysql/quote.h"

namespace safeddl::osc {
namespace {

std::string StringsJson(const std::vector<std::string>& strings) {
  return nlohmann::json(strings).dump();
}

// `what` names the field in errors ("copy watermark").
Result<std::vector<std::string>> ParseStrings(const std::string& text, const std::string& what) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) return CorruptionError("the checkpoint's " + what + " is not a JSON array");
  std::vector<std::string> strings;
  for (const auto& v : j) {
    if (!v.is_string()) return CorruptionError("the checkpoint's " + what + " holds a non-string");
    strings.push_back(v.get<std::string>());
  }
  return strings;
}

}  // namespace

std::string CheckpointCreateStatement(const MigrationPlan& plan) {
  return fmt::format(
      "CREATE TABLE {} ("
      "id TINYINT UNSIGNED NOT NULL PRIMARY KEY, "
      "saved_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), "
      "alter_text MEDIUMTEXT CHARACTER SET utf8mb4 NOT NULL, "
      "original_create MEDIUMTEXT CHARACTER SET utf8mb4 NOT NULL, "
      "ghost_create MEDIUMTEXT CHARACTER SET utf8mb4 NOT NULL, "
      "copy_watermark MEDIUMTEXT CHARACTER SET utf8mb4 NOT NULL, "
      "copy_done TINYINT NOT NULL, "
      "binlog_file VARCHAR(512) CHARACTER SET utf8mb4 NOT NULL, "
      "binlog_pos BIGINT UNSIGNED NOT NULL, "
      "rows_copied BIGINT NOT NULL, "
      "changes_applied BIGINT NOT NULL, "
      "deferred_indexes MEDIUMTEXT CHARACTER SET utf8mb4 NOT NULL"
      ") ENGINE=InnoDB COMMENT='safeddl checkpoint for {}; safeddl alter --resume reads it'",
      plan.q_checkpoint, plan.names.original);
}

Status SaveCheckpoint(mysql::Connection& conn, const MigrationPlan& plan, const Checkpoint& c) {
  return conn.Execute(fmt::format(
      "REPLACE INTO {} (id, saved_at, alter_text, original_create, ghost_create, copy_watermark, "
      "copy_done, binlog_file, binlog_pos, rows_copied, changes_applied, deferred_indexes) "
      "VALUES (1, CURRENT_TIMESTAMP(6), {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
      plan.q_checkpoint, mysql::QuoteString(c.alter), mysql::QuoteString(c.original_create),
      mysql::QuoteString(c.ghost_create), mysql::QuoteString(StringsJson(c.copy_watermark)),
      c.copy_done ? 1 : 0, mysql::QuoteString(c.applied.file), c.applied.offset, c.rows_copied,
      c.changes_applied, mysql::QuoteString(StringsJson(c.deferred_indexes))));
}

Result<Checkpoint> LoadCheckpoint(mysql::Connection& conn, const MigrationPlan& plan) {
  SAFEDDL_ASSIGN_OR_RETURN(
      mysql::ResultSet rs,
      conn.Query(fmt::format(
          "SELECT alter_text, original_create, ghost_create, copy_watermark, copy_done, "
          "binlog_file, binlog_pos, rows_copied, changes_applied, deferred_indexes FROM {} "
          "WHERE id = 1",
          plan.q_checkpoint)));
  if (rs.empty()) return NotFoundError("the checkpoint table " + plan.q_checkpoint + " is empty");
  const mysql::Row& row = rs[0];
  Checkpoint c;
  c.alter = row[0].value_or("");
  c.original_create = row[1].value_or("");
  c.ghost_create = row[2].value_or("");
  SAFEDDL_ASSIGN_OR_RETURN(c.copy_watermark, ParseStrings(row[3].value_or(""), "copy watermark"));
  SAFEDDL_ASSIGN_OR_RETURN(c.deferred_indexes,
                           ParseStrings(row[9].value_or(""), "deferred indexes"));
  c.copy_done = row[4].value_or("0") == "1";
  c.applied.file = row[5].value_or("");
  const auto pos = ParseInt64(row[6].value_or(""));
  const auto rows = ParseInt64(row[7].value_or(""));
  const auto changes = ParseInt64(row[8].value_or(""));
  if (!pos || !rows || !changes || c.applied.file.empty()) {
    return CorruptionError("the checkpoint in " + plan.q_checkpoint + " is incomplete");
  }
  c.applied.offset = static_cast<uint64_t>(*pos);
  c.rows_copied = *rows;
  c.changes_applied = *changes;
  return c;
}

std::string AppliedPositionCreateStatement(const MigrationPlan& plan) {
  return fmt::format(
      "CREATE TABLE IF NOT EXISTS {} (id TINYINT UNSIGNED NOT NULL PRIMARY KEY, "
      "label MEDIUMTEXT CHARACTER SET utf8mb4 NOT NULL, "
      "binlog_file VARCHAR(512) CHARACTER SET utf8mb4 NOT NULL, "
      "binlog_pos BIGINT UNSIGNED NOT NULL) ENGINE=InnoDB "
      "COMMENT='safeddl: how far the changes to {} are applied, exactly'",
      plan.q_applied, plan.names.original);
}

std::string SaveAppliedPositionStatement(const MigrationPlan& plan, const std::string& label,
                                         const binlog::BinlogPosition& position) {
  return fmt::format("REPLACE INTO {} (id, label, binlog_file, binlog_pos) VALUES (1, {}, {}, {})",
                     plan.q_applied, mysql::QuoteString(label), mysql::QuoteString(position.file),
                     position.offset);
}

Result<std::optional<binlog::BinlogPosition>> LoadAppliedPosition(mysql::Connection& conn,
                                                                  const MigrationPlan& plan,
                                                                  const std::string& label) {
  Result<mysql::ResultSet> rs =
      conn.Query(fmt::format("SELECT binlog_file, binlog_pos FROM {} WHERE id = 1 AND label = {}",
                             plan.q_applied, mysql::QuoteString(label)));
  if (!rs.ok() && mysql::IsMissingTable(rs.status())) {
    return std::optional<binlog::BinlogPosition>();
  }
  SAFEDDL_RETURN_IF_ERROR(rs.status());
  if (rs->empty()) return std::optional<binlog::BinlogPosition>();
  binlog::BinlogPosition p;
  p.file = (*rs)[0][0].value_or("");
  p.offset = ParseUint64((*rs)[0][1].value_or("")).value_or(0);
  if (p.file.empty() || p.offset == 0) {
    return CorruptionError("the applied position in " + plan.q_applied + " is incomplete");
  }
  return std::optional<binlog::BinlogPosition>(p);
}

Status CheckResumable(const Checkpoint& saved, const Checkpoint& now,
                      const std::vector<std::string>& binlog_files) {
  constexpr std::string_view kStartOver =
      "; start over without --resume (pass --initially-drop-ghost-table to drop the old ghost)";
  if (saved.alter != now.alter) {
    return FailedPreconditionError(
        fmt::format("--resume: the checkpoint is of a different ALTER (\"{}\", not \"{}\"){}",
                    saved.alter, now.alter, kStartOver));
  }
  if (saved.original_create != now.original_create) {
    return FailedPreconditionError(fmt::format(
        "--resume: the table's definition changed since the checkpoint was saved{}", kStartOver));
  }
  if (saved.ghost_create != now.ghost_create) {
    return FailedPreconditionError(fmt::format(
        "--resume: the ghost table's definition changed since the checkpoint was saved{}",
        kStartOver));
  }
  if (std::find(binlog_files.begin(), binlog_files.end(), saved.applied.file) ==
      binlog_files.end()) {
    return FailedPreconditionError(fmt::format(
        "--resume: the checkpoint continues from binlog {}, which the server no longer has "
        "(purged); the changes since then cannot be replayed{}",
        saved.applied.ToString(), kStartOver));
  }
  return Status::OK();
}

}  // namespace safeddl::osc
