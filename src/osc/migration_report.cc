#include "osc/migration_report.h"

namespace safeddl::osc {

nlohmann::json MigrationReport::ToJson() const {
  return {
      {"table", table},
      {"dry_run", dry_run},
      {"instant", instant},
      {"swapped", swapped},
      {"shared_key", shared_key},
      {"triggers", triggers},
      {"ghost_create", ghost_create},
      {"notes", notes},
      {"rows",
       {{"estimated", rows_estimated},
        {"copied", rows_copied},
        {"changes_applied", changes_applied}}},
      {"throttled_seconds", throttled_seconds},
      {"phase_seconds", phase_seconds},
      {"total_seconds", total_seconds},
      {"checksum",
       {{"passes", checksum_passes},
        {"rows", checksum_rows},
        {"ranges", checksum_ranges},
        {"scope", checksum_scope},
        {"full_because", checksum_full_why},
        {"keys", checksum_keys},
        {"ranges_recopied", ranges_recopied},
        {"clean", swapped || (!dry_run && checksum_passes > 0)},
        {"unchecked_columns", unchecked_columns}}},
      {"cut_over", {{"attempts", cut_over_attempts}, {"stall_ms", cut_over_stall_ms}}},
      {"old_table", old_table},
      {"revert_generation", revert_generation},
      {"hold_ended", hold_ended},
      {"test_table", test_table},
  };
}

}  // namespace safeddl::osc
