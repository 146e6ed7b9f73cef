// `safeddl alter`: online schema change with gh-ost's command line (src/osc does the work).
// An existing gh-ost command line runs by changing the binary name: every documented gh-ost flag
// is accepted, with gh-ost's meaning or, where safeddl's behaviour makes it moot, with a note.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/connection_flags.h"
#include "osc/migration_options.h"
#include "osc/progress.h"

namespace safeddl::cli {

struct AlterOptions {
  ConnectionFlags connection;
  osc::MigrationOptions migration;
  // Raw flag values that need parsing or checking after the parser.
  std::string max_load, critical_load, throttle_control_replicas, cut_over = "atomic";
  std::string conf;  // gh-ost's --conf: a my.cnf with [client] user/password
  bool ssl = false, ssl_allow_insecure = false;
  double mysql_timeout = 0;
  bool check_flag = false;
  bool checkpoint = false;  // gh-ost's --checkpoint; checkpoints are always saved
  // Copy even when the server can make the change by metadata alone (INSTANT), which
  // otherwise goes that way (plan's answer, asked on an empty copy first).
  bool force_copy = false;
  // --revertible[=DURATION]: after the swap, keep the old table current that long (a revert is
  // then only the swap); empty when not given.
  std::string revertible;
  // --snapshot-column-data: before the change, keep the columns it drops, with the key, in a
  // snapshot (snapshot/take.h) that `safeddl restore` puts back.
  bool snapshot_column_data = false;
  // --via-replicas: the change made natively on each replica first (out of the binlog), then a
  // switchover to --switchover-to, then on the old primary (cli/alter_via_replicas.h).
  bool via_replicas = false;
  std::string switchover_to;
  std::string replication_user;
  std::string replication_password_file;
  // On a Galera node (cli/alter_galera.h): --galera-method (toi), how long the TOI change may
  // wait for its way to be clear, and the nodes when they cannot be discovered.
  std::string galera_method;
  std::string max_wait = "10s";
  std::string galera_nodes;
  std::vector<std::string> ignored;  // gh-ost flags given that safeddl does not need
};

void SetupAlter(CLI::App& parent, CommandSlot& slot);
// Binds alter's flags (gh-ost's, and safeddl's own) to `o` on `cmd`: `safeddl rehearse` takes
// the same ones.
void AddAlterFlags(CLI::App* cmd, AlterOptions& o);
// Checks the flag values and resolves those that need parsing (--max-load, ...).
Status ResolveAlterOptions(AlterOptions& o);
Status RunAlter(AlterOptions options);

// A migration's progress on stderr: a bar on a terminal, a plain line every few seconds
// otherwise (alter's and revert's).
void PrintMigrationProgress(const osc::ProgressSnapshot& p);

// gh-ost (Go's flag package) also accepts "-flag" and "-flag=value": rewrites such arguments to
// "--flag..." in place of argv's copies, leaving "-h", "--x", values and "-" alone.
std::vector<std::string> NormalizeGoStyleFlags(const std::vector<std::string>& args);

}  // namespace safeddl::cli
