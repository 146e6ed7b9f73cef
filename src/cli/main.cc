// safeddl: safe schema changes on live MySQL/MariaDB tables.
//
// The one place that parses the command line, turns a Status into a message and an exit code
// (cli/exit_codes.h), and scrubs passwords from argv.
#include <fmt/format.h>
#include <mysql.h>

#include <CLI/CLI.hpp>

#include "cli/alter_command.h"
#include "cli/argv_scrub.h"
#include "cli/binlog_command.h"
#include "cli/check_command.h"
#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/failover_command.h"
#include "cli/fence_command.h"
#include "cli/flashback_command.h"
#include "cli/plan_command.h"
#include "cli/rehearse_command.h"
#include "cli/replica_command.h"
#include "cli/restore_command.h"
#include "cli/revert_command.h"
#include "cli/sandbox_command.h"
#include "cli/snapshot_command.h"
#include "cli/switchover_command.h"
#include "cli/unblock_command.h"
#include "cli/watch_command.h"
#include "common/log.h"

int main(int argc, char** argv) {
  using namespace safeddl;  // NOLINT: main only

  CLI::App app{"safeddl: safe schema changes on live MySQL and MariaDB tables", "safeddl"};
  app.set_version_flag("--version", fmt::format("safeddl {} (MariaDB Connector/C {})",
                                                SAFEDDL_VERSION, mysql_get_client_info()));
  app.require_subcommand(1);
  app.fallthrough();
  bool verbose = false;
  bool debug = false;
  bool quiet = false;
  app.add_flag("--verbose", verbose, "More progress detail on stderr");
  app.add_flag("--debug", debug, "Debug detail on stderr (statements, retries)");
  app.add_flag("--quiet", quiet, "Only errors on stderr");
  app.footer(
      "Exit status: 0 done, 1 failed or not ready (data untouched), 2 connection or access "
      "problem, 64 usage error.\nRun 'safeddl <command> --help' for a command's flags.");

  cli::CommandSlot slot;
  cli::SetupAlter(app, slot);
  cli::SetupSandbox(app, slot);
  cli::SetupCheck(app, slot);
  cli::SetupBinlog(app, slot);
  cli::SetupUnblock(app, slot);
  cli::SetupWatch(app, slot);
  cli::SetupFlashback(app, slot);
  cli::SetupPlan(app, slot);
  cli::SetupSnapshot(app, slot);
  cli::SetupRestore(app, slot);
  cli::SetupRevert(app, slot);
  cli::SetupFence(app, slot);
  cli::SetupReplica(app, slot);
  cli::SetupSwitchover(app, slot);
  cli::SetupFailover(app, slot);
  cli::SetupRehearse(app, slot);

  // gh-ost command lines may spell flags Go-style ("-execute"): accept them.
  std::vector<std::string> args =
      cli::NormalizeGoStyleFlags(std::vector<std::string>(argv, argv + argc));
  std::vector<char*> arg_ptrs;
  for (std::string& a : args) arg_ptrs.push_back(a.data());
  try {
    app.parse(static_cast<int>(arg_ptrs.size()), arg_ptrs.data());
  } catch (const CLI::ParseError& e) {
    cli::ScrubPasswordArgs(argc, argv);
    const int code = app.exit(e);
    return code == 0 ? cli::kExitOk : cli::kExitUsage;
  }
  if (cli::ScrubPasswordArgs(argc, argv) > 0) {
    LogWarning(
        "a password on the command line can be seen by other users; prefer --ask-pass or "
        "--defaults-file");
  }
  SetLogLevel(debug     ? LogLevel::kDebug
              : verbose ? LogLevel::kInfo
              : quiet   ? LogLevel::kError
                        : LogLevel::kInfo);
  if (!slot) return cli::kExitUsage;
  const Status status = slot();
  if (!status.ok()) {
    LogError("{}", status.message());
    return cli::ExitCodeFor(status);
  }
  return cli::kExitOk;
}
