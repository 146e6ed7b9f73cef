// MariaDB GTIDs and the two events that carry them: GTID_EVENT (162), which opens every event
// group, and GTID_LIST_EVENT (163), the binlog state at the start of each file.
// Plain value types and pure functions: thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/byte_reader.h"
#include "common/result.h"

namespace safeddl::binlog {

// A MariaDB GTID: domain-server-sequence.
struct Gtid {
  uint32_t domain_id = 0;
  uint32_t server_id = 0;
  uint64_t seq_no = 0;

  std::string ToString() const;  // "0-1-42"
  friend bool operator==(const Gtid&, const Gtid&) = default;
};

// Parses one GTID "domain-server-seq" as users and the server write it. InvalidArgument for
// anything else.
Result<Gtid> ParseGtid(std::string_view text);

// The sequence number the GTID position `list` ("0-1-99,1-2-7") holds for `domain`; nullopt when
// it names none.
std::optional<uint64_t> SequenceInDomain(std::string_view list, uint32_t domain);

// True when the GTID position `current` has reached `wanted` in every domain `wanted` names.
bool GtidPositionCovers(std::string_view current, std::string_view wanted);

// GTID_EVENT flags (flags2 byte).
inline constexpr uint8_t kGtidFlagStandalone = 0x01;  // no terminating COMMIT/XID (DDL)
inline constexpr uint8_t kGtidFlagGroupCommitId = 0x02;
inline constexpr uint8_t kGtidFlagTransactional = 0x04;
inline constexpr uint8_t kGtidFlagAllowParallel = 0x08;
inline constexpr uint8_t kGtidFlagWaited = 0x10;
inline constexpr uint8_t kGtidFlagDdl = 0x20;
inline constexpr uint8_t kGtidFlagPreparedXa = 0x40;
inline constexpr uint8_t kGtidFlagCompletedXa = 0x80;

struct GtidEvent {
  Gtid gtid;  // server_id comes from the event header
  uint8_t flags = 0;
  uint64_t commit_id = 0;  // only with kGtidFlagGroupCommitId
  // XA transactions (kGtidFlagPreparedXa / kGtidFlagCompletedXa).
  uint32_t xa_format_id = 0;
  std::string xa_gtrid;
  std::string xa_bqual;

  bool standalone() const { return (flags & kGtidFlagStandalone) != 0; }
};

// `server_id` is the event header's server id. Trailing fields of newer servers (extra flags,
// thread id) are ignored.
Result<GtidEvent> ParseGtidEvent(ByteReader body, uint32_t server_id);

struct GtidListEvent {
  uint8_t flags = 0;  // the top 4 bits of the count word
  std::vector<Gtid> gtids;
};
Result<GtidListEvent> ParseGtidListEvent(ByteReader body);

}  // namespace safeddl::binlog
