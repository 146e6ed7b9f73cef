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

  // Quoted names, ready for SQL.
  std::string q_original;   // `db`.`t`
  std::string q_ghost;      // `db`.`_t_gho`
  std::string q_changelog;  // `db`.`_t_ghc`
  std::string q_checkpoint;  // `db`.`_t_ghk`
  std::string q_old;        // `db`.`_t_del`
};

}  // namespace safeddl::osc
