// The small fixed-layout events: ROTATE, XID, MariaDB's BINLOG_CHECKPOINT and ANNOTATE_ROWS.
//
// Each parser takes a ByteReader over the event body (after the 19-byte header, without the
// checksum) and returns a value; strings are copied out, so results do not reference the event
// buffer. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "common/byte_reader.h"
#include "common/result.h"

namespace safeddl::binlog {

// ROTATE_EVENT (4): the next file and the position to continue at.
struct RotateEvent {
  uint64_t position = 0;
  std::string next_file;
};
Result<RotateEvent> ParseRotateEvent(ByteReader body);

// XID_EVENT (16): the commit of a transaction of an XA-capable engine.
struct XidEvent {
  uint64_t xid = 0;
};
Result<XidEvent> ParseXidEvent(ByteReader body);

// BINLOG_CHECKPOINT_EVENT (161): the oldest binlog file still needed for crash recovery.
struct BinlogCheckpointEvent {
  std::string file;
};
Result<BinlogCheckpointEvent> ParseBinlogCheckpointEvent(ByteReader body);

// ANNOTATE_ROWS_EVENT (160): the statement text that produced the following row events
// (binlog_annotate_row_events=ON).
struct AnnotateRowsEvent {
  std::string query;
};
Result<AnnotateRowsEvent> ParseAnnotateRowsEvent(ByteReader body);

}  // namespace safeddl::binlog
