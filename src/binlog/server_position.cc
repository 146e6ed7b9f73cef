#include "binlog/server_position.h"

#include <fmt/format.h>

#include <optional>

#include "common/strings.h"

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

Result<BinlogPosition> SnapshotBinlogPosition(mysql::Connection& conn) {
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet rs,
                           conn.Query("SHOW SESSION STATUS LIKE 'binlog_snapshot_%'"));
  BinlogPosition position;
  std::optional<uint64_t> offset;
  for (const mysql::Row& row : rs.rows()) {
    const std::string name = row[0].value_or("");
    if (EqualsIgnoreCase(name, "binlog_snapshot_file")) position.file = row[1].value_or("");
    if (EqualsIgnoreCase(name, "binlog_snapshot_position"))
      offset = ParseUint64(row[1].value_or(""));
  }
  if (position.file.empty() || !offset) {
    return FailedPreconditionError(
        "the server gives no binlog position for a snapshot (binlog_snapshot_file): the binary "
        "log is off, or the server is not MariaDB");
  }
  position.offset = *offset;
  return position;
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
