// `safeddl unblock`: when a DDL blocks writes (the metadata-lock pileup), show the chain
// holder -> DDL -> queued sessions, decide by policy (locks/policy.h) what to do, act only with
// --execute (after confirmation on a terminal, or --yes), then verify that writes flow again and
// the table is intact (locks/verify.h).
//
// Exit status: 0 when nothing is blocked, or the action was taken and verified; 1 when writes
// stay blocked (a dry run, nothing safe to kill, verification failed) or the input is wrong
// (unknown table, missing PROCESS privilege); 2 when the server cannot be reached.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/command.h"
#include "cli/connection_flags.h"
#include "locks/diagnose.h"
#include "locks/policy.h"

namespace safeddl::cli {

inline constexpr double kDefaultVerifySeconds = 10.0;

struct UnblockOptions {
  ConnectionFlags connection;
  bool execute = false;
  bool yes = false;
  bool json = false;
  std::string dot_file;
  std::string database;
  std::string table;
  std::string verify_table;  // "db.t" or "t" (with --database)
  double verify_seconds = kDefaultVerifySeconds;
  bool install_mdl_plugin = false;
  bool no_lock_sources = false;  // infer holders even when a lock source shows them
  locks::PolicyConfig policy;
};

void SetupUnblock(CLI::App& parent, CommandSlot& slot);
Status RunUnblock(const UnblockOptions& options);

// Adds the policy flags (--force --max-wait --max-rollback-rows --wait-above-percent
// --max-kills) to `cmd`; shared with `watch`.
void AddPolicyFlags(CLI::App& cmd, locks::PolicyConfig& policy);

// Parses "db.t" or "t" (then `default_schema`) for --verify-table.
Result<locks::TableName> ParseTableArg(const std::string& text, const std::string& default_schema);

}  // namespace safeddl::cli
