#include "binlog/charset.h"

#include "binlog/column_type.h"

namespace safeddl::binlog {

namespace {

// MariaDB NO PAD collations are their PAD SPACE sibling's id + 1024.
constexpr uint32_t kNoPadOffset = 1024;
constexpr uint32_t kNoPadEnd = 2048;

// Windows-1252 for 0x80..0x9f.
constexpr uint16_t kCp1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

}  // namespace

Charset CharsetOf(uint32_t collation) {
  if (collation >= kNoPadOffset && collation < kNoPadEnd) collation -= kNoPadOffset;
  if (collation == kBinaryCollation) return Charset::kBinary;
  switch (collation) {
    case 5:
    case 8:
    case 15:
    case 31:
    case 47:
    case 48:
    case 49:
    case 94:
      return Charset::kLatin1;
    case 11:
    case 65:
      return Charset::kAscii;
    case 33:
    case 45:
    case 46:
    case 76:
    case 83:
    case 255:
      return Charset::kUtf8;
    default:
      break;
  }
  if ((collation >= 192 && collation <= 247) || (collation >= 255 && collation <= 323)) {
    return Charset::kUtf8;  // utf8mb3_* / utf8mb4_* UCA collations
  }
  return Charset::kOther;
}

uint32_t Latin1CodePoint(uint8_t b) {
  if (b >= 0x80 && b < 0xA0) return kCp1252High[b - 0x80];
  return b;
}

}  // namespace safeddl::binlog
