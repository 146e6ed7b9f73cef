// `safeddl revert --database d --table t [--execute]`: swaps an online ALTER back without losing a
// write made since — the old table the cut-over kept is brought up to date from the binlog (the
// swap's column mapping inverted; resumable), checksummed against the table, and swapped back by
// the same sentry cut-over (src/revert, osc's Migrator). Without --execute, a dry run: what it
// would replay and what going back would lose. Text or --json on stdout.
#pragma once

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <optional>
#include <string>

#include "cli/command.h"
#include "cli/connection_flags.h"
#include "osc/migration_options.h"
#include "osc/migration_report.h"
#include "revert/revert_plan.h"

namespace safeddl::cli {

struct RevertCommandOptions {
  ConnectionFlags connection;
  std::string database;
  std::string table;
  std::string force_table_names;
  bool execute = false;
  bool allow_lossy = false;  // accept losing data in columns only the new table has
  bool ok_to_drop_table = false;
  bool json = false;
  int64_t cut_over_lock_timeout_seconds = 3;
  int64_t default_retries = 60;
  int64_t max_lag_millis = 1500;
  std::string serve_socket_file;
  std::string postpone_cut_over_flag_file;
  std::string throttle_flag_file;
  uint32_t replica_server_id = 0;  // 0: chosen per process
};

void SetupRevert(CLI::App& parent, CommandSlot& slot);
Status RunRevert(const RevertCommandOptions& options);

// The migration back of `setup` (osc's Migrator onto the kept old table), with what going back
// would lose checked again right before the swap. `base` carries the run's settings (throttling,
// retries, control socket); `hold_for` (alter --revertible) holds the swap that long at most.
Result<osc::MigrationReport> RunRevertMigration(const mysql::ConnectOptions& connect,
                                                osc::MigrationOptions base,
                                                const revert::RevertSetup& setup, bool allow_lossy,
                                                std::optional<std::chrono::seconds> hold_for,
                                                mysql::SessionLog* log,
                                                const std::atomic<bool>* cancel);

}  // namespace safeddl::cli
