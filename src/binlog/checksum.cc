#include "binlog/checksum.h"

#include <fmt/format.h>
#include <zlib.h>

#include "common/byte_reader.h"

namespace safeddl::binlog {

uint32_t Crc32(std::string_view bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes uInt lengths; feed large buffers in pieces.
  constexpr size_t kChunk = 1u << 30;
  while (!bytes.empty()) {
    const size_t n = bytes.size() < kChunk ? bytes.size() : kChunk;
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(n));
    bytes.remove_prefix(n);
  }
  return static_cast<uint32_t>(crc);
}

Status VerifyEventCrc32(std::string_view event, uint64_t offset) {
  if (event.size() < kChecksumLength) {
    return ByteReader(event, offset).TruncatedError(kChecksumLength);
  }
  const size_t body_len = event.size() - kChecksumLength;
  ByteReader r(event.substr(body_len), offset + body_len);
  SAFEDDL_ASSIGN_OR_RETURN(uint32_t stored, r.ReadU32());
  const uint32_t computed = Crc32(event.substr(0, body_len));
  if (stored != computed) {
    return CorruptionError(
        fmt::format("event at offset {}: CRC32 mismatch (stored 0x{:08x}, computed 0x{:08x})",
                    offset, stored, computed));
  }
  return Status::OK();
}

}  // namespace safeddl::binlog
