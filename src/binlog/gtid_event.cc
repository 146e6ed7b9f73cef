#include "binlog/gtid_event.h"

#include <fmt/format.h>

#include <charconv>

#include "common/strings.h"

namespace safeddl::binlog {
namespace {

template <typename T>
bool ParseNumber(std::string_view s, T& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

}  // namespace

namespace {
constexpr uint32_t kGtidListCountMask = 0x0fffffff;
constexpr int kGtidListFlagsShift = 28;
constexpr size_t kGtidListEntryLength = 4 + 4 + 8;
}  // namespace

std::string Gtid::ToString() const { return fmt::format("{}-{}-{}", domain_id, server_id, seq_no); }

Result<Gtid> ParseGtid(std::string_view text) {
  const std::vector<std::string> parts = SplitString(text, '-');
  Gtid gtid;
  if (parts.size() != 3 || !ParseNumber(parts[0], gtid.domain_id) ||
      !ParseNumber(parts[1], gtid.server_id) || !ParseNumber(parts[2], gtid.seq_no)) {
    return InvalidArgumentError(
        fmt::format("'{}' is not a MariaDB GTID (domain-server-sequence, e.g. 0-1-42)", text));
  }
  return gtid;
}

std::optional<uint64_t> SequenceInDomain(std::string_view list, uint32_t domain) {
  for (const std::string& entry : SplitString(list, ',')) {
    Result<Gtid> g = ParseGtid(TrimWhitespace(entry));
    if (g.ok() && g->domain_id == domain) return g->seq_no;
  }
  return std::nullopt;
}

bool GtidPositionCovers(std::string_view current, std::string_view wanted) {
  for (const std::string& entry : SplitString(wanted, ',')) {
    if (TrimWhitespace(entry).empty()) continue;
    Result<Gtid> w = ParseGtid(TrimWhitespace(entry));
    if (!w.ok()) return false;
    const std::optional<uint64_t> have = SequenceInDomain(current, w->domain_id);
    if (!have || *have < w->seq_no) return false;
  }
  return true;
}

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
