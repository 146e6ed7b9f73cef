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
  std::string original_index;  // the index's name in the original table (read in its order)
  std::string ghost_index;     // the matching index in the ghost table
  // The key's columns: the original index's, in its order, then (when widened) the columns the
  // ghost's key adds, in the ghost index's order.
  std::vector<std::string> original_columns;
  std::vector<std::string> ghost_columns;  // the same columns by their ghost names, same order
  bool primary = false;                    // original_index is the original's PRIMARY KEY
  // The ghost's key has more columns than original_index: the ALTER widened the key (DROP
  // PRIMARY KEY, ADD PRIMARY KEY (id, i) over PRIMARY KEY (id)).
  bool widened = false;
  // How many leading key columns order the original table: the original index's. Ordering by
  // them is ordering by the whole key (they are unique), and only that order has an index (with
  // more columns, the server sorts every range it reads).
  size_t ordering_columns = 0;
};

// The best unique key for chunking, applying and checksumming: unique and usable as a row's
// identity in both tables — no generated columns, no prefix parts, every column NOT NULL on both
// sides (or a PRIMARY KEY's). Either the same (mapped) columns in both tables, or a ghost key
// that begins with the columns of a unique key of the original and adds copied columns that are
// NOT NULL in the original: unique there too, since its leading part is (the key is then the
// ghost's, its leading columns in the original index's order). Prefers the original's PRIMARY,
// then a key the ghost has as it is over a widened one, then keys whose columns keep their types,
// fewer columns, integers, narrower types. Error (kFailedPrecondition): none exists — the
// message lists why each candidate was refused.
Result<SharedKey> ChooseSharedKey(const TableSchema& original, const TableSchema& ghost,
                                  const ColumnMapping& mapping);

}  // namespace safeddl::schema
