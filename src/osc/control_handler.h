// Carries out one control-socket command (ControlCommand) against a running migration: changes
// LiveSettings, passes on throttle/unpostpone/panic requests, and writes gh-ost-style answers
// (a status after each change, "name=?" prints the value). No I/O: ControlServer moves the
// lines. Thread-safe as LiveSettings is; `context.snapshot` must be callable from any thread.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "osc/live_settings.h"
#include "osc/migration_options.h"
#include "osc/progress.h"

namespace safeddl::osc {

struct ControlContext {
  std::string database;
  std::string table;    // the original table: what --force-named-cut-over/-panic commands name
  std::string ghost;    // `db`.`_t_gho`, for the status header
  std::string serving;  // "unix socket /tmp/gh-ost.db.t.sock", for the status header
  bool force_named_cut_over = false;
  bool force_named_panic = false;
  std::string throttle_flag_file;
  std::string throttle_additional_flag_file;
  std::string postpone_cut_over_flag_file;
  // Changes reach the ghost from the binlog (not triggers): throttling then warns that the binary
  // logs must be kept, and the status says how far they were applied.
  bool binlog_capture = true;
  std::function<ProgressSnapshot()> snapshot;  // the migration's latest progress
};

// The context a migration with `options` serves (snapshot left for the caller to set).
ControlContext MakeControlContext(const MigrationOptions& options, const std::string& serving);

// The answer to one line, newline-terminated. Errors are answered, never thrown or returned:
// the client sees "error: ..." and the migration goes on.
std::string HandleControlLine(std::string_view line, LiveSettings& live,
                              const ControlContext& context);

// The full status text ("status").
std::string ControlStatusText(const LiveSettings& live, const ControlContext& context);

}  // namespace safeddl::osc
