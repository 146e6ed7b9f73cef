// The session settings every connection of a migration uses, so that copy, apply and checksum
// see values the same way: UTC time zone (TIMESTAMP values and key bounds are exact), utf8mb4,
// strict sql_mode with NO_AUTO_VALUE_ON_ZERO (a 0 in an AUTO_INCREMENT column stays 0), and the
// zero-date modes removed with --allow-zero-in-date. Pure SQL rendering plus one helper.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "mysql/connection.h"
#include "osc/migration_options.h"

namespace safeddl::osc {

std::vector<std::string> SessionSetupStatements(const MigrationOptions& options);

// Runs SessionSetupStatements on `conn`.
Status PrepareSession(mysql::Connection& conn, const MigrationOptions& options);

}  // namespace safeddl::osc
