#include "binlog/decimal.h"

#include <fmt/format.h>

namespace safeddl::binlog {

namespace {

constexpr int kDigitsPerWord = 9;
constexpr size_t kWordBytes = 4;
// Bytes needed for a partial group of 0..8 digits.
constexpr size_t kDigitBytes[kDigitsPerWord + 1] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
constexpr uint32_t kPow10[kDigitsPerWord + 1] = {1,      10,      100,      1000,      10000,
                                                 100000, 1000000, 10000000, 100000000, 1000000000};
constexpr uint8_t kSignBit = 0x80;

size_t GroupBytes(int digits) {
  return static_cast<size_t>(digits / kDigitsPerWord) * kWordBytes +
         kDigitBytes[digits % kDigitsPerWord];
}

}  // namespace

size_t DecimalBinarySize(int precision, int scale) {
  return GroupBytes(precision - scale) + GroupBytes(scale);
}

Result<std::string> DecodeDecimal(ByteReader& r, int precision, int scale) {
  const uint64_t start = r.offset();
  const size_t size = DecimalBinarySize(precision, scale);
  SAFEDDL_ASSIGN_OR_RETURN(std::string_view raw, r.ReadBytes(size));
  if (size == 0) return std::string("0");
  std::string bytes(raw);
  const bool negative = (static_cast<uint8_t>(bytes[0]) & kSignBit) == 0;
  bytes[0] = static_cast<char>(static_cast<uint8_t>(bytes[0]) ^ kSignBit);
  const uint8_t mask = negative ? 0xff : 0x00;

  ByteReader groups(bytes, start);
  // Reads a group of `digits` decimal digits stored in `n` bytes, as zero-padded text.
  auto read_group = [&](int digits) -> Result<std::string> {
    const size_t n = digits == kDigitsPerWord ? kWordBytes : kDigitBytes[digits];
    const uint64_t at = groups.offset();
    SAFEDDL_ASSIGN_OR_RETURN(uint64_t v, groups.ReadUintBe(n));
    uint64_t flipped = 0;
    for (size_t i = 0; i < n; ++i) {
      flipped = (flipped << 8) | (((v >> (8 * (n - 1 - i))) & 0xff) ^ mask);
    }
    if (flipped >= kPow10[digits]) {
      return CorruptionError(
          fmt::format("DECIMAL({},{}) at offset {}: group value {} has more than {} digits",
                      precision, scale, at, flipped, digits));
    }
    return fmt::format("{:0{}d}", flipped, digits);
  };

  const int intg = precision - scale;
  std::string int_part;
  if (intg % kDigitsPerWord != 0) {
    SAFEDDL_ASSIGN_OR_RETURN(std::string g, read_group(intg % kDigitsPerWord));
    int_part += g;
  }
  for (int i = 0; i < intg / kDigitsPerWord; ++i) {
    SAFEDDL_ASSIGN_OR_RETURN(std::string g, read_group(kDigitsPerWord));
    int_part += g;
  }
  std::string frac_part;
  for (int i = 0; i < scale / kDigitsPerWord; ++i) {
    SAFEDDL_ASSIGN_OR_RETURN(std::string g, read_group(kDigitsPerWord));
    frac_part += g;
  }
  if (scale % kDigitsPerWord != 0) {
    SAFEDDL_ASSIGN_OR_RETURN(std::string g, read_group(scale % kDigitsPerWord));
    frac_part += g;
  }
  const size_t first_nonzero = int_part.find_first_not_of('0');
  int_part = first_nonzero == std::string::npos ? "0" : int_part.substr(first_nonzero);
  const bool is_zero = int_part == "0" && frac_part.find_first_not_of('0') == std::string::npos;
  std::string out = (negative && !is_zero) ? "-" : "";
  out += int_part;
  if (scale > 0) out += "." + frac_part;
  return out;
}

}  // namespace safeddl::binlog
