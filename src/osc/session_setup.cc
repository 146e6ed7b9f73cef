#include "osc/session_setup.h"

#include <fmt/format.h>

namespace safeddl::osc {

std::vector<std::string> SessionSetupStatements(const MigrationOptions& options) {
  std::string mode = "@@session.sql_mode";
  if (options.allow_zero_in_date) {
    mode = "REPLACE(REPLACE(" + mode + ", 'NO_ZERO_IN_DATE', ''), 'NO_ZERO_DATE', '')";
  }
  std::string extra = ",NO_AUTO_VALUE_ON_ZERO";
  if (!options.skip_strict_mode) extra += ",STRICT_ALL_TABLES";
  return {
      "SET SESSION time_zone = '+00:00'",
      fmt::format("SET SESSION sql_mode = CONCAT({}, '{}')", mode, extra),
      "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
  };
}

Status PrepareSession(mysql::Connection& conn, const MigrationOptions& options) {
  for (const std::string& sql : SessionSetupStatements(options)) {
    SAFEDDL_RETURN_IF_ERROR(conn.Execute(sql));
  }
  return Status::OK();
}

}  // namespace safeddl::osc
