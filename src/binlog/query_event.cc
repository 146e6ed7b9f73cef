#include "binlog/query_event.h"

#include <fmt/format.h>

#include "binlog/compression.h"
#include "common/strings.h"

namespace safeddl::binlog {

bool QueryEvent::IsBegin() const { return EqualsIgnoreCase(TrimWhitespace(query), "BEGIN"); }
bool QueryEvent::IsCommit() const { return EqualsIgnoreCase(TrimWhitespace(query), "COMMIT"); }
bool QueryEvent::IsRollback() const { return EqualsIgnoreCase(TrimWhitespace(query), "ROLLBACK"); }

Result<QueryEvent> ParseQueryEvent(ByteReader body, uint8_t post_header_len, bool compressed) {
  if (post_header_len < kQueryPostHeaderLength) {
    return CorruptionError(fmt::format("query event at offset {}: post-header length {} < {}",
                                       body.offset(), post_header_len, kQueryPostHeaderLength));
  }
  QueryEvent ev;
  SAFEDDL_ASSIGN_OR_RETURN(ev.thread_id, body.ReadU32());
  SAFEDDL_ASSIGN_OR_RETURN(ev.exec_time, body.ReadU32());
  SAFEDDL_ASSIGN_OR_RETURN(uint8_t db_len, body.ReadU8());
  SAFEDDL_ASSIGN_OR_RETURN(ev.error_code, body.ReadU16());
  SAFEDDL_ASSIGN_OR_RETURN(uint16_t status_len, body.ReadU16());
  SAFEDDL_RETURN_IF_ERROR(body.Skip(post_header_len - kQueryPostHeaderLength));
  SAFEDDL_RETURN_IF_ERROR(body.Skip(status_len));
  SAFEDDL_ASSIGN_OR_RETURN(std::string_view db, body.ReadBytes(db_len));
  ev.database = std::string(db);
  const uint64_t nul_offset = body.offset();
  SAFEDDL_ASSIGN_OR_RETURN(uint8_t nul, body.ReadU8());
  if (nul != 0) {
    return CorruptionError(
        fmt::format("query event: expected NUL after database name at offset {}", nul_offset));
  }
  if (compressed) {
    SAFEDDL_ASSIGN_OR_RETURN(ev.query, DecompressMariaDbPayload(body));
  } else {
    ev.query = std::string(body.ReadRest());
  }
  return ev;
}

}  // namespace safeddl::binlog
