#include "binlog/server_position.h"

#include <fmt/format.h>

namespace safeddl::binlog {

Result<BinlogPosition> CurrentBinlogPosition(mysql::Connection& conn) {
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet rs, conn.Query("SHOW MASTER STATUS"));
  if (rs.empty()) {
    return FailedPreconditionError(
        "the binary log is off on this server: start it with log_bin (and binlog_format=ROW, "
        "binlog_row_image=FULL)");
  }
  auto offset = rs[0].GetUint("Position");
  if (!offset) return InternalError("SHOW MASTER STATUS returned no position");
  return BinlogPosition{rs[0].GetString("File"), *offset};
}

Result<BinlogPosition> OldestBinlogPosition(mysql::Connection& conn) {
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet logs, conn.Query("SHOW BINARY LOGS"));
  if (logs.empty()) return FailedPreconditionError("the server holds no binlog file");
  // Events start after the file's 4-byte magic.
  return BinlogPosition{logs[0][0].value_or(""), 4};
}

Status CheckBinlogHolds(mysql::Connection& conn, const BinlogPosition& position,
                        std::string_view what) {
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet logs, conn.Query("SHOW BINARY LOGS"));
  for (const mysql::Row& row : logs.rows()) {
    if (row[0].value_or("") == position.file) return Status::OK();
  }
  return FailedPreconditionError(fmt::format(
      "the binlog no longer holds {} {} (purged): the changes made since cannot be replayed. "
      "Keep binlogs for as long as they may be needed (binlog_expire_logs_seconds)",
      what, position.ToString()));
}

}  // namespace safeddl::binlog
