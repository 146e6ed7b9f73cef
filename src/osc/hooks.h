// Hooks: gh-ost's --hooks-path interface, so the scripts teams already have keep working. At
// points of interest ("startup", "validated", "rowcount-complete", "before-row-copy",
// "row-copy-complete", "begin-postponed", "stop-replication" (--test-on-replica),
// "before-cut-over", "success", "failure", "status" (every --hooks-status-interval),
// "interactive-command" (GH_OST_COMMAND), "batch-copy-retry" (GH_OST_LAST_BATCH_COPY_ERROR)) every
// executable file in the hooks directory whose name starts with `gh-ost-on-<event>` runs, in name
// order, one after the other, with gh-ost's GH_OST_* environment variables describing the
// migration. A hook that exits non-zero fails the migration, or refuses the interactive command
// (on success, failure, status and batch-copy-retry it is only reported). Hooks' output goes to
// stderr. Run() may be called from several threads at once.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "mysql/connect_options.h"
#include "osc/migration_options.h"
#include "osc/progress.h"

namespace safeddl::osc {

// The variables every hook of a run gets, that do not change during it (gh-ost's names:
// GH_OST_DATABASE_NAME, GH_OST_TABLE_NAME, GH_OST_DDL, GH_OST_DRY_RUN, ...). `connect`: the
// server migrated.
std::map<std::string, std::string> HookVariables(const MigrationOptions& options,
                                                 const mysql::ConnectOptions& connect);

// The variables that say how far a run is (GH_OST_ELAPSED_SECONDS, GH_OST_ELAPSED_COPY_SECONDS,
// GH_OST_ESTIMATED_ROWS, GH_OST_COPIED_ROWS, GH_OST_PROGRESS, GH_OST_INSPECTED_LAG).
std::map<std::string, std::string> ProgressVariables(const ProgressSnapshot& progress,
                                                     double elapsed_seconds, double copy_seconds);

class Hooks {
 public:
  // `dir` empty: no hooks. `fixed` are variables every hook gets (GH_OST_DATABASE_NAME, ...).
  Hooks(std::string dir, std::map<std::string, std::string> fixed);

  bool enabled() const { return !dir_.empty(); }
  // Runs the hooks of `event` with `fixed` plus `context` in their environment.
  Status Run(std::string_view event, const std::map<std::string, std::string>& context) const;

  // The files that would run for `event`, in order (full paths).
  std::vector<std::string> HooksFor(std::string_view event) const;

 private:
  std::string dir_;
  std::map<std::string, std::string> fixed_;
};

}  // namespace safeddl::osc
