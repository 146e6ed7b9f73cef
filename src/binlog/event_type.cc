#include "binlog/event_type.h"

#include <fmt/format.h>

namespace safeddl::binlog {

std::string EventTypeName(EventType type) {
  switch (type) {
    case EventType::kUnknown:
      return "UNKNOWN_EVENT";
    case EventType::kStartV3:
      return "START_EVENT_V3";
    case EventType::kQuery:
      return "QUERY_EVENT";
    case EventType::kStop:
      return "STOP_EVENT";
    case EventType::kRotate:
      return "ROTATE_EVENT";
    case EventType::kIntvar:
      return "INTVAR_EVENT";
    case EventType::kRand:
      return "RAND_EVENT";
    case EventType::kUserVar:
      return "USER_VAR_EVENT";
    case EventType::kFormatDescription:
      return "FORMAT_DESCRIPTION_EVENT";
    case EventType::kXid:
      return "XID_EVENT";
    case EventType::kBeginLoadQuery:
      return "BEGIN_LOAD_QUERY_EVENT";
    case EventType::kExecuteLoadQuery:
      return "EXECUTE_LOAD_QUERY_EVENT";
    case EventType::kTableMap:
      return "TABLE_MAP_EVENT";
    case EventType::kWriteRowsV1:
      return "WRITE_ROWS_EVENT_V1";
    case EventType::kUpdateRowsV1:
      return "UPDATE_ROWS_EVENT_V1";
    case EventType::kDeleteRowsV1:
      return "DELETE_ROWS_EVENT_V1";
    case EventType::kIncident:
      return "INCIDENT_EVENT";
    case EventType::kHeartbeat:
      return "HEARTBEAT_LOG_EVENT";
    case EventType::kIgnorable:
      return "IGNORABLE_LOG_EVENT";
    case EventType::kRowsQuery:
      return "ROWS_QUERY_LOG_EVENT";
    case EventType::kWriteRowsV2:
      return "WRITE_ROWS_EVENT";
    case EventType::kUpdateRowsV2:
      return "UPDATE_ROWS_EVENT";
    case EventType::kDeleteRowsV2:
      return "DELETE_ROWS_EVENT";
    case EventType::kMysqlGtid:
      return "GTID_LOG_EVENT";
    case EventType::kMysqlAnonymousGtid:
      return "ANONYMOUS_GTID_LOG_EVENT";
    case EventType::kMysqlPreviousGtids:
      return "PREVIOUS_GTIDS_LOG_EVENT";
    case EventType::kAnnotateRows:
      return "ANNOTATE_ROWS_EVENT";
    case EventType::kBinlogCheckpoint:
      return "BINLOG_CHECKPOINT_EVENT";
    case EventType::kGtid:
      return "GTID_EVENT";
    case EventType::kGtidList:
      return "GTID_LIST_EVENT";
    case EventType::kStartEncryption:
      return "START_ENCRYPTION_EVENT";
    case EventType::kQueryCompressed:
      return "QUERY_COMPRESSED_EVENT";
    case EventType::kWriteRowsCompressedV1:
      return "WRITE_ROWS_COMPRESSED_EVENT_V1";
    case EventType::kUpdateRowsCompressedV1:
      return "UPDATE_ROWS_COMPRESSED_EVENT_V1";
    case EventType::kDeleteRowsCompressedV1:
      return "DELETE_ROWS_COMPRESSED_EVENT_V1";
    case EventType::kWriteRowsCompressedV2:
      return "WRITE_ROWS_COMPRESSED_EVENT";
    case EventType::kUpdateRowsCompressedV2:
      return "UPDATE_ROWS_COMPRESSED_EVENT";
    case EventType::kDeleteRowsCompressedV2:
      return "DELETE_ROWS_COMPRESSED_EVENT";
  }
  return fmt::format("UNKNOWN_EVENT({})", static_cast<unsigned>(type));
}

bool IsRowsEvent(EventType type, RowsEventTraits* traits) {
  RowsEventTraits t{};
  switch (type) {
    case EventType::kWriteRowsV1:
      t = {RowsKind::kInsert, false, false};
      break;
    case EventType::kUpdateRowsV1:
      t = {RowsKind::kUpdate, false, false};
      break;
    case EventType::kDeleteRowsV1:
      t = {RowsKind::kDelete, false, false};
      break;
    case EventType::kWriteRowsV2:
      t = {RowsKind::kInsert, true, false};
      break;
    case EventType::kUpdateRowsV2:
      t = {RowsKind::kUpdate, true, false};
      break;
    case EventType::kDeleteRowsV2:
      t = {RowsKind::kDelete, true, false};
      break;
    case EventType::kWriteRowsCompressedV1:
      t = {RowsKind::kInsert, false, true};
      break;
    case EventType::kUpdateRowsCompressedV1:
      t = {RowsKind::kUpdate, false, true};
      break;
    case EventType::kDeleteRowsCompressedV1:
      t = {RowsKind::kDelete, false, true};
      break;
    case EventType::kWriteRowsCompressedV2:
      t = {RowsKind::kInsert, true, true};
      break;
    case EventType::kUpdateRowsCompressedV2:
      t = {RowsKind::kUpdate, true, true};
      break;
    case EventType::kDeleteRowsCompressedV2:
      t = {RowsKind::kDelete, true, true};
      break;
    default:
      return false;
  }
  if (traits != nullptr) *traits = t;
  return true;
}

}  // namespace safeddl::binlog
