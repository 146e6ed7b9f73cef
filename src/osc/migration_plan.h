// MigrationPlan: the resolved facts one online ALTER runs on — table names, the original and
// ghost schemas, the column mapping, the shared key — produced by the inspector and read by every
// later phase. Immutable after inspection; safe to share between threads.
#pragma once

#include <string>
#include <vector>

#include "osc/checksum_columns.h"
#include "osc/key_range.h"
#include "osc/table_names.h"
#include "osc/trigger_copy.h"
#include "schema/alter_parser.h"
#include "schema/column_mapping.h"
#include "schema/table_schema.h"

namespace safeddl::osc {

struct MigrationPlan {
  std::string database;
  TableNames names;
  std::string alter;  // the clauses as applied to the ghost (ALGORITHM/LOCK removed)
  schema::AlterAnalysis analysis;
  schema::TableSchema original;
  schema::TableSchema ghost;
  schema::ColumnMapping mapping;
  schema::SharedKey key;

  // The shared key, by original column names (for reading the original) and ghost names.
  std::vector<KeyColumn> original_key;
  std::vector<KeyColumn> ghost_key;
  // 0-based positions in the original's row images (binlog) of the key and shared columns.
  std::vector<size_t> key_positions;
  std::vector<size_t> shared_positions;
  // How the checksum compares each shared column (converted where its type changes).
  std::vector<ChecksumColumn> checksum_columns;
  // Shared columns it cannot compare: "`c` (why)".
  std::vector<std::string> unchecked_columns;
  // The original's triggers, to be created on the new table at the cut-over (--include-triggers).
  std::vector<TriggerCopy> triggers;
  // Ghost columns outside the mapping whose values the apply keeps when it replaces a row (a
  // revert's: the old table's columns the new one dropped; empty for an ALTER, whose ghost
  // holds only defaults there).
  std::vector<std::string> kept_columns;

  // Quoted names, ready for SQL.
  std::string q_original;   // `db`.`t`
  std::string q_ghost;      // `db`.`_t_gho`
  std::string q_changelog;  // `db`.`_t_ghc`
  std::string q_checkpoint;  // `db`.`_t_ghk`
  std::string q_old;        // `db`.`_t_del`
  std::string q_revert;     // `db`.`_t_ghr`
  std::string q_applied;    // `db`.`_t_gha`
  // `db`.`_t_ghu` for a revert (osc/unfit_values.h), whose ghost's columns may be narrower than
  // the changes applied to it; empty otherwise: a value that does not fit stops the apply.
  std::string q_unfit;
  // Where the original goes at the swap when not q_old: the rename passes it through q_old (the
  // sentry's name) on to this name in the same RENAME (a revert: onto the name the ghost leaves).
  std::string q_rename_old_to;

  // The original's name after the swap.
  const std::string& q_kept_old() const {
    return q_rename_old_to.empty() ? q_old : q_rename_old_to;
  }
};

}  // namespace safeddl::osc
