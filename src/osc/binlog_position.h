// The binlog position type the engine works with, and the server's current end; both live in the
// binlog layer (binlog/binlog_position.h, binlog/server_position.h).
#pragma once

#include "binlog/binlog_position.h"
#include "binlog/server_position.h"

namespace safeddl::osc {

using binlog::BinlogPosition;
using binlog::CurrentBinlogPosition;
using binlog::SnapshotBinlogPosition;

}  // namespace safeddl::osc
