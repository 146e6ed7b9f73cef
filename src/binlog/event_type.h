// EventType: the binlog event type codes of MySQL and MariaDB (byte 4 of the v4 event header).
//
// Only the codes safeddl decodes or must recognise are named; any other byte value is still a
// valid EventType (an enum class can hold every uint8_t) and is skipped by the parser. Pure
// constants and functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace safeddl::binlog {

enum class EventType : uint8_t {
  kUnknown = 0,
  kStartV3 = 1,
  kQuery = 2,
  kStop = 3,
  kRotate = 4,
  kIntvar = 5,
  kRand = 13,
  kUserVar = 14,
  kFormatDescription = 15,
  kXid = 16,
  kBeginLoadQuery = 17,
  kExecuteLoadQuery = 18,
  kTableMap = 19,
  kWriteRowsV1 = 23,
  kUpdateRowsV1 = 24,
  kDeleteRowsV1 = 25,
  kIncident = 26,
  kHeartbeat = 27,
  kIgnorable = 28,
  kRowsQuery = 29,
  kWriteRowsV2 = 30,
  kUpdateRowsV2 = 31,
  kDeleteRowsV2 = 32,
  kMysqlGtid = 33,
  kMysqlAnonymousGtid = 34,
  kMysqlPreviousGtids = 35,
  // MariaDB-specific events start at 160.
  kAnnotateRows = 160,
  kBinlogCheckpoint = 161,
  kGtid = 162,
  kGtidList = 163,
  kStartEncryption = 164,
  kQueryCompressed = 165,
  kWriteRowsCompressedV1 = 166,
  kUpdateRowsCompressedV1 = 167,
  kDeleteRowsCompressedV1 = 168,
  kWriteRowsCompressedV2 = 169,
  kUpdateRowsCompressedV2 = 170,
  kDeleteRowsCompressedV2 = 171,
};

// "TABLE_MAP_EVENT"; unnamed codes render as "UNKNOWN_EVENT(<n>)".
std::string EventTypeName(EventType type);

// The kind of row change a rows event carries.
enum class RowsKind : uint8_t { kInsert, kUpdate, kDelete };

struct RowsEventTraits {
  RowsKind kind;
  bool v2;          // has the v2 extra-data block in the post-header
  bool compressed;  // MariaDB log_bin_compress: row data is zlib-compressed
};

// True, with the traits filled in, when `type` is one of the twelve WRITE/UPDATE/DELETE events.
bool IsRowsEvent(EventType type, RowsEventTraits* traits);

}  // namespace safeddl::binlog
