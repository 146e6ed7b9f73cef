// `safeddl check`: is this server ready for each safeddl capability, and what to change if not.
//
// The judgement lives in mysql/readiness.h; this file binds the flags, renders the report (a
// human table, or JSON with --json) on stdout, and maps "not ready for online ALTER" to a
// FailedPrecondition status (exit 1). Connection failures come back from OpenSession (exit 2).
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/command.h"
#include "cli/connection_flags.h"
#include "mysql/readiness.h"

namespace safeddl::cli {

struct CheckOptions {
  ConnectionFlags connection;
  std::string database;  // judge schema-level grants for this schema; empty: global grants
  bool json = false;
};

void SetupCheck(CLI::App& parent, CommandSlot& slot);
Status RunCheck(const CheckOptions& options);

// The report as JSON: server, user, ready per capability, findings, replicas.
nlohmann::json CheckReportToJson(const mysql::ReadinessSnapshot& snapshot,
                                 const mysql::ReadinessReport& report);
// The report as a table for a terminal, ending with a line per capability.
std::string RenderCheckTable(const mysql::ReadinessReport& report);

}  // namespace safeddl::cli
