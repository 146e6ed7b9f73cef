#include "binlog/compression.h"

#include <fmt/format.h>
#include <zlib.h>

namespace safeddl::binlog {

namespace {

constexpr uint8_t kLenLenMask = 0x07;
constexpr uint8_t kAlgorithmMask = 0x70;
constexpr int kAlgorithmShift = 4;
constexpr uint8_t kAlgorithmZlib = 0;
constexpr size_t kMaxLenLen = 4;
// zlib cannot expand data by more than about 1032:1; anything claiming more is corrupt and
// must not make us allocate.
constexpr uint64_t kMaxExpansion = 1032;
constexpr uint64_t kMaxInflated = uint64_t{1} << 30;

}  // namespace

Result<std::string> DecompressMariaDbPayload(ByteReader& r) {
  const uint64_t start = r.offset();
  SAFEDDL_ASSIGN_OR_RETURN(uint8_t header, r.ReadU8());
  const size_t lenlen = header & kLenLenMask;
  const uint8_t algorithm = (header & kAlgorithmMask) >> kAlgorithmShift;
  if (lenlen == 0 || lenlen > kMaxLenLen || algorithm != kAlgorithmZlib) {
    return CorruptionError(
        fmt::format("bad compressed-payload header 0x{:02x} at offset {}", header, start));
  }
  SAFEDDL_ASSIGN_OR_RETURN(uint64_t want, r.ReadUintBe(lenlen));
  const uint64_t data_offset = r.offset();
  std::string_view compressed = r.ReadRest();
  if (want > kMaxInflated || want > (compressed.size() + 16) * kMaxExpansion) {
    return CorruptionError(
        fmt::format("compressed payload at offset {} claims {} bytes from {} compressed bytes",
                    start, want, compressed.size()));
  }
  std::string out(want, '\0');
  uLongf out_len = static_cast<uLongf>(want);
  uLong in_len = static_cast<uLong>(compressed.size());
  // uncompress2 needs a non-null destination even for an empty result.
  Bytef dummy = 0;
  Bytef* dest = want == 0 ? &dummy : reinterpret_cast<Bytef*>(out.data());
  if (want == 0) out_len = 1;
  const int rc =
      uncompress2(dest, &out_len, reinterpret_cast<const Bytef*>(compressed.data()), &in_len);
  if (rc != Z_OK || (want != 0 && out_len != want) || (want == 0 && out_len != 0)) {
    return CorruptionError(fmt::format(
        "compressed payload at offset {} does not inflate to the announced {} bytes (zlib {})",
        data_offset, want, rc));
  }
  return out;
}

}  // namespace safeddl::binlog
