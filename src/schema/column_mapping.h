// Column mapping between the original table and the ghost table (introspected after the ALTER
// was applied to it), and the choice of the unique key both share, which drives the chunked copy
// and the keyed apply of captured changes.
//
// Pure functions over TableSchema values; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "schema/alter_parser.h"
#include "schema/table_schema.h"

namespace safeddl::schema {

struct SharedColumn {
  std::string source;  // name in the original table
  std::string target;  // name in the ghost table
};

struct ColumnMapping {
  // Columns copied from original to ghost, in the original's ordinal order. Generated columns on
  // either side are never here: the server computes them.
  std::vector<SharedColumn> shared;
  std::vector<std::string> dropped;  // original columns with no counterpart (original's names)
  std::vector<std::string> added;    // ghost columns with no source, generated ones included
  // Generated columns of the original that become ordinary columns in the ghost. Their values
  // would be lost (they are not copied): callers should refuse the change.
  std::vector<std::string> generated_to_stored;

  // The ghost name for an original column; nullptr when not shared.
  const std::string* TargetOf(std::string_view source) const;
  // The original name for a ghost column; nullptr when not shared.
  const std::string* SourceOf(std::string_view target) const;
};

// Maps the columns. `alter` tells renames (CHANGE a b, RENAME COLUMN a TO b) and drops apart from
// "same name": every clause of an ALTER refers to the original names, so a column dropped and
// added again under the same name is a new column (not copied), and a column renamed onto the
// name of a dropped one takes that name. Columns match case-insensitively, like the server's.
// Errors: kInvalidArgument when a rename names a column the original does not have, or its target
// is missing from the ghost.
Result<ColumnMapping> MapColumns(const TableSchema& original, const TableSchema& ghost,
                                 const AlterAnalysis& alter);

struct SharedKey {
  std::string original_index;                 // the index's name in the original table
  std::string ghost_index;                    // the matching index in the ghost table
  std::vector<std::string> original_columns;  // in the original index's order
  std::vector<std::string> ghost_columns;     // the same columns by their ghost names, same order
  bool primary = false;                       // the original's PRIMARY KEY
};

// The best unique key for chunking and applying: in both tables over the same (mapped) columns,
// unique, every column NOT NULL on both sides (or a PRIMARY KEY), no generated columns, no prefix
// parts. Prefers PRIMARY, then keys whose columns keep their types, then fewer columns, integers,
// narrower types. Error (kFailedPrecondition): none exists — the message lists why each candidate
// was refused.
Result<SharedKey> ChooseSharedKey(const TableSchema& original, const TableSchema& ghost,
                                  const ColumnMapping& mapping);

}  // namespace safeddl::schema
