// MigrationReport: the outcome of `safeddl alter`, for the final human summary and --json.
// Plain value type.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace safeddl::osc {

struct MigrationReport {
  std::string table;  // `db`.`t`
  bool dry_run = true;
  bool instant = false;  // done by ALGORITHM=INSTANT/NOCOPY, no copy
  bool swapped = false;
  std::string ghost_create;           // the new table's CREATE TABLE
  std::string shared_key;             // "PRIMARY (id)"
  std::vector<std::string> triggers;  // names of the triggers created on the new table
  std::string test_table;  // --test-on-replica: the migrated copy left beside the original
  std::vector<std::string> notes;
  int64_t rows_estimated = 0;
  int64_t rows_copied = 0;
  int64_t changes_applied = 0;
  double throttled_seconds = 0;
  std::map<std::string, double> phase_seconds;  // "inspect", "copy", "checksum", "cut-over", ...
  double total_seconds = 0;
  // Checksum.
  int checksum_passes = 0;
  int64_t checksum_rows = 0;
  int64_t checksum_ranges = 0;
  // The last pass's scope: "changed" (the rows that can differ, changed_rows.h) or "full".
  std::string checksum_scope;
  std::string checksum_full_why;  // why the first pass read both tables whole
  int64_t checksum_keys = 0;      // "changed": the changed rows compared by key
  int64_t ranges_recopied = 0;
  std::vector<std::string> unchecked_columns;
  // Cut-over.
  int cut_over_attempts = 0;
  double cut_over_stall_ms = 0;
  std::string old_table;          // kept as `db`.`_t_del`, or empty when dropped
  int64_t revert_generation = 0;  // the revert record of the swap (`_t_ghr`), 0 when none
  // A hold before the swap (alter --revertible) ended with no swap asked for.
  bool hold_ended = false;

  nlohmann::json ToJson() const;
};

}  // namespace safeddl::osc
