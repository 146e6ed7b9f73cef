// `safeddl plan`: what a change will do on this server, what it risks and how to undo it, before
// it runs. `--database d --table t --alter "..."` (gh-ost's spelling) or `--file changes.sql`
// (several statements). The work is plan/planner.h; this file binds the flags, prints the report
// (text, or JSON with --json) and maps "a risk was found or a statement must be refused" to exit
// 1 (a FailedPrecondition status).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "cli/command.h"
#include "cli/connection_flags.h"

namespace safeddl::cli {

struct PlanCommandOptions {
  ConnectionFlags connection;
  std::string database;
  std::string table;
  std::string alter;
  std::string file;
  bool json = false;
  bool no_estimate = false;
  double write_sample_seconds = 3;
  int64_t sample_rows = 100000;
  uint32_t server_id = 0;  // 0: a per-process id (as `safeddl binlog`)
};

void SetupPlan(CLI::App& parent, CommandSlot& slot);
Status RunPlan(const PlanCommandOptions& options);

}  // namespace safeddl::cli
