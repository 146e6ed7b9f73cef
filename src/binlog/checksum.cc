#include "binlog/checksum.h"

#include <fmt/format.h>
#include <zlib.h>

#include "common/byte_reader.h"

namespace safeddl::binlog {

namespace {

// Header fields the FORMAT_DESCRIPTION checksum exception needs (see VerifyEventCrc32).
constexpr size_t kTypeOffset = 4;
constexpr size_t kFlagsOffset = 17;
constexpr size_t kHeaderLength = 19;
constexpr uint8_t kFormatDescriptionType = 15;
constexpr uint8_t kBinlogInUseFlag = 0x01;

uLong Crc32Update(uLong crc, std::string_view bytes) {
  // zlib takes uInt lengths; feed large buffers in pieces.
  constexpr size_t kChunk = 1u << 30;
  while (!bytes.empty()) {
    const size_t n = bytes.size() < kChunk ? bytes.size() : kChunk;
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(n));
    bytes.remove_prefix(n);
  }
  return crc;
}

}  // namespace

uint32_t Crc32(std::string_view bytes) {
  return static_cast<uint32_t>(Crc32Update(crc32(0L, Z_NULL, 0), bytes));
}

Status VerifyEventCrc32(std::string_view event, uint64_t offset) {
  if (event.size() < kChecksumLength) {
    return ByteReader(event, offset).TruncatedError(kChecksumLength);
  }
  const size_t body_len = event.size() - kChecksumLength;
  ByteReader r(event.substr(body_len), offset + body_len);
  SAFEDDL_ASSIGN_OR_RETURN(uint32_t stored, r.ReadU32());
  std::string_view covered = event.substr(0, body_len);
  uint32_t computed = 0;
  // The server sets and clears LOG_EVENT_BINLOG_IN_USE_F in the FORMAT_DESCRIPTION of the file
  // it is writing without re-computing the checksum, which covers the flags as they were with
  // the bit clear (the server's own reader masks it the same way).
  if (covered.size() >= kHeaderLength &&
      static_cast<uint8_t>(covered[kTypeOffset]) == kFormatDescriptionType &&
      (static_cast<uint8_t>(covered[kFlagsOffset]) & kBinlogInUseFlag) != 0) {
    const char cleared = static_cast<char>(covered[kFlagsOffset] & ~kBinlogInUseFlag);
    uLong crc = Crc32Update(crc32(0L, Z_NULL, 0), covered.substr(0, kFlagsOffset));
    crc = Crc32Update(crc, std::string_view(&cleared, 1));
    computed = static_cast<uint32_t>(Crc32Update(crc, covered.substr(kFlagsOffset + 1)));
  } else {
    computed = Crc32(covered);
  }
  if (stored != computed) {
    return CorruptionError(
        fmt::format("event at offset {}: CRC32 mismatch (stored 0x{:08x}, computed 0x{:08x})",
                    offset, stored, computed));
  }
  return Status::OK();
}

}  // namespace safeddl::binlog
