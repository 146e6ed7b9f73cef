// AnalyzeAlter: what a user's `--alter` text (gh-ost style: the part after `ALTER TABLE t`, e.g.
// "ADD COLUMN c INT, DROP COLUMN d, CHANGE a b VARCHAR(10)") does to the table's columns and keys,
// and the text to run against the ghost table.
//
// This is not a full SQL parser: it cuts the text into top-level clauses and reads the first
// few words of each, which is all the online change needs (the server itself validates the ALTER
// on the empty ghost table). A leading "ALTER [ONLINE] TABLE [db.]t" is accepted and reported.
// Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace safeddl::schema {

struct ColumnRename {
  std::string from;  // the column's name in the original table
  std::string to;    // its name in the new table

  bool operator==(const ColumnRename&) const = default;
};

struct AlterAnalysis {
  // The clauses to apply to the ghost table (ALTER TABLE <ghost> <ghost_alter>): comments
  // blanked, ALGORITHM= / LOCK= / WAIT n / NOWAIT removed, no trailing ';'.
  std::string ghost_alter;

  // CHANGE old new (old and new differ beyond letter case) and RENAME COLUMN old TO new.
  std::vector<ColumnRename> renamed_columns;
  std::vector<std::string> dropped_columns;   // DROP [COLUMN] [IF EXISTS] c
  std::vector<std::string> added_columns;     // ADD [COLUMN] c ..., ADD (c1 ..., c2 ...)
  std::vector<std::string> modified_columns;  // MODIFY c, CHANGE a b (new name)

  // RENAME [TO|AS] name: safeddl must refuse it (the tool renames tables itself).
  bool renames_table = false;
  std::string new_table_name;      // as written, possibly "db.t"
  bool drops_primary_key = false;  // DROP PRIMARY KEY, DROP INDEX `PRIMARY`
  bool adds_primary_key = false;   // ADD [CONSTRAINT [c]] PRIMARY KEY
  // Clauses removed from ghost_alter because the tool controls them ("ALGORITHM=INPLACE").
  std::vector<std::string> stripped_clauses;
  // Clauses that make no sense for an online copy (DISCARD TABLESPACE, EXCHANGE PARTITION,
  // ALTER IGNORE): the caller must refuse; each entry names the clause as written.
  std::vector<std::string> unsupported_clauses;

  // Set when the text began with "ALTER TABLE [db.]t": the names given there.
  std::optional<std::string> named_db;
  std::optional<std::string> named_table;

  // True when nothing is left to do (empty text, or only ALGORITHM/LOCK options).
  bool empty() const { return ghost_alter.empty(); }
};

// Errors (kInvalidArgument): more than one statement (a ';' outside strings and comments, other
// than one trailing ';'), unterminated strings/identifiers/comments, unbalanced parentheses,
// an empty clause (",," or a leading/trailing comma).
Result<AlterAnalysis> AnalyzeAlter(std::string_view alter_text);

}  // namespace safeddl::schema
