// Statement: what a PROCESSLIST statement is (a DDL, a write, a read) and which tables it names.
//
// Waiters in PROCESSLIST say only "Waiting for table metadata lock"; which table they wait for is
// read from their statement when no lock source lists their pending lock. This is a tokenizer for
// the statement heads that matter (ALTER/CREATE/DROP/RENAME/TRUNCATE/OPTIMIZE TABLE, CREATE/DROP
// INDEX, INSERT/REPLACE/UPDATE/DELETE, SELECT ... FROM, LOCK TABLES), not a SQL parser: it reads
// the first table reference (all of them for RENAME and LOCK TABLES) and ignores the rest.
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace safeddl::locks {

struct TableName {
  std::string schema;
  std::string name;
  auto operator<=>(const TableName&) const = default;
  // "db.t" (unquoted, for reports).
  std::string ToString() const;
};

enum class StatementKind { kNone, kDdl, kWrite, kRead, kLockTables, kOther };
std::string_view StatementKindName(StatementKind kind);

struct StatementInfo {
  StatementKind kind = StatementKind::kNone;
  std::string verb;  // "ALTER TABLE", "CREATE INDEX", "INSERT", ... (upper case)
  std::vector<TableName> tables;
};

// Classifies `sql`; tables without a schema get `default_schema` (the session's DB).
StatementInfo ParseStatement(std::string_view sql, std::string_view default_schema);

}  // namespace safeddl::locks
