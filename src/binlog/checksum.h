// Binlog event checksums: the algorithm announced by the FORMAT_DESCRIPTION event and CRC32
// verification of a whole event (zlib's crc32 over header + body, stored little-endian in the
// event's last 4 bytes). Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/status.h"

namespace safeddl::binlog {

enum class ChecksumAlgorithm : uint8_t {
  kOff = 0,
  kCrc32 = 1,
  kUndefined = 255,  // pre-checksum servers
};

inline constexpr size_t kChecksumLength = 4;

uint32_t Crc32(std::string_view bytes);

// Verifies the trailing CRC32 of `event` (a complete event, checksum included). `offset` is the
// event's absolute position, named in the Corruption message on mismatch or truncation.
Status VerifyEventCrc32(std::string_view event, uint64_t offset);

}  // namespace safeddl::binlog
