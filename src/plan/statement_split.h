// SplitStatements: cuts the text of a change file (`safeddl plan --file changes.sql`) into the
// schema statements plan understands, and says for each what it does to which table.
//
// Understood: ALTER [ONLINE] [IGNORE] TABLE, CREATE [OR REPLACE] TABLE [IF NOT EXISTS] (also
// CREATE TABLE ... LIKE / AS SELECT), DROP TABLE [IF EXISTS] t1[, t2 ...], RENAME TABLE a TO b[,
// c TO d ...], CREATE [OR REPLACE] [UNIQUE|FULLTEXT|SPATIAL] INDEX ... ON t (...), DROP INDEX
// [IF EXISTS] i ON t, and USE db (which sets the database of later unqualified names; it is not
// returned as a statement). Statements end at ';' outside strings, quoted identifiers and comments
// (the schema lexer's rules: alter_lexer.h); the last one may omit it. Anything else (DML,
// DELIMITER, a procedure) is refused by position, so a file is planned whole or not at all.
// Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace safeddl::plan {

enum class StatementKind {
  kAlterTable,
  kCreateTable,
  kDropTable,
  kRenameTable,
  kCreateIndex,
  kDropIndex,
};
std::string_view StatementKindName(StatementKind kind);  // "ALTER TABLE", "CREATE INDEX", ...

// A table as named in the statement, unquoted. `db` is the statement's qualifier, else the
// database of the last USE before it, else empty (the caller applies its --database).
struct TableRef {
  std::string db;
  std::string table;

  bool operator==(const TableRef&) const = default;
};

struct SchemaStatement {
  StatementKind kind = StatementKind::kAlterTable;
  // The statement as written: comments blanked, surrounding space and the ';' removed.
  std::string sql;
  // 1-based line of the statement's first token in the file (for messages).
  int line = 0;
  // The table it changes: ALTER, CREATE TABLE, CREATE INDEX, DROP INDEX: the one table; DROP
  // TABLE: every table it names, in order; RENAME TABLE: empty (see `renames`).
  std::vector<TableRef> tables;
  // kAlterTable: the clauses after the table name, as written ("ADD COLUMN c INT, ALGORITHM=
  // INPLACE"). kCreateIndex / kDropIndex: the equivalent ALTER TABLE clauses, e.g.
  // "ADD UNIQUE INDEX `u` (`a`, b(10)) USING BTREE COMMENT 'x'" and "DROP INDEX IF EXISTS `u`"
  // (the index's ALGORITHM= / LOCK= options kept as ", ALGORITHM=INPLACE" clauses). Empty for
  // the other kinds.
  std::string alter_clauses;
  bool if_exists = false;      // DROP TABLE / DROP INDEX IF EXISTS
  bool if_not_exists = false;  // CREATE TABLE / CREATE INDEX IF NOT EXISTS
  bool or_replace = false;     // CREATE OR REPLACE TABLE / INDEX
  // kCreateTable: "LIKE other" names that table here (its definition is copied); else nullopt.
  std::optional<TableRef> like;
  // kRenameTable: each `from TO to` pair, in order.
  std::vector<std::pair<TableRef, TableRef>> renames;
};

// Errors (kInvalidArgument), each naming the line: a statement of another kind ("line 7: INSERT
// is not a schema change plan understands; plan accepts ALTER TABLE, CREATE/DROP/RENAME TABLE,
// CREATE/DROP INDEX"), a statement cut short (ALTER TABLE with no table name, CREATE INDEX with
// no ON), the lexer's errors (unterminated string, comment, identifier), no statement at all.
Result<std::vector<SchemaStatement>> SplitStatements(std::string_view text);

// The ALTER TABLE of `db`.`table` with gh-ost style `clauses` ("ADD COLUMN c INT"): what plan,
// alter and rehearse take as --database/--table/--alter.
Result<SchemaStatement> AlterTableStatement(const std::string& db, const std::string& table,
                                            const std::string& clauses);

}  // namespace safeddl::plan
