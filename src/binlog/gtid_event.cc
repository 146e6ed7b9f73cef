#include "binlog/gtid_event.h"

#include <fmt/format.h>

namespace safeddl::binlog {

namespace {
constexpr uint32_t kGtidListCountMask = 0x0fffffff;
constexpr int kGtidListFlagsShift = 28;
constexpr size_t kGtidListEntryLength = 4 + 4 + 8;
}  // namespace

std::string Gtid::ToString() const { return fmt::format("{}-{}-{}", domain_id, server_id, seq_no); }

Result<GtidEvent> ParseGtidEvent(ByteReader body, uint32_t server_id) {
  GtidEvent ev;
  ev.gtid.server_id = server_id;
  SAFEDDL_ASSIGN_OR_RETURN(ev.gtid.seq_no, body.ReadU64());
  SAFEDDL_ASSIGN_OR_RETURN(ev.gtid.domain_id, body.ReadU32());
  SAFEDDL_ASSIGN_OR_RETURN(ev.flags, body.ReadU8());
  if (ev.flags & kGtidFlagGroupCommitId) {
    SAFEDDL_ASSIGN_OR_RETURN(ev.commit_id, body.ReadU64());
  } else if (ev.flags & (kGtidFlagPreparedXa | kGtidFlagCompletedXa)) {
    SAFEDDL_ASSIGN_OR_RETURN(ev.xa_format_id, body.ReadU32());
    SAFEDDL_ASSIGN_OR_RETURN(uint8_t gtrid_len, body.ReadU8());
    SAFEDDL_ASSIGN_OR_RETURN(uint8_t bqual_len, body.ReadU8());
    SAFEDDL_ASSIGN_OR_RETURN(std::string_view gtrid, body.ReadBytes(gtrid_len));
    SAFEDDL_ASSIGN_OR_RETURN(std::string_view bqual, body.ReadBytes(bqual_len));
    ev.xa_gtrid = std::string(gtrid);
    ev.xa_bqual = std::string(bqual);
  }
  return ev;
}

Result<GtidListEvent> ParseGtidListEvent(ByteReader body) {
  GtidListEvent ev;
  SAFEDDL_ASSIGN_OR_RETURN(uint32_t word, body.ReadU32());
  const uint32_t count = word & kGtidListCountMask;
  ev.flags = static_cast<uint8_t>(word >> kGtidListFlagsShift);
  // Check the whole list fits before reserving memory for it.
  if (static_cast<uint64_t>(count) * kGtidListEntryLength > body.remaining()) {
    return body.TruncatedError(static_cast<uint64_t>(count) * kGtidListEntryLength);
  }
  ev.gtids.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    Gtid g;
    SAFEDDL_ASSIGN_OR_RETURN(g.domain_id, body.ReadU32());
    SAFEDDL_ASSIGN_OR_RETURN(g.server_id, body.ReadU32());
    SAFEDDL_ASSIGN_OR_RETURN(g.seq_no, body.ReadU64());
    ev.gtids.push_back(g);
  }
  return ev;
}

}  // namespace safeddl::binlog
