#include "plan/scratch_schema.h"

#include <fmt/format.h>

#include "mysql/quote.h"

namespace safeddl::plan {

Result<ScratchSchema> ScratchSchema::Open(mysql::Connection& conn) {
  // Best effort: without the privilege the scratch work is binlogged (and replicated).
  const bool binlogged = !conn.Execute("SET SESSION sql_log_bin = 0").ok();
  const std::string name = fmt::format("_safeddl_plan_{}", conn.id());
  SAFEDDL_ASSIGN_OR_RETURN(std::string quoted, mysql::QuoteIdentifier(name));
  SAFEDDL_RETURN_IF_ERROR(conn.Execute("DROP DATABASE IF EXISTS " + quoted));
  Status created = conn.Execute("CREATE DATABASE " + quoted);
  if (!created.ok()) {
    return created.WithContext("creating plan's scratch schema " + quoted +
                               " (plan needs CREATE and DROP on it)");
  }
  return ScratchSchema(conn, name, binlogged);
}

ScratchSchema::ScratchSchema(ScratchSchema&& other) noexcept
    : conn_(other.conn_),
      name_(std::move(other.name_)),
      binlogged_(other.binlogged_),
      dropped_(other.dropped_) {
  other.dropped_ = true;
}

ScratchSchema::~ScratchSchema() { (void)Drop(); }

std::string ScratchSchema::Quoted() const { return *mysql::QuoteIdentifier(name_); }

std::string ScratchSchema::QuotedTable(std::string_view table) const {
  return Quoted() + "." + *mysql::QuoteIdentifier(table);
}

Status ScratchSchema::CreateFrom(std::string_view table, std::string_view show_create) {
  SAFEDDL_RETURN_IF_ERROR(DropTable(table));
  SAFEDDL_ASSIGN_OR_RETURN(std::string sql, RenameCreate(show_create, QuotedTable(table)));
  SAFEDDL_RETURN_IF_ERROR(conn_->Execute("SET SESSION foreign_key_checks = 0"));
  Status s = conn_->Execute(sql);
  Status restored = conn_->Execute("SET SESSION foreign_key_checks = 1");
  if (!s.ok()) return s.WithContext("making an empty copy of the table in " + Quoted());
  return restored;
}

Result<std::string> ScratchSchema::ShowCreate(std::string_view table) {
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet rs,
                           conn_->Query("SHOW CREATE TABLE " + QuotedTable(table)));
  if (rs.empty() || rs[0].size() < 2 || !rs[0][1]) {
    return Status(StatusCode::kInternal, "SHOW CREATE TABLE returned nothing");
  }
  return *rs[0][1];
}

Status ScratchSchema::DropTable(std::string_view table) {
  SAFEDDL_RETURN_IF_ERROR(conn_->Execute("SET SESSION foreign_key_checks = 0"));
  Status s = conn_->Execute("DROP TABLE IF EXISTS " + QuotedTable(table));
  Status restored = conn_->Execute("SET SESSION foreign_key_checks = 1");
  return s.ok() ? restored : s;
}

Status ScratchSchema::Drop() {
  if (dropped_) return Status::OK();
  dropped_ = true;
  return conn_->Execute("DROP DATABASE IF EXISTS " + Quoted());
}

Result<std::string> RenameCreate(std::string_view show_create, std::string_view quoted_name) {
  // SHOW CREATE TABLE begins "CREATE TABLE `name` (" (the name backtick-quoted, `` for `).
  constexpr std::string_view kHead = "CREATE TABLE `";
  if (show_create.substr(0, kHead.size()) != kHead) {
    return Status(StatusCode::kInvalidArgument, "not a SHOW CREATE TABLE text");
  }
  size_t i = kHead.size();
  while (i < show_create.size()) {
    if (show_create[i] == '`') {
      if (i + 1 < show_create.size() && show_create[i + 1] == '`') {
        i += 2;
        continue;
      }
      break;
    }
    ++i;
  }
  if (i >= show_create.size()) {
    return Status(StatusCode::kInvalidArgument, "unterminated table name in SHOW CREATE TABLE");
  }
  return fmt::format("CREATE TABLE {}{}", quoted_name, show_create.substr(i + 1));
}

}  // namespace safeddl::plan
