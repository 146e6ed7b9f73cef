// What the JSON and SQL renderers need to know about a column's character set: which family its
// collation id belongs to (binary, latin1, ASCII, UTF-8 or anything else) and how MariaDB's latin1
// bytes map to Unicode. Pure functions and constant tables: thread-safe.
#pragma once

#include <cstdint>

namespace safeddl::binlog {

enum class Charset { kUtf8, kLatin1, kAscii, kBinary, kOther };

// The family of collation id `collation` (NO PAD collations included).
Charset CharsetOf(uint32_t collation);

// The Unicode code point of latin1 byte `b`. MariaDB's latin1 is Windows-1252; the five bytes
// 1252 leaves undefined map to C1 controls.
uint32_t Latin1CodePoint(uint8_t b);

}  // namespace safeddl::binlog
