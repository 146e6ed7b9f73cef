// Test-only helpers to build binlog bytes by hand: little/big-endian writers, packed integers,
// and whole events with a correct header and (optionally) CRC32. Not part of the library.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "binlog/checksum.h"
#include "binlog/event_header.h"
#include "binlog/event_type.h"

namespace safeddl::binlog::testing {

inline std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

// The bytes of hex digits ("e1ff" -> "\xe1\xff").
inline std::string Unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

inline void PutLe(std::string& out, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

inline void PutBe(std::string& out, uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

inline void PutPacked(std::string& out, uint64_t v) {
  if (v < 0xfb) {
    out.push_back(static_cast<char>(v));
  } else if (v < (1u << 16)) {
    out.push_back(static_cast<char>(0xfc));
    PutLe(out, v, 2);
  } else if (v < (1u << 24)) {
    out.push_back(static_cast<char>(0xfd));
    PutLe(out, v, 3);
  } else {
    out.push_back(static_cast<char>(0xfe));
    PutLe(out, v, 8);
  }
}

inline void PutPackedString(std::string& out, std::string_view s) {
  PutPacked(out, s.size());
  out += s;
}

struct EventOptions {
  uint32_t timestamp = 1700000000;
  uint32_t server_id = 1;
  uint32_t log_pos = 0;  // 0 = offset + size
  uint16_t flags = 0;
  bool crc = false;
};

// A complete event of `type` with `body`, positioned at `offset`.
inline std::string MakeEvent(EventType type, std::string_view body, uint64_t offset = 4,
                             EventOptions opt = {}) {
  const uint32_t size =
      static_cast<uint32_t>(kEventHeaderLength + body.size() + (opt.crc ? kChecksumLength : 0));
  std::string out;
  PutLe(out, opt.timestamp, 4);
  out.push_back(static_cast<char>(type));
  PutLe(out, opt.server_id, 4);
  PutLe(out, size, 4);
  PutLe(out, opt.log_pos != 0 ? opt.log_pos : offset + size, 4);
  PutLe(out, opt.flags, 2);
  out += body;
  if (opt.crc) PutLe(out, Crc32(out), 4);
  return out;
}

// A MariaDB 10.11 FORMAT_DESCRIPTION event announcing `crc` (CRC32) or no checksum.
inline std::string MakeFormatDescription(bool crc, uint64_t offset = 4) {
  std::string body;
  PutLe(body, 4, 2);
  std::string version = "10.11.6-MariaDB-log";
  version.resize(50, '\0');
  body += version;
  PutLe(body, 0, 4);
  body.push_back(static_cast<char>(kEventHeaderLength));
  // Post-header lengths for types 1..171 (values of a real 10.11 server for the ones we use).
  std::string phl(171, '\0');
  phl[static_cast<int>(EventType::kQuery) - 1] = 13;
  phl[static_cast<int>(EventType::kRotate) - 1] = 8;
  phl[static_cast<int>(EventType::kFormatDescription) - 1] = 84;
  phl[static_cast<int>(EventType::kTableMap) - 1] = 8;
  for (int t = 23; t <= 25; ++t) phl[t - 1] = 8;
  for (int t = 30; t <= 32; ++t) phl[t - 1] = 10;
  phl[static_cast<int>(EventType::kGtid) - 1] = 19;
  phl[static_cast<int>(EventType::kGtidList) - 1] = 4;
  phl[static_cast<int>(EventType::kBinlogCheckpoint) - 1] = 4;
  phl[static_cast<int>(EventType::kQueryCompressed) - 1] = 13;
  for (int t = 166; t <= 168; ++t) phl[t - 1] = 8;
  for (int t = 169; t <= 171; ++t) phl[t - 1] = 10;
  body += phl;
  body.push_back(static_cast<char>(crc ? ChecksumAlgorithm::kCrc32 : ChecksumAlgorithm::kOff));
  // The FORMAT_DESCRIPTION of a checksum-aware server always ends with 4 checksum bytes.
  std::string ev = MakeEvent(EventType::kFormatDescription, body, offset, {.crc = false});
  // Patch the size for the checksum and append it.
  const uint32_t size = static_cast<uint32_t>(ev.size() + kChecksumLength);
  std::string sz;
  PutLe(sz, size, 4);
  ev.replace(kEventSizeOffset, 4, sz);
  std::string pos;
  PutLe(pos, offset + size, 4);
  ev.replace(kEventSizeOffset + 4, 4, pos);
  PutLe(ev, crc ? Crc32(ev) : 0, 4);
  return ev;
}

}  // namespace safeddl::binlog::testing
