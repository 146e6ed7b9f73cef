#include "binlog/small_events.h"

namespace safeddl::binlog {

Result<RotateEvent> ParseRotateEvent(ByteReader body) {
  RotateEvent ev;
  SAFEDDL_ASSIGN_OR_RETURN(ev.position, body.ReadU64());
  ev.next_file = std::string(body.ReadRest());
  return ev;
}

Result<XidEvent> ParseXidEvent(ByteReader body) {
  XidEvent ev;
  SAFEDDL_ASSIGN_OR_RETURN(ev.xid, body.ReadU64());
  return ev;
}

Result<BinlogCheckpointEvent> ParseBinlogCheckpointEvent(ByteReader body) {
  BinlogCheckpointEvent ev;
  SAFEDDL_ASSIGN_OR_RETURN(std::string_view file, body.ReadLengthPrefixed(4));
  ev.file = std::string(file);
  return ev;
}

Result<AnnotateRowsEvent> ParseAnnotateRowsEvent(ByteReader body) {
  return AnnotateRowsEvent{std::string(body.ReadRest())};
}

}  // namespace safeddl::binlog
