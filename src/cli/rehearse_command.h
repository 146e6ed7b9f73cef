// `safeddl rehearse <alter's flags> [--sample PERCENT] [--on-defaults-file FILE]`: the ALTER run
// on a copy of the table on a throwaway sandbox (or a test server) while production's writes to
// the table are replayed there live; reports the time, the cut-over stall, the replayed writes'
// latency and the time extrapolated to the whole table (rehearse/rehearsal.h), beside plan's
// estimate for the same change on production (plan/planner.h: its sampled rates, which use plan's
// scratch schema there, as `safeddl plan` does).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/alter_command.h"
#include "cli/command.h"

namespace safeddl::cli {

struct RehearseOptions {
  AlterOptions alter;
  double sample_percent = 100;
  std::string on_defaults_file;  // a test server's [client] settings; empty: a sandbox
  bool keep_sandbox = false;
  bool no_estimate = false;  // skip plan's estimate on production
};

void SetupRehearse(CLI::App& parent, CommandSlot& slot);
Status RunRehearse(RehearseOptions options);

}  // namespace safeddl::cli
