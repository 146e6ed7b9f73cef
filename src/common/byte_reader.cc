#include "common/byte_reader.h"

#include <fmt/format.h>

namespace safeddl {

namespace {

constexpr size_t kMaxIntBytes = 8;
constexpr uint8_t kPackedMax1Byte = 0xfa;
constexpr uint8_t kPackedNullMarker = 0xfb;
constexpr uint8_t kPacked2Bytes = 0xfc;
constexpr uint8_t kPacked3Bytes = 0xfd;
constexpr uint8_t kPacked8Bytes = 0xfe;

}  // namespace

Status ByteReader::TruncatedError(uint64_t need) const {
  return CorruptionError(
      fmt::format("truncated at offset {}: need {} bytes, {} left", offset(), need, remaining()));
}

Result<uint64_t> ByteReader::ReadUintLe(size_t n) {
  if (n == 0 || n > kMaxIntBytes) {
    return InvalidArgumentError(fmt::format("integer width {} not in 1..8", n));
  }
  SAFEDDL_RETURN_IF_ERROR(Require(n));
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    v |= static_cast<uint64_t>(static_cast<uint8_t>(data_[pos_ + i])) << (8 * i);
  }
  pos_ += n;
  return v;
}

Result<uint64_t> ByteReader::ReadUintBe(size_t n) {
  if (n == 0 || n > kMaxIntBytes) {
    return InvalidArgumentError(fmt::format("integer width {} not in 1..8", n));
  }
  SAFEDDL_RETURN_IF_ERROR(Require(n));
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    v = (v << 8) | static_cast<uint8_t>(data_[pos_ + i]);
  }
  pos_ += n;
  return v;
}

Result<int64_t> ByteReader::ReadIntLe(size_t n) {
  SAFEDDL_ASSIGN_OR_RETURN(uint64_t u, ReadUintLe(n));
  if (n < kMaxIntBytes) {
    const uint64_t sign_bit = uint64_t{1} << (8 * n - 1);
    if (u & sign_bit) u |= ~((sign_bit << 1) - 1);
  }
  return static_cast<int64_t>(u);
}

Result<uint8_t> ByteReader::ReadU8() {
  SAFEDDL_RETURN_IF_ERROR(Require(1));
  return static_cast<uint8_t>(data_[pos_++]);
}

Result<uint16_t> ByteReader::ReadU16() {
  SAFEDDL_ASSIGN_OR_RETURN(uint64_t v, ReadUintLe(2));
  return static_cast<uint16_t>(v);
}

Result<uint32_t> ByteReader::ReadU24() {
  SAFEDDL_ASSIGN_OR_RETURN(uint64_t v, ReadUintLe(3));
  return static_cast<uint32_t>(v);
}

Result<uint32_t> ByteReader::ReadU32() {
  SAFEDDL_ASSIGN_OR_RETURN(uint64_t v, ReadUintLe(4));
  return static_cast<uint32_t>(v);
}

Result<uint64_t> ByteReader::ReadU48() { return ReadUintLe(6); }

Result<uint64_t> ByteReader::ReadU64() { return ReadUintLe(8); }

Result<uint64_t> ByteReader::ReadPackedInt() {
  const uint64_t start = offset();
  SAFEDDL_RETURN_IF_ERROR(Require(1));
  const uint8_t first = static_cast<uint8_t>(data_[pos_]);
  if (first <= kPackedMax1Byte) {
    ++pos_;
    return first;
  }
  size_t width = 0;
  switch (first) {
    case kPacked2Bytes:
      width = 2;
      break;
    case kPacked3Bytes:
      width = 3;
      break;
    case kPacked8Bytes:
      width = 8;
      break;
    case kPackedNullMarker:
    default:
      return CorruptionError(
          fmt::format("invalid packed integer prefix 0x{:02x} at offset {}", first, start));
  }
  SAFEDDL_RETURN_IF_ERROR(Require(1 + width));
  ++pos_;
  return ReadUintLe(width);
}

Result<std::string_view> ByteReader::ReadBytes(uint64_t n) {
  SAFEDDL_RETURN_IF_ERROR(Require(n));
  std::string_view out = data_.substr(pos_, n);
  pos_ += n;
  return out;
}

Result<std::string_view> ByteReader::ReadPackedString() {
  ByteReader probe = *this;
  SAFEDDL_ASSIGN_OR_RETURN(uint64_t len, probe.ReadPackedInt());
  SAFEDDL_ASSIGN_OR_RETURN(std::string_view out, probe.ReadBytes(len));
  *this = probe;
  return out;
}

Result<std::string_view> ByteReader::ReadLengthPrefixed(size_t len_bytes) {
  ByteReader probe = *this;
  SAFEDDL_ASSIGN_OR_RETURN(uint64_t len, probe.ReadUintLe(len_bytes));
  SAFEDDL_ASSIGN_OR_RETURN(std::string_view out, probe.ReadBytes(len));
  *this = probe;
  return out;
}

Result<std::string_view> ByteReader::ReadNulTerminated() {
  const size_t nul = data_.find('\0', pos_);
  if (nul == std::string_view::npos) {
    return CorruptionError(fmt::format(
        "unterminated string at offset {}: no NUL in the {} bytes left", offset(), remaining()));
  }
  std::string_view out = data_.substr(pos_, nul - pos_);
  pos_ = nul + 1;
  return out;
}

std::string_view ByteReader::ReadRest() {
  std::string_view out = data_.substr(pos_);
  pos_ = data_.size();
  return out;
}

Status ByteReader::Skip(uint64_t n) {
  SAFEDDL_RETURN_IF_ERROR(Require(n));
  pos_ += n;
  return Status::OK();
}

}  // namespace safeddl
