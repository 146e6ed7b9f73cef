#include "osc/binlog_position.h"

#include "common/strings.h"
#include "mysql/connection.h"

namespace safeddl::osc {

Result<BinlogPosition> ParseBinlogPosition(const std::string& text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return InvalidArgumentError("a binlog position looks like FILE:OFFSET, not '" + text + "'");
  }
  auto offset = ParseUint64(text.substr(colon + 1));
  if (!offset || *offset < 4) {
    return InvalidArgumentError("a binlog position looks like FILE:OFFSET, not '" + text + "'");
  }
  return BinlogPosition{text.substr(0, colon), *offset};
}

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

}  // namespace safeddl::osc
