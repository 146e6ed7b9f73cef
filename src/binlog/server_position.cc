#include "binlog/server_position.h"

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

}  // namespace safeddl::binlog
