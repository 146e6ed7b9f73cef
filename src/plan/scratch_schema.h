// ScratchSchema: a schema of plan's own on the user's server (`_safeddl_plan_<session id>`),
// where empty copies of tables are made and altered, and samples of rows copied and rebuilt to
// measure rates. Created on Open, dropped with everything in it by Drop or the destructor, on
// every path. The session stops binlogging its own statements when it may (sql_log_bin=0 needs
// BINLOG ADMIN or SUPER), so replicas never see the scratch work; when it may not, `binlogged()`
// says so and the report tells the user.
//
// Not thread-safe: it owns statements on one connection, which must outlive it.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "mysql/connection.h"

namespace safeddl::plan {

class ScratchSchema {
 public:
  // Creates the schema. Errors: the server's (kAccessDenied without CREATE on it).
  static Result<ScratchSchema> Open(mysql::Connection& conn);
  ScratchSchema(ScratchSchema&& other) noexcept;
  ScratchSchema& operator=(ScratchSchema&&) = delete;
  ScratchSchema(const ScratchSchema&) = delete;
  ~ScratchSchema();

  const std::string& name() const { return name_; }
  std::string Quoted() const;                             // `_safeddl_plan_42`
  std::string QuotedTable(std::string_view table) const;  // `_safeddl_plan_42`.`t`
  bool binlogged() const { return binlogged_; }

  // Creates `table` here from `show_create` (a SHOW CREATE TABLE text of any table: its name is
  // replaced), dropping a previous one of that name. Foreign key checks are off while it is
  // created, so a key referring to a table that exists only in the user's schema is kept.
  Status CreateFrom(std::string_view table, std::string_view show_create);
  // SHOW CREATE TABLE of a table here.
  Result<std::string> ShowCreate(std::string_view table);
  Status DropTable(std::string_view table);

  // Drops the schema (idempotent).
  Status Drop();

 private:
  ScratchSchema(mysql::Connection& conn, std::string name, bool binlogged)
      : conn_(&conn), name_(std::move(name)), binlogged_(binlogged) {}

  mysql::Connection* conn_;
  std::string name_;
  bool binlogged_ = false;
  bool dropped_ = false;
};

// `show_create` with the table name after CREATE TABLE replaced by `quoted_name`.
Result<std::string> RenameCreate(std::string_view show_create, std::string_view quoted_name);

}  // namespace safeddl::plan
